import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { MathJsInstance, EvalFunction, MathNode } from 'mathjs';
import { libraryRoot, projectRoot } from '../project/root.js';
import { Rng } from '../dynamics/rng.js';
import { committorFromRC, softplus, checkShotCounts, type ShotCounts } from '../tps/likelihood.js';
import { activeNodes, mutate, randomGenome, type FunctionName, type Genome, type GenomeShape } from './genome.js';
import { GenomeEvaluator, activeParameters, genomeToString, getWeights, setWeights } from './evaluate.js';

let mathInstance: MathJsInstance | undefined;

/**
 * mathjs, loaded on first use: it is thousands of modules (4-7 s to import on a busy machine), which a
 * notebook that never builds a symbolic model should not pay when it imports rarelab. Loaded by
 * `require` so that construction stays synchronous under both tsx (ESM) and tslab (CommonJS).
 */
function math(): MathJsInstance {
  if (!mathInstance) {
    const req = createRequire(join(libraryRoot() ?? projectRoot(), 'package.json'));
    const { create, all } = req('mathjs') as typeof import('mathjs');
    mathInstance = create(all, {});
  }
  return mathInstance;
}

/**
 * What the expression is fitted to: the AIMMD likelihood of shooting outcomes (Eq. 3, per committed
 * shooting point; the paper's fitness), or a least-squares fit to target values (e.g. a network's q).
 */
export type SymbolicTarget = { kind: 'nll'; counts: ShotCounts } | { kind: 'mse'; values: ArrayLike<number> };

export interface SymbolicRegressorOptions {
  /** Names of the input variables, in the column order of the data (default x0, x1, ...). */
  variables?: string[];
  /** Function set; default add, sub, mul, div, exp, log. */
  functions?: FunctionName[];
  /** Function nodes in the CGP row; default 15. */
  nodes?: number;
  /** Constant terminals (value 1, scaled by their connection weights); default 1. */
  constants?: number;
  /** Generations of the (1 + offspring) evolution strategy; default 250 (paper SI IV). */
  generations?: number;
  /** Offspring per generation; default 4 (the paper's 1+4 strategy). */
  offspring?: number;
  /** Newton (Gauss-Newton / Levenberg-Marquardt) steps on the weights per offspring; default 20. */
  newtonSteps?: number;
  /** Complexity penalty lambda per active node; default 0.005 (paper: 0.001-0.01). */
  lambda?: number;
  /** Probability that each gene mutates (at least one does); default 0.1. */
  mutationRate?: number;
  /** Independent restarts; the best result is kept (the paper repeats each setting 3 times). */
  restarts?: number;
  seed: number;
  onProgress?: (info: { restart: number; generation: number; fitness: number; expression: string }) => void;
}

/** A fitted symbolic reaction coordinate q_sr(z): evaluable, differentiable, printable. */
export class SymbolicModel {
  private readonly compiled: EvalFunction;
  /** Expression with full-precision constants, e.g. "((3.3 * x) + y) * exp(x * y)". */
  readonly expression: string;
  constructor(expression: string, readonly variables: readonly string[], readonly loss = NaN, readonly complexity = NaN) {
    let node: MathNode;
    try {
      node = math().parse(expression);
    } catch (e) {
      throw new SyntaxError(`SymbolicModel: cannot parse '${expression}': ${(e as Error).message}`);
    }
    // Free symbols must be variables or constants e/pi; function names (exp, log) are not free symbols.
    const free = node.filter((s, path, parent) => s.type === 'SymbolNode' && !(parent?.type === 'FunctionNode' && path === 'fn')).map((s) => (s as unknown as { name: string }).name);
    const unknown = free.filter((name) => !variables.includes(name) && name !== 'e' && name !== 'pi');
    if (unknown.length) throw new RangeError(`SymbolicModel: '${expression}' uses ${unknown[0]}, which is not one of the variables ${variables.join(', ')}`);
    this.expression = expression;
    this.compiled = node.compile();
  }

  /** A readable form: algebraically simplified, constants rounded to `digits` significant digits. */
  pretty(digits = 3): string {
    const s = math().simplify(this.expression).toString();
    return s.replace(/\d+\.\d+(e[-+]?\d+)?/g, (m) => Number(Number(m).toPrecision(digits)).toString());
  }

  /** q_sr at n points z [n][variables.length]. */
  predict(z: ArrayLike<number>, n: number): Float64Array {
    const d = this.variables.length;
    if (z.length !== n * d) throw new RangeError(`SymbolicModel.predict: got ${z.length} values, expected ${n} points x ${d} variables`);
    const out = new Float64Array(n), scope: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) scope[this.variables[k]] = z[i * d + k];
      out[i] = this.compiled.evaluate(scope) as number;
    }
    return out;
  }

  /** Committor p_B = sigmoid(q_sr) (Eq. 1). */
  committor(z: ArrayLike<number>, n: number): Float64Array {
    return this.predict(z, n).map(committorFromRC);
  }

  /** Symbolic partial derivative d q_sr / d variable, as a simplified expression string (mathjs). */
  derivative(variable: string): string {
    if (!this.variables.includes(variable)) throw new RangeError(`SymbolicModel.derivative: unknown variable ${variable}`);
    return math().derivative(this.expression, variable).toString();
  }

  toJSON(): { expression: string; variables: string[]; loss: number; complexity: number } {
    return { expression: this.expression, variables: [...this.variables], loss: this.loss, complexity: this.complexity };
  }
}

interface Scored { genome: Genome; loss: number; fitness: number }

/**
 * Symbolic regression by Cartesian genetic programming with Newton optimisation of the constants
 * (Jung et al., Materials & Methods D and SI IV, after Izzo et al.'s dcgpy): a (1 + 4) evolution strategy
 * whose offspring each get `newtonSteps` Levenberg-Marquardt steps on their constants; fitness
 * = loss + lambda * (number of active nodes). Ties go to the offspring (neutral drift, as in CGP).
 */
export class SymbolicRegressor {
  readonly options: Readonly<Required<Omit<SymbolicRegressorOptions, 'onProgress' | 'variables'>>>;
  constructor(private readonly opts: SymbolicRegressorOptions) {
    const o = {
      functions: opts.functions ?? (['add', 'sub', 'mul', 'div', 'exp', 'log'] as FunctionName[]),
      nodes: opts.nodes ?? 15,
      constants: opts.constants ?? 1,
      generations: opts.generations ?? 250,
      offspring: opts.offspring ?? 4,
      newtonSteps: opts.newtonSteps ?? 20,
      lambda: opts.lambda ?? 0.005,
      restarts: opts.restarts ?? 1,
      mutationRate: opts.mutationRate ?? 0.1,
      seed: opts.seed,
    };
    for (const k of ['nodes', 'generations', 'offspring', 'restarts'] as const) if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`SymbolicRegressor: ${k} must be a positive integer, got ${o[k]}`);
    for (const k of ['constants', 'newtonSteps'] as const) if (!Number.isInteger(o[k]) || o[k] < 0) throw new RangeError(`SymbolicRegressor: ${k} must be a non-negative integer, got ${o[k]}`);
    if (!(o.mutationRate > 0 && o.mutationRate <= 1)) throw new RangeError(`SymbolicRegressor: mutationRate must be in (0, 1], got ${o.mutationRate}`);
    if (!(o.lambda >= 0)) throw new RangeError(`SymbolicRegressor: lambda must be non-negative, got ${o.lambda}`);
    if (!Number.isInteger(o.seed) || o.seed < 0) throw new RangeError(`SymbolicRegressor: seed must be a non-negative integer, got ${o.seed}`);
    if (o.functions.length < 1) throw new RangeError('SymbolicRegressor: give at least one function');
    this.options = Object.freeze(o);
  }

  /** Fits q_sr(z) on n points z [n][nVars]. */
  fit(z: Float64Array, n: number, target: SymbolicTarget): SymbolicModel {
    const o = this.options;
    const nVars = this.opts.variables?.length ?? (n > 0 ? z.length / n : 0);
    if (!Number.isInteger(nVars) || nVars < 1) throw new RangeError(`SymbolicRegressor.fit: data of length ${z.length} is not n = ${n} points of whole rows`);
    const variables = this.opts.variables ?? Array.from({ length: nVars }, (_, k) => `x${k}`);
    if (target.kind === 'nll') checkShotCounts(target.counts, n, 'SymbolicRegressor.fit');
    else if (target.values.length !== n) throw new RangeError(`SymbolicRegressor.fit: ${target.values.length} target values for ${n} points`);
    const shape: GenomeShape = { nVars, nConsts: o.constants, nodes: o.nodes, functions: o.functions };
    const ev = new GenomeEvaluator(shape, z, n);
    const keyNames = Array.from({ length: nVars }, (_, k) => `v${k}`);
    const loss = lossFunction(target, n);
    const root = new Rng(o.seed);
    let best: Scored | undefined;
    for (let r = 0; r < o.restarts; r++) {
      const rng = root.fork(r);
      let parent = this.score(ev, randomGenome(shape, rng), loss);
      let parentKey = genomeToString(shape, parent.genome, keyNames);
      for (let gen = 1; gen <= o.generations; gen++) {
        for (let c = 0; c < o.offspring; c++) {
          const genome = mutate(shape, parent.genome, rng, o.mutationRate);
          // A mutation of inactive genes only is neutral: same expression (structure and weights), same
          // fitness (CGP's drift). Comparing structure alone is not enough: another node of the same shape
          // but different weights can take the place of an active one.
          const neutral = genomeToString(shape, genome, keyNames) === parentKey;
          const child = neutral ? { ...parent, genome } : this.score(ev, genome, loss);
          if (child.fitness <= parent.fitness) {
            // scoring optimised the child's weights in place: its key is taken after that
            if (!neutral) parentKey = genomeToString(shape, child.genome, keyNames);
            parent = child;
          }
        }
        if (this.opts.onProgress && (gen % 25 === 0 || gen === o.generations)) this.opts.onProgress({ restart: r, generation: gen, fitness: parent.fitness, expression: genomeToString(shape, parent.genome, variables) });
      }
      if (!best || parent.fitness < best.fitness) best = parent;
    }
    if (!best || !Number.isFinite(best.fitness)) throw new Error('SymbolicRegressor.fit: no finite expression found (every candidate overflowed or hit log/div of invalid values); check the data scale');
    return new SymbolicModel(genomeToString(shape, best.genome, variables), variables, best.loss, activeNodes(shape, best.genome).length);
  }

  /** Optimises the active weights of `genome` in place and returns its loss and fitness. */
  private score(ev: GenomeEvaluator, genome: Genome, loss: LossFunction): Scored {
    const params = activeParameters(ev.shape, genome);
    const P = params.node.length;
    const penalty = this.options.lambda * params.nodes.length;
    if (!ev.run(genome, params)) return { genome, loss: Infinity, fitness: Infinity };
    let l = loss.value(ev.value);
    // Levenberg-Marquardt on the weights: (J^T W J + mu diag) delta = -J^T r (Gauss-Newton Hessian).
    let mu = 1e-3;
    const H = new Float64Array(P * P), g = new Float64Array(P);
    const w = getWeights(genome, params), trial = new Float64Array(P);
    for (let step = 0; step < this.options.newtonSteps && P > 0; step++) {
      H.fill(0); g.fill(0);
      const { value: q, jacobian: J } = ev;
      for (let i = 0; i < ev.n; i++) {
        const [r, wt] = loss.derivatives(q[i], i);
        const o = i * P;
        for (let a = 0; a < P; a++) {
          const ja = J[o + a];
          if (ja === 0) continue;
          g[a] += r * ja;
          for (let b = 0; b <= a; b++) H[a * P + b] += wt * ja * J[o + b];
        }
      }
      for (let a = 0; a < P; a++) for (let b = 0; b < a; b++) H[b * P + a] = H[a * P + b];
      let improved = false;
      for (let tries = 0; tries < 8 && !improved; tries++) {
        const delta = solveDamped(H, g, P, mu);
        if (delta) {
          for (let a = 0; a < P; a++) trial[a] = w[a] + delta[a];
          setWeights(genome, params, trial);
          if (ev.run(genome)) {
            const lt = loss.value(ev.value);
            if (lt < l) { l = lt; w.set(trial); improved = true; mu = Math.max(mu / 3, 1e-9); }
          }
        }
        if (!improved) mu *= 4;
      }
      setWeights(genome, params, w);
      ev.run(genome, params);
      if (!improved) break;
    }
    return { genome, loss: l, fitness: l + penalty };
  }
}

interface LossFunction {
  value(q: Float64Array): number;
  /** dL/dq_i and the Gauss-Newton weight d2L/dq_i^2 of point i. */
  derivatives(q: number, i: number): [number, number];
}

function lossFunction(t: SymbolicTarget, n: number): LossFunction {
  if (t.kind === 'nll') {
    const { nA, nB } = t.counts;
    let used = 0;
    for (let i = 0; i < n; i++) if (nA[i] + nB[i] > 0) used++;
    if (used === 0) throw new RangeError('SymbolicRegressor.fit: no shooting point has a committed outcome');
    // Eq. 3 per committed shooting point, matching committorNLL(.., {perShot: true}).
    return {
      value(q) {
        let l = 0;
        for (let i = 0; i < n; i++) if (nA[i] + nB[i] > 0) l += nB[i] * softplus(-q[i]) + nA[i] * softplus(q[i]);
        return l / used;
      },
      derivatives(q, i) {
        const m = nA[i] + nB[i], p = committorFromRC(q);
        return [(m * p - nB[i]) / used, (m * p * (1 - p)) / used];
      },
    };
  }
  const y = t.values;
  return {
    value(q) {
      let l = 0;
      for (let i = 0; i < n; i++) l += (q[i] - y[i]) ** 2;
      return l / n;
    },
    derivatives(q, i) {
      return [(2 * (q - y[i])) / n, 2 / n];
    },
  };
}

/** Solves (H + mu (diag H + 1e-12)) delta = -g by Gaussian elimination with partial pivoting. */
function solveDamped(H: Float64Array, g: Float64Array, C: number, mu: number): Float64Array | undefined {
  const A = new Float64Array(C * (C + 1));
  for (let a = 0; a < C; a++) {
    for (let b = 0; b < C; b++) A[a * (C + 1) + b] = H[a * C + b];
    A[a * (C + 1) + a] += mu * (H[a * C + a] + 1e-12);
    A[a * (C + 1) + C] = -g[a];
  }
  for (let c = 0; c < C; c++) {
    let p = c;
    for (let r = c + 1; r < C; r++) if (Math.abs(A[r * (C + 1) + c]) > Math.abs(A[p * (C + 1) + c])) p = r;
    if (!(Math.abs(A[p * (C + 1) + c]) > 0)) return undefined;
    if (p !== c) for (let k = 0; k <= C; k++) { const t = A[c * (C + 1) + k]; A[c * (C + 1) + k] = A[p * (C + 1) + k]; A[p * (C + 1) + k] = t; }
    for (let r = c + 1; r < C; r++) {
      const f = A[r * (C + 1) + c] / A[c * (C + 1) + c];
      for (let k = c; k <= C; k++) A[r * (C + 1) + k] -= f * A[c * (C + 1) + k];
    }
  }
  const x = new Float64Array(C);
  for (let r = C - 1; r >= 0; r--) {
    let s = A[r * (C + 1) + C];
    for (let k = r + 1; k < C; k++) s -= A[r * (C + 1) + k] * x[k];
    x[r] = s / A[r * (C + 1) + r];
  }
  for (const v of x) if (!Number.isFinite(v)) return undefined;
  return x;
}
