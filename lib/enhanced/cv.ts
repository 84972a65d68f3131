import type { ChiField } from '../isokann/model.js';
import { Mlp, MlpFloat64, initBackend, readJson, type MlpJson } from '../nn/index.js';
import { EnhancedSamplingError } from './errors.js';

/**
 * A collective variable s(x) on configuration space: the ChiField contract (values for n points
 * x [n][dim], gradients ds/dx written into `grad` [n][dim] when given), so a learned chi
 * (IsokannModel, FeaturizedChi, GridInterpolant) or an encoder output plugs in directly.
 */
export type CollectiveVariable = ChiField;

/** s(x) = w · x + b: a coordinate (w = unit vector) or any fixed linear combination of coordinates. */
export class LinearCv implements CollectiveVariable {
  readonly dim: number;
  readonly weights: Float64Array;
  constructor(weights: ArrayLike<number>, readonly bias = 0) {
    if (weights.length < 1) throw new EnhancedSamplingError('LinearCv: weights must not be empty');
    this.weights = Float64Array.from(weights);
    if (!this.weights.every(Number.isFinite) || !Number.isFinite(bias)) throw new EnhancedSamplingError('LinearCv: weights and bias must be finite');
    this.dim = this.weights.length;
  }

  evaluate(x: Float64Array, n: number, grad?: Float64Array): Float64Array {
    const d = this.dim;
    if (x.length !== n * d) throw new EnhancedSamplingError(`LinearCv: x has length ${x.length}, expected ${n} points x ${d}`);
    if (grad && grad.length !== n * d) throw new EnhancedSamplingError(`LinearCv: grad has length ${grad.length}, expected ${n} x ${d}`);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = this.bias;
      for (let k = 0; k < d; k++) v += this.weights[k] * x[i * d + k];
      s[i] = v;
      if (grad) grad.set(this.weights, i * d);
    }
    return s;
  }
}

/** The CV along coordinate `index` of a `dim`-dimensional system (e.g. x_0 of a double well). */
export function coordinateCv(dim: number, index: number): LinearCv {
  if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(index) || index < 0 || index >= dim) throw new EnhancedSamplingError(`coordinateCv: index ${index} is not a coordinate of a ${dim}-dimensional system`);
  const w = new Float64Array(dim);
  w[index] = 1;
  return new LinearCv(w);
}

/**
 * A network output as a CV: s(x) = output `output` of an Mlp on the configuration (an encoder's latent,
 * a classifier logit, a chi). `engine` 'tfjs' runs the tfjs network in float32 with the gradient by
 * reverse-mode autodiff (Mlp.inputGrad, tf.grad); 'float64' evaluates the same weights in plain
 * JavaScript (MlpFloat64: float64, smooth to rounding, and much faster for the single walker of an
 * umbrella window). Values agree to ~1e-6 between the two.
 */
export class NetworkCv implements CollectiveVariable {
  readonly dim: number;
  readonly output: number;
  constructor(private readonly net: Mlp | MlpFloat64, output = 0) {
    if (!Number.isInteger(output) || output < 0 || output >= net.outputDim) throw new EnhancedSamplingError(`NetworkCv: output ${output} is not one of the network's ${net.outputDim} outputs`);
    this.dim = net.inputDim;
    this.output = output;
  }

  evaluate(x: Float64Array, n: number, grad?: Float64Array): Float64Array {
    const d = this.dim, m = this.net.outputDim, k = this.output;
    if (x.length !== n * d) throw new EnhancedSamplingError(`NetworkCv: x has length ${x.length}, expected ${n} points x ${d}`);
    if (grad && grad.length !== n * d) throw new EnhancedSamplingError(`NetworkCv: grad has length ${grad.length}, expected ${n} x ${d}`);
    if (this.net instanceof MlpFloat64) {
      const y = this.net.evaluate(x, n, grad, k);
      return m === 1 ? y : Float64Array.from({ length: n }, (_, i) => y[i * m + k]);
    }
    const y = this.net.predict(x, n);
    if (grad) grad.set(this.net.inputGrad(x, n, { output: k }));
    return m === 1 ? y : Float64Array.from({ length: n }, (_, i) => y[i * m + k]);
  }
}

/** ModuleRef factory for workers: a NetworkCv from a saved network (MlpJson, or the path of its JSON file). */
export async function networkCv(net: MlpJson | string, options: { output?: number; engine?: 'tfjs' | 'float64' } = {}): Promise<NetworkCv> {
  const json = (typeof net === 'string' ? readJson(net, 'networkCv') : net) as MlpJson;
  const engine = options.engine ?? 'float64';
  if (engine === 'float64') return new NetworkCv(new MlpFloat64(json), options.output);
  if (engine !== 'tfjs') throw new EnhancedSamplingError(`networkCv: engine must be 'tfjs' or 'float64', got ${String(engine)}`);
  await initBackend();
  return new NetworkCv(Mlp.fromJSON(json), options.output);
}
