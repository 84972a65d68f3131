/**
 * The AIMMD likelihood of shooting outcomes (Jung et al., Eqs. 1-3), in float64 for any model of the
 * reaction coordinate q(x) (network, symbolic expression, exact committor):
 *   p_B(x) = 1 / (1 + exp(-q(x)))                                          (Eq. 1)
 *   l(q | theta) = sum_i [ n_B,i log(1 + e^{-q_i}) + n_A,i log(1 + e^{q_i}) ]  (Eq. 3)
 * log(1 + e^z) is evaluated as softplus(z) = max(z, 0) + log1p(e^{-|z|}), exact for any |z|.
 */

/** Numerically stable log(1 + e^z). */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Committor p_B from the reaction coordinate, Eq. 1. */
export function committorFromRC(q: number): number {
  return q >= 0 ? 1 / (1 + Math.exp(-q)) : Math.exp(q) / (1 + Math.exp(q));
}

/** Reaction coordinate from a committor value, the inverse of Eq. 1 (logit); p must lie in (0, 1). */
export function rcFromCommittor(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`rcFromCommittor: p_B must lie strictly between 0 and 1, got ${p}`);
  return Math.log(p / (1 - p));
}

/** Shooting outcome counts (n_A, n_B) for N shooting points: halves (of 2) that reached A and B. */
export interface ShotCounts {
  nA: ArrayLike<number>;
  nB: ArrayLike<number>;
}

/** Throws a clear error unless the counts are non-negative finite numbers of equal length n. */
export function checkShotCounts(c: ShotCounts, n: number, what: string): void {
  if (c.nA.length !== n || c.nB.length !== n) throw new RangeError(`${what}: nA and nB must have ${n} entries (one per shooting point), got ${c.nA.length} and ${c.nB.length}`);
  for (let i = 0; i < n; i++) {
    if (!(c.nA[i] >= 0) || !(c.nB[i] >= 0) || !Number.isFinite(c.nA[i] + c.nB[i])) throw new RangeError(`${what}: shooting point ${i} has counts nA = ${c.nA[i]}, nB = ${c.nB[i]} (must be non-negative)`);
  }
}

/**
 * Negative log-likelihood, Eq. 3, of reaction-coordinate values q [N] given the outcomes. With
 * `perShot`, divided by the number of shooting points that committed at least once (the paper's
 * "loss per shooting configuration").
 */
export function committorNLL(q: ArrayLike<number>, counts: ShotCounts, options: { perShot?: boolean } = {}): number {
  const n = q.length;
  checkShotCounts(counts, n, 'committorNLL');
  let l = 0, used = 0;
  for (let i = 0; i < n; i++) {
    const a = counts.nA[i], b = counts.nB[i];
    if (a + b === 0) continue;
    if (!Number.isFinite(q[i])) throw new RangeError(`committorNLL: q of shooting point ${i} is ${q[i]}`);
    l += b * softplus(-q[i]) + a * softplus(q[i]);
    used++;
  }
  return options.perShot ? (used > 0 ? l / used : 0) : l;
}
