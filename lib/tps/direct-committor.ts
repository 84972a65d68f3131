import { Rng } from '../dynamics/rng.js';
import type { ModuleRef } from '../sampling/module-ref.js';
import type { TaskRunner } from '../sampling/runner.js';
import type { TrajectoryResult, TrajectoryTask } from '../sampling/langevin-kernel.js';

export interface DirectCommittorOptions {
  runner: TaskRunner;
  /** A langevinKernel (or compatible) whose states are A and B. */
  kernel: ModuleRef;
  kT: number;
  /** Mass per coordinate, or one mass for all. */
  masses: Float64Array | number;
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
  const tasks: TrajectoryTask[] = [];
  for (let s = 0; s < shots; s++) {
    const v = new Float64Array(x.length);
    for (let k = 0; k < x.length; k++) v[k] = Math.sqrt(o.kT / (typeof o.masses === 'number' ? o.masses : o.masses[k])) * rng.normal();
    tasks.push({ x0: x, v0: v, nSteps: o.maxSteps, stopAtStates: true });
  }
  const res = await o.runner.run<TrajectoryTask, TrajectoryResult>(o.kernel, tasks, { seed: rng.seedInt() });
  let nA = 0, nB = 0;
  for (const r of res) { if (r.state === 'A') nA++; else if (r.state === 'B') nB++; }
  const m = nA + nB;
  const pB = m > 0 ? nB / m : NaN;
  return { pB, nA, nB, uncommitted: shots - m, stderr: m > 0 ? Math.sqrt((pB * (1 - pB)) / m) : NaN };
}
