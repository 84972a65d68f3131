/**
 * Coverage of chi's level sets: counts of chi values in `bins` equal bins of [0, 1] (values outside are
 * counted separately, not clamped) and the number of empty bins — ISOKANN's adaptive sampling should
 * raise the counts in the middle bins (the transition region) and empty none.
 */
export function chiCoverage(chi: ArrayLike<number>, bins: number): { counts: Int32Array; below: number; above: number; empty: number } {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`chiCoverage: bins must be a positive integer, got ${bins}`);
  const counts = new Int32Array(bins);
  let below = 0, above = 0;
  for (let i = 0; i < chi.length; i++) {
    const c = chi[i];
    if (!Number.isFinite(c)) throw new RangeError(`chiCoverage: chi[${i}] is ${c} (not finite)`);
    if (c < 0) below++;
    else if (c > 1) above++;
    else counts[Math.min(bins - 1, Math.floor(c * bins))]++;
  }
  return { counts, below, above, empty: counts.filter((n) => n === 0).length };
}
