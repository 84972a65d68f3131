/**
 * Pair potential of mean force from a radial distribution function, w(r) = -kT ln g(r) (the
 * reversible work to bring two particles from infinite separation, where g = 1 and w = 0, to r).
 * Used for the Li-Cl PMF of the AIMMD paper's LiCl
 * system, whose states are the contact (r <= 0.24 nm) and solvent-separated (r >= 0.47 nm) ion pairs
 * (paper 000, Methods G).
 */

/** w(r) = -kT ln g(r) per bin, in the units of kT; +Infinity where g = 0 (never sampled). */
export function pairPmf(g: ArrayLike<number>, kT: number): Float64Array {
  if (!(kT > 0) || !Number.isFinite(kT)) throw new RangeError(`pairPmf: kT must be a positive number, got ${kT}`);
  const w = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) {
    if (!(g[i] >= 0) || !Number.isFinite(g[i])) throw new RangeError(`pairPmf: g(r) must be finite and non-negative, bin ${i} is ${g[i]}`);
    w[i] = g[i] > 0 ? -kT * Math.log(g[i]) : Infinity;
  }
  return w;
}

/** The lowest point of a PMF in a window of r, and whether it is a well rather than the window's edge. */
export interface PmfWell {
  /** Bin centre (nm) and PMF value of the lowest bin in the window. */
  r: number;
  w: number;
  index: number;
  /**
   * True when the lowest bin is not the first or last sampled bin of the window, i.e. the PMF rises
   * on both sides within the window: a local minimum, not a slope cut off by the window.
   */
  interior: boolean;
}

function checkCurve(r: ArrayLike<number>, w: ArrayLike<number>, owner: string): void {
  if (r.length !== w.length || r.length < 3) throw new RangeError(`${owner}: r and w need the same length (≥ 3), got ${r.length} and ${w.length}`);
  for (let i = 1; i < r.length; i++) if (!(r[i] > r[i - 1])) throw new RangeError(`${owner}: r must increase, r[${i - 1}] = ${r[i - 1]}, r[${i}] = ${r[i]}`);
}

/** Bin indices i with lo <= r[i] <= hi and a finite w (sampled bins). */
function windowBins(r: ArrayLike<number>, w: ArrayLike<number>, lo: number, hi: number, owner: string): number[] {
  if (!(hi > lo)) throw new RangeError(`${owner}: the window [${lo}, ${hi}] nm is empty`);
  const bins: number[] = [];
  for (let i = 0; i < r.length; i++) if (r[i] >= lo && r[i] <= hi && Number.isFinite(w[i])) bins.push(i);
  if (bins.length === 0) throw new RangeError(`${owner}: no sampled bin (finite w) in [${lo}, ${hi}] nm`);
  return bins;
}

/** The lowest sampled bin of w(r) with lo <= r <= hi (nm), e.g. the contact well below 0.3 nm. */
export function pmfWell(r: ArrayLike<number>, w: ArrayLike<number>, window: readonly [number, number]): PmfWell {
  checkCurve(r, w, 'pmfWell');
  const bins = windowBins(r, w, window[0], window[1], 'pmfWell');
  let best = bins[0];
  for (const i of bins) if (w[i] < w[best]) best = i;
  return { r: r[best], w: w[best], index: best, interior: best !== bins[0] && best !== bins[bins.length - 1] };
}

/**
 * The highest bin of w(r) strictly between two bins (the barrier between two wells). An unsampled
 * bin (g = 0) counts as w = +Infinity: no pair was seen crossing there.
 */
export function pmfBarrier(r: ArrayLike<number>, w: ArrayLike<number>, from: number, to: number): { r: number; w: number; index: number } {
  checkCurve(r, w, 'pmfBarrier');
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to >= r.length || to - from < 2) {
    throw new RangeError(`pmfBarrier: need bins 0 <= from < to - 1 < ${r.length - 1}, got ${from} and ${to}`);
  }
  let best = from + 1;
  for (let i = from + 2; i < to; i++) if (w[i] > w[best]) best = i;
  return { r: r[best], w: w[best], index: best };
}
