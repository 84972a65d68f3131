import type * as TF from '@tensorflow/tfjs';
import { Mlp, MlpFloat64, Trainer, tf, nextSeed, readJson, requireBackend, writeJson, checkInputs, type Activation, type MlpJson } from '../nn/index.js';
import { Rng } from '../dynamics/rng.js';
import { laggedPairs, splitTrajectories } from './pairs.js';
import { fitWithEarlyStopping } from './early-stopping.js';

/**
 * Mixture density network propagator (Bishop 1994; LSS paper Sec. 2.2, Eq. 5): the transition density of
 * the latent coordinates over one lag,
 *   p_tau(psi_{t+tau} | psi_t) = sum_{c=1..C} alpha_c(psi_t) N(psi_{t+tau}; mu_c(psi_t), diag sigma_c(psi_t)^2),
 * with one network psi_t -> (C logits, C x m means, C x m scales): softmax weights alpha_c (sum to 1),
 * means bounded by a sigmoid to the [0, 1]-scaled range of the training data (as the paper bounds them),
 * scales softplus(.) + sigmaMin. Coordinates are scaled to [0, 1] by the training data's min and max
 * (the paper trains on the [0, 1]-scaled trajectory); the model stores the scaling and works in the
 * caller's units. Trained by the negative log-likelihood L_MDN = -sum ln p_tau with early stopping on
 * held-out frames. Sampling (generate) is plain float64 JavaScript on the network's weights (lib/nn
 * MlpFloat64) with our seeded Rng: same seed, same trajectory.
 */
export interface MdnOptions {
  /** Lag time in frames (one propagator step). */
  lag: number;
  /** Gaussian kernels C; default 8. */
  components?: number;
  /** Hidden layer widths; default [100, 100] (the paper's MDN). */
  hidden?: number[];
  /** Hidden activation; default 'relu' (the paper's MDN). */
  activation?: Activation;
  learningRate?: number;
  /** default 256 */
  batchSize?: number;
  /** Early stopping: at most maxEpochs (default 100) with patience (default 8) on the validation NLL. */
  maxEpochs?: number;
  patience?: number;
  /** Held-out trailing fraction of every trajectory; default 0.2. */
  validationFraction?: number;
  /** Floor of the kernel widths in the [0, 1]-scaled coordinates; default 1e-4. */
  sigmaMin?: number;
  seed?: number;
  onEpoch?: (epoch: number, trainNll: number, validationNll: number) => void;
}

/** Saved form of an MdnPropagator. */
export interface MdnJson {
  format: 'rarelab.mdn';
  version: 1;
  dim: number;
  components: number;
  lag: number;
  sigmaMin: number;
  /** Affine scaling u = (psi - lo) / (hi - lo) per coordinate. */
  lo: number[];
  hi: number[];
  net: MlpJson;
  history?: { train: number[]; validation: number[]; bestEpoch: number };
}

/** Mixture parameters of one batch from raw network outputs [b][C (1 + 2m)], in scaled units. */
function mixtureTensors(raw: TF.Tensor2D, C: number, m: number, sigmaMin: number): { logAlpha: TF.Tensor2D; mu: TF.Tensor3D; sigma: TF.Tensor3D } {
  const b = raw.shape[0];
  const logits = tf.slice(raw, [0, 0], [b, C]);
  const logAlpha = tf.sub(logits, tf.logSumExp(logits, 1, true)) as TF.Tensor2D;
  const mu = tf.reshape(tf.sigmoid(tf.slice(raw, [0, C], [b, C * m])), [b, C, m]) as TF.Tensor3D;
  const sigma = tf.reshape(tf.add(tf.softplus(tf.slice(raw, [0, C + C * m], [b, C * m])), sigmaMin), [b, C, m]) as TF.Tensor3D;
  return { logAlpha, mu, sigma };
}

/** Mean negative log-likelihood of targets y [b][m] (scaled units) under the mixture: the training loss. */
function mixtureNll(raw: TF.Tensor2D, y: TF.Tensor2D, C: number, m: number, sigmaMin: number): TF.Scalar {
  const { logAlpha, mu, sigma } = mixtureTensors(raw, C, m, sigmaMin);
  const z = tf.div(tf.sub(tf.expandDims(y, 1), mu), sigma);
  const logN = tf.sum(tf.sub(tf.mul(tf.square(z), -0.5), tf.add(tf.log(sigma), 0.5 * Math.log(2 * Math.PI))), 2);
  return tf.neg(tf.mean(tf.logSumExp(tf.add(logAlpha, logN), 1))) as TF.Scalar;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const softplus = (v: number) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));

/** The trained propagator; immutable. Coordinates in the caller's units throughout. */
export class MdnPropagator {
  readonly dim: number;
  readonly components: number;
  private f64?: MlpFloat64;
  private readonly range: Float64Array;

  constructor(private readonly net: Mlp, readonly lag: number, readonly sigmaMin: number, readonly lo: Float64Array, readonly hi: Float64Array, readonly history?: MdnJson['history']) {
    this.dim = lo.length;
    const m = this.dim;
    if (net.inputDim !== m || hi.length !== m) throw new RangeError(`MdnPropagator: network input ${net.inputDim}, lo ${lo.length}, hi ${hi.length} must all equal the latent dimension`);
    if ((net.outputDim % (1 + 2 * m)) !== 0) throw new RangeError(`MdnPropagator: ${net.outputDim} network outputs are not C (1 + 2 x ${m})`);
    this.components = net.outputDim / (1 + 2 * m);
    this.range = Float64Array.from(lo, (l, k) => hi[k] - l);
    if (this.range.some((r) => !(r > 0))) throw new RangeError('MdnPropagator: every coordinate needs hi > lo');
  }

  /**
   * Mixture parameters at n points psi_t [n][m], in the caller's units: weights alpha [n][C], means
   * mu [n][C][m] and standard deviations sigma [n][C][m].
   */
  mixture(psi: ArrayLike<number>, n: number): { alpha: Float64Array; mu: Float64Array; sigma: Float64Array } {
    const m = this.dim, C = this.components;
    checkInputs('MdnPropagator.mixture', psi, n, m);
    const raw = this.evaluate(this.scale(psi, n), n);
    return this.unpack(raw, n);
  }

  private unpack(raw: Float64Array, n: number): { alpha: Float64Array; mu: Float64Array; sigma: Float64Array } {
    const m = this.dim, C = this.components, w = C * (1 + 2 * m);
    const alpha = new Float64Array(n * C), mu = new Float64Array(n * C * m), sigma = new Float64Array(n * C * m);
    for (let p = 0; p < n; p++) {
      const r = p * w;
      let mx = -Infinity;
      for (let c = 0; c < C; c++) mx = Math.max(mx, raw[r + c]);
      let s = 0;
      for (let c = 0; c < C; c++) { alpha[p * C + c] = Math.exp(raw[r + c] - mx); s += alpha[p * C + c]; }
      for (let c = 0; c < C; c++) alpha[p * C + c] /= s;
      for (let q = 0; q < C * m; q++) {
        const k = q % m;
        mu[p * C * m + q] = this.lo[k] + this.range[k] * sigmoid(raw[r + C + q]);
        sigma[p * C * m + q] = this.range[k] * (softplus(raw[r + C + C * m + q]) + this.sigmaMin);
      }
    }
    return { alpha, mu, sigma };
  }

  /** Conditional mean [n][m] and per-coordinate variance [n][m] of psi_{t+tau} given psi_t (mixture moments). */
  conditionalMoments(psi: ArrayLike<number>, n: number): { mean: Float64Array; variance: Float64Array } {
    const m = this.dim, C = this.components;
    const { alpha, mu, sigma } = this.mixture(psi, n);
    const mean = new Float64Array(n * m), variance = new Float64Array(n * m);
    for (let p = 0; p < n; p++) for (let k = 0; k < m; k++) {
      let e = 0, e2 = 0;
      for (let c = 0; c < C; c++) {
        const a = alpha[p * C + c], u = mu[(p * C + c) * m + k], s = sigma[(p * C + c) * m + k];
        e += a * u; e2 += a * (s * s + u * u);
      }
      mean[p * m + k] = e;
      variance[p * m + k] = e2 - e * e;
    }
    return { mean, variance };
  }

  /** ln p_tau(psi1 | psi0) for n pairs (caller's units, so it includes the Jacobian of the scaling). */
  logDensity(psi0: ArrayLike<number>, psi1: ArrayLike<number>, n: number): Float64Array {
    const m = this.dim, C = this.components;
    checkInputs('MdnPropagator.logDensity (psi1)', psi1, n, m);
    const { alpha, mu, sigma } = this.mixture(psi0, n);
    const out = new Float64Array(n);
    const terms = new Float64Array(C);
    for (let p = 0; p < n; p++) {
      let mx = -Infinity;
      for (let c = 0; c < C; c++) {
        let l = Math.log(alpha[p * C + c]);
        for (let k = 0; k < m; k++) {
          const s = sigma[(p * C + c) * m + k], z = (psi1[p * m + k] - mu[(p * C + c) * m + k]) / s;
          l += -0.5 * z * z - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
        }
        terms[c] = l;
        if (l > mx) mx = l;
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(terms[c] - mx);
      out[p] = mx + Math.log(s);
    }
    return out;
  }

  /**
   * Latent trajectories: from each of `walkers` start points psi_0 [walkers][m], `steps` propagator
   * steps (each one lag) sampled from Eq. 5. Returns [walkers][steps + 1][m] (start included).
   * Deterministic for a given seed (float64 evaluation of the float32 weights, our Rng).
   */
  generate(start: ArrayLike<number>, steps: number, options: { seed: number; walkers?: number }): Float64Array {
    const m = this.dim, C = this.components, W = options.walkers ?? 1;
    if (!Number.isInteger(W) || W < 1) throw new RangeError(`MdnPropagator.generate: walkers must be a positive integer, got ${W}`);
    if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`MdnPropagator.generate: steps must be a non-negative integer, got ${steps}`);
    checkInputs('MdnPropagator.generate (start)', start, W, m);
    const rng = new Rng(options.seed);
    const out = new Float64Array(W * (steps + 1) * m);
    const u = this.scale(start, W); // current points, scaled
    for (let w = 0; w < W; w++) out.set(Array.prototype.slice.call(start, w * m, (w + 1) * m), w * (steps + 1) * m);
    const cw = C * (1 + 2 * m);
    for (let t = 1; t <= steps; t++) {
      const raw = this.evaluate(u, W);
      for (let w = 0; w < W; w++) {
        const r = w * cw;
        // component c with probability alpha_c (softmax of the logits), by inverse CDF
        let mx = -Infinity;
        for (let c = 0; c < C; c++) mx = Math.max(mx, raw[r + c]);
        let total = 0;
        for (let c = 0; c < C; c++) total += Math.exp(raw[r + c] - mx);
        let pick = rng.uniform() * total, c = 0;
        for (; c < C - 1; c++) { pick -= Math.exp(raw[r + c] - mx); if (pick < 0) break; }
        for (let k = 0; k < m; k++) {
          const q = c * m + k;
          const v = sigmoid(raw[r + C + q]) + (softplus(raw[r + C + C * m + q]) + this.sigmaMin) * rng.normal();
          u[w * m + k] = v;
          out[(w * (steps + 1) + t) * m + k] = this.lo[k] + this.range[k] * v;
        }
      }
    }
    return out;
  }

  private scale(psi: ArrayLike<number>, n: number): Float64Array {
    const m = this.dim, u = new Float64Array(n * m);
    for (let i = 0; i < n * m; i++) u[i] = (psi[i] - this.lo[i % m]) / this.range[i % m];
    return u;
  }

  private evaluate(u: Float64Array, n: number): Float64Array {
    this.f64 ??= new MlpFloat64(this.net.toJSON());
    return this.f64.evaluate(u, n);
  }

  toJSON(): MdnJson {
    return { format: 'rarelab.mdn', version: 1, dim: this.dim, components: this.components, lag: this.lag, sigmaMin: this.sigmaMin, lo: Array.from(this.lo), hi: Array.from(this.hi), net: this.net.toJSON(), history: this.history };
  }

  static fromJSON(json: MdnJson): MdnPropagator {
    if (!json || json.format !== 'rarelab.mdn') throw new TypeError(`MdnPropagator.fromJSON: not a rarelab.mdn object (format ${JSON.stringify(json?.format)})`);
    if (json.version !== 1) throw new TypeError(`MdnPropagator.fromJSON: unsupported version ${json.version}`);
    return new MdnPropagator(Mlp.fromJSON(json.net), json.lag, json.sigmaMin, Float64Array.from(json.lo), Float64Array.from(json.hi), json.history);
  }

  save(path: string): void {
    writeJson(path, this.toJSON());
  }

  static load(path: string): MdnPropagator {
    return MdnPropagator.fromJSON(readJson(path, 'MdnPropagator.load') as MdnJson);
  }

  dispose(): void {
    this.net.dispose();
  }
}

/**
 * Trains the MDN propagator on latent trajectories ([frames][m] each) at `lag` frames; early stopping on
 * the NLL of the held-out trailing frames. Returns the propagator with the best validation weights.
 */
export function trainMdn(trajectories: readonly Float64Array[], dim: number, options: MdnOptions): MdnPropagator {
  requireBackend('trainMdn');
  const C = options.components ?? 8;
  if (!Number.isInteger(C) || C < 1) throw new RangeError(`trainMdn: components must be a positive integer, got ${C}`);
  const sigmaMin = options.sigmaMin ?? 1e-4;
  if (!(sigmaMin > 0)) throw new RangeError(`trainMdn: sigmaMin must be positive, got ${sigmaMin}`);
  const seed = options.seed ?? nextSeed();
  const { train, validation } = splitTrajectories(trajectories, dim, options.validationFraction ?? 0.2, options.lag);
  // [0, 1] scaling over all frames
  const lo = new Float64Array(dim).fill(Infinity), hi = new Float64Array(dim).fill(-Infinity);
  for (const x of trajectories) for (let i = 0; i < x.length; i++) { const k = i % dim; if (x[i] < lo[k]) lo[k] = x[i]; if (x[i] > hi[k]) hi[k] = x[i]; }
  for (let k = 0; k < dim; k++) if (!(hi[k] > lo[k])) throw new RangeError(`trainMdn: coordinate ${k} is constant (${lo[k]})`);
  const scaled = (parts: Float64Array[]) => parts.map((x) => Float64Array.from(x, (v, i) => (v - lo[i % dim]) / (hi[i % dim] - lo[i % dim])));
  const tr = laggedPairs(scaled(train), dim, options.lag), va = laggedPairs(scaled(validation), dim, options.lag);
  const net = new Mlp({ layers: [dim, ...(options.hidden ?? [100, 100]), C * (1 + 2 * dim)], activation: options.activation ?? 'relu', seed });
  const loss = (pred: TF.Tensor2D, target: TF.Tensor2D) => mixtureNll(pred, target, C, dim, sigmaMin);
  const trainer = new Trainer(net, { loss, targetDim: dim, learningRate: options.learningRate ?? 1e-3, batchSize: options.batchSize ?? 256, seed: seed + 1 });
  // NLL in the caller's units = scaled NLL + sum_k ln(hi_k - lo_k)
  let jac = 0;
  for (let k = 0; k < dim; k++) jac += Math.log(hi[k] - lo[k]);
  let result;
  try {
    result = fitWithEarlyStopping(trainer, { x: tr.x0, y: tr.x1, n: tr.n }, () => trainer.evaluate(va.x0, va.x1, va.n) + jac, {
      maxEpochs: options.maxEpochs ?? 100, patience: options.patience ?? 8,
      onEpoch: options.onEpoch && ((e, l, v) => options.onEpoch!(e, l + jac, v)),
    });
  } finally {
    trainer.dispose();
    net.dispose();
  }
  return new MdnPropagator(result.best, options.lag, sigmaMin, lo, hi, { train: result.train.map((l) => l + jac), validation: result.validation, bestEpoch: result.bestEpoch });
}
