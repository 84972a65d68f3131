import type { Potential } from '../systems/potential.js';
import { ForceField, ONE_4PI_EPS0, checkForceBuffers, CoincidentAtomsError, COINCIDENT_ATOMS_NM } from './forcefield.js';
import type { ForceFieldOptions, EnergyTerms } from './forcefield.js';
import type { Topology } from './topology.js';
import { NeighborList } from './neighbor-list.js';
import { WasmPairKernel, wasmPairKernelAvailable } from './pair-kernel.js';
import { PmeReciprocal, pmeParametersFromTolerance, PME_ORDER } from './pme.js';
import type { PmeParameters } from './pme.js';
import { erf, erfc } from './erfc.js';

/**
 * An AMBER force field in a rectangular periodic box, as OpenMM's NonbondedForce with method PME
 * evaluates it (the settings of the AIMMD paper's explicit-solvent runs):
 *
 * - bonded terms and scaled 1-4 pairs from ForceField (molecules must be whole: these terms do not
 *   use the minimum image, as OpenMM's bonded forces do not);
 * - Lennard-Jones between non-excluded pairs within the cut-off r_c, plainly truncated (or shifted to zero at r_c, ljModifier), plus
 *   the long-range dispersion correction E = 8 pi N^2 / V (<eps sigma^12> / (9 r_c^9) - <eps sigma^6> /
 *   (3 r_c^3)) averaged over all N (N + 1) / 2 atom pairs of LJ classes (Allen & Tildesley eq. 2.144;
 *   OpenMM NonbondedForceImpl::calcDispersionCorrection);
 * - Ewald electrostatics: real space ke q_i q_j erfc(alpha r)/r within r_c (minimum image), reciprocal
 *   space by smooth PME (pme.ts), the self term -ke alpha/sqrt(pi) sum q^2 and, for excluded pairs
 *   (bonded neighbours, 1-4 pairs, water), the subtraction of their reciprocal-space share
 *   -ke q_i q_j erf(alpha r)/r (Essmann et al. 1995, eq. 2.5 and the exclusion correction).
 *
 * alpha and the PME grid come from an error tolerance as OpenMM derives them
 * (pmeParametersFromTolerance) unless given. Real-space pairs come from a buffered neighbour list.
 * erfc(alpha r) is read from a cubic Hermite table in r (values and derivatives exact at the knots;
 * interpolation error < 1e-13), so forces are the exact derivative of the tabulated energy.
 *
 * Units: nm, kJ/mol, e, amu. Positions are not wrapped: atoms may leave the box (molecules stay
 * whole); wrapWholeMolecules puts molecules back for output.
 */
export interface PeriodicOptions extends ForceFieldOptions {
  /** Box: three edge lengths [Lx, Ly, Lz] (nm), or the 9 row-major box vectors of a rectangular box. */
  box: ArrayLike<number>;
  /** Non-bonded cut-off r_c (nm); default 1. */
  cutoff?: number;
  /** PME error tolerance (OpenMM's ewaldErrorTolerance); default 5e-4. */
  ewaldErrorTolerance?: number;
  /** Explicit alpha and grid (as OpenMM's setPMEParameters); default from the tolerance. */
  pme?: PmeParameters;
  /** Long-range dispersion correction; default true. */
  dispersionCorrection?: boolean;
  /**
   * Lennard-Jones at the cut-off: 'none' (plain truncation, OpenMM's NonbondedForce; default) or
   * 'potential-shift' (GROMACS `vdw-modifier = Potential-shift`): V(r) - V(r_c) within r_c, the same
   * forces, no energy jump when a pair crosses r_c; the dispersion correction then also restores the
   * shift inside the cut-off, as GROMACS does.
   */
  ljModifier?: CutoffModifier;
  /**
   * Real-space Coulomb at the cut-off: 'none' (OpenMM; default) or 'potential-shift' (GROMACS
   * `coulomb-modifier = Potential-shift`): ke q_i q_j (erfc(alpha r)/r - erfc(alpha r_c)/r_c) within r_c,
   * the same forces. The shift is not corrected for: it is of the order of the Ewald tolerance.
   */
  coulombModifier?: CutoffModifier;
  /** Neighbour-list buffer (nm) beyond the cut-off; default 0.15. */
  neighborBuffer?: number;
  /**
   * Real-space pair loop: 'wasm' (WebAssembly SIMD, wasm/pair-kernels.ts; 1.5x faster) or 'js'; default
   * 'wasm' where the engine has WebAssembly SIMD, else 'js'. Both give the same numbers to rounding.
   */
  realSpaceKernel?: 'wasm' | 'js';
  /** Receives warnings (net charge with PME); default console.warn. */
  onWarning?: (message: string) => void;
}

/** What happens to a pair potential at the cut-off: plain truncation or GROMACS's potential shift. */
export type CutoffModifier = 'none' | 'potential-shift';

/** Potential energy of a periodic system split by term (kJ/mol): the bonded and 1-4 terms of EnergyTerms, then the periodic non-bonded ones. */
export interface PeriodicEnergyTerms extends Omit<EnergyTerms, 'lj' | 'coulomb'> {
  /** Lennard-Jones within the cut-off (shifted to zero at r_c with ljModifier 'potential-shift'). */
  lj: number;
  /** Long-range dispersion correction (with 'potential-shift' including the shift inside r_c). */
  ljDispersion: number;
  /** Real-space Ewald sum erfc(alpha r)/r within the cut-off (minus erfc(alpha r_c)/r_c with coulombModifier 'potential-shift'). */
  coulombReal: number;
  /** PME reciprocal-space energy. */
  coulombReciprocal: number;
  /** Ewald self energy -ke alpha/sqrt(pi) sum q^2. */
  coulombSelf: number;
  /** Excluded-pair correction -ke sum q_i q_j erf(alpha r)/r. */
  coulombExclusion: number;
}

export const PERIODIC_ENERGY_TERMS = ['bond', 'angle', 'proper', 'improper', 'lj14', 'coulomb14', 'lj', 'ljDispersion', 'coulombReal', 'coulombReciprocal', 'coulombSelf', 'coulombExclusion', 'total'] as const;

export class PeriodicBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodicBoxError';
  }
}

/** Edge lengths of a rectangular box given as 3 lengths or 9 row-major vectors; triclinic boxes are an error. */
export function rectangularBox(box: ArrayLike<number>, owner = 'periodic box'): Float64Array {
  let L: number[];
  if (box.length === 3) L = [box[0], box[1], box[2]];
  else if (box.length === 9) {
    const off = [1, 2, 3, 5, 6, 7].map((k) => box[k]);
    if (off.some((v) => v !== 0)) throw new PeriodicBoxError(`${owner}: triclinic boxes are not supported (box vectors ${Array.from(box).join(' ')}); use a rectangular box`);
    L = [box[0], box[4], box[8]];
  } else throw new PeriodicBoxError(`${owner}: a box needs 3 edge lengths or 9 box-vector components, got ${box.length} numbers`);
  for (let d = 0; d < 3; d++) if (!(L[d] > 0) || !Number.isFinite(L[d])) throw new PeriodicBoxError(`${owner}: box length ${'xyz'[d]} must be positive and finite, got ${L[d]}`);
  return Float64Array.from(L);
}

const TABLE_INTERVALS = 4096;
/** Non-excluded atoms closer than this (nm) are reported as overlapping. */
export const OVERLAP_DISTANCE = 0.01;

export class PeriodicForceField implements Potential {
  readonly dim: number;
  readonly name: string;
  readonly nAtoms: number;
  readonly cutoff: number;
  readonly alpha: number;
  readonly pmeGrid: readonly [number, number, number];
  readonly masses: Float64Array;
  readonly charges: Float64Array;
  /** The bonded and 1-4 part (ForceField without its all-pairs non-bonded terms). */
  readonly bonded: ForceField;
  /** Box edge lengths [Lx, Ly, Lz] (nm); change with setBox. */
  readonly box: Float64Array;
  readonly dispersionCorrection: boolean;
  readonly ljModifier: CutoffModifier;
  readonly coulombModifier: CutoffModifier;
  readonly neighborBuffer: number;
  private readonly pme: PmeReciprocal;
  private readonly qk: Float64Array; // ke q_i
  private readonly typeOf: Int32Array;
  private readonly nTypes: number;
  private readonly C6: Float64Array;
  private readonly C12: Float64Array;
  private readonly exI: Int32Array;
  private readonly exJ: Int32Array;
  private readonly table: Float64Array; // cubic coefficients of erfc(alpha r) per interval of width h
  private readonly tableInvH: number;
  private readonly dispersionCoefficient: number; // E_disp = coefficient / V
  private readonly coulombShift: number; // erfc(alpha r_c) / r_c, or 0 without the Coulomb shift
  private readonly shiftedLj: boolean;
  private readonly selfEnergy: number;
  private readonly lists: NeighborList[] = [];
  /** The real-space loop in use ('wasm' or 'js'). */
  readonly realSpaceKernel: 'wasm' | 'js';
  private readonly wasmKernels: WasmPairKernel[] = [];
  private readonly exclusions: [number, number][];
  private readonly molecules: Int32Array;
  private readonly terms = new Float64Array(13);
  private readonly scratchX: Float64Array;
  private readonly scratchF: Float64Array;

  constructor(readonly topology: Topology, options: PeriodicOptions) {
    this.bonded = new ForceField(topology, { ...options, pairwiseNonbonded: false });
    const n = topology.atoms.length;
    this.nAtoms = n;
    this.dim = 3 * n;
    this.name = this.bonded.name;
    this.masses = this.bonded.masses;
    this.charges = this.bonded.charges;
    this.cutoff = options.cutoff ?? 1.0;
    if (!(this.cutoff > 0) || !Number.isFinite(this.cutoff)) throw new RangeError(`${this.name}: cut-off must be positive, got ${this.cutoff}`);
    this.box = rectangularBox(options.box, this.name);
    this.checkBox(this.box);
    this.neighborBuffer = options.neighborBuffer ?? 0.15;
    if (options.realSpaceKernel !== undefined && options.realSpaceKernel !== 'wasm' && options.realSpaceKernel !== 'js') throw new RangeError(`${this.name}: realSpaceKernel must be 'wasm' or 'js', got '${options.realSpaceKernel}'`);
    if (options.realSpaceKernel === 'wasm' && !wasmPairKernelAvailable()) throw new Error(`${this.name}: realSpaceKernel 'wasm' needs WebAssembly SIMD, which this JavaScript engine lacks; use 'js'`);
    this.realSpaceKernel = options.realSpaceKernel ?? (wasmPairKernelAvailable() ? 'wasm' : 'js');
    this.dispersionCorrection = options.dispersionCorrection ?? true;
    this.ljModifier = checkModifier(options.ljModifier, 'ljModifier', this.name);
    this.coulombModifier = checkModifier(options.coulombModifier, 'coulombModifier', this.name);
    if (topology.defaults.combRule !== 2) throw new RangeError(`${this.name}: the periodic force field supports combination rule 2 (Lorentz-Berthelot, AMBER) only, got ${topology.defaults.combRule}`);
    checkWaterConstraints(topology, this.name);

    const params = options.pme ?? pmeParametersFromTolerance(this.cutoff, this.box, options.ewaldErrorTolerance ?? 5e-4);
    this.alpha = params.alpha;
    this.pme = new PmeReciprocal(this.charges, params, PME_ORDER);
    this.pmeGrid = this.pme.grid;
    this.qk = this.charges.map((q) => ONE_4PI_EPS0 * q);
    let q2 = 0, qNet = 0;
    for (const q of this.charges) {
      q2 += q * q;
      qNet += q;
    }
    this.selfEnergy = (-ONE_4PI_EPS0 * this.alpha * q2) / Math.sqrt(Math.PI);
    if (Math.abs(qNet) > 1e-6) {
      // As OpenMM 7.7 (checked on data/tip3p-na), the energy has no neutralising-background term
      // -ke pi Q^2 / (2 V alpha^2): the k = 0 term is simply left out.
      (options.onWarning ?? console.warn)(`${this.name}: the system has a net charge of ${qNet.toFixed(6)} e; PME leaves out the k = 0 term (an implicit uniform neutralising background, no energy correction, as OpenMM 7.7); add counter-ions for a physical system (GROMACS warns likewise)`);
    }

    // LJ type tables (combination rule 2: sigma arithmetic, epsilon geometric mean)
    const typeNames = [...new Set(topology.atoms.map((a) => a.type))];
    const typeIndex = new Map(typeNames.map((s, k) => [s, k]));
    const nt = typeNames.length;
    this.nTypes = nt;
    this.typeOf = Int32Array.from(topology.atoms, (a) => typeIndex.get(a.type)!);
    this.C6 = new Float64Array(nt * nt);
    this.C12 = new Float64Array(nt * nt);
    const sig = typeNames.map((s) => topology.atomTypes.get(s)!.v), eps = typeNames.map((s) => topology.atomTypes.get(s)!.w);
    for (let p = 0; p < nt; p++) {
      for (let q = 0; q < nt; q++) {
        const s6 = (0.5 * (sig[p] + sig[q])) ** 6, e = Math.sqrt(eps[p] * eps[q]);
        this.C6[p * nt + q] = 4 * e * s6;
        this.C12[p * nt + q] = 4 * e * s6 * s6;
      }
    }
    // dispersion correction coefficient over LJ classes (atom types)
    const counts = new Float64Array(nt);
    for (let a = 0; a < n; a++) counts[this.typeOf[a]]++;
    let s1 = 0, s2 = 0;
    for (let p = 0; p < nt; p++) {
      for (let q = 0; q <= p; q++) {
        const c = p === q ? (counts[p] * (counts[p] + 1)) / 2 : counts[p] * counts[q];
        const s6 = (0.5 * (sig[p] + sig[q])) ** 6, e = Math.sqrt(eps[p] * eps[q]);
        s1 += c * e * s6 * s6;
        s2 += c * e * s6;
      }
    }
    const nPairs = (n * (n + 1)) / 2, rc = this.cutoff;
    // Beyond r_c, uniform density: integral over r > r_c of 4 pi r^2 (C12/r^12 - C6/r^6) per pair
    // density. A shifted potential also misses the constant -V(r_c) inside r_c: integral over r < r_c
    // of 4 pi r^2 (C12/r_c^12 - C6/r_c^6), which adds 3x the C12 tail and 1x the C6 tail (GROMACS,
    // "Long Range Van der Waals interactions" with a potential-shift modifier).
    const shifted = this.ljModifier === 'potential-shift';
    this.dispersionCoefficient = 8 * n * n * Math.PI * ((shifted ? 4 : 1) * (s1 / nPairs / (9 * rc ** 9)) - (shifted ? 2 : 1) * (s2 / nPairs / (3 * rc ** 3)));
    this.coulombShift = this.coulombModifier === 'potential-shift' ? erfc(this.alpha * rc) / rc : 0;
    this.shiftedLj = shifted;

    this.exclusions = topology.exclusions;
    this.molecules = Int32Array.from(topology.atoms, (a) => a.molecule);
    this.exI = Int32Array.from(topology.exclusions, (e) => e[0]);
    this.exJ = Int32Array.from(topology.exclusions, (e) => e[1]);

    // erfc(alpha r) on each interval [k h, (k + 1) h], k = 0..TABLE_INTERVALS, as the coefficients of
    // the cubic in t = r / h - k that matches value and derivative at both ends (cubic Hermite)
    const h = this.cutoff / TABLE_INTERVALS;
    this.tableInvH = 1 / h;
    this.table = new Float64Array(4 * (TABLE_INTERVALS + 1));
    const g = (k: number) => erfc(this.alpha * k * h);
    const dg = (k: number) => ((-2 * this.alpha * h) / Math.sqrt(Math.PI)) * Math.exp(-((this.alpha * k * h) ** 2));
    for (let k = 0; k <= TABLE_INTERVALS; k++) {
      const g0 = g(k), d0 = dg(k), g1 = g(k + 1), d1 = dg(k + 1);
      this.table.set([g0, d0, 3 * (g1 - g0) - 2 * d0 - d1, 2 * (g0 - g1) + d0 + d1], 4 * k);
    }
    this.scratchX = new Float64Array(this.dim);
    this.scratchF = new Float64Array(this.dim);
  }

  private checkBox(L: Float64Array): void {
    const m = Math.min(L[0], L[1], L[2]);
    if (m < 2 * this.cutoff) {
      throw new PeriodicBoxError(`${this.name}: the box (${Array.from(L, (v) => v.toFixed(4)).join(' x ')} nm) is smaller than twice the cut-off (2 x ${this.cutoff} nm): an atom would interact with two images of another`);
    }
  }

  /** Changes the box (e.g. a barostat move); the PME grid stays, the neighbour lists are rebuilt. */
  setBox(box: ArrayLike<number>): void {
    const L = rectangularBox(box, this.name);
    this.checkBox(L);
    this.box.set(L);
    for (const l of this.lists) l.invalidate();
  }

  get volume(): number {
    return this.box[0] * this.box[1] * this.box[2];
  }

  massesPerCoordinate(): Float64Array {
    return this.bonded.massesPerCoordinate();
  }

  /** Forgets the neighbour lists (call after replacing positions by unrelated ones; updates detect moves anyway). */
  resetNeighborLists(): void {
    for (const l of this.lists) l.invalidate();
  }

  private list(w: number): NeighborList {
    while (this.lists.length <= w) this.lists.push(new NeighborList(this.nAtoms, this.cutoff, this.neighborBuffer, this.exclusions, this.molecules));
    return this.lists[w];
  }

  energy(x: ArrayLike<number>, offset = 0): number {
    return this.evaluateOne(x, offset, null);
  }

  energyTerms(x: ArrayLike<number>, offset = 0): PeriodicEnergyTerms {
    const T = this.terms;
    const total = this.evaluateOne(x, offset, T);
    const out = {} as PeriodicEnergyTerms;
    PERIODIC_ENERGY_TERMS.forEach((k, i) => (out[k] = k === 'total' ? total : T[i]));
    return out;
  }

  /** Energy and forces of one configuration from any array (copied; forces into `forcesOut` when given). */
  private evaluateOne(x: ArrayLike<number>, offset: number, terms: Float64Array | null, forcesOut?: Float64Array): number {
    if (x.length < offset + this.dim) throw new RangeError(`${this.name}: a configuration needs ${this.dim} coordinates (${this.nAtoms} atoms x 3) from offset ${offset}, got ${x.length - offset}`);
    const xs = this.scratchX, fs = this.scratchF;
    for (let k = 0; k < this.dim; k++) xs[k] = x[offset + k];
    fs.fill(0);
    const e = this.evaluate(xs, 0, fs, 0, terms, 0);
    if (forcesOut) forcesOut.set(fs);
    return e;
  }

  forces(x: Float64Array, f: Float64Array, nWalkers: number, energies?: Float64Array): void {
    checkForceBuffers(this.name, this.nAtoms, x, f, nWalkers, energies);
    for (let w = 0; w < nWalkers; w++) {
      const o = w * this.dim;
      f.fill(0, o, o + this.dim);
      const e = this.evaluate(x, o, f, o, null, w);
      if (energies) energies[w] = e;
    }
  }

  private evaluate(x: Float64Array, o: number, f: Float64Array, fo: number, terms: Float64Array | null, walker: number): number {
    // bonded + 1-4 (ForceField checks the coordinates are finite)
    let eBonded: number;
    if (terms) {
      const bt = this.bonded.energyTerms(x, o);
      terms[0] = bt.bond; terms[1] = bt.angle; terms[2] = bt.proper; terms[3] = bt.improper; terms[4] = bt.lj14; terms[5] = bt.coulomb14;
      eBonded = bt.total;
      // forces of the bonded part
      this.bondedForces(x, o, f, fo);
    } else {
      eBonded = this.bondedForces(x, o, f, fo);
    }
    const box = this.box, Lx = box[0], Ly = box[1], Lz = box[2], iLx = 1 / Lx, iLy = 1 / Ly, iLz = 1 / Lz;
    const nl = this.list(walker);
    nl.update(x, o, box);
    // ---- real space: LJ (plain cut-off) and ke q_i q_j erfc(alpha r)/r
    if (this.realSpaceKernel === 'wasm') this.realSpaceWasm(x, o, f, fo, nl, walker);
    else this.realSpace(x, o, f, fo, nl, walker);
    // potential shifts: sums of C12, C6 and ke q_i q_j over the pairs within the cut-off (pairSums)
    const rc6 = this.cutoff ** 6, ps = this.pairSums;
    const eLj = this.pairEnergies[0] - (this.shiftedLj ? ps[0] / (rc6 * rc6) - ps[1] / rc6 : 0);
    const eReal = this.pairEnergies[1] - ps[2] * this.coulombShift;
    const qk = this.qk, q = this.charges;
    // ---- excluded pairs: remove their reciprocal-space interaction, -ke q_i q_j erf(alpha r)/r
    let eExcl = 0;
    const a = this.alpha, c = (2 * a) / Math.sqrt(Math.PI), exI = this.exI, exJ = this.exJ;
    const rc = this.cutoff, tab = this.table, invH = this.tableInvH;
    for (let e = 0, ne = exI.length; e < ne; e++) {
      const i = exI[e], j = exJ[e];
      const qq = qk[i] * q[j];
      if (qq === 0) continue;
      let dx = x[o + 3 * i] - x[o + 3 * j], dy = x[o + 3 * i + 1] - x[o + 3 * j + 1], dz = x[o + 3 * i + 2] - x[o + 3 * j + 2];
      dx -= Lx * Math.round(dx / Lx);
      dy -= Ly * Math.round(dy / Ly);
      dz -= Lz * Math.round(dz / Lz);
      const r2 = dx * dx + dy * dy + dz * dz;
      // an excluded pair (same water, bonded neighbours) on one point: no term catches it otherwise
      // (SETTLE waters have no bonds and erf(a r)/r has a finite limit)
      if (r2 < COINCIDENT_ATOMS_NM * COINCIDENT_ATOMS_NM) this.overlap(i, j, Math.sqrt(r2), walker);
      const r = Math.sqrt(r2), ir = 1 / r;
      // erf(a r) = 1 - erfc(a r) and its derivative from the real-space table within the cut-off
      // (absolute error ~1e-15; bonded neighbours are always there), else directly
      let ef: number, def: number;
      if (r < rc) {
        const u = r * invH, k = u | 0, t = u - k, cc = 4 * k;
        const c1 = tab[cc + 1], c2 = tab[cc + 2], c3 = tab[cc + 3];
        ef = 1 - (tab[cc] + t * (c1 + t * (c2 + t * c3)));
        def = -(c1 + t * (2 * c2 + 3 * t * c3)) * invH;
      } else {
        ef = erf(a * r);
        def = c * Math.exp(-a * a * r2);
      }
      eExcl -= qq * ef * ir;
      // F = -dE/dr r^ with E = -qq erf(a r)/r: dE/dr = -qq (d erf/dr / r - erf/r^2)
      const s = qq * (def * ir - ef * ir * ir) * ir;
      f[fo + 3 * i] += s * dx; f[fo + 3 * i + 1] += s * dy; f[fo + 3 * i + 2] += s * dz;
      f[fo + 3 * j] -= s * dx; f[fo + 3 * j + 1] -= s * dy; f[fo + 3 * j + 2] -= s * dz;
    }
    // ---- reciprocal space (PME)
    const eRec = this.pme.compute(x, o, box, f, fo);
    const eDisp = this.dispersionCorrection ? this.dispersionCoefficient / (Lx * Ly * Lz) : 0;
    if (terms) {
      terms[6] = eLj; terms[7] = eDisp; terms[8] = eReal; terms[9] = eRec; terms[10] = this.selfEnergy; terms[11] = eExcl;
    }
    return eBonded + eLj + eDisp + eReal + eRec + this.selfEnergy + eExcl;
  }

  private readonly pairEnergies = new Float64Array(2);
  private readonly pairSums = new Float64Array(3);

  /**
   * Real-space pair loop over the neighbour list (its own function so V8 optimises it on its own);
   * energies into pairEnergies. Each record carries its periodic shift: no minimum image here.
   */
  /** The same through WasmPairKernel (one per walker). */
  private realSpaceWasm(x: Float64Array, o: number, f: Float64Array, fo: number, nl: NeighborList, walker: number): void {
    while (this.wasmKernels.length <= walker) {
      this.wasmKernels.push(new WasmPairKernel({ typeOf: this.typeOf, nTypes: this.nTypes, C6: this.C6, C12: this.C12, qk: this.qk, q: this.charges, table: this.table, tableInvH: this.tableInvH, cutoff: this.cutoff, minDistance: OVERLAP_DISTANCE }));
    }
    const k = this.wasmKernels[walker];
    const hit = k.compute(x, o, f, fo, nl);
    if (hit) {
      const [i, j] = hit, L = this.box;
      let r2 = 0;
      for (let d = 0; d < 3; d++) {
        const v = x[o + 3 * i + d] - x[o + 3 * j + d];
        r2 += (v - L[d] * Math.round(v / L[d])) ** 2;
      }
      this.overlap(i, j, Math.sqrt(r2), walker);
    }
    const t = k.sums;
    this.pairEnergies[0] = t[0];
    this.pairEnergies[1] = t[1];
    this.pairSums[0] = t[2];
    this.pairSums[1] = t[3];
    this.pairSums[2] = t[4];
  }

  private realSpace(x: Float64Array, o: number, f: Float64Array, fo: number, nl: NeighborList, walker: number): void {
    const rc2 = this.cutoff * this.cutoff, minR2 = OVERLAP_DISTANCE * OVERLAP_DISTANCE;
    const recAtom = nl.recordAtom, recShift = nl.recordShift, recStart = nl.recordStart, pairs = nl.pairs;
    const typeOf = this.typeOf, nt = this.nTypes, C6 = this.C6, C12 = this.C12;
    const qk = this.qk, q = this.charges, tab = this.table, invH = this.tableInvH;
    let eLj = 0, eReal = 0, sC12 = 0, sC6 = 0, sQQ = 0;
    for (let r = 0, nr = nl.count; r < nr; r++) {
      const i = recAtom[r], oi = o + 3 * i;
      const xi = x[oi] - recShift[3 * r], yi = x[oi + 1] - recShift[3 * r + 1], zi = x[oi + 2] - recShift[3 * r + 2];
      const ti = typeOf[i] * nt, qi = qk[i];
      let fxi = 0, fyi = 0, fzi = 0;
      for (let p = recStart[r], pe = recStart[r + 1]; p < pe; p++) {
        const j = pairs[p], oj = o + 3 * j;
        const dx = xi - x[oj], dy = yi - x[oj + 1], dz = zi - x[oj + 2];
        const r2 = dx * dx + dy * dy + dz * dz;
        if (r2 >= rc2) continue;
        if (r2 < minR2) this.overlap(i, j, Math.sqrt(r2), walker);
        const ir2 = 1 / r2;
        const tt = typeOf[j] + ti, c12 = C12[tt];
        let s = 0;
        if (c12 !== 0) {
          // (water hydrogens have no LJ: 8 of the 9 water-water pairs skip this)
          const ir6 = ir2 * ir2 * ir2, v6 = C6[tt] * ir6, v12 = c12 * ir6 * ir6;
          eLj += v12 - v6;
          sC12 += c12;
          sC6 += C6[tt];
          s = (12 * v12 - 6 * v6) * ir2;
        }
        const qq = qi * q[j];
        if (qq !== 0) {
          // erfc(alpha r) on [k h, (k + 1) h] as the cubic c0 + c1 t + c2 t^2 + c3 t^3 (cubic Hermite)
          const ir = Math.sqrt(ir2), u = r2 * ir * invH, k = u | 0, t = u - k, c = 4 * k;
          const c1 = tab[c + 1], c2 = tab[c + 2], c3 = tab[c + 3];
          const g = tab[c] + t * (c1 + t * (c2 + t * c3));
          const dg = (c1 + t * (2 * c2 + 3 * t * c3)) * invH;
          eReal += qq * g * ir;
          sQQ += qq;
          s += qq * (g * ir - dg) * ir2;
        }
        fxi += s * dx; fyi += s * dy; fzi += s * dz;
        f[fo + 3 * j] -= s * dx; f[fo + 3 * j + 1] -= s * dy; f[fo + 3 * j + 2] -= s * dz;
      }
      f[fo + 3 * i] += fxi; f[fo + 3 * i + 1] += fyi; f[fo + 3 * i + 2] += fzi;
    }
    this.pairEnergies[0] = eLj;
    this.pairEnergies[1] = eReal;
    this.pairSums[0] = sC12;
    this.pairSums[1] = sC6;
    this.pairSums[2] = sQQ;
  }

  private readonly bondedE = new Float64Array(1);

  /** Bonded and 1-4 forces added into f; returns their energy. */
  private bondedForces(x: Float64Array, o: number, f: Float64Array, fo: number): number {
    const bf = this.bondedBuffer();
    const xv = o === 0 && x.length === this.dim ? x : x.subarray(o, o + this.dim);
    this.bonded.forces(xv, bf, 1, this.bondedE);
    for (let k = 0; k < this.dim; k++) f[fo + k] += bf[k];
    return this.bondedE[0];
  }

  private bondedBuf: Float64Array | null = null;
  private bondedBuffer(): Float64Array {
    if (!this.bondedBuf) this.bondedBuf = new Float64Array(this.dim);
    return this.bondedBuf;
  }

  private overlap(i: number, j: number, r: number, walker: number): never {
    const at = this.topology.atoms;
    const d = (k: number) => `atom ${k + 1} (${at[k].resName}${at[k].residueIndex + 1} ${at[k].name})`;
    const limit = r < COINCIDENT_ATOMS_NM ? `${COINCIDENT_ATOMS_NM} nm (coincident: energy and forces are undefined)` : `${OVERLAP_DISTANCE} nm`;
    throw new CoincidentAtomsError(`${this.name}: ${d(i)} and ${d(j)}${walker > 0 ? ` of walker ${walker}` : ''} overlap: ${r.toExponential(3)} nm apart (minimum image), closer than ${limit}; check the structure (a duplicated atom or molecule?)`, [i, j], r, walker);
  }
}

function checkModifier(m: string | undefined, what: string, name: string): CutoffModifier {
  // two statements: tslab's TypeScript 5.0 does not narrow `m ?? 'none'` after a combined test
  if (m === undefined) return 'none';
  if (m === 'none' || m === 'potential-shift') return m;
  throw new RangeError(`${name}: ${what} must be 'none' or 'potential-shift', got '${m}'`);
}

/**
 * A three-atom molecule made of one oxygen and two hydrogens with neither [ settles ] nor bonds would
 * run as three loose charges: a clear error instead (the water .itp was included with a define that
 * removed both, or its [ settles ] block was dropped).
 */
function checkWaterConstraints(t: Topology, name: string): void {
  const settled = new Set(t.settles.map((s) => s.o));
  const bonded = new Set<number>();
  for (const b of t.bonds) {
    bonded.add(b.i);
    bonded.add(b.j);
  }
  const element = (a: number) => {
    const at = t.atomTypes.get(t.atoms[a].type);
    if (at && at.atomicNumber > 0) return at.atomicNumber;
    const m = t.atoms[a].mass;
    return m < 1.5 ? 1 : Math.abs(m - 16) < 0.5 ? 8 : 0;
  };
  for (const blk of t.molecules) {
    if (blk.atomsPerMolecule !== 3 || blk.count === 0) continue;
    const a0 = blk.firstAtom;
    const els = [element(a0), element(a0 + 1), element(a0 + 2)].sort();
    if (els[0] !== 1 || els[1] !== 1 || els[2] !== 8) continue;
    const hasBonds = [a0, a0 + 1, a0 + 2].some((a) => bonded.has(a));
    if (!settled.has(a0) && !hasBonds) {
      throw new RangeError(`${name}: water molecule ${blk.name} (atoms ${a0 + 1}-${a0 + 3}) has no [ settles ] and no bonds; rigid water needs [ settles ] (is FLEXIBLE defined without bonds, or the block missing from its .itp?)`);
    }
  }
}

/**
 * Puts every molecule back into the box [0, L) by whole-box shifts of all its atoms together, chosen so
 * that its centre (mean atom position) lands inside: molecules stay whole, for writing coordinates.
 * `molecules` gives each atom's molecule index (Topology atoms' `molecule`; atoms of a molecule are
 * contiguous). Returns a new array.
 */
export function wrapMolecules(x: ArrayLike<number>, molecules: ArrayLike<number>, box: ArrayLike<number>): Float64Array {
  const L = rectangularBox(box, 'wrapMolecules');
  const n = molecules.length;
  if (x.length !== 3 * n) throw new RangeError(`wrapMolecules: ${x.length} coordinates for ${n} atoms`);
  const out = Float64Array.from(x);
  for (let a0 = 0; a0 < n; ) {
    let a1 = a0 + 1;
    while (a1 < n && molecules[a1] === molecules[a0]) a1++;
    for (let d = 0; d < 3; d++) {
      let c = 0;
      for (let a = a0; a < a1; a++) c += out[3 * a + d];
      const shift = -L[d] * Math.floor(c / (a1 - a0) / L[d]);
      if (shift !== 0) for (let a = a0; a < a1; a++) out[3 * a + d] += shift;
    }
    a0 = a1;
  }
  return out;
}
