import type { Featurization } from '../features/featurization.js';

/**
 * Per-atom contributions to a reaction coordinate, AIMMD Eq. 5: c_n = |grad_{x_n} q| normalised over
 * atoms. Deviation, stated: Eq. 5 as printed divides by |sum_m grad_{x_m} q|, the norm of the summed
 * gradient, which vanishes for any translation-invariant q (internal coordinates, symmetry functions);
 * we divide by sum_m |grad_{x_m} q|, so the c_n sum to 1 ("normalised magnitude of the gradient").
 *
 * `gradCartesian` is dq/dx for one configuration, [atoms * 3].
 */
export function atomContributions(gradCartesian: ArrayLike<number>): Float64Array {
  if (gradCartesian.length % 3 !== 0) throw new RangeError(`atomContributions: gradient length ${gradCartesian.length} is not a multiple of 3`);
  const atoms = gradCartesian.length / 3;
  const c = new Float64Array(atoms);
  let total = 0;
  for (let a = 0; a < atoms; a++) {
    const gx = gradCartesian[3 * a], gy = gradCartesian[3 * a + 1], gz = gradCartesian[3 * a + 2];
    if (!Number.isFinite(gx + gy + gz)) throw new RangeError(`atomContributions: gradient of atom ${a} is not finite`);
    c[a] = Math.hypot(gx, gy, gz);
    total += c[a];
  }
  if (!(total > 0)) throw new RangeError('atomContributions: the gradient is zero on every atom');
  for (let a = 0; a < atoms; a++) c[a] /= total;
  return c;
}

/**
 * Eq. 5 through a featurisation: the network gives dq/df (its input gradient); the chain rule
 * (the featurisation's pullback, J^T dq/df) gives dq/dx, then the normalised per-atom magnitudes.
 */
export function atomContributionsFromFeatures(featurization: Featurization, x: Float64Array, gradFeatures: ArrayLike<number>): Float64Array {
  return atomContributions(featurization.pullback(x, gradFeatures));
}
