import { checkConfigurations, type Potential } from '../systems/potential.js';
import type { ChiField } from '../isokann/model.js';
import { LbfgsHistory } from '../dynamics/minimize.js';
import { ConvergenceError, positiveOption } from '../dynamics/solver.js';

/**
 * chi-minimum-energy path (chi-MEP) of AMORE-MD (Kresse, Sikorski & Weber; Fig. 1-3): the curve of
 * minima of the potential V within the level sets of a membership function chi,
 *   x*(c) = argmin { V(x) : chi(x) = c },   c from ~0 to ~1,
 * so that along the path grad V is parallel to grad chi (the path is "aligned with the gradient of
 * chi"). The paper gives no formulas (its text is abstract and captions only); this is the
 * level-set formulation of the ISOKANN reference code's reactionpath_minimum (energy minimisation
 * orthogonal to grad chi while integrating along grad chi / |grad chi|^2), written here as a
 * continuation over explicit levels:
 *
 *  - Level constraint: Newton steps along grad chi, x <- x + (c - chi(x)) grad chi / |grad chi|^2
 *    (each capped at `maxStep`), until |chi(x) - c| <= levelTolerance.
 *  - Minimisation within the level set: projected-gradient L-BFGS. The search direction is built from
 *    projected gradients P grad V, P = I - u u^T, u = grad chi / |grad chi|, projected onto the tangent
 *    space; each trial point is pulled back onto the level set by the Newton steps above (retraction)
 *    and accepted by an Armijo test on the merit V - lambda (chi - c), lambda = grad V . grad chi /
 *    |grad chi|^2 the Lagrange multiplier. Converged when |P grad V| <= gradientTolerance or
 *    |P grad V| <= angleTolerance |grad V| (grad V and grad chi parallel to within that angle, the
 *    best a float32 network gradient can resolve where |grad V| is large).
 *  - Continuation: from each start point, its own level chi(start) is solved first, then the levels of
 *    the grid from..to (step `step`) above it in increasing order and those below it in decreasing
 *    order, each starting from the previous solution. A level further away than `maxStep` (|dc| /
 *    |grad chi|) is approached through intermediate levels so that the path follows the valley.
 *  - A branch ends early when a level cannot be reached (chi does not take that value near the path, or
 *    grad chi vanishes) or a minimisation fails; `message` says which.
 */
export interface ChiMepOptions {
  /** Levels from..to with spacing step (ignored when `levels` is given); defaults 0.02, 0.98, 0.02. */
  from?: number;
  to?: number;
  step?: number;
  /** Explicit strictly increasing levels. */
  levels?: ArrayLike<number>;
  /** |P grad V| at which a level is solved (energy / length); default 1e-3. */
  gradientTolerance?: number;
  /**
   * Also converged when |P grad V| <= angleTolerance * |grad V| (sine of the angle between grad V and
   * grad chi); default 1e-4. A float32 network chi resolves directions to ~1e-5 only.
   */
  angleTolerance?: number;
  /** |chi(x) - c| accepted as on the level; default 1e-6 (above float32 rounding of a network chi). */
  levelTolerance?: number;
  /** L-BFGS iterations per level; default 1000. */
  maxIterations?: number;
  /** Longest single move (Newton step, minimisation step, level-to-level distance), length units; default 0.05. */
  maxStep?: number;
  /**
   * Box the path must stay in (e.g. the region the chi model was trained on): trial points outside are
   * rejected, so the solver never follows a level set of an extrapolating network out of the data.
   */
  bounds?: { lo: ArrayLike<number>; hi: ArrayLike<number> };
  /** Throw a ChiMepError when a branch stops before covering all levels. */
  throwOnFail?: boolean;
}

export interface ChiMepPath {
  /** Path points, Float64Array [n][dim], ordered by increasing chi. */
  points: Float64Array;
  dim: number;
  /** chi at each point (the level it solves). */
  chi: Float64Array;
  energies: Float64Array;
  /** |P grad V| at each point (0 at an exact constrained minimum). */
  projectedGradient: Float64Array;
  /** Index in `points` of the start point's own level. */
  startIndex: number;
  /** Every requested level on both sides of the start was solved. */
  complete: boolean;
  message: string;
}

/** A chi-MEP branch that stopped early (with throwOnFail); `result` is the partial path. */
export class ChiMepError extends ConvergenceError<ChiMepPath> {
  constructor(message: string, result: ChiMepPath) { super('ChiMepError', message, result); }
}

export interface LevelMinimum {
  x: Float64Array;
  chi: number;
  energy: number;
  projectedGradient: number;
  iterations: number;
  converged: boolean;
  message: string;
}

const C1 = 1e-4;
const EPS_F = 1e-11;

/** Evaluation of V, chi and their gradients at one point, with work buffers. */
class LevelProblem {
  readonly dim: number;
  private readonly f: Float64Array;
  private readonly e = new Float64Array(1);
  readonly gradChi: Float64Array;
  constructor(readonly potential: Potential, readonly field: ChiField, readonly levelTol: number, readonly maxStep: number, readonly angleTol: number, readonly bounds?: { lo: Float64Array; hi: Float64Array }) {
    if (field.dim !== potential.dim) throw new RangeError(`chiMep: chi has dim ${field.dim}, ${potential.name} has dim ${potential.dim}`);
    this.dim = potential.dim;
    this.f = new Float64Array(this.dim);
    this.gradChi = new Float64Array(this.dim);
  }

  chi(x: Float64Array): number {
    const v = this.field.evaluate(x, 1, this.gradChi)[0];
    if (!Number.isFinite(v)) throw new RangeError(`chiMep: chi is ${v} at (${Array.from(x.slice(0, 6)).join(', ')})`);
    return v;
  }

  /** Energy, gradient g and projected gradient gp = (I - u u^T) g at x (chi and grad chi refreshed). */
  energyAndProjected(x: Float64Array, g: Float64Array, gp: Float64Array): { energy: number; chi: number; gpNorm: number; gNorm: number; lambda: number } {
    this.potential.forces(x, this.f, 1, this.e);
    const chi = this.chi(x);
    const n = this.dim, gc = this.gradChi;
    let gg = 0, gdot = 0, g2 = 0;
    for (let i = 0; i < n; i++) { g[i] = -this.f[i]; gg += gc[i] * gc[i]; gdot += g[i] * gc[i]; g2 += g[i] * g[i]; }
    const c = gg > 0 ? gdot / gg : 0;
    let s = 0;
    for (let i = 0; i < n; i++) { gp[i] = g[i] - c * gc[i]; s += gp[i] * gp[i]; }
    return { energy: this.e[0], chi, gpNorm: Math.sqrt(s), gNorm: Math.sqrt(g2), lambda: c };
  }

  /** True when x lies in the bounds (always, without bounds). */
  inside(x: Float64Array): boolean {
    const b = this.bounds;
    if (!b) return true;
    for (let i = 0; i < this.dim; i++) if (!(x[i] >= b.lo[i] && x[i] <= b.hi[i])) return false;
    return true;
  }

  /** Newton steps onto chi = c (in place); false when grad chi vanishes, 50 steps do not suffice, or x leaves the bounds. */
  project(x: Float64Array, c: number): boolean {
    const n = this.dim, gc = this.gradChi;
    for (let it = 0; it < 50; it++) {
      if (!this.inside(x)) return false;
      const r = c - this.chi(x);
      if (Math.abs(r) <= this.levelTol) return true;
      let gg = 0;
      for (let i = 0; i < n; i++) gg += gc[i] * gc[i];
      const norm = Math.sqrt(gg);
      if (!(norm > 0) || !Number.isFinite(norm)) return false;
      // step of length |r| / |grad chi| along grad chi, capped at maxStep (computed without r / gg,
      // which overflows where grad chi is tiny)
      let len = Math.abs(r) / norm;
      if (!(len <= this.maxStep)) len = this.maxStep;
      const scale = (Math.sign(r) * len) / norm;
      if (!Number.isFinite(scale)) return false;
      for (let i = 0; i < n; i++) x[i] += scale * gc[i];
    }
    return false;
  }
}

/** Minimises V on the level set chi = c, starting from x0 (projected onto the level first). */
function solveLevel(P: LevelProblem, x0: Float64Array, c: number, tol: number, maxIt: number): LevelMinimum {
  const n = P.dim;
  const x = Float64Array.from(x0);
  if (!P.project(x, c)) return { x, chi: NaN, energy: NaN, projectedGradient: NaN, iterations: 0, converged: false, message: `level ${c} not reached from the previous point (chi does not take this value nearby, or grad chi vanishes)` };
  const g = new Float64Array(n), gp = new Float64Array(n), gt = new Float64Array(n), gpt = new Float64Array(n);
  const d = new Float64Array(n), xt = new Float64Array(n);
  const hist = new LbfgsHistory(n, 8);
  let cur = P.energyAndProjected(x, g, gp);
  let it = 0;
  for (; it < maxIt; it++) {
    if (cur.gpNorm <= tol || cur.gpNorm <= P.angleTol * cur.gNorm) return { x, chi: cur.chi, energy: cur.energy, projectedGradient: cur.gpNorm, iterations: it, converged: true, message: 'converged' };
    // Tangent-space quasi-Newton direction.
    hist.direction(gp, d);
    const gc = P.gradChi; // grad chi at x (refreshed by energyAndProjected)
    let gg = 0, dn = 0, slope = 0;
    for (let i = 0; i < n; i++) { gg += gc[i] * gc[i]; dn += d[i] * gc[i]; }
    for (let i = 0; i < n; i++) { d[i] -= (dn / gg) * gc[i]; slope += d[i] * gp[i]; }
    if (!(slope < 0)) {
      hist.reset();
      slope = 0;
      for (let i = 0; i < n; i++) { d[i] = -gp[i]; slope -= gp[i] * gp[i]; }
    }
    let dNorm = 0;
    for (let i = 0; i < n; i++) dNorm += d[i] * d[i];
    dNorm = Math.sqrt(dNorm);
    if (!(dNorm > 0) || !Number.isFinite(dNorm)) {
      return { x, chi: cur.chi, energy: cur.energy, projectedGradient: cur.gpNorm, iterations: it, converged: false, message: `no descent direction on level ${c} (|d| = ${dNorm})` };
    }
    let alpha = hist.size > 0 ? Math.min(1, P.maxStep / dNorm) : Math.min(P.maxStep, 0.01) / dNorm;
    let accepted = false;
    let trial = cur;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xt[i] = x[i] + alpha * d[i];
      if (P.project(xt, c)) {
        trial = P.energyAndProjected(xt, gt, gpt);
        // Merit V - lambda (chi - c) (lambda: Lagrange multiplier at x) removes, to first order, the
        // energy change caused by the level residual |chi - c| <= levelTolerance left by the retraction.
        const mCur = cur.energy - cur.lambda * (cur.chi - c), mTrial = trial.energy - cur.lambda * (trial.chi - c);
        const armijo = mTrial <= mCur + C1 * alpha * slope;
        const flat = mTrial <= mCur + EPS_F * Math.abs(cur.energy) && trial.gpNorm < cur.gpNorm;
        if (Number.isFinite(trial.energy) && (armijo || flat)) { accepted = true; break; }
      }
      alpha *= 0.5;
    }
    if (!accepted) {
      if (hist.size > 0) { hist.reset(); P.energyAndProjected(x, g, gp); continue; }
      P.energyAndProjected(x, g, gp);
      return { x, chi: cur.chi, energy: cur.energy, projectedGradient: cur.gpNorm, iterations: it, converged: false, message: `line search failed on level ${c} (|P grad V| = ${cur.gpNorm.toExponential(3)})` };
    }
    hist.push(xt, x, gpt, gp);
    x.set(xt); g.set(gt); gp.set(gpt);
    cur = trial;
  }
  return { x, chi: cur.chi, energy: cur.energy, projectedGradient: cur.gpNorm, iterations: it, converged: false, message: `not converged on level ${c} after ${maxIt} iterations (|P grad V| = ${cur.gpNorm.toExponential(3)})` };
}

function resolveOptions(potential: Potential, options: ChiMepOptions) {
  const name = `chiMep(${potential.name})`;
  let levels: Float64Array;
  if (options.levels !== undefined) {
    levels = Float64Array.from(options.levels);
    if (levels.length < 1) throw new RangeError(`${name}: levels is empty`);
    for (let i = 0; i < levels.length; i++) {
      if (!Number.isFinite(levels[i]) || (i > 0 && !(levels[i] > levels[i - 1]))) throw new RangeError(`${name}: levels must be finite and strictly increasing (entry ${i} is ${levels[i]})`);
    }
  } else {
    const from = options.from ?? 0.02, to = options.to ?? 0.98;
    const step = positiveOption(`${name}: step`, options.step, 0.02);
    if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) throw new RangeError(`${name}: need finite from < to, got ${from}, ${to}`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    levels = Float64Array.from({ length: count }, (_, i) => from + i * step);
  }
  return {
    name,
    levels,
    tol: positiveOption(`${name}: gradientTolerance`, options.gradientTolerance, 1e-3),
    levelTol: positiveOption(`${name}: levelTolerance`, options.levelTolerance, 1e-6),
    angleTol: positiveOption(`${name}: angleTolerance`, options.angleTolerance, 1e-4),
    maxIt: positiveOption(`${name}: maxIterations`, options.maxIterations, 1000, true),
    maxStep: positiveOption(`${name}: maxStep`, options.maxStep, 0.05),
    bounds: resolveBounds(name, potential.dim, options.bounds),
  };
}

function resolveBounds(name: string, dim: number, b: ChiMepOptions['bounds']): { lo: Float64Array; hi: Float64Array } | undefined {
  if (!b) return undefined;
  const lo = Float64Array.from(b.lo), hi = Float64Array.from(b.hi);
  if (lo.length !== dim || hi.length !== dim) throw new RangeError(`${name}: bounds need lo and hi of length ${dim}`);
  for (let i = 0; i < dim; i++) if (!(hi[i] > lo[i])) throw new RangeError(`${name}: bounds hi[${i}] = ${hi[i]} must exceed lo[${i}] = ${lo[i]}`);
  return { lo, hi };
}

/** Minimum of V on the level set chi = c nearest (by continuation) to x0. */
export function minimizeOnLevel(potential: Potential, chi: ChiField, x0: ArrayLike<number>, c: number, options: Pick<ChiMepOptions, 'gradientTolerance' | 'angleTolerance' | 'levelTolerance' | 'maxIterations' | 'maxStep'> = {}): LevelMinimum {
  const o = resolveOptions(potential, { ...options, levels: [c] });
  const x = Float64Array.from(x0);
  checkConfigurations(potential, x, 1, `${o.name}: start`);
  return solveLevel(new LevelProblem(potential, chi, o.levelTol, o.maxStep, o.angleTol, o.bounds), x, c, o.tol, o.maxIt);
}

/**
 * chi-MEP from each start point (starts: [nStarts][dim]); one path per start, each ordered by
 * increasing chi. See the file comment for the formulation.
 */
export function chiMep(potential: Potential, chi: ChiField, starts: ArrayLike<number>, options: ChiMepOptions = {}): ChiMepPath[] {
  const o = resolveOptions(potential, options);
  const dim = potential.dim;
  if (starts.length === 0 || starts.length % dim !== 0) throw new RangeError(`${o.name}: starts has length ${starts.length}, not a positive multiple of dim ${dim}`);
  const nStarts = starts.length / dim;
  checkConfigurations(potential, Float64Array.from(starts), nStarts, `${o.name}: start points`);
  const P = new LevelProblem(potential, chi, o.levelTol, o.maxStep, o.angleTol, o.bounds);
  const paths: ChiMepPath[] = [];
  for (let s = 0; s < nStarts; s++) {
    const x0 = Float64Array.from({ length: dim }, (_, k) => starts[s * dim + k]);
    const c0 = P.chi(x0);
    const first = solveLevel(P, x0, c0, o.tol, o.maxIt);
    const messages: string[] = [];
    if (!first.converged) messages.push(`start ${s}: ${first.message}`);
    const up: LevelMinimum[] = [], down: LevelMinimum[] = [];
    let complete = first.converged;
    if (first.converged) {
      for (const [dir, out] of [[1, up], [-1, down]] as const) {
        const targets = Array.from(o.levels).filter((c) => (dir > 0 ? c > c0 : c < c0));
        if (dir < 0) targets.reverse();
        let prev = first;
        for (const c of targets) {
          const r = continueTo(P, prev, c, o.tol, o.maxIt);
          if (!r.converged) { messages.push(`start ${s}, ${dir > 0 ? 'upward' : 'downward'}: ${r.message}`); complete = false; break; }
          out.push(r);
          prev = r;
        }
      }
    }
    const all = [...down.reverse(), first, ...up];
    const points = new Float64Array(all.length * dim);
    all.forEach((r, i) => points.set(r.x, i * dim));
    const path: ChiMepPath = {
      points, dim,
      chi: Float64Array.from(all, (r) => r.chi),
      energies: Float64Array.from(all, (r) => r.energy),
      projectedGradient: Float64Array.from(all, (r) => r.projectedGradient),
      startIndex: down.length,
      complete,
      message: complete ? `all ${all.length - 1} levels solved` : messages.join('; '),
    };
    if (!complete && options.throwOnFail) throw new ChiMepError(`${o.name}: ${path.message}`, path);
    paths.push(path);
  }
  return paths;
}

/** From a solved level, reaches level c through intermediate levels no further apart than maxStep. */
function continueTo(P: LevelProblem, prev: LevelMinimum, c: number, tol: number, maxIt: number): LevelMinimum {
  let cur = prev;
  for (let sub = 0; sub < 1000; sub++) {
    const chiNow = P.chi(cur.x);
    let gn = 0;
    for (let i = 0; i < P.dim; i++) gn += P.gradChi[i] ** 2;
    gn = Math.sqrt(gn);
    if (!(gn > 0)) return { ...cur, converged: false, message: `grad chi vanishes at chi = ${chiNow}` };
    const dist = Math.abs(c - chiNow) / gn;
    const target = dist <= P.maxStep ? c : chiNow + Math.sign(c - chiNow) * P.maxStep * gn;
    const r = solveLevel(P, cur.x, target, tol, maxIt);
    if (!r.converged) return r;
    if (target === c) return r;
    cur = r;
  }
  return { ...cur, converged: false, message: `level ${c} not reached in 1000 sub-steps of length ${P.maxStep} (chi nearly flat)` };
}
