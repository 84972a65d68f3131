import type { Potential } from '../systems/potential.js';
import { readTopology } from './topology.js';
import type { ReadTopologyOptions, Topology } from './topology.js';

/**
 * 1/(4 pi eps0) in kJ mol^-1 nm e^-2, from the CODATA 2018 constants exactly as GROMACS 2022 computes
 * c_one4PiEps0 (units.h); OpenMM 7.7's Reference platform uses the same double (138.93545764438198,
 * checked in data/README.md). The older rounded values 138.935458 (GROMACS <= 2018) and 138.935456
 * (OpenMM <= 7.5) differ from it by 2e-9 and 1.3e-8 relative.
 */
export const ONE_4PI_EPS0 = 138.93545764438198;

/** Throws a RangeError unless x and f hold nWalkers configurations of nAtoms atoms (and energies room for nWalkers). */
export function checkForceBuffers(name: string, nAtoms: number, x: Float64Array, f: Float64Array, nWalkers: number, energies?: Float64Array): void {
  const need = nWalkers * 3 * nAtoms;
  if (!Number.isInteger(nWalkers) || nWalkers < 1) throw new RangeError(`${name}: nWalkers must be a positive integer, got ${nWalkers}`);
  if (x.length !== need) throw new RangeError(`${name}: positions have length ${x.length}, expected ${nWalkers} walkers x ${nAtoms} atoms x 3 = ${need}`);
  if (f.length !== need) throw new RangeError(`${name}: force buffer has length ${f.length}, expected ${need}`);
  if (energies && energies.length < nWalkers) throw new RangeError(`${name}: energies buffer has length ${energies.length}, expected at least ${nWalkers}`);
}

/** Potential energy split by term (kJ/mol). */
export interface EnergyTerms {
  bond: number;
  angle: number;
  /** Periodic proper dihedrals (func 1 and 9). */
  proper: number;
  /** Periodic improper dihedrals (func 4). */
  improper: number;
  /** Scaled 1-4 Lennard-Jones from [ pairs ]. */
  lj14: number;
  /** Scaled 1-4 Coulomb (fudgeQQ) from [ pairs ]. */
  coulomb14: number;
  /** Lennard-Jones between all non-excluded pairs (no cut-off). */
  lj: number;
  /** Coulomb between all non-excluded pairs (vacuum, no cut-off). */
  coulomb: number;
  total: number;
}

export const ENERGY_TERMS = ['bond', 'angle', 'proper', 'improper', 'lj14', 'coulomb14', 'lj', 'coulomb', 'total'] as const;

/**
 * Two atoms closer than this (nm) count as one position: there the pair's 1/r terms and a bond's
 * direction are undefined, so energy and forces come out NaN or infinite. 1e-10 nm is far below any
 * distance a finite-step integration reaches (1/r^12 overflows only below ~1e-26 nm).
 */
export const COINCIDENT_ATOMS_NM = 1e-10;

/** Raised when two atoms sit at the same position, where the energy and forces are undefined. */
export class CoincidentAtomsError extends RangeError {
  constructor(
    message: string,
    /** The two atoms (0-based indices). */
    readonly atoms: [number, number],
    /** Their distance (nm). */
    readonly distance: number,
    /** The walker (-1 for a single configuration). */
    readonly walker: number,
  ) {
    super(message);
    this.name = 'CoincidentAtomsError';
  }
}

export interface ForceFieldOptions {
  /** Name used in error messages (default: the topology's [ system ] title). */
  name?: string;
  /**
   * Include Lennard-Jones + Coulomb between all non-excluded pairs (no cut-off); default true. The
   * periodic force field turns it off and does its own cut-off/PME non-bonded terms, keeping only the
   * bonded and 1-4 terms here.
   */
  pairwiseNonbonded?: boolean;
}

/**
 * An AMBER-style molecular-mechanics force field in vacuum as a Potential: harmonic bonds and angles,
 * periodic proper and improper dihedrals, scaled 1-4 Lennard-Jones and Coulomb over [ pairs ], and
 * Lennard-Jones + Coulomb between all non-excluded atom pairs with no cut-off.
 *
 * Layout and units: one configuration is `[nAtoms * 3]` Cartesian coordinates in nm (atom a at
 * 3a..3a+2), walkers contiguous; energies kJ/mol; forces kJ/mol/nm; charges e; masses amu (so with
 * time in ps, BAOAB's units are consistent: kT in kJ/mol).
 *
 * The hot paths (energy, forces) use precompiled typed arrays and do not allocate.
 */
export class ForceField implements Potential {
  readonly dim: number;
  readonly name: string;
  readonly nAtoms: number;
  /** Atom masses (amu), length nAtoms. */
  readonly masses: Float64Array;
  /** Partial charges (e), length nAtoms. */
  readonly charges: Float64Array;
  /** Bonds involving a hydrogen (for constraints): atom pairs [c*2] and their equilibrium lengths (nm). */
  readonly hydrogenBonds: { pairs: Int32Array; lengths: Float64Array };

  // Precompiled term tables; atom indices are stored premultiplied by 3 (coordinate offsets).
  private readonly bIdx: Int32Array;
  private readonly bPar: Float64Array; // b0, kb
  private readonly aIdx: Int32Array;
  private readonly aPar: Float64Array; // theta0 (rad), k
  // Dihedrals grouped by atom quadruple and kind, each group as a Fourier series in phi:
  // V = c0 + sum_n (A_n cos n phi + B_n sin n phi), n = 1..maxMult, so the geometry, the harmonics
  // and the force projection are computed once per quadruple for all its terms.
  private readonly qIdx: Int32Array; // [nQuads * 4]
  private readonly qImproper: Uint8Array;
  private readonly qC0: Float64Array;
  private readonly qAB: Float64Array; // [nQuads][maxMult][A_n, B_n]
  private readonly maxMult: number;
  private readonly pIdx: Int32Array;
  private readonly pPar: Float64Array; // c6, c12, qq (fudgeQQ ke qi qj)
  // Non-excluded pairs (i < j) as a CSR list per atom i with their parameters, built once: no
  // type-table or exclusion lookups in the O(N^2) loop.
  private readonly nbStart: Int32Array;
  private readonly nbJ: Int32Array;
  private readonly nbPar: Float64Array; // c6, c12, ke qi qj
  private readonly terms = new Float64Array(8);
  private readonly scratchX: Float64Array;
  private readonly scratchF: Float64Array;

  constructor(readonly topology: Topology, options: ForceFieldOptions = {}) {
    const t = topology;
    const n = t.atoms.length;
    this.nAtoms = n;
    this.dim = 3 * n;
    this.scratchX = new Float64Array(3 * n);
    this.scratchF = new Float64Array(3 * n);
    this.name = options.name ?? (t.systemName || 'ForceField');
    this.masses = Float64Array.from(t.atoms, (a) => a.mass);
    this.charges = Float64Array.from(t.atoms, (a) => a.charge);
    for (let a = 0; a < n; a++) {
      if (!(this.masses[a] > 0)) throw new RangeError(`${this.name}: atom ${a + 1} (${t.atoms[a].name}) has mass ${this.masses[a]}; every atom needs a positive mass`);
    }
    this.bIdx = Int32Array.from(t.bonds.flatMap((b) => [3 * b.i, 3 * b.j]));
    this.bPar = Float64Array.from(t.bonds.flatMap((b) => [b.b0, b.kb]));
    const rad = Math.PI / 180;
    this.aIdx = Int32Array.from(t.angles.flatMap((a) => [3 * a.i, 3 * a.j, 3 * a.k]));
    this.aPar = Float64Array.from(t.angles.flatMap((a) => [a.theta0 * rad, a.kTheta]));
    // k (1 + cos(n phi - phase)) = k + k cos(phase) cos(n phi) + k sin(phase) sin(n phi); for n < 0,
    // cos(n phi - phase) = cos(|n| phi + phase).
    const quads = new Map<string, (typeof t.dihedrals)[number][]>();
    for (const d of t.dihedrals) {
      if (!Number.isInteger(d.mult)) throw new RangeError(`${this.name}: dihedral ${d.i + 1}-${d.j + 1}-${d.k + 1}-${d.l + 1} has non-integer multiplicity ${d.mult}`);
      const key = `${d.i},${d.j},${d.k},${d.l},${d.improper}`;
      const list = quads.get(key);
      if (list) list.push(d);
      else quads.set(key, [d]);
    }
    const groups = [...quads.values()];
    const maxMult = t.dihedrals.reduce((m, d) => Math.max(m, Math.abs(d.mult)), 1);
    this.maxMult = maxMult;
    this.qIdx = Int32Array.from(groups.flatMap((g) => [3 * g[0].i, 3 * g[0].j, 3 * g[0].k, 3 * g[0].l]));
    this.qImproper = Uint8Array.from(groups, (g) => (g[0].improper ? 1 : 0));
    this.qC0 = new Float64Array(groups.length);
    this.qAB = new Float64Array(groups.length * maxMult * 2);
    groups.forEach((g, q) => {
      for (const d of g) {
        const n = Math.abs(d.mult), phase = (d.mult < 0 ? -1 : 1) * d.phase * rad;
        this.qC0[q] += d.kPhi;
        if (n === 0) this.qC0[q] += d.kPhi * Math.cos(phase);
        else {
          this.qAB[2 * (q * maxMult + n - 1)] += d.kPhi * Math.cos(phase);
          this.qAB[2 * (q * maxMult + n - 1) + 1] += d.kPhi * Math.sin(phase);
        }
      }
    });
    const fq = t.defaults.fudgeQQ;
    this.pIdx = Int32Array.from(t.pairs.flatMap((p) => [3 * p.i, 3 * p.j]));
    this.pPar = Float64Array.from(t.pairs.flatMap((p) => [p.c6, p.c12, fq * ONE_4PI_EPS0 * t.atoms[p.i].charge * t.atoms[p.j].charge]));

    // atom-type pair table of C6/C12 from the combination rule
    const typeNames = [...new Set(t.atoms.map((a) => a.type))];
    const typeIndex = new Map(typeNames.map((s, k) => [s, k]));
    const nt = typeNames.length;
    const typeOf = Int32Array.from(t.atoms, (a) => typeIndex.get(a.type)!);
    const C6 = new Float64Array(nt * nt), C12 = new Float64Array(nt * nt);
    const rule = t.defaults.combRule;
    for (let p = 0; p < nt; p++) {
      for (let q = 0; q < nt; q++) {
        const A = t.atomTypes.get(typeNames[p])!, B = t.atomTypes.get(typeNames[q])!;
        let c6: number, c12: number;
        if (rule === 1) {
          c6 = Math.sqrt(A.v * B.v);
          c12 = Math.sqrt(A.w * B.w);
        } else {
          const sigma = rule === 2 ? 0.5 * (A.v + B.v) : Math.sqrt(A.v * B.v);
          const eps = Math.sqrt(A.w * B.w);
          const s6 = sigma ** 6;
          c6 = 4 * eps * s6;
          c12 = 4 * eps * s6 * s6;
        }
        C6[p * nt + q] = c6;
        C12[p * nt + q] = c12;
      }
    }
    const excluded = new Set(t.exclusions.map(([i, j]) => Math.min(i, j) * n + Math.max(i, j)));
    const nbJ: number[] = [], nbPar: number[] = [];
    this.nbStart = new Int32Array(n + 1);
    for (let a = 0; a < n && options.pairwiseNonbonded !== false; a++) {
      for (let b = a + 1; b < n; b++) {
        if (excluded.has(a * n + b)) continue;
        const tt = typeOf[a] * nt + typeOf[b];
        nbJ.push(3 * b);
        nbPar.push(C6[tt], C12[tt], ONE_4PI_EPS0 * this.charges[a] * this.charges[b]);
      }
      this.nbStart[a + 1] = nbJ.length;
    }
    this.nbJ = Int32Array.from(nbJ);
    this.nbPar = Float64Array.from(nbPar);

    const isH = (a: number) => {
      const at = t.atomTypes.get(t.atoms[a].type)!;
      return at.atomicNumber >= 0 ? at.atomicNumber === 1 : this.masses[a] < 1.5;
    };
    const hb = t.bonds.filter((b) => isH(b.i) || isH(b.j));
    this.hydrogenBonds = { pairs: Int32Array.from(hb.flatMap((b) => [b.i, b.j])), lengths: Float64Array.from(hb, (b) => b.b0) };
  }

  /** Reads a GROMACS .top (see readTopology for the include search path) and builds the force field. */
  static fromFile(path: string, options: ReadTopologyOptions & ForceFieldOptions = {}): ForceField {
    return new ForceField(readTopology(path, options), options);
  }

  /** Atom masses repeated per coordinate (length dim), the layout BAOAB's `masses` option takes. */
  massesPerCoordinate(): Float64Array {
    const m = new Float64Array(this.dim);
    for (let a = 0; a < this.nAtoms; a++) m[3 * a] = m[3 * a + 1] = m[3 * a + 2] = this.masses[a];
    return m;
  }

  /** "atom 5 (ALA2 CA)": 1-based index, residue name and number, atom name. */
  private describeAtom(a: number): string {
    const at = this.topology.atoms[a];
    return `atom ${a + 1} (${at.resName}${at.resNr} ${at.name})`;
  }

  /** Throws a RangeError naming the walker, atom and axis of the first non-finite coordinate. */
  private checkFinite(x: ArrayLike<number>, offset: number, walker: number): void {
    for (let k = 0; k < this.dim; k++) {
      const v = x[offset + k];
      if (!Number.isFinite(v)) {
        throw new RangeError(`${this.name}: coordinate ${'xyz'[k % 3]} of ${this.describeAtom(Math.floor(k / 3))}${walker >= 0 ? ` of walker ${walker}` : ''} is ${v} (not finite)`);
      }
    }
  }

  /**
   * Called only after a non-finite energy or force: throws a CoincidentAtomsError for the closest
   * pair of atoms if they overlap (any pair, bonded or not: a bond's direction is undefined too).
   * Otherwise returns, and the non-finite value is the caller's to report (an integrator's divergence).
   */
  private checkCoincident(x: ArrayLike<number>, o: number, walker: number): void {
    let best = Infinity, bi = -1, bj = -1;
    for (let a = 0; a < this.nAtoms; a++) {
      for (let b = a + 1; b < this.nAtoms; b++) {
        const dx = x[o + 3 * a] - x[o + 3 * b], dy = x[o + 3 * a + 1] - x[o + 3 * b + 1], dz = x[o + 3 * a + 2] - x[o + 3 * b + 2];
        const r2 = dx * dx + dy * dy + dz * dz;
        if (r2 < best) [best, bi, bj] = [r2, a, b];
      }
    }
    const r = Math.sqrt(best);
    if (!(r < COINCIDENT_ATOMS_NM)) return;
    const where = r === 0 ? 'at the same position' : `${r.toExponential(2)} nm apart`;
    throw new CoincidentAtomsError(
      `${this.name}: ${this.describeAtom(bi)} and ${this.describeAtom(bj)}${walker >= 0 ? ` of walker ${walker}` : ''} are ${where}; energy and forces are undefined there (check the structure: a duplicated or misplaced atom line?)`,
      [bi, bj], r, walker,
    );
  }

  energy(x: ArrayLike<number>, offset = 0): number {
    if (!Number.isInteger(offset) || offset < 0 || x.length < offset + this.dim) {
      throw new RangeError(`${this.name}: a configuration needs ${this.dim} coordinates (${this.nAtoms} atoms x 3) from offset ${offset}, but the array has length ${x.length}`);
    }
    this.checkFinite(x, offset, -1);
    const e = this.evaluateOne(x, offset, null);
    if (!Number.isFinite(e)) this.checkCoincident(x, offset, -1);
    return e;
  }

  forces(x: Float64Array, f: Float64Array, nWalkers: number, energies?: Float64Array): void {
    checkForceBuffers(this.name, this.nAtoms, x, f, nWalkers, energies);
    for (let w = 0; w < nWalkers; w++) {
      const o = w * this.dim;
      this.checkFinite(x, o, w);
      f.fill(0, o, o + this.dim);
      const e = this.evaluate(x, o, f, o, null);
      let sum = e;
      for (let k = o; k < o + this.dim; k++) sum += f[k];
      if (!Number.isFinite(sum)) this.checkCoincident(x, o, w);
      if (energies) energies[w] = e;
    }
  }

  /** Energy of one configuration split by term (kJ/mol). */
  energyTerms(x: ArrayLike<number>, offset = 0): EnergyTerms {
    if (x.length < offset + this.dim) throw new RangeError(`${this.name}: a configuration needs ${this.dim} coordinates (${this.nAtoms} atoms x 3), got ${x.length - offset}`);
    this.checkFinite(x, offset, -1);
    const T = this.terms;
    const total = this.evaluateOne(x, offset, T);
    if (!Number.isFinite(total)) this.checkCoincident(x, offset, -1);
    return { bond: T[0], angle: T[1], proper: T[2], improper: T[3], lj14: T[4], coulomb14: T[5], lj: T[6], coulomb: T[7], total };
  }

  /**
   * One configuration from any array: copied into a scratch Float64Array so that the hot kernel only
   * ever sees Float64Arrays (keeps V8's code monomorphic); forces go to a scratch buffer.
   */
  private evaluateOne(x: ArrayLike<number>, offset: number, terms: Float64Array | null): number {
    const xs = this.scratchX, fs = this.scratchF;
    for (let k = 0; k < this.dim; k++) xs[k] = x[offset + k];
    fs.fill(0);
    return this.evaluate(xs, 0, fs, 0, terms);
  }

  /** Energy, with forces added into f at fo; per-term energies into terms when given. */
  private evaluate(x: Float64Array, o: number, f: Float64Array, fo: number, terms: Float64Array | null): number {
    // ---- bonds: V = kb/2 (r - b0)^2
    let eBond = 0;
    const bI = this.bIdx, bP = this.bPar;
    for (let b = 0, nb = bP.length >> 1; b < nb; b++) {
      const i = bI[2 * b], j = bI[2 * b + 1];
      const dx = x[o + i] - x[o + j], dy = x[o + i + 1] - x[o + j + 1], dz = x[o + i + 2] - x[o + j + 2];
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const kb = bP[2 * b + 1], dr = r - bP[2 * b];
      eBond += 0.5 * kb * dr * dr;
      {
        const s = -kb * dr / r;
        f[fo + i] += s * dx; f[fo + i + 1] += s * dy; f[fo + i + 2] += s * dz;
        f[fo + j] -= s * dx; f[fo + j + 1] -= s * dy; f[fo + j + 2] -= s * dz;
      }
    }
    // ---- angles: V = k/2 (theta - theta0)^2
    let eAngle = 0;
    const aI = this.aIdx, aP = this.aPar;
    for (let a = 0, na = aP.length >> 1; a < na; a++) {
      const i = aI[3 * a], j = aI[3 * a + 1], k = aI[3 * a + 2];
      const ax = x[o + i] - x[o + j], ay = x[o + i + 1] - x[o + j + 1], az = x[o + i + 2] - x[o + j + 2];
      const cx = x[o + k] - x[o + j], cy = x[o + k + 1] - x[o + j + 1], cz = x[o + k + 2] - x[o + j + 2];
      const a2 = ax * ax + ay * ay + az * az, c2 = cx * cx + cy * cy + cz * cz;
      const inv = 1 / Math.sqrt(a2 * c2);
      let cos = (ax * cx + ay * cy + az * cz) * inv;
      if (cos > 1) cos = 1;
      else if (cos < -1) cos = -1;
      const theta = Math.acos(cos);
      const kt = aP[2 * a + 1], dt = theta - aP[2 * a];
      eAngle += 0.5 * kt * dt * dt;
      {
        let sin = Math.sqrt(1 - cos * cos);
        if (sin < 1e-12) sin = 1e-12;
        const g = kt * dt / sin; // -dV/dtheta * (-1/sin theta)
        // F_i = g (c/(|a||c|) - cos a/|a|^2), F_k = g (a/(|a||c|) - cos c/|c|^2)
        const fa = cos / a2, fc = cos / c2;
        const fix = g * (cx * inv - fa * ax), fiy = g * (cy * inv - fa * ay), fiz = g * (cz * inv - fa * az);
        const fkx = g * (ax * inv - fc * cx), fky = g * (ay * inv - fc * cy), fkz = g * (az * inv - fc * cz);
        f[fo + i] += fix; f[fo + i + 1] += fiy; f[fo + i + 2] += fiz;
        f[fo + k] += fkx; f[fo + k + 1] += fky; f[fo + k + 2] += fkz;
        f[fo + j] -= fix + fkx; f[fo + j + 1] -= fiy + fky; f[fo + j + 2] -= fiz + fkz;
      }
    }
    // ---- periodic dihedrals: V = k (1 + cos(n phi - phase)), phi in the IUPAC convention.
    // cos(n phi - phase) = cos(n phi) cos(phase) + sin(n phi) sin(phase), with cos(n phi), sin(n phi)
    // from cos phi, sin phi by the angle-addition recurrence: no atan2/cos/sin calls.
    let eProper = 0, eImproper = 0;
    const qI = this.qIdx, qImp = this.qImproper, qC0 = this.qC0, qAB = this.qAB, M = this.maxMult;
    for (let d = 0, nq = qImp.length; d < nq; d++) {
      const i = qI[4 * d], j = qI[4 * d + 1], k = qI[4 * d + 2], l = qI[4 * d + 3];
      // r_ij = x_i - x_j, r_kj = x_k - x_j, r_kl = x_k - x_l; m = r_ij x r_kj, n = r_kj x r_kl
      const fx = x[o + i] - x[o + j], fy = x[o + i + 1] - x[o + j + 1], fz = x[o + i + 2] - x[o + j + 2];
      const gx = x[o + k] - x[o + j], gy = x[o + k + 1] - x[o + j + 1], gz = x[o + k + 2] - x[o + j + 2];
      const hx = x[o + k] - x[o + l], hy = x[o + k + 1] - x[o + l + 1], hz = x[o + k + 2] - x[o + l + 2];
      const mx = fy * gz - fz * gy, my = fz * gx - fx * gz, mz = fx * gy - fy * gx;
      const nx = gy * hz - gz * hy, ny = gz * hx - gx * hz, nz = gx * hy - gy * hx;
      const g2 = gx * gx + gy * gy + gz * gz, gl = Math.sqrt(g2);
      const m2 = mx * mx + my * my + mz * mz, n2 = nx * nx + ny * ny + nz * nz;
      const degenerate = m2 < 1e-300 || n2 < 1e-300; // collinear atoms: phi taken as 0, force zero
      const imn = degenerate ? 0 : 1 / Math.sqrt(m2 * n2);
      // phi = atan2(|g| f.n, m.n)
      const c1 = degenerate ? 1 : (mx * nx + my * ny + mz * nz) * imn;
      const s1 = degenerate ? 0 : gl * (fx * nx + fy * ny + fz * nz) * imn;
      // cos(n phi), sin(n phi) by the angle-addition recurrence
      let e = qC0[d], dVdphi = 0, cn = 1, sn = 0;
      for (let h = 0, b = 2 * d * M; h < M; h++, b += 2) {
        const c = cn * c1 - sn * s1;
        sn = sn * c1 + cn * s1;
        cn = c;
        const A = qAB[b], B = qAB[b + 1];
        e += A * cn + B * sn;
        dVdphi += (h + 1) * (B * cn - A * sn);
      }
      if (qImp[d]) eImproper += e;
      else eProper += e;
      if (!degenerate) {
        // dphi/dx_i = |g|/|m|^2 m, dphi/dx_l = -|g|/|n|^2 n
        const si = -dVdphi * gl / m2, sl = dVdphi * gl / n2;
        const fix = si * mx, fiy = si * my, fiz = si * mz;
        const flx = sl * nx, fly = sl * ny, flz = sl * nz;
        const p = (fx * gx + fy * gy + fz * gz) / g2, q = (hx * gx + hy * gy + hz * gz) / g2;
        const sx = p * fix - q * flx, sy = p * fiy - q * fly, sz = p * fiz - q * flz;
        f[fo + i] += fix; f[fo + i + 1] += fiy; f[fo + i + 2] += fiz;
        f[fo + l] += flx; f[fo + l + 1] += fly; f[fo + l + 2] += flz;
        f[fo + j] += -fix + sx; f[fo + j + 1] += -fiy + sy; f[fo + j + 2] += -fiz + sz;
        f[fo + k] += -flx - sx; f[fo + k + 1] += -fly - sy; f[fo + k + 2] += -flz - sz;
      }
    }
    // ---- 1-4 pairs: scaled LJ (C6, C12 include fudgeLJ) and Coulomb (qq includes fudgeQQ and ke)
    let eLj14 = 0, eC14 = 0;
    const pI = this.pIdx, pP = this.pPar;
    for (let p = 0, np = pI.length >> 1; p < np; p++) {
      const i = pI[2 * p], j = pI[2 * p + 1];
      const dx = x[o + i] - x[o + j], dy = x[o + i + 1] - x[o + j + 1], dz = x[o + i + 2] - x[o + j + 2];
      const r2 = dx * dx + dy * dy + dz * dz;
      const ir2 = 1 / r2, ir6 = ir2 * ir2 * ir2, ir = Math.sqrt(ir2);
      const v6 = pP[3 * p] * ir6, v12 = pP[3 * p + 1] * ir6 * ir6, vc = pP[3 * p + 2] * ir;
      eLj14 += v12 - v6;
      eC14 += vc;
      {
        const s = (12 * v12 - 6 * v6 + vc) * ir2;
        f[fo + i] += s * dx; f[fo + i + 1] += s * dy; f[fo + i + 2] += s * dz;
        f[fo + j] -= s * dx; f[fo + j + 1] -= s * dy; f[fo + j + 2] -= s * dz;
      }
    }
    // ---- all non-excluded pairs, no cut-off (precomputed pair list)
    let eLj = 0, eC = 0;
    const n = this.nAtoms, nbS = this.nbStart, nbJ = this.nbJ, nbP = this.nbPar;
    for (let a = 0; a < n - 1; a++) {
      const i = 3 * a;
      const xi = x[o + i], yi = x[o + i + 1], zi = x[o + i + 2];
      let fxi = 0, fyi = 0, fzi = 0;
      for (let p = nbS[a], pe = nbS[a + 1]; p < pe; p++) {
        const j = nbJ[p];
        const dx = xi - x[o + j], dy = yi - x[o + j + 1], dz = zi - x[o + j + 2];
        const r2 = dx * dx + dy * dy + dz * dz;
        const ir2 = 1 / r2, ir6 = ir2 * ir2 * ir2;
        const v6 = nbP[3 * p] * ir6, v12 = nbP[3 * p + 1] * ir6 * ir6, vc = nbP[3 * p + 2] * Math.sqrt(ir2);
        eLj += v12 - v6;
        eC += vc;
        {
          const s = (12 * v12 - 6 * v6 + vc) * ir2;
          fxi += s * dx; fyi += s * dy; fzi += s * dz;
          f[fo + j] -= s * dx; f[fo + j + 1] -= s * dy; f[fo + j + 2] -= s * dz;
        }
      }
      {
        f[fo + i] += fxi; f[fo + i + 1] += fyi; f[fo + i + 2] += fzi;
      }
    }
    if (terms) {
      terms[0] = eBond; terms[1] = eAngle; terms[2] = eProper; terms[3] = eImproper;
      terms[4] = eLj14; terms[5] = eC14; terms[6] = eLj; terms[7] = eC;
    }
    return eBond + eAngle + eProper + eImproper + eLj14 + eC14 + eLj + eC;
  }
}
