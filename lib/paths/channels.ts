import { angleDistance, type DihedralTrajectory } from '../kinetics/dihedral-msm.js';

/**
 * Transition channels of chi-MEPs projected on two dihedrals (AMORE-MD Fig. 3: several start structures
 * give several chi-MEPs, some of which are the same channel). Angles in degrees; distances are the
 * Euclidean norm of the periodic differences in (phi, psi).
 */

/** A chi-MEP projected on (phi, psi), degrees, one entry per level. */
export interface ProjectedPath {
  phi: ArrayLike<number>;
  psi: ArrayLike<number>;
}

/** Periodic (phi, psi) distance in degrees. */
export function dihedralPairDistance(phi1: number, psi1: number, phi2: number, psi2: number): number {
  return Math.hypot(angleDistance(phi1, phi2), angleDistance(psi1, psi2));
}

/** Smallest distance from (phi, psi) to the points of a projected path. */
export function distanceToProjectedPath(phi: number, psi: number, path: ProjectedPath): number {
  let d = Infinity;
  for (let q = 0; q < path.phi.length; q++) d = Math.min(d, dihedralPairDistance(phi, psi, path.phi[q], path.psi[q]));
  return d;
}

/**
 * Channel label of every path (0, 1, ... in order of first appearance): single linkage, two paths are
 * in one channel when each of their points lies within `threshold` degrees of the other path (the
 * symmetric Hausdorff distance of the projections is ≤ threshold).
 */
export function clusterChannels(paths: readonly ProjectedPath[], threshold: number): Int32Array {
  if (!(threshold > 0)) throw new RangeError(`clusterChannels: threshold must be positive (degrees), got ${threshold}`);
  paths.forEach((p, k) => {
    if (p.phi.length !== p.psi.length || p.phi.length < 1) throw new RangeError(`clusterChannels: path ${k} has ${p.phi.length} phi and ${p.psi.length} psi values`);
  });
  const n = paths.length;
  const hausdorff = (a: ProjectedPath, b: ProjectedPath) => {
    let h = 0;
    for (let q = 0; q < a.phi.length; q++) h = Math.max(h, distanceToProjectedPath(a.phi[q], a.psi[q], b));
    for (let q = 0; q < b.phi.length; q++) h = Math.max(h, distanceToProjectedPath(b.phi[q], b.psi[q], a));
    return h;
  };
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (hausdorff(paths[i], paths[j]) <= threshold) parent[root(j)] = root(i);
  const label = new Int32Array(n).fill(-1);
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = root(i);
    if (!seen.has(r)) seen.set(r, seen.size);
    label[i] = seen.get(r)!;
  }
  return label;
}

/**
 * Stationary weight of each channel: the fraction of the selected equilibrium frames (e.g. those of
 * the transition region, 0.4 < reference eigenfunction < 0.6) whose nearest path belongs to that
 * channel. Unbiased equilibrium frames sample the stationary density, so this is the channel's share
 * of the stationary transition-region density. Returns weights [channels] summing to 1 and the count.
 */
export function channelWeights(paths: readonly ProjectedPath[], labels: ArrayLike<number>, frames: readonly DihedralTrajectory[], select: (trajectory: number, frame: number) => boolean): { weights: Float64Array; frames: number } {
  if (labels.length !== paths.length) throw new RangeError(`channelWeights: ${paths.length} paths but ${labels.length} labels`);
  let channels = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0) throw new RangeError(`channelWeights: label ${i} is ${labels[i]}`);
    channels = Math.max(channels, labels[i] + 1);
  }
  const counts = new Float64Array(channels);
  let total = 0;
  frames.forEach((t, k) => {
    for (let f = 0; f < t.phi.length; f++) {
      if (!select(k, f)) continue;
      let best = -1, bd = Infinity;
      paths.forEach((p, i) => { const d = distanceToProjectedPath(t.phi[f], t.psi[f], p); if (d < bd) { bd = d; best = i; } });
      counts[labels[best]]++;
      total++;
    }
  });
  if (total === 0) throw new Error('channelWeights: no frame selected');
  return { weights: counts.map((c) => c / total), frames: total };
}
