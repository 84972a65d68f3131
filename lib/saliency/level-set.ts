import { checkFrames, type Featurization } from '../features/featurization.js';

/**
 * AMORE-MD saliency (Kresse, Sikorski & Weber, Figs. 2-3 captions): the squared norm of chi's gradient
 * with respect to each atom's Cartesian position, ||grad_i chi||^2, averaged over the frames whose chi
 * falls in one level-set bin z: <||grad_i chi||^2>_z. Large values mark the atoms whose motion changes
 * chi most where chi = z, i.e. the atoms that carry the transition at that stage.
 */
export interface LevelSetSaliency {
  /** Bin edges in chi, [bins + 1], increasing. */
  readonly edges: Float64Array;
  /** Bin centres, [bins]. */
  readonly centers: Float64Array;
  /** Frames per bin, [bins]. */
  readonly counts: Int32Array;
  /** Frames whose chi lies outside [edges[0], edges[bins]] (counted, not folded into an end bin). */
  readonly outside: number;
  readonly atoms: number;
  /** <||grad_i chi||^2>_z, [bins][atoms] flattened; NaN in bins without frames. */
  readonly values: Float64Array;
}

/** Per-atom squared gradient norms ||g_i||^2 of one Cartesian gradient g [atoms * 3]. */
export function atomGradientSquared(gradCartesian: ArrayLike<number>, out?: Float64Array): Float64Array {
  if (gradCartesian.length % 3 !== 0) throw new RangeError(`atomGradientSquared: gradient length ${gradCartesian.length} is not a multiple of 3`);
  const atoms = gradCartesian.length / 3;
  const s = out ?? new Float64Array(atoms);
  if (s.length !== atoms) throw new RangeError(`atomGradientSquared: output has ${s.length} entries, expected ${atoms}`);
  for (let a = 0; a < atoms; a++) {
    const gx = gradCartesian[3 * a], gy = gradCartesian[3 * a + 1], gz = gradCartesian[3 * a + 2];
    const v = gx * gx + gy * gy + gz * gz;
    if (!Number.isFinite(v)) throw new RangeError(`atomGradientSquared: gradient of atom ${a} is not finite`);
    s[a] = v;
  }
  return s;
}

/**
 * ||grad_i chi||^2 for n frames through a featurisation: the network's input gradients dchi/df
 * [n][inputs] are pulled back to Cartesian gradients (J^T dchi/df) frame by frame.
 * `x` is [n][atoms*3] (nm); returns [n][atoms] (chi^2 / nm^2).
 */
export function atomSaliency(featurization: Featurization, x: Float64Array, n: number, gradFeatures: ArrayLike<number>): Float64Array {
  const { atoms, inputs } = featurization;
  checkFrames('atomSaliency', x, n, atoms);
  if (gradFeatures.length !== n * inputs) throw new RangeError(`atomSaliency: got ${gradFeatures.length} feature gradients, expected ${n} frames x ${inputs} inputs`);
  const out = new Float64Array(n * atoms);
  const g = new Float64Array(inputs);
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < inputs; k++) g[k] = gradFeatures[f * inputs + k];
    const cart = featurization.pullback(x.subarray(f * atoms * 3, (f + 1) * atoms * 3), g);
    atomGradientSquared(cart, out.subarray(f * atoms, (f + 1) * atoms));
  }
  return out;
}

export interface LevelSetOptions {
  /** Number of equal-width bins in chi; default 10. */
  bins?: number;
  /** chi range [lo, hi]; default [0, 1]. */
  range?: [number, number];
}

/**
 * <||grad_i chi||^2>_z: the mean of the per-atom squared gradient norms `saliency` [n][atoms] over the
 * frames whose chi lies in bin z. A frame exactly on an inner edge goes to the bin above it; chi = hi
 * goes to the last bin. Frames outside the range are counted in `outside` and left out.
 */
export function levelSetSaliency(chi: ArrayLike<number>, saliency: ArrayLike<number>, atoms: number, options: LevelSetOptions = {}): LevelSetSaliency {
  const bins = options.bins ?? 10;
  const [lo, hi] = options.range ?? [0, 1];
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`levelSetSaliency: bins must be a positive integer, got ${bins}`);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new RangeError(`levelSetSaliency: range must be finite with hi > lo, got [${lo}, ${hi}]`);
  if (!Number.isInteger(atoms) || atoms < 1) throw new RangeError(`levelSetSaliency: atoms must be a positive integer, got ${atoms}`);
  const n = chi.length;
  if (saliency.length !== n * atoms) throw new RangeError(`levelSetSaliency: got ${saliency.length} saliency values, expected ${n} frames x ${atoms} atoms`);
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = lo + ((hi - lo) * b) / bins;
  const centers = new Float64Array(bins);
  for (let b = 0; b < bins; b++) centers[b] = 0.5 * (edges[b] + edges[b + 1]);
  const counts = new Int32Array(bins);
  const sums = new Float64Array(bins * atoms);
  let outside = 0;
  for (let f = 0; f < n; f++) {
    const c = chi[f];
    if (!Number.isFinite(c)) throw new RangeError(`levelSetSaliency: chi of frame ${f} is ${c}`);
    if (c < lo || c > hi) { outside++; continue; }
    const b = Math.min(bins - 1, Math.floor(((c - lo) / (hi - lo)) * bins));
    counts[b]++;
    for (let a = 0; a < atoms; a++) {
      const v = saliency[f * atoms + a];
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`levelSetSaliency: saliency of atom ${a} in frame ${f} is ${v} (must be finite and ≥ 0)`);
      sums[b * atoms + a] += v;
    }
  }
  for (let b = 0; b < bins; b++) for (let a = 0; a < atoms; a++) sums[b * atoms + a] = counts[b] > 0 ? sums[b * atoms + a] / counts[b] : NaN;
  return { edges, centers, counts, outside, atoms, values: sums };
}

/** Atom indices ordered by decreasing saliency in bin b (NaN-free bins only). */
export function topAtoms(s: LevelSetSaliency, bin: number, k = s.atoms): number[] {
  if (!Number.isInteger(bin) || bin < 0 || bin >= s.counts.length) throw new RangeError(`topAtoms: bin ${bin} is outside 0..${s.counts.length - 1}`);
  if (s.counts[bin] === 0) throw new RangeError(`topAtoms: bin ${bin} (chi ${s.edges[bin]}..${s.edges[bin + 1]}) has no frames`);
  const row = s.values.subarray(bin * s.atoms, (bin + 1) * s.atoms);
  return Array.from({ length: s.atoms }, (_, a) => a).sort((p, q) => row[q] - row[p]).slice(0, k);
}
