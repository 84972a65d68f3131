import { EnhancedSamplingError } from './errors.js';

export interface ProfileBarrier {
  /** CV of the lowest free energy on A's and on B's side, and of the highest free energy between them. */
  sA: number;
  sB: number;
  sTop: number;
  /** F(top) - F(A), F(top) - F(B), F(B) - F(A), in the PMF's units. */
  forward: number;
  backward: number;
  difference: number;
}

/**
 * Barriers of a 1-D free energy profile between two basins: each basin's free energy is the lowest F on
 * its side of the midpoint between `a` and `b` (CV values inside the basins, e.g. their mean), and the
 * barrier top is the highest F between the two minima. Bins with infinite F (no samples) are skipped.
 */
export function profileBarrier(centers: ArrayLike<number>, f: ArrayLike<number>, a: number, b: number): ProfileBarrier {
  if (centers.length !== f.length || centers.length < 3) throw new EnhancedSamplingError(`profileBarrier: need ≥ 3 bins with one F each, got ${centers.length} centres and ${f.length} values`);
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) throw new EnhancedSamplingError(`profileBarrier: basin CV values must be finite and different, got ${a}, ${b}`);
  const mid = (a + b) / 2, sideA = (s: number) => (a < b ? s <= mid : s >= mid);
  let iA = -1, iB = -1;
  for (let i = 0; i < f.length; i++) {
    if (!Number.isFinite(f[i])) continue;
    if (sideA(centers[i])) { if (iA < 0 || f[i] < f[iA]) iA = i; } else if (iB < 0 || f[i] < f[iB]) iB = i;
  }
  if (iA < 0 || iB < 0) throw new EnhancedSamplingError('profileBarrier: one basin side has no finite free energy');
  let iTop = iA;
  for (let i = Math.min(iA, iB); i <= Math.max(iA, iB); i++) if (Number.isFinite(f[i]) && f[i] > f[iTop]) iTop = i;
  return { sA: centers[iA], sB: centers[iB], sTop: centers[iTop], forward: f[iTop] - f[iA], backward: f[iTop] - f[iB], difference: f[iB] - f[iA] };
}
