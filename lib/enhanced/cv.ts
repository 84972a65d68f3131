import type { ChiField } from '../isokann/model.js';
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
