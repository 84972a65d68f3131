import { estimateMsm, type MarkovStateModel } from './msm.js';

/**
 * A reference for the slowest process of a peptide from long unbiased runs: a Markov state model on a
 * regular grid of two backbone dihedrals (phi, psi), the classical alanine-dipeptide reference (Prinz et
 * al. 2011). Its slowest right eigenfunction, read back on every frame, is what ISOKANN's chi should
 * approximate up to an affine map (chi ≈ a + b psi_2); its implied timescale is the target of chi's
 * timescale -tau / ln(lambda).
 */

/** One trajectory's dihedrals in degrees, [-180, 180]. */
export interface DihedralTrajectory {
  phi: ArrayLike<number>;
  psi: ArrayLike<number>;
}

export interface DihedralMsmOptions {
  /** Grid cells per angle (cells are 360 / bins degrees wide). */
  bins: number;
  /** Lag in frames. */
  lag: number;
  /** Time per frame (unit of the reported timescales). */
  dt: number;
  /** Implied timescales to report; default 3. */
  processes?: number;
}

export interface DihedralMsm {
  msm: MarkovStateModel;
  /** Grid cell of every frame, per trajectory: floor((phi + 180) / w) * bins + floor((psi + 180) / w). */
  dtrajs: Int32Array[];
  /** Implied timescales t_1 >= t_2 >= ... in the unit of dt. */
  timescales: Float64Array;
  /**
   * The slowest right eigenfunction on every frame, affinely mapped so that its range over the active
   * cells is [0, 1] (the scale of chi); NaN for frames in cells outside the active set.
   */
  slow: Float64Array[];
  bins: number;
}

/** Grid cell of (phi, psi) in degrees. */
export function dihedralCell(phi: number, psi: number, bins: number): number {
  if (!(Math.abs(phi) <= 180) || !(Math.abs(psi) <= 180)) throw new RangeError(`dihedralCell: angles must lie in [-180, 180] degrees, got (${phi}, ${psi})`);
  const w = 360 / bins;
  const i = Math.min(bins - 1, Math.floor((phi + 180) / w)), j = Math.min(bins - 1, Math.floor((psi + 180) / w));
  return i * bins + j;
}

/** Grid MSM on (phi, psi) of the trajectories; see the module comment. */
export function dihedralGridMsm(trajectories: readonly DihedralTrajectory[], options: DihedralMsmOptions): DihedralMsm {
  const { bins, lag, dt } = options;
  if (!Number.isInteger(bins) || bins < 2) throw new RangeError(`dihedralGridMsm: bins must be an integer >= 2, got ${bins}`);
  if (!Number.isInteger(lag) || lag < 1) throw new RangeError(`dihedralGridMsm: lag must be a positive integer number of frames, got ${lag}`);
  if (trajectories.length < 1) throw new RangeError('dihedralGridMsm: no trajectories');
  const processes = options.processes ?? 3;
  const dtrajs = trajectories.map((t, k) => {
    if (t.phi.length !== t.psi.length) throw new RangeError(`dihedralGridMsm: trajectory ${k} has ${t.phi.length} phi and ${t.psi.length} psi values`);
    return Int32Array.from({ length: t.phi.length }, (_, f) => dihedralCell(t.phi[f], t.psi[f], bins));
  });
  const msm = estimateMsm(dtrajs, bins * bins, { lag, dt });
  const ev = msm.eigen(Math.min(processes + 1, msm.n)).vectors[1];
  let lo = Infinity, hi = -Infinity;
  for (const v of ev) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const slow = dtrajs.map((d) => Float64Array.from(d, (s) => {
    const a = msm.activeIndex(s);
    return a < 0 ? NaN : (ev[a] - lo) / (hi - lo);
  }));
  return { msm, dtrajs, timescales: msm.timescales(Math.min(processes, msm.n - 1)), slow, bins };
}

/** Smallest difference of two angles in degrees, in [0, 180]. */
export function angleDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/**
 * The saddle region of the slow process: the most populated (phi, psi) cell among the frames whose
 * slow eigenfunction (scaled to [0, 1]) lies within `halfWidth` of 1/2, i.e. the lowest free energy on
 * the dividing surface between the two metastable sets. Returns the cell centre in degrees and the
 * number of frames there. `cellDegrees` is the histogram's cell size.
 */
export function dividingSurfaceMode(trajectories: readonly DihedralTrajectory[], slow: readonly ArrayLike<number>[], options: { halfWidth: number; cellDegrees: number }): { phi: number; psi: number; frames: number; total: number } {
  const { halfWidth, cellDegrees } = options;
  if (!(halfWidth > 0 && halfWidth < 0.5)) throw new RangeError(`dividingSurfaceMode: halfWidth must lie in (0, 0.5), got ${halfWidth}`);
  const bins = Math.round(360 / cellDegrees);
  if (!(bins >= 2) || Math.abs(bins * cellDegrees - 360) > 1e-9) throw new RangeError(`dividingSurfaceMode: cellDegrees must divide 360, got ${cellDegrees}`);
  if (slow.length !== trajectories.length) throw new RangeError(`dividingSurfaceMode: ${trajectories.length} trajectories but ${slow.length} eigenfunction series`);
  const counts = new Int32Array(bins * bins);
  let total = 0;
  trajectories.forEach((t, k) => {
    if (slow[k].length !== t.phi.length) throw new RangeError(`dividingSurfaceMode: trajectory ${k} has ${t.phi.length} frames but ${slow[k].length} eigenfunction values`);
    for (let f = 0; f < t.phi.length; f++) {
      if (!(Math.abs(slow[k][f] - 0.5) <= halfWidth)) continue;
      counts[dihedralCell(t.phi[f], t.psi[f], bins)]++;
      total++;
    }
  });
  if (total === 0) throw new Error(`dividingSurfaceMode: no frame has its slow eigenfunction within ${halfWidth} of 1/2; the runs never cross`);
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c] > counts[best]) best = c;
  const w = 360 / bins;
  return { phi: -180 + (Math.floor(best / bins) + 0.5) * w, psi: -180 + ((best % bins) + 0.5) * w, frames: counts[best], total };
}
