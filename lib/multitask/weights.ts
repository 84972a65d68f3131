/**
 * Per-configuration weights of the multitask loss (Sun et al., Sec. II B). Both are normalised to sum
 * to 1 over the data set, so the weighted sums of Eqs. 2-3 are weighted means.
 */

/**
 * Eq. 2 weights w_i: equal within a basin, each basin's weights summing to the same total (1/K for K
 * basins present), so a basin with few configurations counts as much as a crowded one.
 */
export function basinWeights(labels: ArrayLike<number>, nClasses: number): Float64Array {
  if (!Number.isInteger(nClasses) || nClasses < 2) throw new RangeError(`basinWeights: nClasses must be an integer ≥ 2, got ${nClasses}`);
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= nClasses) throw new RangeError(`basinWeights: label ${i} is ${c}, not a basin index in 0..${nClasses - 1}`);
    counts[c]++;
  }
  const present = counts.reduce((s, c) => s + (c > 0 ? 1 : 0), 0);
  if (present === 0) throw new RangeError('basinWeights: no labels');
  return Float64Array.from(labels, (c) => 1 / (present * counts[c]));
}

/**
 * Eq. 3 weights u_i: the energy range [E_min, E_max] is cut into `bins` intervals of width ΔE, and every
 * non-empty interval gets the same total weight, shared equally by its configurations, so the many
 * low-energy basin configurations do not drown the few near the transition state.
 */
export function energyIntervalWeights(energies: ArrayLike<number>, bins: number): Float64Array {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`energyIntervalWeights: bins must be a positive integer, got ${bins}`);
  const n = energies.length;
  if (n === 0) throw new RangeError('energyIntervalWeights: no energies');
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const e = energies[i];
    if (!Number.isFinite(e)) throw new RangeError(`energyIntervalWeights: energy ${i} is ${e}`);
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  const width = (hi - lo) / bins;
  const bin = (e: number) => (width > 0 ? Math.min(bins - 1, Math.floor((e - lo) / width)) : 0);
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) counts[bin(energies[i])]++;
  const filled = counts.reduce((s, c) => s + (c > 0 ? 1 : 0), 0);
  return Float64Array.from(energies, (e) => 1 / (filled * counts[bin(e)]));
}

/**
 * Eq. 12 pair weight u_ij = 1 - s((|V_i - V_j| - V0) / ΔV), s the logistic sigmoid: close to 1 for pairs
 * whose energies differ by less than V0, dropping to 0 over a width ΔV beyond it.
 */
export function pairWeight(dV: number, V0: number, width: number): number {
  return 1 - 1 / (1 + Math.exp(-(Math.abs(dV) - V0) / width));
}
