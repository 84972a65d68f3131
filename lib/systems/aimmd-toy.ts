import type { Potential } from './potential.js';
import type { Rng } from '../dynamics/rng.js';

/**
 * The AIMMD model landscape (Jung et al., SI Eq. 1), energies in kT (beta^-1), lengths dimensionless:
 *   V(x, y) = sx x^6 + sy y^6 + eA exp(-aAx (x - xA)^2 - aAy (y - yA)^2) + eB exp(-aBx (x - xB)^2 - aBy (y - yB)^2)
 * with sx = 2, sy = 10, all alpha = 12, eA = eB = -7, A at (-0.75, -0.5), B at (0.75, 0.5) (SI text),
 * plus optional harmonic nuisance coordinates V_j = omega_j^2 x_j^2 / 2 (mass 1, omega in ns^-1).
 * Coordinates: [x, y, x_1 .. x_n].
 */
export interface AimmdToyOptions {
  /** Angular frequencies of the nuisance oscillators (ns^-1); default none (the 2-D landscape). */
  frequencies?: ArrayLike<number>;
  sigmaX?: number;
  sigmaY?: number;
  alpha?: number;
  epsilon?: number;
}

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

  constructor(options: AimmdToyOptions = {}) {
    this.frequencies = Float64Array.from(options.frequencies ?? []);
    this.frequencies.forEach((w, j) => { if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`AimmdToy: frequency ${j} is ${w}; must be finite and non-negative`); });
    this.dim = 2 + this.frequencies.length;
    this.sx = options.sigmaX ?? 2;
    this.sy = options.sigmaY ?? 10;
    this.al = options.alpha ?? 12;
    this.eps = options.epsilon ?? -7;
  }

  energy(x: ArrayLike<number>, o = 0): number {
    const px = x[o], py = x[o + 1], a = this.al;
    let v = this.sx * px ** 6 + this.sy * py ** 6
      + this.eps * Math.exp(-a * (px - AIMMD_STATE_A[0]) ** 2 - a * (py - AIMMD_STATE_A[1]) ** 2)
      + this.eps * Math.exp(-a * (px - AIMMD_STATE_B[0]) ** 2 - a * (py - AIMMD_STATE_B[1]) ** 2);
    for (let j = 0; j < this.frequencies.length; j++) v += 0.5 * this.frequencies[j] ** 2 * x[o + 2 + j] ** 2;
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
        const q = x[o + 2 + j], w2 = om[j] * om[j];
        f[o + 2 + j] = -w2 * q;
        v += 0.5 * w2 * q * q;
      }
      if (e) e[w] = v;
    }
  }
}

/**
 * Nuisance frequencies as in AIMMD Materials & Methods A: the first two with periods 2 pi / omega longer
 * than (default 5x) and comparable to (1x) the mean transition-path time tTP (ns), the rest uniform in
 * [0, omegaMax) ns^-1.
 */
export function aimmdNuisanceFrequencies(count: number, rng: Rng, options: { meanTransitionPathTime?: number; omegaMax?: number } = {}): Float64Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`aimmdNuisanceFrequencies: count must be a non-negative integer, got ${count}`);
  const tTP = options.meanTransitionPathTime ?? 11;
  const wMax = options.omegaMax ?? 10;
  const out = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    out[j] = j === 0 ? (2 * Math.PI) / (5 * tTP) : j === 1 ? (2 * Math.PI) / tTP : rng.uniform(0, wMax);
  }
  return out;
}
