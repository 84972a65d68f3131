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

export interface ForceFieldOptions {
  /** Name used in error messages (default: the topology's [ system ] title). */
  name?: string;
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

  private readonly bIdx: Int32Array;
  private readonly bPar: Float64Array; // b0, kb
  private readonly aIdx: Int32Array;
  private readonly aPar: Float64Array; // theta0 (rad), k
  private readonly dIdx: Int32Array;
  private readonly dPar: Float64Array; // phase (rad), k, mult
  private readonly dImproper: Uint8Array;
  private readonly pIdx: Int32Array;
  private readonly pPar: Float64Array; // c6, c12, qq (fudgeQQ ke qi qj)
  private readonly typeOf: Int32Array;
  private readonly nTypes: number;
  private readonly c6: Float64Array;
  private readonly c12: Float64Array;
  private readonly qk: Float64Array; // ke q_i
  private readonly exStart: Int32Array; // CSR of excluded j > i, sorted
  private readonly exList: Int32Array;
  private readonly terms = new Float64Array(8);

  constructor(readonly topology: Topology, options: ForceFieldOptions = {}) {
    const t = topology;
    const n = t.atoms.length;
    this.nAtoms = n;
    this.dim = 3 * n;
    this.name = options.name ?? (t.systemName || 'ForceField');
    this.masses = Float64Array.from(t.atoms, (a) => a.mass);
    this.charges = Float64Array.from(t.atoms, (a) => a.charge);
    for (let a = 0; a < n; a++) {
      if (!(this.masses[a] > 0)) throw new RangeError(`${this.name}: atom ${a + 1} (${t.atoms[a].name}) has mass ${this.masses[a]}; every atom needs a positive mass`);
    }
    this.bIdx = Int32Array.from(t.bonds.flatMap((b) => [b.i, b.j]));
    this.bPar = Float64Array.from(t.bonds.flatMap((b) => [b.b0, b.kb]));
    const rad = Math.PI / 180;
    this.aIdx = Int32Array.from(t.angles.flatMap((a) => [a.i, a.j, a.k]));
    this.aPar = Float64Array.from(t.angles.flatMap((a) => [a.theta0 * rad, a.kTheta]));
    this.dIdx = Int32Array.from(t.dihedrals.flatMap((d) => [d.i, d.j, d.k, d.l]));
    this.dPar = Float64Array.from(t.dihedrals.flatMap((d) => [d.phase * rad, d.kPhi, d.mult]));
    this.dImproper = Uint8Array.from(t.dihedrals, (d) => (d.improper ? 1 : 0));
    const fq = t.defaults.fudgeQQ;
    this.pIdx = Int32Array.from(t.pairs.flatMap((p) => [p.i, p.j]));
    this.pPar = Float64Array.from(t.pairs.flatMap((p) => [p.c6, p.c12, fq * ONE_4PI_EPS0 * t.atoms[p.i].charge * t.atoms[p.j].charge]));

    // atom-type pair table of C6/C12 from the combination rule
    const typeNames = [...new Set(t.atoms.map((a) => a.type))];
    const typeIndex = new Map(typeNames.map((s, k) => [s, k]));
    this.nTypes = typeNames.length;
    this.typeOf = Int32Array.from(t.atoms, (a) => typeIndex.get(a.type)!);
    const nt = this.nTypes;
    this.c6 = new Float64Array(nt * nt);
    this.c12 = new Float64Array(nt * nt);
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
        this.c6[p * nt + q] = c6;
        this.c12[p * nt + q] = c12;
      }
    }
    this.qk = Float64Array.from(this.charges, (q) => ONE_4PI_EPS0 * q);

    const count = new Int32Array(n + 1);
    for (const [i, j] of t.exclusions) count[Math.min(i, j) + 1]++;
    for (let a = 0; a < n; a++) count[a + 1] += count[a];
    this.exStart = count;
    this.exList = new Int32Array(t.exclusions.length);
    const fill = count.slice(0, n);
    for (const [i, j] of t.exclusions) {
      const lo = Math.min(i, j), hi = Math.max(i, j);
      this.exList[fill[lo]++] = hi;
    }
    for (let a = 0; a < n; a++) this.exList.subarray(count[a], count[a + 1]).sort();

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

  /** Throws a RangeError naming the walker, atom and axis of the first non-finite coordinate. */
  private checkFinite(x: ArrayLike<number>, offset: number, walker: number): void {
    for (let k = 0; k < this.dim; k++) {
      const v = x[offset + k];
      if (!Number.isFinite(v)) {
        const a = Math.floor(k / 3);
        const at = this.topology.atoms[a];
        throw new RangeError(`${this.name}: coordinate ${'xyz'[k % 3]} of atom ${a + 1} (${at.resName}${at.resNr} ${at.name})${walker >= 0 ? ` of walker ${walker}` : ''} is ${v} (not finite)`);
      }
    }
  }

  energy(x: ArrayLike<number>, offset = 0): number {
    if (!Number.isInteger(offset) || offset < 0 || x.length < offset + this.dim) {
      throw new RangeError(`${this.name}: a configuration needs ${this.dim} coordinates (${this.nAtoms} atoms x 3) from offset ${offset}, but the array has length ${x.length}`);
    }
    this.checkFinite(x, offset, -1);
    return this.evaluate(x, offset, null, 0, null);
  }

  forces(x: Float64Array, f: Float64Array, nWalkers: number, energies?: Float64Array): void {
    const need = nWalkers * this.dim;
    if (!Number.isInteger(nWalkers) || nWalkers < 1) throw new RangeError(`${this.name}: nWalkers must be a positive integer, got ${nWalkers}`);
    if (x.length !== need) throw new RangeError(`${this.name}: positions have length ${x.length}, expected ${nWalkers} walkers x ${this.nAtoms} atoms x 3 = ${need}`);
    if (f.length !== need) throw new RangeError(`${this.name}: force buffer has length ${f.length}, expected ${need}`);
    if (energies && energies.length < nWalkers) throw new RangeError(`${this.name}: energies buffer has length ${energies.length}, expected at least ${nWalkers}`);
    for (let w = 0; w < nWalkers; w++) {
      const o = w * this.dim;
      this.checkFinite(x, o, w);
      f.fill(0, o, o + this.dim);
      const e = this.evaluate(x, o, f, o, null);
      if (energies) energies[w] = e;
    }
  }

  /** Energy of one configuration split by term (kJ/mol). */
  energyTerms(x: ArrayLike<number>, offset = 0): EnergyTerms {
    if (x.length < offset + this.dim) throw new RangeError(`${this.name}: a configuration needs ${this.dim} coordinates (${this.nAtoms} atoms x 3), got ${x.length - offset}`);
    this.checkFinite(x, offset, -1);
    const T = this.terms;
    const total = this.evaluate(x, offset, null, 0, T);
    return { bond: T[0], angle: T[1], proper: T[2], improper: T[3], lj14: T[4], coulomb14: T[5], lj: T[6], coulomb: T[7], total };
  }

  /** Energy (and forces added into f at fo when f is given); per-term energies into terms when given. */
  private evaluate(x: ArrayLike<number>, o: number, f: Float64Array | null, fo: number, terms: Float64Array | null): number {
    // ---- bonds: V = kb/2 (r - b0)^2
    let eBond = 0;
    const bI = this.bIdx, bP = this.bPar;
    for (let b = 0, nb = bP.length / 2; b < nb; b++) {
      const i = 3 * bI[2 * b], j = 3 * bI[2 * b + 1];
      const dx = x[o + i] - x[o + j], dy = x[o + i + 1] - x[o + j + 1], dz = x[o + i + 2] - x[o + j + 2];
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const kb = bP[2 * b + 1], dr = r - bP[2 * b];
      eBond += 0.5 * kb * dr * dr;
      if (f) {
        const s = -kb * dr / r;
        f[fo + i] += s * dx; f[fo + i + 1] += s * dy; f[fo + i + 2] += s * dz;
        f[fo + j] -= s * dx; f[fo + j + 1] -= s * dy; f[fo + j + 2] -= s * dz;
      }
    }
    // ---- angles: V = k/2 (theta - theta0)^2
    let eAngle = 0;
    const aI = this.aIdx, aP = this.aPar;
    for (let a = 0, na = aP.length / 2; a < na; a++) {
      const i = 3 * aI[3 * a], j = 3 * aI[3 * a + 1], k = 3 * aI[3 * a + 2];
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
      if (f) {
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
    // ---- periodic dihedrals: V = k (1 + cos(n phi - phase)), phi in the IUPAC convention
    let eProper = 0, eImproper = 0;
    const dI = this.dIdx, dP = this.dPar, dImp = this.dImproper;
    for (let d = 0, nd = dImp.length; d < nd; d++) {
      const i = 3 * dI[4 * d], j = 3 * dI[4 * d + 1], k = 3 * dI[4 * d + 2], l = 3 * dI[4 * d + 3];
      // r_ij = x_i - x_j, r_kj = x_k - x_j, r_kl = x_k - x_l; m = r_ij x r_kj, n = r_kj x r_kl
      const fx = x[o + i] - x[o + j], fy = x[o + i + 1] - x[o + j + 1], fz = x[o + i + 2] - x[o + j + 2];
      const gx = x[o + k] - x[o + j], gy = x[o + k + 1] - x[o + j + 1], gz = x[o + k + 2] - x[o + j + 2];
      const hx = x[o + k] - x[o + l], hy = x[o + k + 1] - x[o + l + 1], hz = x[o + k + 2] - x[o + l + 2];
      const mx = fy * gz - fz * gy, my = fz * gx - fx * gz, mz = fx * gy - fy * gx;
      const nx = gy * hz - gz * hy, ny = gz * hx - gx * hz, nz = gx * hy - gy * hx;
      const g2 = gx * gx + gy * gy + gz * gz, gl = Math.sqrt(g2);
      const phi = Math.atan2(gl * (fx * nx + fy * ny + fz * nz), mx * nx + my * ny + mz * nz);
      const kd = dP[3 * d + 1], mult = dP[3 * d + 2], arg = mult * phi - dP[3 * d];
      const e = kd * (1 + Math.cos(arg));
      if (dImp[d]) eImproper += e;
      else eProper += e;
      if (f) {
        const dVdphi = -kd * mult * Math.sin(arg);
        const m2 = mx * mx + my * my + mz * mz, n2 = nx * nx + ny * ny + nz * nz;
        if (m2 < 1e-300 || n2 < 1e-300) continue; // collinear atoms: angle undefined, force zero
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
    for (let p = 0, np = pP.length / 3; p < np; p++) {
      const i = 3 * pI[2 * p], j = 3 * pI[2 * p + 1];
      const dx = x[o + i] - x[o + j], dy = x[o + i + 1] - x[o + j + 1], dz = x[o + i + 2] - x[o + j + 2];
      const r2 = dx * dx + dy * dy + dz * dz;
      const ir2 = 1 / r2, ir6 = ir2 * ir2 * ir2, ir = Math.sqrt(ir2);
      const v6 = pP[3 * p] * ir6, v12 = pP[3 * p + 1] * ir6 * ir6, vc = pP[3 * p + 2] * ir;
      eLj14 += v12 - v6;
      eC14 += vc;
      if (f) {
        const s = (12 * v12 - 6 * v6 + vc) * ir2;
        f[fo + i] += s * dx; f[fo + i + 1] += s * dy; f[fo + i + 2] += s * dz;
        f[fo + j] -= s * dx; f[fo + j + 1] -= s * dy; f[fo + j + 2] -= s * dz;
      }
    }
    // ---- all non-excluded pairs, no cut-off
    let eLj = 0, eC = 0;
    const n = this.nAtoms, T = this.typeOf, nt = this.nTypes, C6 = this.c6, C12 = this.c12, qk = this.qk, q = this.charges;
    const exS = this.exStart, exL = this.exList;
    for (let a = 0; a < n - 1; a++) {
      const i = 3 * a;
      const xi = x[o + i], yi = x[o + i + 1], zi = x[o + i + 2];
      const row = T[a] * nt, qa = qk[a];
      let ex = exS[a];
      const exEnd = exS[a + 1];
      let nextEx = ex < exEnd ? exL[ex] : -1;
      let fxi = 0, fyi = 0, fzi = 0;
      for (let b = a + 1; b < n; b++) {
        if (b === nextEx) {
          ex++;
          nextEx = ex < exEnd ? exL[ex] : -1;
          continue;
        }
        const j = 3 * b;
        const dx = xi - x[o + j], dy = yi - x[o + j + 1], dz = zi - x[o + j + 2];
        const r2 = dx * dx + dy * dy + dz * dz;
        const ir2 = 1 / r2, ir6 = ir2 * ir2 * ir2;
        const tt = row + T[b];
        const v6 = C6[tt] * ir6, v12 = C12[tt] * ir6 * ir6, vc = qa * q[b] * Math.sqrt(ir2);
        eLj += v12 - v6;
        eC += vc;
        if (f) {
          const s = (12 * v12 - 6 * v6 + vc) * ir2;
          fxi += s * dx; fyi += s * dy; fzi += s * dz;
          f[fo + j] -= s * dx; f[fo + j + 1] -= s * dy; f[fo + j + 2] -= s * dz;
        }
      }
      if (f) {
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
