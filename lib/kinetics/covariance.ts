/**
 * Time-lagged covariances of featurised trajectories, the data behind TICA and VAMP (deeptime's
 * `Covariance` estimator): for every pair (x_t, x_{t+lag}) within each trajectory,
 *   mean0 = <x_t>, mean1 = <x_{t+lag}>, C00 = <x_t x_t^T>, C01 = <x_t x_{t+lag}^T>, C11 = <x_{t+lag} x_{t+lag}^T>
 * (all mean-free). With `reversible: true` the pairs are used in both directions, so mean0 = mean1,
 * C00 = C11 = (C00 + C11) / 2 and C01 = C10 = (C01 + C10) / 2 (the estimate for a reversible process).
 *
 * Trajectories are [frames][dim] flattened Float64Arrays.
 */
export interface LaggedCovariances {
  dim: number;
  lag: number;
  /** Number of (x_t, x_{t+lag}) pairs used. */
  pairs: number;
  mean0: Float64Array;
  mean1: Float64Array;
  /** [dim][dim] row-major. */
  c00: Float64Array;
  c01: Float64Array;
  c11: Float64Array;
  reversible: boolean;
}

export function laggedCovariances(trajectories: readonly Float64Array[], dim: number, lag: number, options: { reversible?: boolean } = {}): LaggedCovariances {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`laggedCovariances: dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(lag) || lag < 1) throw new RangeError(`laggedCovariances: lag must be a positive whole number of frames, got ${lag}`);
  const reversible = options.reversible ?? false;
  const mean0 = new Float64Array(dim), mean1 = new Float64Array(dim);
  let pairs = 0;
  trajectories.forEach((x, t) => {
    if (x.length % dim !== 0) throw new RangeError(`laggedCovariances: trajectory ${t} has ${x.length} values, not a multiple of dim ${dim}`);
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new RangeError(`laggedCovariances: trajectory ${t}, frame ${Math.floor(i / dim)}, feature ${i % dim} is ${x[i]}`);
    const frames = x.length / dim;
    for (let f = 0; f + lag < frames; f++) {
      for (let k = 0; k < dim; k++) { mean0[k] += x[f * dim + k]; mean1[k] += x[(f + lag) * dim + k]; }
      pairs++;
    }
  });
  if (pairs < 2) throw new RangeError(`laggedCovariances: ${pairs} pair(s) at lag ${lag}; the trajectories are too short`);
  for (let k = 0; k < dim; k++) { mean0[k] /= pairs; mean1[k] /= pairs; }
  if (reversible) for (let k = 0; k < dim; k++) mean0[k] = mean1[k] = 0.5 * (mean0[k] + mean1[k]);
  const c00 = new Float64Array(dim * dim), c01 = new Float64Array(dim * dim), c11 = new Float64Array(dim * dim);
  const a = new Float64Array(dim), b = new Float64Array(dim);
  for (const x of trajectories) {
    const frames = x.length / dim;
    for (let f = 0; f + lag < frames; f++) {
      for (let k = 0; k < dim; k++) { a[k] = x[f * dim + k] - mean0[k]; b[k] = x[(f + lag) * dim + k] - mean1[k]; }
      for (let i = 0; i < dim; i++) {
        const ai = a[i], bi = b[i];
        for (let j = 0; j < dim; j++) { c00[i * dim + j] += ai * a[j]; c01[i * dim + j] += ai * b[j]; c11[i * dim + j] += bi * b[j]; }
      }
    }
  }
  for (let i = 0; i < dim * dim; i++) { c00[i] /= pairs; c01[i] /= pairs; c11[i] /= pairs; }
  if (reversible) {
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) {
      const s = 0.5 * (c00[i * dim + j] + c11[i * dim + j]);
      c00[i * dim + j] = s;
    }
    c11.set(c00);
    const sym = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) sym[i * dim + j] = 0.5 * (c01[i * dim + j] + c01[j * dim + i]);
    c01.set(sym);
  }
  return { dim, lag, pairs, mean0, mean1, c00, c01, c11, reversible };
}
