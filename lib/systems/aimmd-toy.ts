import type { Potential } from './potential.js';
import type { Rng } from '../dynamics/rng.js';

/**
 * The AIMMD model landscape (Jung et al., SI Eq. 1), lengths dimensionless:
 *   V(x, y) = sx x^6 + sy y^6 + eA exp(-aAx (x - xA)^2 - aAy (y - yA)^2) + eB exp(-aBx (x - xB)^2 - aBy (y - yB)^2)
 * with all alpha = 12, A at (-0.75, -0.5), B at (0.75, 0.5) (SI text), plus optional harmonic nuisance
 * coordinates x_j. Coordinates: [x, y, x_1 .. x_n]; masses 1.
 *
 * Two conventions for the energy unit, the same Boltzmann distribution in (x, y):
 * - `'reduced'` (default): energies in kT, run at kT = 1: sx = 2, sy = 10, eA = eB = -7 (the SI's numbers),
 *   nuisance V_j = omega_j^2 x_j^2 / 2 (main text).
 * - `'authors'`: the units of the authors' public example (bio-phys/aimmd, examples/1_Toy_*_simple_setup:
 *   openpathsampling's OuterWalls sigma = [0.2, 1.0], two Gaussians A = -0.7, alpha = 12, run at kT = 0.1),
 *   i.e. the SI landscape times 0.1 (AIMMD_AUTHORS.kT). Their nuisance coordinates are openpathsampling
 *   HarmonicOscillator terms with A = 1/2, whose energy is (1/2) A m omega^2 x^2 = omega_j^2 x_j^2 / 4, so
 *   each oscillates at omega_j / sqrt(2). The two conventions differ in dynamics, not in the landscape:
 *   scaling V and kT by 10 speeds Langevin dynamics up by sqrt(10) and lowers the friction in the
 *   rescaled time to gamma / sqrt(10). The paper's <t_TP> ≈ 11 (566 steps of 0.02) is in the authors' units.
 */
export type AimmdToyConvention = 'reduced' | 'authors';

export interface AimmdToyOptions {
  /** Angular frequencies omega_j of the nuisance oscillators; default none (the 2-D landscape). */
  frequencies?: ArrayLike<number>;
  /** Energy unit convention (see AimmdToy); default 'reduced'. */
  convention?: AimmdToyConvention;
  /** Override the convention's wall and Gaussian parameters (in that convention's energy unit). */
  sigmaX?: number;
  sigmaY?: number;
  alpha?: number;
  epsilon?: number;
}

/** The authors' simulation settings (bio-phys/aimmd toy example; Materials & Methods A for dt, gamma). */
export const AIMMD_AUTHORS = Object.freeze({
  kT: 0.1,
  dt: 0.02,
  friction: 2.5,
  /** omega of the first two nuisance oscillators (the rest uniform in [0, 10)). */
  leadingFrequencies: Object.freeze([0.2, 0.5]) as readonly number[],
  /** <t_TP> reported in the example: 566 steps of dt = 0.02. */
  meanTransitionPathTime: 11.32,
});

export const AIMMD_STATE_A = [-0.75, -0.5] as const;
export const AIMMD_STATE_B = [0.75, 0.5] as const;

export class AimmdToy implements Potential {
  readonly name = 'AIMMD toy landscape';
  readonly dim: number;
  readonly frequencies: Float64Array;
  private readonly sx: number;
  private readonly sy: number;
  private readonly al: number;
  private readonly eps: number;
  /** Stiffness of nuisance oscillator j: k_j = stiffness * omega_j^2 (1 reduced, 1/2 authors). */
  private readonly stiffness: number;
  readonly convention: AimmdToyConvention;

  constructor(options: AimmdToyOptions = {}) {
    const conv = options.convention ?? 'reduced';
    if (conv !== 'reduced' && conv !== 'authors') throw new RangeError(`AimmdToy: convention must be 'reduced' or 'authors', got ${String(conv)}`);
    this.convention = conv;
    const unit = conv === 'authors' ? AIMMD_AUTHORS.kT : 1;
    this.frequencies = Float64Array.from(options.frequencies ?? []);
    this.frequencies.forEach((w, j) => { if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`AimmdToy: frequency ${j} is ${w}; must be finite and non-negative`); });
    this.dim = 2 + this.frequencies.length;
    this.sx = options.sigmaX ?? 2 * unit;
    this.sy = options.sigmaY ?? 10 * unit;
    this.al = options.alpha ?? 12;
    this.eps = options.epsilon ?? -7 * unit;
    this.stiffness = conv === 'authors' ? 0.5 : 1;
  }

  energy(x: ArrayLike<number>, o = 0): number {
    const px = x[o], py = x[o + 1], a = this.al;
    let v = this.sx * px ** 6 + this.sy * py ** 6
      + this.eps * Math.exp(-a * (px - AIMMD_STATE_A[0]) ** 2 - a * (py - AIMMD_STATE_A[1]) ** 2)
      + this.eps * Math.exp(-a * (px - AIMMD_STATE_B[0]) ** 2 - a * (py - AIMMD_STATE_B[1]) ** 2);
    for (let j = 0; j < this.frequencies.length; j++) v += 0.5 * this.stiffness * this.frequencies[j] ** 2 * x[o + 2 + j] ** 2;
    return v;
  }

  forces(x: Float64Array, f: Float64Array, n: number, e?: Float64Array): void {
    const d = this.dim, a = this.al, ep = this.eps, om = this.frequencies;
    for (let w = 0, o = 0; w < n; w++, o += d) {
      const px = x[o], py = x[o + 1];
      const ax = px - AIMMD_STATE_A[0], ay = py - AIMMD_STATE_A[1];
      const bx = px - AIMMD_STATE_B[0], by = py - AIMMD_STATE_B[1];
      const gA = ep * Math.exp(-a * (ax * ax + ay * ay));
      const gB = ep * Math.exp(-a * (bx * bx + by * by));
      let v = this.sx * px ** 6 + this.sy * py ** 6 + gA + gB;
      f[o] = -(6 * this.sx * px ** 5 - 2 * a * (ax * gA + bx * gB));
      f[o + 1] = -(6 * this.sy * py ** 5 - 2 * a * (ay * gA + by * gB));
      for (let j = 0; j < om.length; j++) {
        const q = x[o + 2 + j], w2 = this.stiffness * om[j] * om[j];
        f[o + 2 + j] = -w2 * q;
        v += 0.5 * w2 * q * q;
      }
      if (e) e[w] = v;
    }
  }
}

/**
 * Nuisance frequencies as in AIMMD Materials & Methods A: the first two with periods 2 pi / omega longer
 * than (default 5x) and comparable to (1x) the mean transition-path time tTP, the rest uniform in
 * [0, omegaMax). `leading` gives the first ones explicitly instead (the authors' example: [0.2, 0.5],
 * AIMMD_AUTHORS.leadingFrequencies).
 */
export function aimmdNuisanceFrequencies(count: number, rng: Rng, options: { meanTransitionPathTime?: number; omegaMax?: number; leading?: readonly number[] } = {}): Float64Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`aimmdNuisanceFrequencies: count must be a non-negative integer, got ${count}`);
  const tTP = options.meanTransitionPathTime ?? 11;
  const wMax = options.omegaMax ?? 10;
  const lead = options.leading ?? [(2 * Math.PI) / (5 * tTP), (2 * Math.PI) / tTP];
  lead.forEach((w, j) => { if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`aimmdNuisanceFrequencies: leading frequency ${j} is ${w}; must be finite and non-negative`); });
  const out = new Float64Array(count);
  for (let j = 0; j < count; j++) out[j] = j < lead.length ? lead[j] : rng.uniform(0, wMax);
  return out;
}
