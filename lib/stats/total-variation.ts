/**
 * Total-variation distance between two discrete distributions on the same bins, TV = 1/2 sum_i |p_i - q_i|,
 * after normalising each to sum 1 (so histograms of counts can be passed directly). 0 for identical
 * distributions, 1 for disjoint ones.
 */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length || p.length === 0) throw new RangeError(`totalVariation: distributions have ${p.length} and ${q.length} bins`);
  let sp = 0, sq = 0;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0) || !(q[i] >= 0) || !Number.isFinite(p[i]) || !Number.isFinite(q[i])) throw new RangeError(`totalVariation: bin ${i} has p = ${p[i]}, q = ${q[i]} (need finite, non-negative)`);
    sp += p[i]; sq += q[i];
  }
  if (!(sp > 0 && sq > 0)) throw new RangeError('totalVariation: a distribution sums to zero');
  let tv = 0;
  for (let i = 0; i < p.length; i++) tv += Math.abs(p[i] / sp - q[i] / sq);
  return tv / 2;
}
