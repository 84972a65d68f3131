import { Rng } from '../dynamics/rng.js';
import { BAOAB } from '../dynamics/langevin.js';
import { checkConfigurations, type Potential } from '../systems/potential.js';
import type { Region } from '../systems/regions.js';
import { instantiate, type ModuleRef } from '../sampling/module-ref.js';
import type { RunOptions, TaskKernel, TaskRunner } from '../sampling/runner.js';
import type { TrajectoryResult, TrajectoryTask } from '../sampling/langevin-kernel.js';
import { freeVelocities, type VelocitySampler } from './velocities.js';

export interface DirectCommittorOptions {
  runner: TaskRunner;
  /** A langevinKernel (or compatible) whose states are A and B. */
  kernel: ModuleRef;
  kT: number;
  /** Mass per coordinate, or one mass for all. */
  masses: Float64Array | number;
  /** Draws each shot's velocities instead of kT and masses per coordinate (constrained molecules: kernelVelocities). */
  velocities?: VelocitySampler;
  /** Trajectories to shoot (default 200). */
  shots?: number;
  /** Maximum steps per trajectory; one that reaches it is uncommitted. */
  maxSteps: number;
  seed: number;
}

export interface DirectCommittor {
  /** n_B / (n_A + n_B). */
  pB: number;
  nA: number;
  nB: number;
  uncommitted: number;
  /** Binomial standard error sqrt(p (1 - p) / (n_A + n_B)). */
  stderr: number;
}

/**
 * Committor of one configuration by brute force: `shots` trajectories from x with fresh Maxwell-Boltzmann
 * velocities, each run until it enters A or B; p_B is the fraction reaching B first. The reference that
 * validates a learned p_B (AIMMD's transition-state check).
 */
export async function directCommittor(x: Float64Array, o: DirectCommittorOptions): Promise<DirectCommittor> {
  const shots = o.shots ?? 200;
  if (!Number.isInteger(shots) || shots < 1) throw new RangeError(`directCommittor: shots must be a positive integer, got ${shots}`);
  for (let k = 0; k < x.length; k++) if (!Number.isFinite(x[k])) throw new RangeError(`directCommittor: coordinate ${k} is ${x[k]}`);
  if (typeof o.masses !== 'number' && o.masses.length !== x.length) throw new RangeError(`directCommittor: ${o.masses.length} masses for ${x.length} coordinates`);
  const rng = new Rng(o.seed);
  const sampler = o.velocities ?? freeVelocities(o.kT, o.masses);
  const tasks: TrajectoryTask[] = [];
  for (let s = 0; s < shots; s++) {
    const v = sampler(x, rng);
    if (v.length !== x.length) throw new RangeError(`directCommittor: the velocity sampler returned ${v.length} values for ${x.length} coordinates`);
    tasks.push({ x0: x, v0: v, nSteps: o.maxSteps, stopAtStates: true });
  }
  const res = await o.runner.run<TrajectoryTask, TrajectoryResult>(o.kernel, tasks, { seed: rng.seedInt() });
  let nA = 0, nB = 0;
  for (const r of res) { if (r.state === 'A') nA++; else if (r.state === 'B') nB++; }
  const m = nA + nB;
  const pB = m > 0 ? nB / m : NaN;
  return { pB, nA, nB, uncommitted: shots - m, stderr: m > 0 ? Math.sqrt((pB * (1 - pB)) / m) : NaN };
}

/** p_B = n_B / (n_A + n_B) per point; NaN where no trajectory committed. */
function committorFromCounts(nA: Float64Array, nB: Float64Array): Float64Array {
  return Float64Array.from(nA, (a, i) => (a + nB[i] > 0 ? nB[i] / (a + nB[i]) : NaN));
}

export interface CommittorMapOptions {
  /** Langevin parameters of the dynamics whose committor is wanted (BAOAB; units of the potential). */
  integrator: { dt: number; kT: number; friction: number; masses?: number | Float64Array };
  A: Region;
  B: Region;
  /** Trajectories per point (default 200). */
  shots?: number;
  /** Steps after which a trajectory counts as uncommitted (default 100000). */
  maxSteps?: number;
  seed: number;
  onProgress?: (info: { step: number; active: number }) => void;
}

/**
 * Committor of many configurations by brute-force shooting, vectorised: all points x shots run together
 * as BAOAB walkers with Maxwell-Boltzmann velocities, each stopped when it first enters A or B (checked
 * every step). The reference committor of the underdamped dynamics itself (velocity-averaged p_B(x)),
 * which for inertial dynamics differs from the overdamped (Smoluchowski) committor of a grid solver.
 * Returns p_B per point (NaN where no trajectory committed) and the committed counts.
 */
export function committorMap(potential: Potential, points: Float64Array, n: number, o: CommittorMapOptions): { pB: Float64Array; nA: Float64Array; nB: Float64Array } {
  checkConfigurations(potential, points, n, 'committorMap points');
  const shots = o.shots ?? 200, maxSteps = o.maxSteps ?? 100000, d = potential.dim;
  if (!Number.isInteger(shots) || shots < 1) throw new RangeError(`committorMap: shots must be a positive integer, got ${shots}`);
  const integ = new BAOAB(potential, o.integrator);
  const rng = new Rng(o.seed);
  let m = n * shots;
  let x = new Float64Array(m * d);
  for (let w = 0; w < m; w++) x.set(points.subarray(Math.floor(w / shots) * d, (Math.floor(w / shots) + 1) * d), w * d);
  let v = integ.maxwellBoltzmann(m, rng);
  let owner = Int32Array.from({ length: m }, (_, w) => Math.floor(w / shots));
  const nA = new Float64Array(n), nB = new Float64Array(n);
  // points already inside a state commit at once
  for (let step = 0; step <= maxSteps && m > 0; step++) {
    if (step > 0) integ.run(x, v, m, 1, rng);
    let k = 0;
    for (let w = 0; w < m; w++) {
      const inA = o.A(x, w * d), inB = !inA && o.B(x, w * d);
      if (inA) nA[owner[w]]++;
      else if (inB) nB[owner[w]]++;
      else {
        if (k !== w) { x.copyWithin(k * d, w * d, (w + 1) * d); v.copyWithin(k * d, w * d, (w + 1) * d); owner[k] = owner[w]; }
        k++;
      }
    }
    if (k < m) { m = k; x = x.subarray(0, m * d); v = v.subarray(0, m * d); owner = owner.subarray(0, m); }
    if (o.onProgress && step % 1000 === 0) o.onProgress({ step, active: m });
  }
  const pB = committorFromCounts(nA, nB);
  return { pB, nA, nB };
}

export interface CommittorMapKernelConfig {
  /** The potential (a ModuleRef, e.g. libRef('AimmdToy')). */
  system: ModuleRef;
  integrator: CommittorMapOptions['integrator'];
  states: { A: ModuleRef; B: ModuleRef };
  shots?: number;
  maxSteps?: number;
}

/** One chunk of points [n][dim] for committorMapKernel. */
export interface CommittorMapTask {
  points: Float64Array;
  n: number;
}

/** Task kernel running committorMap on a chunk of points; build with `libRef('committorMapKernel', config)`. */
export async function committorMapKernel(config: CommittorMapKernelConfig): Promise<TaskKernel<CommittorMapTask, { nA: Float64Array; nB: Float64Array }>> {
  const potential = await instantiate<Potential>(config.system);
  const A = await instantiate<Region>(config.states.A);
  const B = await instantiate<Region>(config.states.B);
  return (task, rng) => {
    const r = committorMap(potential, task.points, task.n, { integrator: config.integrator, A, B, shots: config.shots, maxSteps: config.maxSteps, seed: rng.seedInt() });
    return { nA: r.nA, nB: r.nB };
  };
}

/**
 * committorMap on a task runner (e.g. a WorkerPool, one core per worker): the points go out in chunks of
 * `chunk` points (default 32), one task each with its own random stream from `seed`, so the result does
 * not depend on the number of workers (it does on `chunk`). The other options go to the runner (progress, timeout).
 * @param kernel a committorMapKernel ModuleRef.
 */
export async function committorMapOn(runner: TaskRunner, kernel: ModuleRef, points: Float64Array, n: number, options: RunOptions & { chunk?: number }): Promise<{ pB: Float64Array; nA: Float64Array; nB: Float64Array }> {
  if (!Number.isInteger(n) || n < 1 || points.length % n !== 0) throw new RangeError(`committorMapOn: ${points.length} values are not n = ${n} points`);
  const d = points.length / n, chunk = options.chunk ?? 32;
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`committorMapOn: chunk must be a positive integer, got ${chunk}`);
  const tasks: CommittorMapTask[] = [];
  for (let s = 0; s < n; s += chunk) tasks.push({ points: points.slice(s * d, Math.min(n, s + chunk) * d), n: Math.min(n, s + chunk) - s });
  const { chunk: _, ...runOptions } = options;
  const parts = await runner.run<CommittorMapTask, { nA: Float64Array; nB: Float64Array }>(kernel, tasks, runOptions);
  const nA = new Float64Array(n), nB = new Float64Array(n);
  parts.forEach((r, k) => { nA.set(r.nA, k * chunk); nB.set(r.nB, k * chunk); });
  const pB = committorFromCounts(nA, nB);
  return { pB, nA, nB };
}
