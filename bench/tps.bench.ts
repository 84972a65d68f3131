import { performance } from 'node:perf_hooks';
import { Rng } from '../lib/dynamics/rng.js';
import { initBackend } from '../lib/nn/index.js';
import { InlineRunner, WorkerPool, libRef, type TaskRunner } from '../lib/sampling/index.js';
import { ball } from '../lib/systems/regions.js';
import { AIMMD_STATE_A, AIMMD_STATE_B, aimmdNuisanceFrequencies } from '../lib/systems/aimmd-toy.js';
import { AimmdRun, CommittorLearner, TwoWayShooting, type Path } from '../lib/tps/index.js';
import type { BenchResult } from './dynamics.bench.js';

/** The 42-D AIMMD toy (40 nuisance oscillators), BAOAB dt 0.02 ns, friction 2.5 ns^-1. */
function toySetup(runner: TaskRunner) {
  const dim = 42;
  const freqs = Array.from(aimmdNuisanceFrequencies(40, new Rng(1), { meanTransitionPathTime: 3 }));
  const kernel = libRef('langevinKernel', { system: libRef('AimmdToy', { frequencies: freqs }), integrator: { kind: 'baoab', dt: 0.02, kT: 1, friction: 2.5 }, states: { A: libRef('ball', [...AIMMD_STATE_A], 0.15), B: libRef('ball', [...AIMMD_STATE_B], 0.15) } });
  const nF = 30, frames = new Float64Array(nF * dim);
  for (let i = 0; i < nF; i++) {
    const t = i / (nF - 1);
    frames[i * dim] = AIMMD_STATE_A[0] + t * (AIMMD_STATE_B[0] - AIMMD_STATE_A[0]);
    frames[i * dim + 1] = AIMMD_STATE_A[1] + t * (AIMMD_STATE_B[1] - AIMMD_STATE_A[1]);
  }
  const initial: Path = { frames, nFrames: nF, dim };
  const shooting = new TwoWayShooting({ A: ball([...AIMMD_STATE_A], 0.15), B: ball([...AIMMD_STATE_B], 0.15), runner, kernel, kT: 1, masses: 1, maxSteps: 10000 });
  return { initial, shooting, dim, freqs };
}

/** Shooting moves per second: standard TPS (engine only) and AI-guided (engine + committor training). */
async function toyMoves(): Promise<BenchResult[]> {
  await initBackend();
  const out: BenchResult[] = [];
  const moves = 300;
  let standard = NaN;
  for (const [label, ai, runner] of [['standard TPS, inline', false, new InlineRunner()], ['AI-guided TPS, inline', true, new InlineRunner()], ['standard TPS, 2 workers (halves in parallel)', false, new WorkerPool({ workers: 2 })]] as const) {
    const { initial, shooting, dim, freqs } = toySetup(runner);
    const learner = ai ? new CommittorLearner({ inputs: dim, seed: 3, normalization: { mean: new Array(dim).fill(0), std: [0.5, 0.5, ...freqs.map((w) => 1 / w)] } }) : undefined;
    const run = new AimmdRun(initial, { shooting, learner, seed: 7 });
    await run.run(10); // warm up (workers, JIT)
    const t0 = performance.now();
    await run.run(moves);
    const rate = moves / ((performance.now() - t0) / 1000);
    learner?.dispose();
    await runner.close();
    if (label.startsWith('standard TPS, inline')) standard = rate;
    out.push({ benchmark: `AIMMD 42-D toy: ${label}`, value: rate, unit: 'shooting moves/s', ...(label.startsWith('standard TPS, inline') ? {} : { reference: 'standard TPS inline', referenceValue: standard }) });
  }
  return out;
}

export async function run(): Promise<BenchResult[]> {
  return toyMoves();
}
