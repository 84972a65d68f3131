import type { Potential } from '../systems/potential.js';
import { checkConfigurations } from '../systems/potential.js';
import { Rng } from '../dynamics/rng.js';
import { BAOAB } from '../dynamics/langevin.js';
import { buildIntegrator } from '../sampling/langevin-kernel.js';
import type { IntegratorSpec, TrajectoryResult, TrajectoryTask } from '../sampling/langevin-kernel.js';
import { libRef, type ModuleRef } from '../sampling/module-ref.js';
import type { RunOptions, TaskRunner } from '../sampling/runner.js';

/**
 * ISOKANN training data: n start points and M short "bursts" (independent trajectories of lag time tau)
 * from each. Layouts are flattened row-major:
 *   x[i * dim + k]              coordinate k of start point i,            [n][dim]
 *   y[(i * M + j) * dim + k]    coordinate k of the end of burst j from i, [n][M][dim]
 * Anything can supply bursts (this module in-thread, a worker pool via `burstsFromResults`, a
 * molecular engine) as long as it fills this layout.
 */
export interface BurstData {
  x: Float64Array;
  y: Float64Array;
  /** Number of start points. */
  n: number;
  /** Bursts per start point (M). */
  bursts: number;
  /** Coordinates per configuration. */
  dim: number;
  /** Lag time tau of the bursts, in the system's time unit (informational; used for timescales). */
  lag?: number;
}

/** Throws a clear error naming the problem when `d` is not consistent BurstData with finite values. */
export function checkBurstData(d: BurstData, what = 'BurstData'): void {
  if (!d || typeof d !== 'object') throw new TypeError(`${what}: expected {x, y, n, bursts, dim}, got ${String(d)}`);
  const { n, bursts, dim } = d;
  for (const [k, v] of [['n', n], ['bursts', bursts], ['dim', dim]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what}: ${k} must be a positive integer, got ${v}`);
  }
  if (!(d.x instanceof Float64Array) || d.x.length !== n * dim) throw new RangeError(`${what}: x must be a Float64Array of length n*dim = ${n * dim}, got ${d.x?.length}`);
  if (!(d.y instanceof Float64Array) || d.y.length !== n * bursts * dim) throw new RangeError(`${what}: y must be a Float64Array of length n*bursts*dim = ${n * bursts * dim}, got ${d.y?.length}`);
  for (let i = 0; i < d.x.length; i++) {
    if (!Number.isFinite(d.x[i])) throw new RangeError(`${what}: x of point ${Math.floor(i / dim)}, coordinate ${i % dim} is ${d.x[i]} (not finite)`);
  }
  for (let i = 0; i < d.y.length; i++) {
    if (!Number.isFinite(d.y[i])) {
      const p = Math.floor(i / dim);
      throw new RangeError(`${what}: y of point ${Math.floor(p / bursts)}, burst ${p % bursts}, coordinate ${i % dim} is ${d.y[i]} (not finite)`);
    }
  }
  if (d.lag !== undefined && !(d.lag > 0)) throw new RangeError(`${what}: lag must be positive, got ${d.lag}`);
}

export interface BurstOptions {
  /** Integrator and its parameters (units of the potential); the same recipe as lib/sampling. */
  integrator: IntegratorSpec;
  /** Lag time tau of each burst, in the potential's time unit; must be a whole number of steps dt. */
  lag: number;
  /** Bursts per start point (M); ISOKANN.jl default 2. */
  bursts: number;
  /** Root seed; point i draws from `new Rng(seed).fork(i)` — the same streams as a TaskRunner. */
  seed: number;
}

/** Number of integration steps for a lag time; errors when lag is not a multiple of dt. */
export function lagSteps(lag: number, dt: number): number {
  if (!(lag > 0) || !Number.isFinite(lag)) throw new RangeError(`bursts: lag must be positive and finite, got ${lag}`);
  const s = Math.round(lag / dt);
  if (s < 1 || Math.abs(s * dt - lag) > 1e-9 * lag) throw new RangeError(`bursts: lag ${lag} is not a whole number of time steps dt = ${dt}`);
  return s;
}

/**
 * Runs M bursts of lag tau from each of n start points in this thread. Start point i uses the random
 * stream `new Rng(seed).fork(i)` and integrates its M replicas together, exactly as the sampling
 * `langevinKernel` with `replicas: M` does under a TaskRunner with the same seed — so a worker pool
 * gives identical bursts (see `burstsFromResults`).
 */
export function sampleBursts(potential: Potential, x: Float64Array, n: number, options: BurstOptions): BurstData {
  checkConfigurations(potential, x, n, 'start points');
  const M = options.bursts;
  if (!Number.isInteger(M) || M < 1) throw new RangeError(`sampleBursts: bursts must be a positive integer, got ${M}`);
  if (!Number.isInteger(options.seed) || options.seed < 0) throw new RangeError(`sampleBursts: seed must be a non-negative integer, got ${options.seed}`);
  const spec = options.integrator;
  const steps = lagSteps(options.lag, spec.dt);
  const dim = potential.dim;
  const y = new Float64Array(n * M * dim);
  const root = new Rng(options.seed);
  const buf = new Float64Array(M * dim);
  // The same integrator recipe as the sampling kernel (molecular masses, H-bond constraints), so bursts
  // here and on a TaskRunner are identical and a molecule is never integrated with mass 1.
  const { integrator: integ, constraints } = buildIntegrator(potential, spec);
  for (let i = 0; i < n; i++) {
    const rng = root.fork(i);
    for (let r = 0; r < M; r++) buf.set(x.subarray(i * dim, (i + 1) * dim), r * dim);
    if (constraints) constraints.apply(buf, M);
    if (integ instanceof BAOAB) {
      const v = integ.maxwellBoltzmann(M, rng, undefined, buf);
      integ.run(buf, v, M, steps, rng);
    } else {
      integ.run(buf, M, steps, rng);
    }
    y.set(buf, i * M * dim);
  }
  return { x: Float64Array.from(x), y, n, bursts: M, dim, lag: options.lag };
}

/**
 * Assembles BurstData from TaskRunner results of the sampling `langevinKernel` (one task per start
 * point with `replicas: M`, `nSteps = lag / dt`), e.g. from a WorkerPool.
 */
export function burstsFromResults(x: Float64Array, dim: number, results: readonly TrajectoryResult[], lag?: number): BurstData {
  const n = results.length;
  if (n < 1) throw new RangeError('burstsFromResults: no results');
  if (x.length !== n * dim) throw new RangeError(`burstsFromResults: x has length ${x.length}, expected ${n} points x ${dim}`);
  const M = results[0].final.length / dim;
  if (!Number.isInteger(M) || M < 1) throw new RangeError(`burstsFromResults: result 0 has ${results[0].final.length} values, not a multiple of dim ${dim}`);
  const y = new Float64Array(n * M * dim);
  results.forEach((r, i) => {
    if (r.final.length !== M * dim) throw new RangeError(`burstsFromResults: result ${i} has ${r.final.length / dim} replicas, expected ${M}`);
    y.set(r.final, i * M * dim);
  });
  const d: BurstData = { x: Float64Array.from(x), y, n, bursts: M, dim, lag };
  checkBurstData(d, 'burstsFromResults');
  return d;
}

export interface RunBurstsOptions extends BurstOptions {
  /** Recipe of the Potential, rebuilt in each worker, e.g. `libRef('MullerBrown')`. */
  system: ModuleRef;
  /** Called at the start and after each finished start point. */
  onProgress?: RunOptions['onProgress'];
  /** Label of a progress line shown from the start (see RunOptions). */
  progress?: string;
}

/**
 * Runs the bursts of `sampleBursts` on a TaskRunner (InlineRunner, WorkerPool): one sampling
 * `langevinKernel` task per start point with `replicas: bursts`. Same seed, same numbers as
 * `sampleBursts` in this thread, whatever the number of workers.
 */
export async function runBursts(runner: TaskRunner, x: Float64Array, n: number, options: RunBurstsOptions): Promise<BurstData> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`runBursts: n must be a positive integer, got ${n}`);
  const dim = x.length / n;
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`runBursts: x has length ${x.length}, not a multiple of n = ${n}`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new RangeError(`runBursts: start point ${Math.floor(i / dim)}, coordinate ${i % dim} is ${x[i]} (not finite)`);
  const M = options.bursts;
  if (!Number.isInteger(M) || M < 1) throw new RangeError(`runBursts: bursts must be a positive integer, got ${M}`);
  if (!Number.isInteger(options.seed) || options.seed < 0) throw new RangeError(`runBursts: seed must be a non-negative integer, got ${options.seed}`);
  const nSteps = lagSteps(options.lag, options.integrator.dt);
  const kernel = libRef('langevinKernel', { system: options.system, integrator: options.integrator });
  const tasks: TrajectoryTask[] = Array.from({ length: n }, (_, i) => ({ x0: x.slice(i * dim, (i + 1) * dim), replicas: M, nSteps }));
  const results = await runner.run<TrajectoryTask, TrajectoryResult>(kernel, tasks, { seed: options.seed, onProgress: options.onProgress, progress: options.progress });
  return burstsFromResults(x, dim, results, options.lag);
}

export interface UniformPointsOptions {
  /** Lower and upper corner of the box, each of length dim. */
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
  /** Seed of the draws. */
  seed: number;
  /** With `potential`, reject points whose energy exceeds maxEnergy (potential's energy unit). */
  potential?: Potential;
  maxEnergy?: number;
}

/**
 * n points uniform in a box (ISOKANN.jl's `randx0` for analytic systems), optionally restricted to
 * V(x) <= maxEnergy by rejection so no start point sits on a steep wall. Float64Array [n][dim].
 */
export function uniformPoints(n: number, options: UniformPointsOptions): Float64Array {
  const { lo, hi } = options;
  const dim = lo.length;
  if (hi.length !== dim || dim < 1) throw new RangeError(`uniformPoints: lo and hi must have the same positive length, got ${lo.length} and ${hi.length}`);
  for (let k = 0; k < dim; k++) if (!(hi[k] > lo[k])) throw new RangeError(`uniformPoints: hi[${k}] = ${hi[k]} must exceed lo[${k}] = ${lo[k]}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`uniformPoints: n must be a positive integer, got ${n}`);
  const { potential, maxEnergy } = options;
  if ((potential === undefined) !== (maxEnergy === undefined)) throw new RangeError('uniformPoints: give both potential and maxEnergy, or neither');
  if (potential && potential.dim !== dim) throw new RangeError(`uniformPoints: box has ${dim} coordinates but ${potential.name} has ${potential.dim}`);
  const rng = new Rng(options.seed);
  const out = new Float64Array(n * dim);
  const p = new Float64Array(dim);
  let tries = 0;
  for (let i = 0; i < n;) {
    for (let k = 0; k < dim; k++) p[k] = rng.uniform(lo[k], hi[k]);
    if (++tries > 1000 * n + 10000) throw new Error(`uniformPoints: fewer than 1 in 1000 box points have energy <= ${maxEnergy}; enlarge maxEnergy or shrink the box`);
    if (potential && !(potential.energy(p) <= maxEnergy!)) continue;
    out.set(p, i * dim);
    i++;
  }
  return out;
}
