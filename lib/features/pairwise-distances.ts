import { checkFrames, type Featurization } from './featurization.js';

/**
 * Pairwise distances (nm) between selected atoms as network inputs, ISOKANN.jl's default molecular
 * featurisation (all pairs of the chosen, usually heavy, atoms): invariant to translations and
 * rotations of the molecule, so a chi learned on them needs no alignment. With `inverse: true` the
 * features are 1/d (nm^-1), which weight close contacts more strongly. Pair order: (i, j) for i < j in
 * the order of `atoms`.
 */
export class PairwiseDistances implements Featurization {
  readonly inputs: number;
  readonly names: string[];
  private readonly pi: Int32Array;
  private readonly pj: Int32Array;
  private readonly inverse: boolean;

  constructor(readonly atoms: number, options: { atoms?: ArrayLike<number>; inverse?: boolean; atomNames?: readonly string[] } = {}) {
    if (!Number.isInteger(atoms) || atoms < 2) throw new RangeError(`PairwiseDistances: need at least 2 atoms, got ${atoms}`);
    const sel = Array.from(options.atoms ?? Array.from({ length: atoms }, (_, a) => a));
    const seen = new Set<number>();
    for (const a of sel) {
      if (!Number.isInteger(a) || a < 0 || a >= atoms) throw new RangeError(`PairwiseDistances: atom ${a} outside 0..${atoms - 1}`);
      if (seen.has(a)) throw new RangeError(`PairwiseDistances: atom ${a} selected twice`);
      seen.add(a);
    }
    if (sel.length < 2) throw new RangeError(`PairwiseDistances: select at least 2 atoms, got ${sel.length}`);
    const m = (sel.length * (sel.length - 1)) / 2;
    this.pi = new Int32Array(m);
    this.pj = new Int32Array(m);
    this.names = [];
    this.inverse = options.inverse ?? false;
    const label = (a: number) => options.atomNames?.[a] ?? String(a);
    let k = 0;
    for (let p = 0; p < sel.length; p++) {
      for (let q = p + 1; q < sel.length; q++, k++) {
        this.pi[k] = sel[p];
        this.pj[k] = sel[q];
        this.names.push(`${this.inverse ? '1/' : ''}d(${label(sel[p])},${label(sel[q])})`);
      }
    }
    this.inputs = m;
  }

  transform(x: Float64Array, n: number): Float64Array {
    checkFrames('PairwiseDistances.transform', x, n, this.atoms);
    const out = new Float64Array(n * this.inputs);
    const m = this.atoms * 3;
    for (let f = 0; f < n; f++) {
      const o = f * m;
      for (let k = 0; k < this.inputs; k++) {
        const i = o + 3 * this.pi[k], j = o + 3 * this.pj[k];
        const d = Math.hypot(x[j] - x[i], x[j + 1] - x[i + 1], x[j + 2] - x[i + 2]);
        if (d === 0) throw new RangeError(`PairwiseDistances: atoms ${this.pi[k]} and ${this.pj[k]} coincide in frame ${f}`);
        out[f * this.inputs + k] = this.inverse ? 1 / d : d;
      }
    }
    return out;
  }

  /** J^T g: d d_ij / d x_j = (x_j - x_i) / d_ij; for 1/d, times -1/d^2. */
  pullback(x: Float64Array, g: ArrayLike<number>): Float64Array {
    checkFrames('PairwiseDistances.pullback', x, 1, this.atoms);
    if (g.length !== this.inputs) throw new RangeError(`PairwiseDistances.pullback: ${g.length} feature gradients for ${this.inputs} features`);
    const out = new Float64Array(this.atoms * 3);
    for (let k = 0; k < this.inputs; k++) {
      const i = 3 * this.pi[k], j = 3 * this.pj[k];
      const dx = x[j] - x[i], dy = x[j + 1] - x[i + 1], dz = x[j + 2] - x[i + 2];
      const d = Math.hypot(dx, dy, dz);
      if (d === 0) throw new RangeError(`PairwiseDistances: atoms ${this.pi[k]} and ${this.pj[k]} coincide`);
      const s = (this.inverse ? -g[k] / (d * d) : g[k]) / d;
      out[j] += s * dx; out[j + 1] += s * dy; out[j + 2] += s * dz;
      out[i] -= s * dx; out[i + 1] -= s * dy; out[i + 2] -= s * dz;
    }
    return out;
  }
}
