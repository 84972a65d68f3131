import type { Potential } from './potential.js';

/**
 * Coefficients of the 2-D surface of Sun et al. (multitask CVs), Eq. 10:
 *   V2d(x~, y~) = sum_i A_i exp[alpha_i (x~ - a_i)^2 + beta_i (x~ - a_i)(y~ - b_i) + gamma_i (y~ - b_i)^2]
 *                 - D (x~ - d)^3 - E (y~ - e)^3
 * Energies in eV, lengths in the model's length unit.
 */
export interface Surface2dCoefficients {
  A: readonly number[];
  alpha: readonly number[];
  beta: readonly number[];
  gamma: readonly number[];
  a: readonly number[];
  b: readonly number[];
  D: number;
  d: number;
  E: number;
  e: number;
}

function checkCoefficients(c: Surface2dCoefficients): void {
  const n = c.A.length;
  for (const k of ['alpha', 'beta', 'gamma', 'a', 'b'] as const) {
    if (c[k].length !== n) throw new RangeError(`Surface2d: ${k} has ${c[k].length} entries, A has ${n}`);
  }
  for (const k of ['A', 'alpha', 'beta', 'gamma', 'a', 'b'] as const) c[k].forEach((v, i) => { if (!Number.isFinite(v)) throw new RangeError(`Surface2d: ${k}[${i}] is ${v}`); });
  for (const k of ['D', 'd', 'E', 'e'] as const) if (!Number.isFinite(c[k])) throw new RangeError(`Surface2d: ${k} is ${c[k]}`);
}

/** Eq. 10 on the plane: V2d and its gradient. `dim` 2; usable directly with the string method. */
export class Surface2d implements Potential {
  readonly dim = 2;
  constructor(readonly coefficients: Surface2dCoefficients, readonly name = 'surface 2d') {
    checkCoefficients(coefficients);
  }

  /** V2d and dV/dx~, dV/dy~ at one point (eV, eV per length). */
  evaluate(xt: number, yt: number): { v: number; gx: number; gy: number } {
    const c = this.coefficients;
    let v = 0, gx = 0, gy = 0;
    for (let i = 0; i < c.A.length; i++) {
      const dx = xt - c.a[i], dy = yt - c.b[i];
      const g = c.A[i] * Math.exp(c.alpha[i] * dx * dx + c.beta[i] * dx * dy + c.gamma[i] * dy * dy);
      v += g;
      gx += g * (2 * c.alpha[i] * dx + c.beta[i] * dy);
      gy += g * (c.beta[i] * dx + 2 * c.gamma[i] * dy);
    }
    const px = xt - c.d, py = yt - c.e;
    v -= c.D * px * px * px + c.E * py * py * py;
    gx -= 3 * c.D * px * px;
    gy -= 3 * c.E * py * py;
    return { v, gx, gy };
  }

  energy(x: ArrayLike<number>, o = 0): number {
    return this.evaluate(x[o], x[o + 1]).v;
  }

  forces(x: Float64Array, f: Float64Array, n: number, e?: Float64Array): void {
    for (let w = 0; w < n; w++) {
      const r = this.evaluate(x[2 * w], x[2 * w + 1]);
      f[2 * w] = -r.gx;
      f[2 * w + 1] = -r.gy;
      if (e) e[w] = r.v;
    }
  }
}

/** Weight of x5 in x~ (Eq. 8): x5 barely changes the energy, so it is a large-amplitude, low-energy fluctuation. */
export const X5_WEIGHT = 1e-7;

/** (x~, y~) of a 5-D configuration (Eqs. 8-9). */
export function reducedCoordinates(x: ArrayLike<number>, o = 0): [number, number] {
  return [Math.sqrt(x[o] ** 2 + x[o + 1] ** 2 + X5_WEIGHT * x[o + 4] ** 2), Math.hypot(x[o + 2], x[o + 3])];
}

/**
 * The 5-D model of Sun et al., Eqs. 7-9: V(x1..x5) = V2d(x~, y~), x~ = sqrt(x1^2 + x2^2 + 1e-7 x5^2),
 * y~ = sqrt(x3^2 + x4^2). Degenerate in energy: every rotation in (x1, x2) and (x3, x4) and almost any x5
 * give the same energy. Energies in eV. Forces are finite at x~ = 0 or y~ = 0 (set to zero there: the
 * radial direction is undefined, a measure-zero set the dynamics does not visit).
 */
export class FiveDModel implements Potential {
  readonly dim = 5;
  readonly surface: Surface2d;
  constructor(coefficients: Surface2dCoefficients, readonly name = '5-D model') {
    this.surface = new Surface2d(coefficients, `${name} (x~, y~)`);
  }

  energy(x: ArrayLike<number>, o = 0): number {
    const [xt, yt] = reducedCoordinates(x, o);
    return this.surface.evaluate(xt, yt).v;
  }

  forces(x: Float64Array, f: Float64Array, n: number, e?: Float64Array): void {
    for (let w = 0, o = 0; w < n; w++, o += 5) {
      const [xt, yt] = reducedCoordinates(x, o);
      const r = this.surface.evaluate(xt, yt);
      // dx~/dx1 = x1/x~, dx~/dx5 = 1e-7 x5/x~, dy~/dx3 = x3/y~
      const sx = xt > 0 ? -r.gx / xt : 0, sy = yt > 0 ? -r.gy / yt : 0;
      f[o] = sx * x[o];
      f[o + 1] = sx * x[o + 1];
      f[o + 2] = sy * x[o + 2];
      f[o + 3] = sy * x[o + 3];
      f[o + 4] = sx * X5_WEIGHT * x[o + 4];
      if (e) e[w] = r.v;
    }
  }
}

/**
 * Scaled Müller-Brown surface (Müller & Brown 1979 Gaussians, centres shifted by (+2, +0.7) so that
 * x~, y~ > 0 over the basins; SI Table III of the paper is not public). Amplitudes = 0.0088393 eV x the
 * standard (-200, -100, -170, 15) and a cubic tilt E = -0.013732 eV (e = 0.7) chosen (Newton on the
 * minima and saddles) so that the barrier is 0.900 eV from A (x~, y~ = 1.431, 2.129) to B (2.623, 0.728)
 * and 0.600 eV back; the highest saddle is at (1.175, 1.323). The string method reproduces both
 * (tests/systems/five-d.test.ts).
 */
export const MULLER_BROWN_5D: Surface2dCoefficients = Object.freeze({
  A: [-1.7679, -0.88393, -1.5027, 0.13259],
  alpha: [-1, -1, -6.5, 0.7],
  beta: [0, 0, 11, 0.6],
  gamma: [-10, -10, -6.5, 0.7],
  a: [3, 2, 1.5, 1],
  b: [0.7, 1.2, 2.2, 1.7],
  D: 0, d: 0,
  E: -0.013732, e: 0.7,
});

/**
 * Scaled three-hole surface (Metzner, Schütte & Vanden-Eijnden 2006: Gaussians 3, -3, -5, -5 of unit
 * width; centres shifted by (+2.5, +1.5)); SI Table IV is not public. Energy scale 0.38724 eV and central
 * barrier amplitude 3.8083 (instead of 3) chosen so that the barrier from A (1.328, 1.448) or B (3.672,
 * 1.448) to C (2.5, 3.299) is 1.000 eV (saddles at (2.5 ± 0.782, 2.662)) and the direct A -> B barrier
 * (saddle (2.5, 0.951)) is 1.200 eV. The quartic confinement of the original is dropped (no cubic tilt,
 * D = E = 0, which would break the A/B symmetry): the plateau V -> 0 lies 1.59 eV above A and B.
 */
export const THREE_WELL_5D: Surface2dCoefficients = Object.freeze({
  A: [1.4748, -1.1617, -1.9362, -1.9362],
  alpha: [-1, -1, -1, -1],
  beta: [0, 0, 0, 0],
  gamma: [-1, -1, -1, -1],
  a: [2.5, 2.5, 3.5, 1.5],
  b: [1.5 + 1 / 3, 1.5 + 5 / 3, 1.5, 1.5],
  D: 0, d: 0,
  E: 0, e: 0,
});

/** Basin centres in (x~, y~) of the two coefficient sets (the minima above). */
export const FIVE_D_BASINS = Object.freeze({
  mullerBrown: { A: [1.4313, 2.1289], B: [2.6235, 0.7280] },
  threeWell: { A: [1.3283, 1.4484], B: [3.6717, 1.4484], C: [2.5, 3.2993] },
});

/** ModuleRef factory for workers: 'muller-brown' or 'three-well'. */
export function fiveDModel(kind: 'muller-brown' | 'three-well'): FiveDModel {
  if (kind === 'muller-brown') return new FiveDModel(MULLER_BROWN_5D, '5-D Müller-Brown');
  if (kind === 'three-well') return new FiveDModel(THREE_WELL_5D, '5-D three-well');
  throw new RangeError(`fiveDModel: kind must be 'muller-brown' or 'three-well', got ${String(kind)}`);
}

/** A state of a 5-D model: a disc of `radius` around `centre` in (x~, y~) (a Region, see regions.ts). */
export function reducedBall(centre: ArrayLike<number>, radius: number): (x: ArrayLike<number>, offset?: number) => boolean {
  if (centre.length !== 2 || !Number.isFinite(centre[0]) || !Number.isFinite(centre[1])) throw new RangeError('reducedBall: centre must be a finite (x~, y~) pair');
  if (!(radius > 0) || !Number.isFinite(radius)) throw new RangeError(`reducedBall: radius must be positive and finite, got ${radius}`);
  const cx = centre[0], cy = centre[1], r2 = radius * radius;
  return (x, o = 0) => {
    const [xt, yt] = reducedCoordinates(x, o);
    return (xt - cx) ** 2 + (yt - cy) ** 2 <= r2;
  };
}

/** (x~, y~) of a 5-D configuration with the Jacobian (a CoordinateMap of lib/enhanced, for path CVs). */
export const fiveDReducedMap = Object.freeze({
  inputDim: 5,
  outputDim: 2,
  map(x: Float64Array, o: number, z: Float64Array, jac?: Float64Array): void {
    const [xt, yt] = reducedCoordinates(x, o);
    z[0] = xt;
    z[1] = yt;
    if (jac) {
      jac.fill(0);
      if (xt > 0) { jac[0] = x[o] / xt; jac[1] = x[o + 1] / xt; jac[4] = (X5_WEIGHT * x[o + 4]) / xt; }
      if (yt > 0) { jac[7] = x[o + 2] / yt; jac[8] = x[o + 3] / yt; }
    }
  },
});
