import type { Region } from '../systems/regions.js';
import { backboneDihedrals, dihedral } from './observables.js';
import type { NamedAtom } from './observables.js';

/**
 * Regions and basin assignment on dihedral angles (Ramachandran plots). Angles in this file are in
 * DEGREES (the convention of every Ramachandran table); ranges are periodic and half-open,
 * [lo, hi) measured counter-clockwise from lo, so [150, -150) is the 60-degree window through 180.
 */
export type AngleRange = readonly [number, number];

/** A box in (phi, psi) of one residue, degrees. */
export interface RamachandranBox {
  phi: AngleRange;
  psi: AngleRange;
}

/**
 * The three vacuum basins of alanine dipeptide (C7eq, C5 = beta, C7ax; the three-state picture of
 * Strodel & Wales, Chem. Phys. Lett. 466, 105 (2008), cited by the multitask-CV paper as its Ref. 39).
 * The boxes are ours, drawn around the minima of the shipped AMBER99SB-ILDN model in vacuum (L-BFGS
 * from rotated starts, tests/peptide/ramachandran.test.ts): C5 (-147.0, 159.1), C7eq (-77.5, 54.1),
 * C7ax (60.2, -40.9), energies -88.46, -90.95, -85.00 kJ/mol. The classic vacuum minima (Tobias &
 * Brooks, J. Phys. Chem. 96, 3864 (1992), CHARMM: C7eq (-78, 90), C5 (-135, 146), C7ax (61, -72))
 * fall inside the same boxes. C7eq and C5 are separated at psi = 110; the boxes do not overlap. C5
 * takes in the polyproline-II shoulder (phi up to -40, psi > 110), which is one free-energy basin with
 * C5 in vacuum (see the 300 K surfaces in notebooks/peptide-md.ipynb).
 */
export const ALANINE_DIPEPTIDE_BASINS: Readonly<Record<'C7eq' | 'C5' | 'C7ax', RamachandranBox>> = {
  C7eq: { phi: [-150, -40], psi: [0, 110] },
  C5: { phi: [160, -40], psi: [110, -160] },
  C7ax: { phi: [20, 110], psi: [-120, 0] },
};

/**
 * Alanine dipeptide in water: the alpha_R, PII/beta and alpha_L regions (AIMMD paper's solvated
 * system; in water alpha_R is a basin of its own, which it is not in vacuum). phi < 0 is split by psi
 * at 50 and -120 degrees into alpha_R (-120 <= psi < 50) and PII/beta (the rest, through psi = 180);
 * alpha_L takes phi > 0 with -120 <= psi < 120 (the alpha_L minimum near (60, 40) and the C7ax region).
 * The boxes are ours, following the usual reading of the solvated map (alpha_R, PII and beta share
 * phi < 0 and are told apart by psi; alpha_L lies at phi > 0); PII and beta are one region here
 * because they interconvert within picoseconds. The leftover phi > 0, |psi| >= 120 corner is 'other'.
 * data/solvent_runs.py copies these boxes (a test checks they agree).
 */
export const ALANINE_DIPEPTIDE_WATER_BASINS: Readonly<Record<'alphaR' | 'PIIbeta' | 'alphaL', RamachandranBox>> = {
  alphaR: { phi: [-180, 0], psi: [-120, 50] },
  PIIbeta: { phi: [-180, 0], psi: [50, -120] },
  alphaL: { phi: [0, 180], psi: [-120, 120] },
};

function checkRange(r: AngleRange, what: string): void {
  if (!Array.isArray(r) || r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1])) {
    throw new RangeError(`${what}: an angle range is [lo, hi] in degrees, got ${JSON.stringify(r)}`);
  }
}

/** True when angle a (degrees) lies in the periodic half-open range [lo, hi). */
export function inAngleRange(a: number, range: AngleRange): boolean {
  const width = mod360(range[1] - range[0]);
  return mod360(a - range[0]) < (width === 0 ? 360 : width);
}

function mod360(a: number): number {
  const m = a % 360;
  return m < 0 ? m + 360 : m;
}

/**
 * A Region (state predicate for stopping trajectories, TPS states) on dihedral angles: inside when
 * every dihedral (0-based atom quadruple i, j, k, l; IUPAC sign) lies in its range (degrees).
 * Arguments are plain arrays, so it can be rebuilt in a worker from a ModuleRef:
 * `libRef('dihedralBox', [[4, 6, 8, 14]], [[-180, 0]])`.
 */
export function dihedralBox(dihedrals: ArrayLike<number>[], ranges: AngleRange[]): Region {
  if (dihedrals.length !== ranges.length || dihedrals.length === 0) {
    throw new RangeError(`dihedralBox: ${dihedrals.length} dihedrals but ${ranges.length} ranges (need the same, at least one)`);
  }
  const atoms = dihedrals.map((q, d) => {
    if (q.length !== 4) throw new RangeError(`dihedralBox: dihedral ${d} needs 4 atom indices, got ${q.length}`);
    for (let k = 0; k < 4; k++) if (!Number.isInteger(q[k]) || q[k] < 0) throw new RangeError(`dihedralBox: dihedral ${d} has atom index ${q[k]}`);
    return [q[0], q[1], q[2], q[3]] as const;
  });
  ranges.forEach((r, d) => checkRange(r, `dihedralBox (dihedral ${d})`));
  const deg = 180 / Math.PI;
  return (x, offset = 0) => {
    for (let d = 0; d < atoms.length; d++) {
      const [i, j, k, l] = atoms[d];
      if (!inAngleRange(dihedral(x, i, j, k, l, offset) * deg, ranges[d])) return false;
    }
    return true;
  };
}

/** phi/psi atom quadruples of residue `residue` (index into backboneDihedrals' phi list) of a peptide. */
export function phiPsiAtoms(atoms: NamedAtom[], residue = 0): { phi: [number, number, number, number]; psi: [number, number, number, number] } {
  const { phi, psi } = backboneDihedrals(atoms);
  const p = phi[residue];
  if (!p) throw new RangeError(`phiPsiAtoms: no phi dihedral number ${residue} (the peptide has ${phi.length})`);
  const q = psi.find((s) => s.residue === p.residue);
  if (!q) throw new RangeError(`phiPsiAtoms: residue ${p.resName}${p.resNr} has phi but no psi`);
  return { phi: p.atoms, psi: q.atoms };
}

/** A Region for a (phi, psi) box of one residue of a peptide, e.g. ALANINE_DIPEPTIDE_BASINS.C7eq. */
export function ramachandranRegion(atoms: NamedAtom[], box: RamachandranBox, residue = 0): Region {
  const { phi, psi } = phiPsiAtoms(atoms, residue);
  return dihedralBox([phi, psi], [box.phi, box.psi]);
}

/**
 * Basin label of each (phi, psi) pair (degrees): the index of the first box containing it in
 * `Object.keys(boxes)` order, or -1 when in none.
 */
export function assignBasins(phiDeg: ArrayLike<number>, psiDeg: ArrayLike<number>, boxes: Record<string, RamachandranBox>): Int32Array {
  if (phiDeg.length !== psiDeg.length) throw new RangeError(`assignBasins: ${phiDeg.length} phi values but ${psiDeg.length} psi values`);
  const list = Object.values(boxes);
  list.forEach((b, k) => { checkRange(b.phi, `assignBasins (box ${k} phi)`); checkRange(b.psi, `assignBasins (box ${k} psi)`); });
  const out = new Int32Array(phiDeg.length);
  for (let t = 0; t < out.length; t++) {
    if (!Number.isFinite(phiDeg[t]) || !Number.isFinite(psiDeg[t])) throw new RangeError(`assignBasins: frame ${t} has phi ${phiDeg[t]}, psi ${psiDeg[t]}`);
    out[t] = list.findIndex((b) => inAngleRange(phiDeg[t], b.phi) && inAngleRange(psiDeg[t], b.psi));
  }
  return out;
}

/** Fraction of frames in each box (and 'other' for none), from (phi, psi) in degrees. */
export function basinPopulations(phiDeg: ArrayLike<number>, psiDeg: ArrayLike<number>, boxes: Record<string, RamachandranBox>): Record<string, number> {
  const labels = assignBasins(phiDeg, psiDeg, boxes);
  const names = Object.keys(boxes);
  const out: Record<string, number> = Object.fromEntries([...names, 'other'].map((n) => [n, 0]));
  for (const l of labels) out[l < 0 ? 'other' : names[l]] += 1 / labels.length;
  return out;
}
