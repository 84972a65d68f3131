import type { Rng } from '../dynamics/rng.js';
import { initBackend } from '../nn/index.js';
import { instantiate, libRef, type ModuleRef } from '../sampling/module-ref.js';
import { InlineRunner, type TaskKernel } from '../sampling/runner.js';
import type { Region } from '../systems/regions.js';
import { AimmdRun } from './aimmd.js';
import { CommittorLearner, type CommittorLearnerOptions, type CommittorLearnerState } from './committor.js';
import { TwoWayShooting } from './shooting.js';

/**
 * One TPS experiment (a whole AI-guided or standard TPS run) as a task, so that independent runs — the
 * 10 repeats of AIMMD Fig. 3A — execute in parallel on a WorkerPool, each worker with its own tfjs
 * backend (the wasm backend is single-threaded). Within a run the two shooting halves run inline.
 */
export interface TpsExperimentConfig {
  /** The engine, as for langevinKernel: system, integrator (BAOAB) and the states A and B (ModuleRefs to Regions). */
  system: ModuleRef;
  integrator: { kind: 'baoab'; dt: number; kT: number; friction: number; masses?: number | number[]; bondConstraints?: 'none' | 'h-bonds' };
  states: { A: ModuleRef; B: ModuleRef };
  /** kT and masses for the shooting velocities. */
  kT: number;
  masses: number | number[];
  /** Maximum steps of each half. */
  maxSteps: number;
  initialPath: { frames: number[] | Float64Array; nFrames: number; dim: number };
  /** Committor learner options for guided runs (seed comes from the task). */
  learner: Omit<CommittorLearnerOptions, 'seed'>;
  /** Cauchy-Lorentz scale (Eq. 4); default 1. */
  gamma?: number;
}

export interface TpsExperimentTask {
  /** Seed of the run (shooting and, for guided runs, the network). */
  seed: number;
  moves: number;
  /** AI-guided (committor learner + Eq. 4 selection) or standard TPS (uniform selection). */
  guided: boolean;
  /** Return the learner's full state (network + training set) at the end. */
  keepLearner?: boolean;
  /** Return every shooting point [moves][dim]. */
  keepShootingPoints?: boolean;
}

export interface TpsExperimentResult {
  /** Per move: 1 when a transition path was generated / accepted. */
  generated: Uint8Array;
  accepted: Uint8Array;
  nA: Uint8Array;
  nB: Uint8Array;
  /** Length in frames of each accepted path (0 where the move was not accepted). */
  acceptedFrames: Int32Array;
  /** The last accepted path, [nFrames][dim]. */
  lastPath: Float64Array;
  lastPathFrames: number;
  shootingPoints?: Float64Array;
  learner?: CommittorLearnerState;
  seconds: number;
}

/** Task kernel for TPS experiments; build with `libRef('tpsExperimentKernel', config)`. */
export async function tpsExperimentKernel(config: TpsExperimentConfig): Promise<TaskKernel<TpsExperimentTask, TpsExperimentResult>> {
  const A = await instantiate<Region>(config.states.A);
  const B = await instantiate<Region>(config.states.B);
  const kernel = libRef('langevinKernel', { system: config.system, integrator: config.integrator, states: config.states });
  const masses = typeof config.masses === 'number' ? config.masses : Float64Array.from(config.masses);
  const initial = { frames: Float64Array.from(config.initialPath.frames), nFrames: config.initialPath.nFrames, dim: config.initialPath.dim };
  return async (task: TpsExperimentTask, _rng: Rng): Promise<TpsExperimentResult> => {
    const t0 = Date.now();
    const runner = new InlineRunner();
    const shooting = new TwoWayShooting({ A, B, runner, kernel, kT: config.kT, masses, maxSteps: config.maxSteps });
    let learner: CommittorLearner | undefined;
    if (task.guided) {
      await initBackend();
      learner = new CommittorLearner({ ...config.learner, seed: task.seed });
    }
    try {
      const run = new AimmdRun(initial, { shooting, learner, gamma: config.gamma, seed: task.seed });
      const recs = await run.run(task.moves);
      const m = recs.length, d = initial.dim;
      const out: TpsExperimentResult = {
        generated: Uint8Array.from(recs, (r) => Number(r.transition)),
        accepted: Uint8Array.from(recs, (r) => Number(r.accepted)),
        nA: Uint8Array.from(recs, (r) => r.nA),
        nB: Uint8Array.from(recs, (r) => r.nB),
        acceptedFrames: Int32Array.from(recs, (r) => (r.accepted ? r.trialFrames : 0)),
        lastPath: run.path.frames,
        lastPathFrames: run.path.nFrames,
        seconds: (Date.now() - t0) / 1000,
      };
      if (task.keepShootingPoints) {
        out.shootingPoints = new Float64Array(m * d);
        recs.forEach((r, i) => out.shootingPoints!.set(r.xsp, i * d));
      }
      if (task.keepLearner && learner) out.learner = await learner.getState();
      return out;
    } finally {
      learner?.dispose();
      await runner.close();
    }
  };
}
