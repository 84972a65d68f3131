import { checkConfigurations, type Potential } from '../systems/potential.js';
import { numericalHessian, symmetricEigen } from './hessian.js';
import { ConvergenceError, positiveOption } from './solver.js';

/**
 * Index-1 saddle search by eigenvector following with the partitioned rational-function step (P-RFO;
 * Cerjan & Miller, J. Chem. Phys. 75, 2800 (1981); Baker, J. Comput. Chem. 7, 385 (1986)).
 *
 * Each iteration diagonalises the Hessian (central differences of the analytic forces), maximises the
 * energy along one mode and minimises it along all others:
 *   h_k = -F_k / (b_k - lambda_p),  lambda_p = b_k/2 + sqrt(b_k^2 + 4 F_k^2)/2       (uphill mode k)
 *   h_i = -F_i / (b_i - lambda_n),  lambda_n = lowest root of lambda = sum_i F_i^2/(lambda - b_i)
 * (b: Hessian eigenvalues, F: gradient in the eigenbasis), the step scaled into a trust radius. Near
 * the saddle both shifts vanish and the step becomes the Newton step (quadratic convergence). Starting
 * from a minimum, the followed mode is the softest one, so the walk goes uphill out of the basin; later
 * iterations follow the mode with the largest overlap with the previous one.
 * Modes with |b| below `zeroModeTolerance` (translations/rotations of a free molecule) take no step.
 */
export interface SaddleOptions {
  /** Converged when the gradient norm is at most this; default 1e-6. */
  gradientTolerance?: number;
  /** Maximum number of iterations (one Hessian each); default 500. */
  maxSteps?: number;
  /** Initial and largest step length (trust radius, length units); default 0.1. */
  maxStep?: number;
  /** Finite-difference step of the Hessian (length units); default 1e-5. */
  hessianStep?: number;
  /** Eigenvalues with |b| below this take no step (external modes of molecules); default 1e-8. */
  zeroModeTolerance?: number;
  /**
   * Initial uphill direction (length dim), e.g. the path tangent at the highest image of a string: the
   * first followed mode is the one with the largest overlap with it. Default: the lowest mode.
   */
  direction?: ArrayLike<number>;
  /** Throw a SaddleSearchError when no index-1 saddle is found (default false). */
  throwOnFail?: boolean;
}

export interface SaddleResult {
  x: Float64Array;
  energy: number;
  gradNorm: number;
  steps: number;
  /** Force evaluations, Hessians included. */
  evaluations: number;
  /** Gradient below tolerance and exactly one negative Hessian eigenvalue. */
  converged: boolean;
  /** Number of negative Hessian eigenvalues at x (1 for a first-order saddle). */
  index: number;
  /** Hessian eigenvalues at x, ascending. */
  eigenvalues: Float64Array;
  /** Unit eigenvector of the lowest Hessian eigenvalue at x (the reaction direction at a saddle). */
  unstableMode: Float64Array;
  message: string;
}

export class SaddleSearchError extends ConvergenceError<SaddleResult> {
  constructor(message: string, result: SaddleResult) { super('SaddleSearchError', message, result); }
}

/** Lowest root of lambda = sum_i w_i / (lambda - b_i) (w_i = F_i^2), below min(b_i, 0), by bisection. */
function rfoShift(b: Float64Array, w: Float64Array, use: Uint8Array): number {
  let bmin = Infinity, wsum = 0;
  for (let i = 0; i < b.length; i++) if (use[i]) { if (b[i] < bmin) bmin = b[i]; wsum += w[i]; }
  if (bmin === Infinity || wsum === 0) return Math.min(0, bmin === Infinity ? 0 : bmin);
  const f = (l: number) => { let s = l; for (let i = 0; i < b.length; i++) if (use[i]) s -= w[i] / (l - b[i]); return s; };
  let hi = Math.min(bmin, 0);
  // f is increasing on (-inf, bmin); f(hi) >= 0 (or +inf at bmin). Find lo with f(lo) < 0.
  let lo = hi - Math.sqrt(wsum) - 1;
  while (f(lo) >= 0) lo = hi - 2 * (hi - lo);
  if (hi < bmin && f(hi) <= 0) return hi; // (at hi = bmin, f is +infinity from the left)
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); it++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < 0) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Searches an index-1 saddle of `potential` starting from `guess`. */
export function findSaddle(potential: Potential, guess: ArrayLike<number>, options: SaddleOptions = {}): SaddleResult {
  const name = `findSaddle(${potential.name})`;
  const tol = positiveOption(`${name}: gradientTolerance`, options.gradientTolerance, 1e-6);
  const maxSteps = positiveOption(`${name}: maxSteps`, options.maxSteps, 500, true);
  const maxStep = positiveOption(`${name}: maxStep`, options.maxStep, 0.1);
  const hStep = positiveOption(`${name}: hessianStep`, options.hessianStep, 1e-5);
  const zeroTol = positiveOption(`${name}: zeroModeTolerance`, options.zeroModeTolerance, 1e-8);
  const n = potential.dim;
  const x = Float64Array.from(guess);
  checkConfigurations(potential, x, 1, `${name}: starting coordinates`);
  const f = new Float64Array(n), eBuf = new Float64Array(1);
  const F = new Float64Array(n), w = new Float64Array(n), use = new Uint8Array(n), h = new Float64Array(n);
  let evaluations = 0;
  const evaluate = (): { energy: number; gradNorm: number } => {
    potential.forces(x, f, 1, eBuf);
    evaluations++;
    let s = 0;
    for (let i = 0; i < n; i++) s += f[i] * f[i];
    const gradNorm = Math.sqrt(s);
    if (!Number.isFinite(eBuf[0]) || !Number.isFinite(gradNorm)) throw new RangeError(`${name}: energy or forces not finite at step coordinates ${Array.from(x.slice(0, 6))}`);
    return { energy: eBuf[0], gradNorm };
  };

  let { energy, gradNorm } = evaluate();
  let trust = maxStep;
  let prevMode: Float64Array | null = null;
  if (options.direction !== undefined) {
    const d = Float64Array.from(options.direction);
    const dn = Math.hypot(...d);
    if (d.length !== n || !(dn > 0) || !Number.isFinite(dn)) throw new RangeError(`${name}: direction must be a finite non-zero vector of length ${n}`);
    for (let i = 0; i < n; i++) d[i] /= dn;
    prevMode = d;
  }
  let steps = 0;
  let message = '';
  let modes = symmetricEigen(numericalHessian(potential, x, hStep), n);
  evaluations += 2 * n;
  for (;;) {
    const index = modes.values.reduce((c, v) => c + (v < 0 ? 1 : 0), 0);
    if (gradNorm <= tol) {
      message = index === 1 ? `index-1 saddle, gradient norm ${gradNorm.toExponential(3)}` : `stationary point of index ${index}, not an index-1 saddle`;
      break;
    }
    if (steps >= maxSteps) { message = `not converged after ${maxSteps} steps (gradient norm ${gradNorm.toExponential(3)})`; break; }
    const { values: b, vectors: V } = modes;
    // Followed mode: lowest non-zero mode first, then maximum overlap with the previous one.
    let k = -1, best = -1;
    for (let i = 0; i < n; i++) {
      if (Math.abs(b[i]) < zeroTol) continue;
      if (!prevMode) { k = i; break; }
      let o = 0;
      for (let j = 0; j < n; j++) o += V[i][j] * prevMode[j];
      if (Math.abs(o) > best) { best = Math.abs(o); k = i; }
    }
    if (k < 0) throw new RangeError(`${name}: every Hessian eigenvalue is below zeroModeTolerance ${zeroTol}`);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s -= V[i][j] * f[j]; // gradient component = -force
      F[i] = s;
      w[i] = s * s;
      use[i] = i !== k && Math.abs(b[i]) >= zeroTol ? 1 : 0;
    }
    const lambdaN = rfoShift(b, w, use);
    const coef = new Float64Array(n);
    for (let i = 0; i < n; i++) if (use[i]) coef[i] = -F[i] / (b[i] - lambdaN);
    const bk = b[k], Fk = F[k];
    const lambdaP = 0.5 * bk + 0.5 * Math.sqrt(bk * bk + 4 * Fk * Fk);
    if (Math.abs(bk - lambdaP) > 1e-300 && Fk !== 0) coef[k] = -Fk / (bk - lambdaP);
    else coef[k] = bk > 0 ? trust : 0; // sitting at an extremum along the followed mode: push out of it
    h.fill(0);
    for (let i = 0; i < n; i++) if (coef[i] !== 0) for (let j = 0; j < n; j++) h[j] += coef[i] * V[i][j];
    let hn = 0;
    for (let j = 0; j < n; j++) hn += h[j] * h[j];
    hn = Math.sqrt(hn);
    const scale = hn > trust ? trust / hn : 1;
    // Quadratic-model energy change, for the trust-radius update.
    let predicted = 0;
    for (let i = 0; i < n; i++) { const c = coef[i] * scale; predicted += F[i] * c + 0.5 * b[i] * c * c; }
    for (let j = 0; j < n; j++) x[j] += scale * h[j];
    prevMode = V[k];
    const prevEnergy = energy;
    ({ energy, gradNorm } = evaluate());
    modes = symmetricEigen(numericalHessian(potential, x, hStep), n);
    evaluations += 2 * n;
    steps++;
    if (Math.abs(predicted) > 1e-12 * (1 + Math.abs(prevEnergy))) {
      const r = (energy - prevEnergy) / predicted;
      if (r < 0.25 || r > 1.75) trust = Math.max(0.25 * trust, 1e-6 * maxStep);
      else if (r > 0.75 && r < 1.25 && scale < 1) trust = Math.min(2 * trust, maxStep);
    }
  }
  const index = modes.values.reduce((c, v) => c + (v < 0 ? 1 : 0), 0);
  const converged = gradNorm <= tol && index === 1;
  const result: SaddleResult = { x, energy, gradNorm, steps, evaluations, converged, index, eigenvalues: modes.values, unstableMode: modes.vectors[0], message };
  if (!converged && options.throwOnFail) throw new SaddleSearchError(`${name}: ${message}`, result);
  return result;
}
