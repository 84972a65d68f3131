import type { Featurization } from '../features/featurization.js';
import { checkBurstData, type BurstData } from './data.js';
import type { ChiField } from './model.js';

/**
 * ISOKANN on molecules learns chi on rotation- and translation-invariant features f(x) (pairwise
 * distances, aligned Cartesians), as ISOKANN.jl does with its featurizers: the bursts are run in
 * Cartesian coordinates and featurised before training, so chi(x) = chi_net(f(x)).
 */

/** The same bursts with x and y replaced by their features: dim becomes `featurization.inputs`. */
export function featurizeBursts(data: BurstData, featurization: Featurization): BurstData {
  checkBurstData(data, 'featurizeBursts');
  const dim = featurization.atoms * 3;
  if (data.dim !== dim) throw new RangeError(`featurizeBursts: bursts have ${data.dim} coordinates, the featurisation expects ${featurization.atoms} atoms x 3 = ${dim}`);
  return {
    x: featurization.transform(data.x, data.n),
    y: featurization.transform(data.y, data.n * data.bursts),
    n: data.n,
    bursts: data.bursts,
    dim: featurization.inputs,
    lag: data.lag,
  };
}

/**
 * A chi on features seen as a field on Cartesian configurations (the ChiField contract of lib/paths and
 * lib/saliency): chi(x) = inner(f(x)), grad_x chi = J_f(x)^T grad_f inner. `dim` = atoms * 3 (nm).
 */
export class FeaturizedChi implements ChiField {
  readonly dim: number;

  constructor(readonly inner: ChiField, readonly featurization: Featurization) {
    if (inner.dim !== featurization.inputs) throw new RangeError(`FeaturizedChi: chi takes ${inner.dim} inputs, the featurisation gives ${featurization.inputs}`);
    this.dim = featurization.atoms * 3;
  }

  evaluate(x: Float64Array, n: number, grad?: Float64Array): Float64Array {
    if (grad && grad.length !== n * this.dim) throw new RangeError(`FeaturizedChi.evaluate: grad has length ${grad.length}, expected ${n} x ${this.dim}`);
    const f = this.featurization.transform(x, n);
    if (!grad) return this.inner.evaluate(f, n);
    const m = this.featurization.inputs;
    const gf = new Float64Array(n * m);
    const v = this.inner.evaluate(f, n, gf);
    for (let i = 0; i < n; i++) {
      const xi = x.subarray(i * this.dim, (i + 1) * this.dim);
      grad.set(this.featurization.pullback(xi, gf.subarray(i * m, (i + 1) * m)), i * this.dim);
    }
    return v;
  }
}
