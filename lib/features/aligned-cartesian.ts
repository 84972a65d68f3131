import { align } from './alignment.js';
import { checkFrames, type Featurization } from './featurization.js';

/**
 * Aligned Cartesian coordinates as network inputs: each frame is superposed onto `reference` (Kabsch,
 * by lib/features/alignment.ts) using `fitAtoms`, and the aligned coordinates of `atoms` (default all)
 * are the features, [atoms.length * 3] nm, in the reference frame (reference centroid and orientation). Invariant to rigid motions of the input; the pullback
 * includes the derivative of the optimal rotation, so gradients reach every atom of the fit.
 */
export class AlignedCartesian implements Featurization {
  readonly inputs: number;
  readonly names: string[];
  private readonly reference: Float64Array;
  private readonly selected: Int32Array;
  private readonly fit?: Int32Array;

  constructor(readonly atoms: number, reference: ArrayLike<number>, options: { fitAtoms?: ArrayLike<number>; atoms?: ArrayLike<number>; atomNames?: string[] } = {}) {
    checkFrames('AlignedCartesian reference', reference, 1, atoms);
    this.reference = Float64Array.from(reference);
    const sel = Int32Array.from(options.atoms ?? Array.from({ length: atoms }, (_, a) => a));
    for (const a of sel) if (!Number.isInteger(a) || a < 0 || a >= atoms) throw new RangeError(`AlignedCartesian: atom ${a} outside 0..${atoms - 1}`);
    if (options.fitAtoms) {
      this.fit = Int32Array.from(options.fitAtoms);
      for (const a of this.fit) if (!Number.isInteger(a) || a < 0 || a >= atoms) throw new RangeError(`AlignedCartesian: fit atom ${a} outside 0..${atoms - 1}`);
    }
    this.selected = sel;
    this.inputs = 3 * sel.length;
    this.names = Array.from(sel).flatMap((a) => ['x', 'y', 'z'].map((c) => `${c}(${options.atomNames?.[a] ?? a})`));
  }

  transform(x: Float64Array, n: number): Float64Array {
    checkFrames('AlignedCartesian.transform', x, n, this.atoms);
    const out = new Float64Array(n * this.inputs);
    const m = this.atoms * 3;
    for (let f = 0; f < n; f++) {
      const al = align(x.subarray(f * m, (f + 1) * m), this.reference, { fitAtoms: this.fit }).aligned;
      for (let s = 0; s < this.selected.length; s++) for (let k = 0; k < 3; k++) out[f * this.inputs + 3 * s + k] = al[3 * this.selected[s] + k];
    }
    return out;
  }

  pullback(x: Float64Array, g: ArrayLike<number>): Float64Array {
    checkFrames('AlignedCartesian.pullback', x, 1, this.atoms);
    if (g.length !== this.inputs) throw new RangeError(`AlignedCartesian.pullback: ${g.length} feature gradients for ${this.inputs} features`);
    const full = new Float64Array(this.atoms * 3);
    for (let s = 0; s < this.selected.length; s++) for (let k = 0; k < 3; k++) full[3 * this.selected[s] + k] += g[3 * s + k];
    return align(x, this.reference, { fitAtoms: this.fit }).pullback(full);
  }
}
