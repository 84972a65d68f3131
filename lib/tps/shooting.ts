import type { Rng } from '../dynamics/rng.js';
import type { Region } from '../systems/regions.js';
import type { TaskRunner } from '../sampling/runner.js';
import type { ModuleRef } from '../sampling/module-ref.js';
import type { TrajectoryResult, TrajectoryTask } from '../sampling/langevin-kernel.js';
import type { SelectionRule } from './selection.js';
import { freeVelocities, type VelocitySampler } from './velocities.js';

/** A path: frames `[frame][dim]`, first and last frames in a state for a transition path. */
export interface Path {
  frames: Float64Array;
  nFrames: number;
  dim: number;
}

/** One shooting move, successful or not: the committor learner's training datum (x_sp, n_A, n_B). */
export interface ShotRecord {
  move: number;
  /** Shooting point. */
  xsp: Float64Array;
  /** Halves (0..2) that ended in A, in B. */
  nA: number;
  nB: number;
  /** Both halves committed to different states: a new transition path. */
  transition: boolean;
  accepted: boolean;
  /** Acceptance probability (0 when no transition). */
  pAccept: number;
  /** Length in frames of the new trial path. */
  trialFrames: number;
  /** Steps simulated in the move (forward + backward). */
  steps: number;
}

export interface ShootingOptions {
  /** States as predicates on one configuration (the same regions the kernel stops at). */
  A: Region;
  B: Region;
  /** Runs the two halves; the kernel is a langevinKernel with states A and B. */
  runner: TaskRunner;
  kernel: ModuleRef;
  /** Fresh Maxwell-Boltzmann velocities: kT and mass per coordinate (energy and mass units of the system). */
  kT: number;
  masses: Float64Array | number;
  /**
   * Draws the fresh velocities instead of kT and masses per coordinate; needed for molecules with bond
   * constraints (kernelVelocities: tangent to the constraints at x_sp).
   */
  velocities?: VelocitySampler;
  /** Maximum steps of each half; a half that reaches it is uncommitted. */
  maxSteps: number;
  /** Store and check states every this many steps; default 1 (exact path ends). */
  stride?: number;
}

/**
 * Two-way shooting (Dellago, Bolhuis, Chandler): pick x_sp on the current path with the selection rule,
 * draw fresh Maxwell-Boltzmann velocities v, integrate forward with v and backward with -v until each half
 * enters A or B. A new transition path is accepted with the Metropolis-Hastings probability (SI Eq. 2)
 *   p_acc = min(1, p_sel(x_sp | new) / p_sel(x_sp | old)) = min(1, W_old / W_new),
 * W = sum of selection weights over the path's frames outside the states, because both p_sel share the
 * weight of x_sp itself. With fresh velocities from the equilibrium distribution and a dynamics that is
 * microscopically reversible under velocity reversal (BAOAB), the generation probabilities cancel, so
 * this rule alone keeps detailed balance in path space for any positive selection weights.
 */
export class TwoWayShooting {
  private moves = 0;
  private readonly sampler: VelocitySampler;

  constructor(readonly options: ShootingOptions) {
    if (!(options.maxSteps > 0)) throw new RangeError(`TwoWayShooting: maxSteps must be positive, got ${options.maxSteps}`);
    this.sampler = options.velocities ?? freeVelocities(options.kT, options.masses);
  }

  /** Selection weights of a path, zero on frames inside A or B. */
  weights(path: Path, rule: SelectionRule): Float64Array {
    const w = rule.weights(path.frames, path.nFrames, path.dim);
    for (let i = 0; i < path.nFrames; i++) {
      const o = i * path.dim;
      if (this.options.A(path.frames, o) || this.options.B(path.frames, o)) w[i] = 0;
      else if (!(w[i] >= 0) || !Number.isFinite(w[i])) throw new RangeError(`TwoWayShooting: selection weight of frame ${i} is ${w[i]}`);
    }
    return w;
  }

  private velocities(x: Float64Array, rng: Rng): Float64Array {
    const v = this.sampler(x, rng);
    if (v.length !== x.length) throw new RangeError(`TwoWayShooting: the velocity sampler returned ${v.length} values for ${x.length} coordinates`);
    return v;
  }

  /**
   * One shooting move from `path` (the last accepted transition path). Also returns the trial path (the
   * backward half reversed, then the forward half, accepted or not) and the index of x_sp in it, whose
   * halves are relaxation trajectories (the multitask CV learner's training data, lib/multitask).
   */
  async step(path: Path, rule: SelectionRule, rng: Rng): Promise<{ path: Path; record: ShotRecord; trial: Path; shootingIndex: number }> {
    const { dim } = path;
    const wOld = this.weights(path, rule);
    let total = 0;
    for (const w of wOld) total += w;
    if (!(total > 0)) throw new Error('TwoWayShooting: the current path has no frame outside the states to shoot from');
    let u = rng.next() * total, i = 0;
    for (; i < path.nFrames - 1; i++) {
      u -= wOld[i];
      if (u < 0 && wOld[i] > 0) break;
    }
    while (wOld[i] === 0) i--; // guard against round-off landing on a state frame
    const xsp = path.frames.slice(i * dim, (i + 1) * dim);
    const v = this.velocities(xsp, rng);
    const stride = this.options.stride ?? 1;
    const half = (v0: Float64Array): TrajectoryTask => ({ x0: xsp, v0, nSteps: this.options.maxSteps, stopAtStates: true, checkEvery: stride, saveEvery: stride });
    const [fwd, bwd] = await this.options.runner.run<TrajectoryTask, TrajectoryResult>(
      this.options.kernel, [half(v), half(v.map((z) => -z))], { seed: rng.seedInt() },
    );
    const nA = Number(fwd.state === 'A') + Number(bwd.state === 'A');
    const nB = Number(fwd.state === 'B') + Number(bwd.state === 'B');
    // Trial path in forward time: the backward half reversed (x_sp once), then the forward half.
    const nb = bwd.frames!.length / dim, nf = fwd.frames!.length / dim;
    const frames = new Float64Array((nb + nf - 1) * dim);
    for (let j = 0; j < nb; j++) frames.set(bwd.frames!.subarray((nb - 1 - j) * dim, (nb - j) * dim), j * dim);
    frames.set(fwd.frames!.subarray(dim), nb * dim);
    const trial: Path = { frames, nFrames: nb + nf - 1, dim };
    const transition = nA === 1 && nB === 1;
    let pAccept = 0;
    if (transition) {
      const wNew = this.weights(trial, rule);
      let totalNew = 0;
      for (const w of wNew) totalNew += w;
      pAccept = Math.min(1, total / totalNew);
    }
    const accepted = transition && rng.next() < pAccept;
    const record: ShotRecord = { move: this.moves++, xsp, nA, nB, transition, accepted, pAccept, trialFrames: trial.nFrames, steps: fwd.steps + bwd.steps };
    return { path: accepted ? trial : path, record, trial, shootingIndex: nb - 1 };
  }
}
