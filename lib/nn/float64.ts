import type { Activation, MlpJson } from './mlp.js';

/** SELU constants as in tfjs-core (Klambauer et al. 2017). */
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;

/** Writes act(a) into h and act'(a) into d, element-wise over the first m entries. */
function activate(kind: Activation, a: Float64Array, h: Float64Array, d: Float64Array, m: number): void {
  for (let j = 0; j < m; j++) {
    const z = a[j];
    switch (kind) {
      case 'linear': h[j] = z; d[j] = 1; break;
      case 'tanh': { const t = Math.tanh(z); h[j] = t; d[j] = 1 - t * t; break; }
      case 'sigmoid': { const s = 1 / (1 + Math.exp(-z)); h[j] = s; d[j] = s * (1 - s); break; }
      case 'selu': if (z > 0) { h[j] = SELU_SCALE * z; d[j] = SELU_SCALE; } else { const e = Math.exp(z); h[j] = SELU_SCALE_ALPHA * (e - 1); d[j] = SELU_SCALE_ALPHA * e; } break;
      case 'relu': h[j] = z > 0 ? z : 0; d[j] = z > 0 ? 1 : 0; break;
      case 'elu': if (z > 0) { h[j] = z; d[j] = 1; } else { const e = Math.exp(z); h[j] = e - 1; d[j] = e; } break;
      case 'softplus': h[j] = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)); d[j] = 1 / (1 + Math.exp(-z)); break;
      case 'swish': { const s = 1 / (1 + Math.exp(-z)); h[j] = z * s; d[j] = s + z * s * (1 - s); break; }
      default: throw new RangeError(`MlpFloat64: unknown activation '${String(kind)}'`);
    }
  }
}

/**
 * A float64 plain-JavaScript evaluator of a network snapshot (its float32 weights, read once): values
 * and exact input gradients by hand-written back-propagation, in inference mode (no dropout).
 *
 * Why: tfjs computes in float32, so a network's output is a smooth function only up to ~1e-7 rounding
 * noise, which stalls Newton retractions and line searches on level sets of chi (lib/paths) at tight
 * tolerances; and each tfjs call costs far more than evaluating a small network on a few points, the
 * pattern of path optimisers. This evaluator is smooth to float64 rounding and agrees with
 * Mlp.predict to float32 precision. For large batches use Mlp.predict / inputGrad (tfjs backend).
 */
export class MlpFloat64 {
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly layers: number[];
  private readonly kernels: Float64Array[];
  private readonly biases: Float64Array[];
  private readonly activation: Activation;
  private readonly outputActivation: Activation;
  private readonly shift?: Float64Array;
  private readonly invScale?: Float64Array;
  // per-layer pre-activations' derivatives and activations of one point, reused across calls
  private readonly acts: Float64Array[];
  private readonly derivs: Float64Array[];
  private readonly pre: Float64Array;
  private readonly back: Float64Array;
  private readonly back2: Float64Array;

  constructor(json: MlpJson) {
    const c = json.config;
    this.layers = [...c.layers];
    this.inputDim = c.layers[0];
    this.outputDim = c.layers[c.layers.length - 1];
    this.kernels = json.weights.map((w) => Float64Array.from(w.kernel));
    this.biases = json.weights.map((w) => Float64Array.from(w.bias));
    this.activation = c.activation;
    this.outputActivation = c.outputActivation;
    if (c.normalization) {
      this.shift = Float64Array.from(c.normalization.mean);
      this.invScale = Float64Array.from(c.normalization.std, (s) => 1 / s);
    }
    const wMax = Math.max(...c.layers);
    this.acts = c.layers.map((w) => new Float64Array(w));
    this.derivs = c.layers.map((w) => new Float64Array(w));
    this.pre = new Float64Array(wMax);
    this.back = new Float64Array(wMax);
    this.back2 = new Float64Array(wMax);
  }

  /**
   * Outputs for n points x [n][inputDim] (Float64Array [n][outputDim]); when `grad` is given, the
   * gradient of output `output` (default 0) with respect to the inputs is written into it, [n][inputDim].
   */
  evaluate(x: ArrayLike<number>, n: number, grad?: Float64Array, output = 0): Float64Array {
    const L = this.layers, nl = L.length - 1, d = this.inputDim, m = this.outputDim;
    if (x.length !== n * d) throw new RangeError(`MlpFloat64.evaluate: inputs have length ${x.length}, expected ${n} points x ${d}`);
    if (grad && grad.length !== n * d) throw new RangeError(`MlpFloat64.evaluate: grad has length ${grad.length}, expected ${n * d}`);
    if (!Number.isInteger(output) || output < 0 || output >= m) throw new RangeError(`MlpFloat64.evaluate: output must be an integer in [0, ${m}), got ${output}`);
    const out = new Float64Array(n * m);
    const { acts, derivs, pre, back, back2 } = this;
    for (let p = 0; p < n; p++) {
      const h0 = acts[0];
      for (let k = 0; k < d; k++) {
        const v = x[p * d + k];
        if (!Number.isFinite(v)) throw new RangeError(`MlpFloat64.evaluate: input point ${p}, coordinate ${k} is ${v} (not finite)`);
        h0[k] = this.shift ? (v - this.shift[k]) * this.invScale![k] : v;
      }
      for (let l = 0; l < nl; l++) {
        const nin = L[l], nout = L[l + 1], W = this.kernels[l], b = this.biases[l], h = acts[l];
        for (let j = 0; j < nout; j++) pre[j] = b[j];
        for (let i = 0; i < nin; i++) {
          const hi = h[i];
          const row = i * nout;
          for (let j = 0; j < nout; j++) pre[j] += hi * W[row + j];
        }
        activate(l + 1 < nl ? this.activation : this.outputActivation, pre, acts[l + 1], derivs[l + 1], nout);
      }
      out.set(acts[nl].subarray(0, m), p * m);
      if (!grad) continue;
      // back-propagate e_output through the layers: g_l = W_l (g_{l+1} * act'_{l+1})
      let g = back, gNext = back2;
      for (let j = 0; j < m; j++) g[j] = j === output ? derivs[nl][j] : 0;
      for (let l = nl - 1; l >= 0; l--) {
        const nin = L[l], nout = L[l + 1], W = this.kernels[l];
        for (let i = 0; i < nin; i++) {
          let s = 0;
          const row = i * nout;
          for (let j = 0; j < nout; j++) s += W[row + j] * g[j];
          gNext[i] = l > 0 ? s * derivs[l][i] : s;
        }
        const t = g; g = gNext; gNext = t;
      }
      for (let k = 0; k < d; k++) grad[p * d + k] = this.invScale ? g[k] * this.invScale[k] : g[k];
    }
    return out;
  }
}
