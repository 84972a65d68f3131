import { angleGradient, dihedralGradient, distance, distanceGradient } from './observables.js';
import { checkFrames, type Featurization } from './featurization.js';

export interface InternalCoordinateSpec {
  bonds: [number, number][];
  angles: [number, number, number][];
  dihedrals: [number, number, number, number][];
  /** Atom names for feature names (optional). */
  atomNames?: string[];
}

/**
 * Internal coordinates scaled to about [0, 1] as in AIMMD (Materials & Methods E): each angle theta as
 * 0.5 (cos theta + 1), each dihedral phi as the pair 0.5 (sin phi + 1), 0.5 (cos phi + 1) (continuous
 * across the periodic boundary); bond lengths in nm, already within (0, 1) for covalent bonds.
 * Feature order: bonds, angles, dihedrals (sin, cos per dihedral).
 */
export class InternalCoordinates implements Featurization {
  readonly inputs: number;
  readonly names: string[];

  constructor(readonly atoms: number, readonly spec: InternalCoordinateSpec) {
    const check = (list: number[][], what: string) => list.forEach((t, q) => t.forEach((a) => {
      if (!Number.isInteger(a) || a < 0 || a >= atoms) throw new RangeError(`InternalCoordinates: ${what} ${q} names atom ${a}, outside 0..${atoms - 1}`);
    }));
    check(spec.bonds, 'bond'); check(spec.angles, 'angle'); check(spec.dihedrals, 'dihedral');
    const nm = (a: number) => spec.atomNames?.[a] ?? String(a);
    this.names = [
      ...spec.bonds.map(([i, j]) => `r(${nm(i)}-${nm(j)})`),
      ...spec.angles.map(([i, j, k]) => `cos θ(${nm(i)}-${nm(j)}-${nm(k)})`),
      ...spec.dihedrals.flatMap(([i, j, k, l]) => [`sin φ(${nm(i)}-${nm(j)}-${nm(k)}-${nm(l)})`, `cos φ(${nm(i)}-${nm(j)}-${nm(k)}-${nm(l)})`]),
    ];
    this.inputs = this.names.length;
  }

  /**
   * All bonds, angles and proper dihedrals (one per distinct atom quadruple) of a topology, as for
   * lib/forcefield's Topology.
   */
  static fromTopology(top: { atoms: { name: string }[]; bonds: { i: number; j: number }[]; angles: { i: number; j: number; k: number }[]; dihedrals: { i: number; j: number; k: number; l: number; improper: boolean }[] }): InternalCoordinates {
    const seen = new Set<string>();
    const dihedrals: [number, number, number, number][] = [];
    for (const d of top.dihedrals) {
      if (d.improper) continue;
      const key = `${d.i},${d.j},${d.k},${d.l}`;
      if (seen.has(key)) continue;
      seen.add(key);
      dihedrals.push([d.i, d.j, d.k, d.l]);
    }
    return new InternalCoordinates(top.atoms.length, {
      bonds: top.bonds.map((b) => [b.i, b.j]),
      angles: top.angles.map((a) => [a.i, a.j, a.k]),
      dihedrals,
      atomNames: top.atoms.map((a) => a.name),
    });
  }

  /**
   * The non-redundant set of AIMMD's reference implementation (aimmd.coords.internal, built like the
   * natural-extension reference frame of Parsons et al., the paper's Ref. 32): a breadth-first tree of
   * the bond graph from a terminal `source` atom (default: the first atom with one bond); every tree
   * bond, every angle origin-middle-target along the tree, and for each such angle whose end atom has
   * tree children one dihedral over its first child (topology bond order). Alanine dipeptide from the
   * acetyl methyl H: 21 bonds, 20 angles, 7 dihedrals (55 inputs), one dihedral per rotatable bond, so
   * a methyl rotor enters once rather than nine times as in fromTopology; psi enters as N-CA-C-O =
   * psi + pi, whose cosine input is the paper's x1 = 0.5 [cos(psi + pi) + 1] (Fig. 4A).
   */
  static fromBondTree(top: { atoms: { name: string }[]; bonds: { i: number; j: number }[] }, source?: number): InternalCoordinates {
    const n = top.atoms.length;
    const adj: number[][] = Array.from({ length: n }, () => []);
    for (const b of top.bonds) {
      if (!(b.i >= 0 && b.i < n && b.j >= 0 && b.j < n)) throw new RangeError(`InternalCoordinates.fromBondTree: bond ${b.i}-${b.j} names an atom outside 0..${n - 1}`);
      adj[b.i].push(b.j);
      adj[b.j].push(b.i);
    }
    const src = source ?? adj.findIndex((a) => a.length === 1);
    if (!Number.isInteger(src) || src < 0 || src >= n) throw new RangeError(`InternalCoordinates.fromBondTree: no source atom (got ${source}; the molecule needs an atom with one bond)`);
    // A source inside the molecule would leave the angles and dihedrals around it out.
    if (adj[src].length !== 1) throw new RangeError(`InternalCoordinates.fromBondTree: source atom ${src} (${top.atoms[src].name}) has ${adj[src].length} bonds; it must be terminal (one bond)`);
    const children: number[][] = Array.from({ length: n }, () => []);
    const order = [src], seen = new Uint8Array(n);
    seen[src] = 1;
    for (let q = 0; q < order.length; q++) {
      for (const b of adj[order[q]]) if (!seen[b]) { seen[b] = 1; children[order[q]].push(b); order.push(b); }
    }
    if (order.length !== n) throw new RangeError(`InternalCoordinates.fromBondTree: the bond graph is not connected (${order.length} of ${n} atoms reached from atom ${src})`);
    const bonds: [number, number][] = [], angles: [number, number, number][] = [], dihedrals: [number, number, number, number][] = [];
    for (const o of order) {
      for (const m of children[o]) {
        bonds.push([o, m]);
        for (const t of children[m]) {
          angles.push([o, m, t]);
          if (children[t].length > 0) dihedrals.push([o, m, t, children[t][0]]);
        }
      }
    }
    return new InternalCoordinates(n, { bonds, angles, dihedrals, atomNames: top.atoms.map((a) => a.name) });
  }

  transform(x: Float64Array, n: number): Float64Array {
    checkFrames('InternalCoordinates.transform', x, n, this.atoms);
    const out = new Float64Array(n * this.inputs);
    for (let f = 0; f < n; f++) this.frame(x, f * this.atoms * 3, out, f * this.inputs, null);
    return out;
  }

  pullback(x: Float64Array, g: ArrayLike<number>): Float64Array {
    checkFrames('InternalCoordinates.pullback', x, 1, this.atoms);
    if (g.length !== this.inputs) throw new RangeError(`InternalCoordinates.pullback: ${g.length} feature gradients for ${this.inputs} features`);
    const grad = new Float64Array(this.atoms * 3);
    this.frame(x, 0, null, 0, { g, grad });
    return grad;
  }

  /** Features of one frame into out (when given); with `back`, accumulates J^T g into back.grad. */
  private frame(x: Float64Array, o: number, out: Float64Array | null, p: number, back: { g: ArrayLike<number>; grad: Float64Array } | null): void {
    const { bonds, angles, dihedrals } = this.spec;
    let q = 0;
    for (const [i, j] of bonds) {
      if (out) out[p + q] = distance(x, i, j, o);
      if (back && back.g[q] !== 0) distanceGradient(x, i, j, back.grad, back.g[q], o);
      q++;
    }
    for (const [i, j, k] of angles) {
      const th = angleGradient(x, i, j, k, null, 1, o);
      if (out) out[p + q] = 0.5 * (Math.cos(th) + 1);
      if (back && back.g[q] !== 0) angleGradient(x, i, j, k, back.grad, -0.5 * Math.sin(th) * back.g[q], o);
      q++;
    }
    for (const [i, j, k, l] of dihedrals) {
      const phi = dihedralGradient(x, i, j, k, l, null, 1, o);
      if (out) { out[p + q] = 0.5 * (Math.sin(phi) + 1); out[p + q + 1] = 0.5 * (Math.cos(phi) + 1); }
      if (back) {
        const s = 0.5 * Math.cos(phi) * back.g[q] - 0.5 * Math.sin(phi) * back.g[q + 1];
        if (s !== 0) dihedralGradient(x, i, j, k, l, back.grad, s, o);
      }
      q += 2;
    }
  }
}

