import { dihedral } from './observables.js';

/**
 * Sets dihedral i-j-k-l of a molecule to `angle` (radians) by rigidly rotating everything bonded on
 * the k side of the j-k bond about that bond (how one builds C7ax or alpha_L starts of a peptide).
 * Positions `x` are `[nAtoms * 3]` (nm), changed in place and returned; `bonds` are 0-based atom
 * pairs (e.g. `topology.bonds.map((b) => [b.i, b.j])`). A j-k bond inside a ring cannot be rotated
 * and raises an error.
 */
export function setDihedral(x: Float64Array, bonds: ArrayLike<readonly [number, number]>, atoms: readonly [number, number, number, number], angle: number): Float64Array {
  const n = Math.floor(x.length / 3);
  const [i, j, k, l] = atoms;
  for (const a of atoms) if (!Number.isInteger(a) || a < 0 || a >= n) throw new RangeError(`setDihedral: atom index ${a} out of range 0..${n - 1}`);
  if (!Number.isFinite(angle)) throw new RangeError(`setDihedral: angle must be finite, got ${angle}`);
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (let b = 0; b < bonds.length; b++) {
    const [p, q] = bonds[b];
    if (p < 0 || q < 0 || p >= n || q >= n) throw new RangeError(`setDihedral: bond ${p}-${q} out of range 0..${n - 1}`);
    adj[p].push(q);
    adj[q].push(p);
  }
  if (!adj[j].includes(k)) throw new RangeError(`setDihedral: atoms ${j} and ${k} are not bonded`);
  // atoms reachable from k without crossing the j-k bond
  const moving = new Uint8Array(n);
  moving[k] = 1;
  const stack = [k];
  while (stack.length) {
    const a = stack.pop()!;
    for (const b of adj[a]) {
      if (a === k && b === j) continue;
      if (b === j) throw new Error(`setDihedral: bond ${j}-${k} is in a ring; its dihedral cannot be set by a rigid rotation`);
      if (!moving[b]) { moving[b] = 1; stack.push(b); }
    }
  }
  if (!moving[l] || moving[i]) throw new Error(`setDihedral: atoms ${i} and ${l} must lie on the two sides of bond ${j}-${k}`);
  const delta = angle - dihedral(x, i, j, k, l);
  // Rodrigues rotation by delta about the unit axis u = (x_k - x_j)/|x_k - x_j| through x_k; the
  // dihedral (IUPAC sign) grows by delta for a right-handed rotation about j->k of the l side.
  const ux0 = x[3 * k] - x[3 * j], uy0 = x[3 * k + 1] - x[3 * j + 1], uz0 = x[3 * k + 2] - x[3 * j + 2];
  const norm = Math.hypot(ux0, uy0, uz0);
  const ux = ux0 / norm, uy = uy0 / norm, uz = uz0 / norm;
  const c = Math.cos(delta), s = Math.sin(delta);
  for (let a = 0; a < n; a++) {
    if (!moving[a] || a === k) continue;
    const px = x[3 * a] - x[3 * k], py = x[3 * a + 1] - x[3 * k + 1], pz = x[3 * a + 2] - x[3 * k + 2];
    const d = (ux * px + uy * py + uz * pz) * (1 - c);
    x[3 * a] = x[3 * k] + px * c + (uy * pz - uz * py) * s + ux * d;
    x[3 * a + 1] = x[3 * k + 1] + py * c + (uz * px - ux * pz) * s + uy * d;
    x[3 * a + 2] = x[3 * k + 2] + pz * c + (ux * py - uy * px) * s + uz * d;
  }
  return x;
}
