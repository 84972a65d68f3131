/**
 * Radial distribution function g(r) between two groups of atoms in a rectangular periodic box, over
 * frames whose box may change (NPT):
 *
 *   g(r_k) = sum_f h_f(k) / (n_pairs * sum_f (1 / V_f) * 4 pi / 3 (r_{k+1}^3 - r_k^3))
 *
 * where h_f(k) counts the pairs of frame f whose minimum-image distance falls in bin k. For an ideal
 * gas the expected count of a bin is n_pairs * shell volume / V, so E[g] = 1 exactly; the sums over
 * frames weight each frame by its pair density n_pairs / V_f (the convention of mdtraj.compute_rdf,
 * which data/water_reference.py uses for OpenMM's reference). Pairs: distinct i < j within one group,
 * or every (i in A, j in B) with i != j for two groups.
 *
 * Coordinates flattened `[frame][atom * 3 + xyz]` (nm); boxes `[frame][3]` edge lengths (nm) or one
 * box for all frames.
 */
export interface RdfOptions {
  /** Atoms of the first group (0-based). */
  a: ArrayLike<number>;
  /** Atoms of the second group; default: pairs within `a`. */
  b?: ArrayLike<number>;
  /** Largest distance (nm); at most half the smallest box edge (the minimum image must be unique). */
  rMax: number;
  /** Bin width (nm). */
  binWidth: number;
}

export interface Rdf {
  /** Bin centres (nm). */
  r: Float64Array;
  /** g(r) per bin. */
  g: Float64Array;
  /** Pair counts per bin summed over frames. */
  counts: Float64Array;
  /** Bin edges (nm), length bins + 1. */
  edges: Float64Array;
  frames: number;
  /** Pairs per frame. */
  pairs: number;
}

export function radialDistribution(x: Float64Array, nAtoms: number, boxes: ArrayLike<number>, options: RdfOptions): Rdf {
  const { rMax, binWidth } = options;
  if (!Number.isInteger(nAtoms) || nAtoms < 1) throw new RangeError(`radialDistribution: nAtoms must be a positive integer, got ${nAtoms}`);
  if (x.length % (3 * nAtoms) !== 0 || x.length === 0) throw new RangeError(`radialDistribution: ${x.length} coordinates do not form frames of ${nAtoms} atoms x 3`);
  const nFrames = x.length / (3 * nAtoms);
  if (boxes.length !== 3 && boxes.length !== 3 * nFrames) throw new RangeError(`radialDistribution: boxes need 3 edge lengths per frame (${nFrames} frames) or 3 for all, got ${boxes.length} numbers`);
  if (!(binWidth > 0) || !(rMax > binWidth)) throw new RangeError(`radialDistribution: need 0 < binWidth < rMax, got binWidth ${binWidth}, rMax ${rMax}`);
  const nBins = Math.round(rMax / binWidth);
  if (Math.abs(nBins * binWidth - rMax) > 1e-9 * rMax) throw new RangeError(`radialDistribution: rMax ${rMax} is not a whole number of bins of ${binWidth}`);
  const A = Int32Array.from(options.a), B = options.b ? Int32Array.from(options.b) : null;
  for (const g of B ? [A, B] : [A]) {
    if (g.length === 0) throw new RangeError('radialDistribution: an atom group is empty');
    for (const i of g) if (!(i >= 0 && i < nAtoms)) throw new RangeError(`radialDistribution: atom ${i} is outside 0..${nAtoms - 1}`);
  }
  let nPairs: number;
  if (B) {
    const inA = new Set(A);
    nPairs = A.length * B.length - B.reduce((s, j) => s + (inA.has(j) ? 1 : 0), 0);
  } else nPairs = (A.length * (A.length - 1)) / 2;
  if (nPairs < 1) throw new RangeError('radialDistribution: the groups form no pair');
  const counts = new Float64Array(nBins), rMax2 = rMax * rMax, invW = 1 / binWidth;
  let densitySum = 0;
  for (let f = 0; f < nFrames; f++) {
    const bo = boxes.length === 3 ? 0 : 3 * f, Lx = boxes[bo], Ly = boxes[bo + 1], Lz = boxes[bo + 2];
    if (!(Lx > 0 && Ly > 0 && Lz > 0)) throw new RangeError(`radialDistribution: frame ${f} has box ${Lx} ${Ly} ${Lz}`);
    if (2 * rMax > Math.min(Lx, Ly, Lz) + 1e-12) throw new RangeError(`radialDistribution: rMax ${rMax} nm exceeds half the smallest box edge of frame ${f} (${Math.min(Lx, Ly, Lz)} nm)`);
    densitySum += nPairs / (Lx * Ly * Lz);
    const o = 3 * nAtoms * f;
    const add = (i: number, j: number) => {
      let dx = x[o + 3 * i] - x[o + 3 * j], dy = x[o + 3 * i + 1] - x[o + 3 * j + 1], dz = x[o + 3 * i + 2] - x[o + 3 * j + 2];
      dx -= Lx * Math.round(dx / Lx);
      dy -= Ly * Math.round(dy / Ly);
      dz -= Lz * Math.round(dz / Lz);
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 < rMax2) {
        const k = Math.floor(Math.sqrt(r2) * invW);
        if (k < nBins) counts[k]++;
      }
    };
    if (B) {
      for (const i of A) for (const j of B) if (i !== j) add(i, j);
    } else {
      for (let p = 0; p < A.length; p++) for (let q = p + 1; q < A.length; q++) add(A[p], A[q]);
    }
  }
  const edges = Float64Array.from({ length: nBins + 1 }, (_, k) => k * binWidth);
  const r = Float64Array.from({ length: nBins }, (_, k) => (k + 0.5) * binWidth);
  const g = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) g[k] = counts[k] / (densitySum * ((4 * Math.PI) / 3) * (edges[k + 1] ** 3 - edges[k] ** 3));
  return { r, g, counts, edges, frames: nFrames, pairs: nPairs };
}

/**
 * First peak of g(r): the highest bin within [rFrom, rTo] and the vertex of the parabola through it and
 * its two neighbours (position and height), as data/water_reference.py takes OpenMM's.
 */
export function rdfFirstPeak(r: ArrayLike<number>, g: ArrayLike<number>, rFrom = 0, rTo = Infinity): { r: number; g: number } {
  if (r.length !== g.length || r.length < 3) throw new RangeError(`rdfFirstPeak: need r and g of equal length >= 3, got ${r.length} and ${g.length}`);
  let k = -1;
  for (let i = 1; i < r.length - 1; i++) if (r[i] >= rFrom && r[i] <= rTo && (k < 0 || g[i] > g[k])) k = i;
  if (k < 0) throw new RangeError(`rdfFirstPeak: no interior bin within [${rFrom}, ${rTo}] nm`);
  const y0 = g[k - 1], y1 = g[k], y2 = g[k + 1], den = y0 - 2 * y1 + y2;
  if (!(den < 0)) return { r: r[k], g: y1 }; // flat or not a maximum: the bin itself
  const d = (0.5 * (y0 - y2)) / den, h = r[k + 1] - r[k];
  return { r: r[k] + d * h, g: y1 - 0.25 * (y0 - y2) * d };
}
