import type { Rng } from './rng.js';

/**
 * Isotropic Monte-Carlo barostat as OpenMM's MonteCarloBarostat (Chow & Ferguson, Comput. Phys.
 * Commun. 91, 283 (1995); Aqvist et al., Chem. Phys. Lett. 384, 288 (2004)): a trial volume
 * V' = V + dV, dV uniform in [-s, s], scales every molecule's centre (the unweighted mean of its
 * atoms) and the box by (V'/V)^(1/3), molecules kept rigid, and is accepted with probability
 * min(1, exp(-w/kT)), w = E' - E + P dV - N_mol kT ln(V'/V) (the isothermal-isobaric ensemble with
 * molecular scaling). The step size s starts at 1% of V and is adapted as OpenMM does: after every
 * 10 attempts, divided by 1.1 when fewer than 25% were accepted, multiplied by 1.1 (at most 0.3 V)
 * when more than 75% were.
 *
 * Units: nm, kJ/mol, bar (1 bar = 0.0602214076 kJ/mol/nm^3).
 */
export interface BoxedPotential {
  readonly dim: number;
  /** Box edge lengths [Lx, Ly, Lz] (nm). */
  readonly box: Float64Array;
  setBox(box: ArrayLike<number>): void;
  energy(x: ArrayLike<number>, offset?: number): number;
  /** Non-bonded cut-off (nm): trial boxes with an edge below twice this are rejected outright. */
  readonly cutoff?: number;
}

export interface BarostatOptions {
  /** Pressure (bar). */
  pressure: number;
  /** Thermal energy kT (kJ/mol) of the thermostat the barostat works with. */
  kT: number;
  /** Molecule index of every atom (as Topology atoms' `molecule`); atoms of one molecule move together. */
  molecules: ArrayLike<number>;
}

/** 1 bar in kJ/mol/nm^3: 1e5 Pa x 1e-27 m^3/nm^3 x N_A / 1000. */
export const BAR_IN_KJ_PER_MOL_NM3 = 0.0602214076;

export class MonteCarloBarostat {
  readonly pressure: number;
  readonly kT: number;
  readonly nMolecules: number;
  /** Current maximal volume change s (nm^3). */
  volumeScale: number;
  attempted = 0;
  accepted = 0;
  /** Totals over the whole run. */
  totalAttempted = 0;
  totalAccepted = 0;
  private readonly molStart: Int32Array;
  private readonly molAtoms: Int32Array;
  private readonly saved: Float64Array;
  private readonly savedBox = new Float64Array(3);

  constructor(readonly potential: BoxedPotential, options: BarostatOptions) {
    if (!(options.pressure >= 0) || !Number.isFinite(options.pressure)) throw new RangeError(`MonteCarloBarostat: pressure must be non-negative and finite (bar), got ${options.pressure}`);
    if (!(options.kT > 0) || !Number.isFinite(options.kT)) throw new RangeError(`MonteCarloBarostat: kT must be positive, got ${options.kT}`);
    const n = potential.dim / 3;
    if (options.molecules.length !== n) throw new RangeError(`MonteCarloBarostat: ${options.molecules.length} molecule indices for ${n} atoms`);
    this.pressure = options.pressure;
    this.kT = options.kT;
    // atoms grouped by molecule (CSR)
    const ids = [...new Set(Array.from(options.molecules))];
    const index = new Map(ids.map((m, k) => [m, k]));
    this.nMolecules = ids.length;
    const count = new Int32Array(ids.length + 1);
    for (let a = 0; a < n; a++) count[index.get(options.molecules[a])! + 1]++;
    for (let k = 0; k < ids.length; k++) count[k + 1] += count[k];
    this.molStart = Int32Array.from(count);
    this.molAtoms = new Int32Array(n);
    const fill = Int32Array.from(count);
    for (let a = 0; a < n; a++) this.molAtoms[fill[index.get(options.molecules[a])!]++] = a;
    this.saved = new Float64Array(potential.dim);
    const b = potential.box;
    this.volumeScale = 0.01 * b[0] * b[1] * b[2];
  }

  /** One trial volume move on configuration x (one walker, in place); returns true when accepted. */
  step(x: Float64Array, rng: Rng): boolean {
    const p = this.potential, b = p.box;
    const V = b[0] * b[1] * b[2];
    const e0 = p.energy(x);
    const dV = this.volumeScale * 2 * (rng.uniform() - 0.5);
    const V1 = V + dV;
    const s = Math.cbrt(V1 / V);
    if (p.cutoff !== undefined && Math.min(b[0], b[1], b[2]) * s < 2 * p.cutoff) {
      // a box below twice the cut-off is outside the model's domain: reject
      this.record(false);
      return false;
    }
    this.saved.set(x);
    this.savedBox.set(b);
    this.scaleMolecules(x, s);
    p.setBox([b[0] * s, b[1] * s, b[2] * s]);
    const e1 = p.energy(x);
    const w = e1 - e0 + this.pressure * BAR_IN_KJ_PER_MOL_NM3 * dV - this.nMolecules * this.kT * Math.log(V1 / V);
    const accept = !(w > 0 && rng.uniform() > Math.exp(-w / this.kT));
    if (!accept) {
      x.set(this.saved);
      p.setBox(this.savedBox);
    }
    this.record(accept);
    return accept;
  }

  private record(accept: boolean): void {
    this.attempted++;
    this.totalAttempted++;
    if (accept) {
      this.accepted++;
      this.totalAccepted++;
    }
    if (this.attempted >= 10) {
      const b = this.potential.box, V = b[0] * b[1] * b[2];
      if (this.accepted < 0.25 * this.attempted) this.volumeScale /= 1.1;
      else if (this.accepted > 0.75 * this.attempted) this.volumeScale = Math.min(this.volumeScale * 1.1, 0.3 * V);
      this.attempted = 0;
      this.accepted = 0;
    }
  }

  /** Moves each molecule rigidly so that its centre (mean atom position) is scaled by s. */
  private scaleMolecules(x: Float64Array, s: number): void {
    const st = this.molStart, at = this.molAtoms;
    for (let m = 0; m < this.nMolecules; m++) {
      let cx = 0, cy = 0, cz = 0;
      const a0 = st[m], a1 = st[m + 1];
      for (let k = a0; k < a1; k++) {
        const a = 3 * at[k];
        cx += x[a]; cy += x[a + 1]; cz += x[a + 2];
      }
      const inv = 1 / (a1 - a0);
      const dx = cx * inv * (s - 1), dy = cy * inv * (s - 1), dz = cz * inv * (s - 1);
      for (let k = a0; k < a1; k++) {
        const a = 3 * at[k];
        x[a] += dx; x[a + 1] += dy; x[a + 2] += dz;
      }
    }
  }
}
