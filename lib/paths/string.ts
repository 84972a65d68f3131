import { checkConfigurations, type Potential } from '../systems/potential.js';
import { ConvergenceError, positiveOption } from '../dynamics/solver.js';
import { ArcLengthResampler, arcLength, pathPoints, type PathInterpolation } from './reparametrize.js';

/**
 * Minimum energy path by the simplified string method (E, Ren & Vanden-Eijnden, J. Chem. Phys. 126,
 * 164103 (2007)): each iteration
 *   1. moves every image down the energy gradient, phi_i <- phi_i - dt grad V(phi_i) (forward Euler,
 *      the displacement of one image capped at `maxDisplacement`);
 *   2. reparametrises the string to equal arc length by interpolation (linear or cubic spline).
 * The tangential force component is thereby removed implicitly, and a fixed point is a curve along
 * which grad V is parallel to the tangent: the MEP. The end images relax freely into the minima unless
 * `fixEnds`. Convergence: the largest image displacement per iteration divided by dt (a force) falls
 * below `tolerance`.
 */
export interface StringOptions {
  /** Number of images; default 50, or the number of points of the initial path when it has > 2. */
  images?: number;
  /** Euler time step dt (length^2 / energy); default 1e-4 (suits Müller-Brown). */
  timeStep?: number;
  /** Largest displacement of an image in one Euler step (length); default 0.01. */
  maxDisplacement?: number;
  /** Converged when max_i |phi_i^{new} - phi_i^{old}| / dt <= tolerance (energy / length); default 1e-4. */
  tolerance?: number;
  /** Default 100000. */
  maxIterations?: number;
  /** Reparametrisation interpolation; default 'cubic'. */
  interpolation?: PathInterpolation;
  /** Keep the first and last images where they are; default false. */
  fixEnds?: boolean;
  throwOnFail?: boolean;
}

export interface StringResult {
  /** Images, Float64Array [nImages][dim]. */
  images: Float64Array;
  nImages: number;
  dim: number;
  energies: Float64Array;
  /** Normalised arc-length parameter of each image, 0 .. 1. */
  arcLength: Float64Array;
  /** Total polyline length of the string. */
  length: number;
  iterations: number;
  converged: boolean;
  /** Final max displacement / dt. */
  residual: number;
  message: string;
}

export class StringMethodError extends ConvergenceError<StringResult> {
  constructor(message: string, result: StringResult) { super('StringMethodError', message, result); }
}

/**
 * Runs the simplified string method from `initial` ([m][dim], m >= 2: the two end points, or a guess of
 * the whole path, which is first resampled to the requested number of images).
 */
export function stringMethod(potential: Potential, initial: ArrayLike<number>, options: StringOptions = {}): StringResult {
  const name = `stringMethod(${potential.name})`;
  const dim = potential.dim;
  const m = pathPoints(initial, dim, `${name}: initial path`);
  if (m < 2) throw new RangeError(`${name}: the initial path needs at least 2 points, got ${m}`);
  const n = positiveOption(`${name}: images`, options.images, m > 2 ? m : 50, true);
  if (n < 3) throw new RangeError(`${name}: images must be at least 3, got ${n}`);
  const dt = positiveOption(`${name}: timeStep`, options.timeStep, 1e-4);
  const maxDisp = positiveOption(`${name}: maxDisplacement`, options.maxDisplacement, 0.01);
  const tol = positiveOption(`${name}: tolerance`, options.tolerance, 1e-4);
  const maxIt = positiveOption(`${name}: maxIterations`, options.maxIterations, 100000, true);
  const method = options.interpolation ?? 'cubic';
  const fixEnds = options.fixEnds ?? false;

  let phi = new Float64Array(n * dim);
  new ArcLengthResampler(m, n, dim, method).resample(initial, phi);
  checkConfigurations(potential, phi, n, `${name}: initial images`);
  let next = new Float64Array(n * dim);
  const moved = new Float64Array(n * dim);
  const f = new Float64Array(n * dim);
  const energies = new Float64Array(n);
  const resampler = new ArcLengthResampler(n, n, dim, method);
  let iterations = 0, residual = Infinity, converged = false, message = '';
  while (iterations < maxIt) {
    potential.forces(phi, f, n, energies);
    // Step 1: steepest descent (Euler) with a per-image displacement cap.
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      if (fixEnds && (i === 0 || i === n - 1)) { for (let k = 0; k < dim; k++) moved[o + k] = phi[o + k]; continue; }
      let f2 = 0;
      for (let k = 0; k < dim; k++) f2 += f[o + k] * f[o + k];
      if (!Number.isFinite(f2)) throw new RangeError(`${name}: non-finite force on image ${i} at iteration ${iterations}`);
      const step = Math.sqrt(f2) * dt;
      const c = step > maxDisp ? (maxDisp / step) * dt : dt;
      for (let k = 0; k < dim; k++) moved[o + k] = phi[o + k] + c * f[o + k];
    }
    // Step 2: equal arc length.
    resampler.resample(moved, next);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) { const d = next[i * dim + k] - phi[i * dim + k]; d2 += d * d; }
      if (d2 > worst) worst = d2;
    }
    residual = Math.sqrt(worst) / dt;
    const t = phi; phi = next; next = t;
    iterations++;
    if (residual <= tol) { converged = true; break; }
  }
  message = converged ? `converged after ${iterations} iterations (residual ${residual.toExponential(3)})` : `not converged after ${maxIt} iterations (residual ${residual.toExponential(3)})`;
  potential.forces(phi, f, n, energies);
  const s = arcLength(phi, dim);
  const length = s[n - 1];
  for (let i = 0; i < n; i++) s[i] /= length;
  const result: StringResult = { images: phi, nImages: n, dim, energies, arcLength: s, length, iterations, converged, residual, message };
  if (!converged && options.throwOnFail) throw new StringMethodError(`${name}: ${message}`, result);
  return result;
}

/** Indices of interior images whose energy exceeds both neighbours': saddle-point guesses. */
export function pathEnergyMaxima(energies: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 1; i < energies.length - 1; i++) if (energies[i] > energies[i - 1] && energies[i] >= energies[i + 1]) out.push(i);
  return out;
}

/** Indices of interior images whose energy is below both neighbours' (intermediate minima). */
export function pathEnergyMinima(energies: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 1; i < energies.length - 1; i++) if (energies[i] < energies[i - 1] && energies[i] <= energies[i + 1]) out.push(i);
  return out;
}
