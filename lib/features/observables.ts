/**
 * Geometric observables of atoms in 3-D with analytic gradients (for saliency and CV biasing).
 * Coordinates are flattened `[atom * 3 + xyz]` (nm) from `offset`; distances in nm, angles in radians.
 * The `*Gradient` functions return the value and ADD `scale * d(value)/dx` into `grad` (same layout
 * as x, from `gradOffset`), so several observables can be chained without allocation.
 *
 * Dihedral convention: IUPAC/IUB, as GROMACS, OpenMM and mdtraj: the angle between the planes
 * (i, j, k) and (j, k, l), 0 for cis, in (-pi, pi]:
 * phi = atan2(|b2| b1 . (b2 x b3), (b1 x b2) . (b2 x b3)) with b1 = x_j - x_i, b2 = x_k - x_j,
 * b3 = x_l - x_k.
 */

function atomCheck(x: ArrayLike<number>, offset: number, ...atoms: number[]): void {
  for (const a of atoms) {
    if (!Number.isInteger(a) || a < 0 || offset + 3 * a + 2 >= x.length) {
      throw new RangeError(`observables: atom index ${a} out of range for ${Math.floor((x.length - offset) / 3)} atoms`);
    }
  }
}

/** |x_i - x_j| (nm). */
export function distance(x: ArrayLike<number>, i: number, j: number, offset = 0): number {
  atomCheck(x, offset, i, j);
  const a = offset + 3 * i, b = offset + 3 * j;
  return Math.hypot(x[a] - x[b], x[a + 1] - x[b + 1], x[a + 2] - x[b + 2]);
}

/** Distance with its gradient added (times scale) into grad. */
export function distanceGradient(x: ArrayLike<number>, i: number, j: number, grad: Float64Array, scale = 1, offset = 0, gradOffset = 0): number {
  const r = distance(x, i, j, offset);
  const a = offset + 3 * i, b = offset + 3 * j, ga = gradOffset + 3 * i, gb = gradOffset + 3 * j;
  if (r === 0) return 0; // gradient undefined at coincident atoms; left unchanged
  for (let q = 0; q < 3; q++) {
    const u = (scale * (x[a + q] - x[b + q])) / r;
    grad[ga + q] += u;
    grad[gb + q] -= u;
  }
  return r;
}

/** Angle i-j-k at atom j (radians, [0, pi]). */
export function angle(x: ArrayLike<number>, i: number, j: number, k: number, offset = 0): number {
  return angleGradient(x, i, j, k, null, 1, offset);
}

/** Angle i-j-k with its gradient added (times scale) into grad (pass null for the value only). */
export function angleGradient(x: ArrayLike<number>, i: number, j: number, k: number, grad: Float64Array | null, scale = 1, offset = 0, gradOffset = 0): number {
  atomCheck(x, offset, i, j, k);
  const I = offset + 3 * i, J = offset + 3 * j, K = offset + 3 * k;
  const ax = x[I] - x[J], ay = x[I + 1] - x[J + 1], az = x[I + 2] - x[J + 2];
  const cx = x[K] - x[J], cy = x[K + 1] - x[J + 1], cz = x[K + 2] - x[J + 2];
  const a2 = ax * ax + ay * ay + az * az, c2 = cx * cx + cy * cy + cz * cz;
  const inv = 1 / Math.sqrt(a2 * c2);
  const cos = Math.min(1, Math.max(-1, (ax * cx + ay * cy + az * cz) * inv));
  const theta = Math.acos(cos);
  if (grad) {
    const sin = Math.sqrt(1 - cos * cos);
    if (sin > 1e-12) {
      const g = -scale / sin; // d theta = -d cos / sin
      const gi = [g * (cx * inv - (cos / a2) * ax), g * (cy * inv - (cos / a2) * ay), g * (cz * inv - (cos / a2) * az)];
      const gk = [g * (ax * inv - (cos / c2) * cx), g * (ay * inv - (cos / c2) * cy), g * (az * inv - (cos / c2) * cz)];
      for (let q = 0; q < 3; q++) {
        grad[gradOffset + 3 * i + q] += gi[q];
        grad[gradOffset + 3 * k + q] += gk[q];
        grad[gradOffset + 3 * j + q] -= gi[q] + gk[q];
      }
    }
  }
  return theta;
}

/** Dihedral i-j-k-l (radians, (-pi, pi]). */
export function dihedral(x: ArrayLike<number>, i: number, j: number, k: number, l: number, offset = 0): number {
  return dihedralGradient(x, i, j, k, l, null, 1, offset);
}

/** Dihedral with its gradient added (times scale) into grad (pass null for the value only). */
export function dihedralGradient(x: ArrayLike<number>, i: number, j: number, k: number, l: number, grad: Float64Array | null, scale = 1, offset = 0, gradOffset = 0): number {
  atomCheck(x, offset, i, j, k, l);
  const I = offset + 3 * i, J = offset + 3 * j, K = offset + 3 * k, L = offset + 3 * l;
  const fx = x[I] - x[J], fy = x[I + 1] - x[J + 1], fz = x[I + 2] - x[J + 2];
  const gx = x[K] - x[J], gy = x[K + 1] - x[J + 1], gz = x[K + 2] - x[J + 2];
  const hx = x[K] - x[L], hy = x[K + 1] - x[L + 1], hz = x[K + 2] - x[L + 2];
  const mx = fy * gz - fz * gy, my = fz * gx - fx * gz, mz = fx * gy - fy * gx;
  const nx = gy * hz - gz * hy, ny = gz * hx - gx * hz, nz = gx * hy - gy * hx;
  const g2 = gx * gx + gy * gy + gz * gz, gl = Math.sqrt(g2);
  const phi = Math.atan2(gl * (fx * nx + fy * ny + fz * nz), mx * nx + my * ny + mz * nz);
  if (grad) {
    const m2 = mx * mx + my * my + mz * mz, n2 = nx * nx + ny * ny + nz * nz;
    if (m2 > 1e-300 && n2 > 1e-300) {
      const si = (scale * gl) / m2, sl = (-scale * gl) / n2;
      const di = [si * mx, si * my, si * mz];
      const dl = [sl * nx, sl * ny, sl * nz];
      const p = (fx * gx + fy * gy + fz * gz) / g2, q = (hx * gx + hy * gy + hz * gz) / g2;
      for (let c = 0; c < 3; c++) {
        const s = p * di[c] - q * dl[c];
        grad[gradOffset + 3 * i + c] += di[c];
        grad[gradOffset + 3 * l + c] += dl[c];
        grad[gradOffset + 3 * j + c] += -di[c] + s;
        grad[gradOffset + 3 * k + c] += -dl[c] - s;
      }
    }
  }
  return phi;
}

/** Minimal per-atom naming a peptide lookup needs (TopologyAtom and AtomRecord both fit). */
export interface NamedAtom {
  name: string;
  resName: string;
  resNr: number;
  /** Residue index when known (TopologyAtom); otherwise residues are split where resNr/resName change. */
  residueIndex?: number;
  /** Molecule index when known: residues of different molecules are never joined. */
  molecule?: number;
}

export interface BackboneDihedral {
  /** 0-based residue index (in order of appearance). */
  residue: number;
  resName: string;
  resNr: number;
  /** 0-based atom indices i, j, k, l. */
  atoms: [number, number, number, number];
}

/**
 * Backbone phi (C(r-1), N, CA, C) and psi (N, CA, C, N(r+1)) of a peptide by atom names, as mdtraj
 * defines them: caps count (ACE's C gives the first phi, NME's N the last psi); a residue without a
 * preceding C or following N has no phi or psi. Residues of different molecules are not joined.
 */
export function backboneDihedrals(atoms: NamedAtom[]): { phi: BackboneDihedral[]; psi: BackboneDihedral[] } {
  const residues: { resName: string; resNr: number; molecule: number; idx: Map<string, number> }[] = [];
  let prev = '';
  atoms.forEach((a, k) => {
    const key = a.residueIndex !== undefined ? `r${a.residueIndex}` : `${a.molecule ?? 0}|${a.resNr}|${a.resName}`;
    if (key !== prev) residues.push({ resName: a.resName, resNr: a.resNr, molecule: a.molecule ?? 0, idx: new Map() });
    prev = key;
    const r = residues[residues.length - 1];
    if (!r.idx.has(a.name)) r.idx.set(a.name, k);
  });
  const phi: BackboneDihedral[] = [];
  const psi: BackboneDihedral[] = [];
  residues.forEach((r, k) => {
    const N = r.idx.get('N'), CA = r.idx.get('CA'), C = r.idx.get('C');
    if (N === undefined || CA === undefined || C === undefined) return;
    const before = residues[k - 1], after = residues[k + 1];
    const Cp = before && before.molecule === r.molecule ? before.idx.get('C') : undefined;
    const Nn = after && after.molecule === r.molecule ? after.idx.get('N') : undefined;
    if (Cp !== undefined) phi.push({ residue: k, resName: r.resName, resNr: r.resNr, atoms: [Cp, N, CA, C] });
    if (Nn !== undefined) psi.push({ residue: k, resName: r.resName, resNr: r.resNr, atoms: [N, CA, C, Nn] });
  });
  return { phi, psi };
}
