import { checkConfigurations, type Potential } from '../systems/potential.js';
import { ConvergenceError, positiveOption } from './solver.js';

/**
 * Local energy minimisation of any Potential by L-BFGS (Nocedal & Wright, Numerical Optimization,
 * Alg. 7.4 two-loop recursion) with a Wolfe line search.
 *
 * Why this line search: near a tight minimum the energy change of a step falls below the rounding
 * error of the energy itself (|dV| ~ |grad V|^2 / curvature), so a pure Armijo test on energies stalls
 * long before a gradient norm of 1e-6 is reached. Steps are therefore also accepted by the
 * "approximate Wolfe" conditions of Hager & Zhang (SIAM J. Optim. 16, 170 (2005), Eq. 4.1), which use
 * only the directional derivative once the energy is flat to within its rounding error, and the
 * bracketing is driven by the sign of the directional derivative. Forces are analytic, so the
 * gradient stays accurate to machine precision and the minimiser converges to gradient norms of
 * ~1e-10 on 2-D surfaces.
 */
export interface MinimizeOptions {
  /** Converged when the Euclidean norm of the gradient is at most this (energy / length); default 1e-6. */
  gradientTolerance?: number;
  /** Maximum number of L-BFGS iterations; default 10000. */
  maxSteps?: number;
  /** Longest step (Euclidean norm of the displacement of all coordinates, length units); default 0.1. */
  maxStep?: number;
  /** Number of correction pairs kept by L-BFGS; default 10. */
  memory?: number;
  /** Throw a MinimizationError when not converged (default false: the result says converged = false). */
  throwOnFail?: boolean;
}

export interface MinimizeResult {
  /** Final configuration (a new array). */
  x: Float64Array;
  energy: number;
  /** Euclidean norm of the gradient at x. */
  gradNorm: number;
  /** Largest absolute gradient component at x (for molecules: the largest force component). */
  gradMax: number;
  /** L-BFGS iterations taken. */
  steps: number;
  /** Energy/force evaluations. */
  evaluations: number;
  converged: boolean;
  /** Why the minimiser stopped. */
  message: string;
}

export class MinimizationError extends ConvergenceError<MinimizeResult> {
  constructor(message: string, result: MinimizeResult) { super('MinimizationError', message, result); }
}

// Line-search constants: Armijo c1, curvature c2 (weak Wolfe, the usual L-BFGS choice), Hager-Zhang
// delta/sigma for the approximate Wolfe conditions and the relative energy-rounding allowance.
const C1 = 1e-4;
const C2 = 0.9;
const HZ_DELTA = 0.1;
const HZ_SIGMA = 0.9;
const EPS_F = 1e-11;
const MAX_LS = 40;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function norms(g: Float64Array): { l2: number; max: number } {
  let s = 0, m = 0;
  for (let i = 0; i < g.length; i++) {
    s += g[i] * g[i];
    const a = Math.abs(g[i]);
    if (a > m) m = a;
  }
  return { l2: Math.sqrt(s), max: m };
}

/**
 * Limited-memory BFGS curvature pairs and the two-loop recursion (Nocedal & Wright Alg. 7.4) with
 * H0 = (s.y / y.y) I; shared by `minimize` and the level-set minimisation of chi-MEP.
 */
export class LbfgsHistory {
  private readonly S: Float64Array[];
  private readonly Y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private stored = 0;
  private head = 0;

  constructor(readonly n: number, readonly memory = 10) {
    this.S = Array.from({ length: memory }, () => new Float64Array(n));
    this.Y = Array.from({ length: memory }, () => new Float64Array(n));
    this.rho = new Float64Array(memory);
    this.alpha = new Float64Array(memory);
  }

  /** Number of stored pairs. */
  get size(): number {
    return this.stored;
  }

  reset(): void {
    this.stored = 0;
    this.head = 0;
  }

  /** Stores the pair s = x_new - x_old, y = g_new - g_old when s.y > 0 (positive curvature); returns whether stored. */
  push(xNew: Float64Array, xOld: Float64Array, gNew: Float64Array, gOld: Float64Array): boolean {
    const s = this.S[this.head], y = this.Y[this.head];
    let sy = 0;
    for (let i = 0; i < this.n; i++) {
      s[i] = xNew[i] - xOld[i];
      y[i] = gNew[i] - gOld[i];
      sy += s[i] * y[i];
    }
    if (!(sy > 1e-300)) return false;
    this.rho[this.head] = 1 / sy;
    this.head = (this.head + 1) % this.memory;
    if (this.stored < this.memory) this.stored++;
    return true;
  }

  /** d = -H g with the stored curvature (d = -g when empty). */
  direction(g: Float64Array, d: Float64Array): void {
    const n = this.n, m = this.memory, S = this.S, Y = this.Y, rho = this.rho, al = this.alpha;
    for (let i = 0; i < n; i++) d[i] = -g[i];
    if (this.stored === 0) return;
    for (let k = 0; k < this.stored; k++) {
      const j = (this.head - 1 - k + m) % m;
      al[j] = rho[j] * dot(S[j], d);
      const a = al[j], y = Y[j];
      for (let i = 0; i < n; i++) d[i] -= a * y[i];
    }
    const last = (this.head - 1 + m) % m;
    const gamma = 1 / (rho[last] * dot(Y[last], Y[last]));
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let k = this.stored - 1; k >= 0; k--) {
      const j = (this.head - 1 - k + m) % m;
      const c = al[j] - rho[j] * dot(Y[j], d), s = S[j];
      for (let i = 0; i < n; i++) d[i] += c * s[i];
    }
  }
}

/** Minimises `potential` from `x0` (length potential.dim, the potential's length units). */
export function minimize(potential: Potential, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const name = `minimize(${potential.name})`;
  const tol = positiveOption(`${name}: gradientTolerance`, options.gradientTolerance, 1e-6);
  const maxSteps = positiveOption(`${name}: maxSteps`, options.maxSteps, 10000, true);
  const maxStep = positiveOption(`${name}: maxStep`, options.maxStep, 0.1);
  const m = positiveOption(`${name}: memory`, options.memory, 10, true);
  const n = potential.dim;
  const x = Float64Array.from(x0);
  checkConfigurations(potential, x, 1, `${name}: starting coordinates`);

  const g = new Float64Array(n); // gradient at x
  const xt = new Float64Array(n); // trial point
  const gt = new Float64Array(n); // gradient at trial point
  const d = new Float64Array(n); // search direction
  const hist = new LbfgsHistory(n, m);
  const eBuf = new Float64Array(1);
  let evaluations = 0;

  const evaluate = (at: Float64Array, grad: Float64Array): number => {
    potential.forces(at, grad, 1, eBuf);
    evaluations++;
    for (let i = 0; i < n; i++) grad[i] = -grad[i];
    return eBuf[0];
  };

  let energy = evaluate(x, g);
  if (!Number.isFinite(energy)) throw new RangeError(`${name}: the energy at the starting coordinates is ${energy}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(g[i])) throw new RangeError(`${name}: gradient component ${i} at the starting coordinates is ${g[i]}`);

  let steps = 0;
  let message = '';
  let converged = false;
  let freshStart = true; // steepest descent without curvature information
  for (;;) {
    const gn = norms(g);
    if (gn.l2 <= tol) { converged = true; message = `gradient norm ${gn.l2.toExponential(3)} <= ${tol}`; break; }
    if (steps >= maxSteps) { message = `not converged after ${maxSteps} steps (gradient norm ${gn.l2.toExponential(3)})`; break; }

    hist.direction(g, d);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): forget the curvature pairs.
      hist.reset();
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = -gn.l2 * gn.l2;
      freshStart = true;
    }
    const dNorm = Math.sqrt(dot(d, d));
    const alphaMax = maxStep / dNorm;
    // A fresh start has no curvature scale: try a step of length min(maxStep, 1 length unit / 10).
    let alpha = freshStart ? Math.min(alphaMax, Math.min(maxStep, 0.1) / dNorm) : Math.min(1, alphaMax);

    // Line search along d: bracket [lo, hi] with lo a lower point still descending.
    let lo = 0, hi = Infinity, slopeLo = slope;
    let accepted = false, eT = NaN;
    for (let it = 0; it < MAX_LS; it++) {
      for (let i = 0; i < n; i++) xt[i] = x[i] + alpha * d[i];
      eT = evaluate(xt, gt);
      const slopeT = dot(gt, d);
      const finite = Number.isFinite(eT) && Number.isFinite(slopeT);
      if (finite) {
        const armijo = eT <= energy + C1 * alpha * slope;
        const wolfe = armijo && slopeT >= C2 * slope;
        const flat = eT <= energy + EPS_F * Math.abs(energy);
        const approxWolfe = flat && slopeT >= HZ_SIGMA * slope && slopeT <= (2 * HZ_DELTA - 1) * slope;
        if (wolfe || approxWolfe) { accepted = true; break; }
        if (alpha >= alphaMax && slopeT < 0 && (armijo || flat)) { accepted = true; break; } // step-length cap reached while still descending
      }
      // Bracket update: hi = a point past the line minimum (uphill, non-finite, or energy above the
      // sufficient-decrease line); lo = a lower point that is still descending.
      const descendLower = finite && slopeT < 0 && (eT <= energy + C1 * alpha * slope || eT <= energy + EPS_F * Math.abs(energy));
      if (descendLower) { lo = alpha; slopeLo = slopeT; } else hi = alpha;
      if (hi === Infinity) {
        alpha = Math.min(2 * alpha, alphaMax);
      } else {
        // Safeguarded secant on the directional derivative, else bisection.
        const w = hi - lo;
        let trial = lo + 0.5 * w;
        if (finite && slopeT > 0 && slopeLo < 0 && hi === alpha) {
          const sec = lo - slopeLo * (alpha - lo) / (slopeT - slopeLo);
          if (sec > lo + 0.1 * w && sec < hi - 0.1 * w) trial = sec;
        }
        alpha = trial;
        if (w <= 1e-16 * Math.max(1, hi)) break;
      }
    }
    if (!accepted) {
      if (freshStart) {
        message = `line search failed along the steepest-descent direction at step ${steps} (gradient norm ${gn.l2.toExponential(3)}); the energy may be too noisy for the requested gradientTolerance`;
        break;
      }
      hist.reset(); freshStart = true; // retry from steepest descent
      continue;
    }
    // Accept: store the correction pair when it has positive curvature.
    if (hist.push(xt, x, gt, g)) freshStart = false;
    x.set(xt);
    g.set(gt);
    energy = eT;
    steps++;
  }
  const gn = norms(g);
  const result: MinimizeResult = { x, energy, gradNorm: gn.l2, gradMax: gn.max, steps, evaluations, converged, message };
  if (!converged && options.throwOnFail) throw new MinimizationError(`${name}: ${message}`, result);
  return result;
}
