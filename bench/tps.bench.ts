import { performance } from 'node:perf_hooks';
import { Rng } from '../lib/dynamics/rng.js';
import { initBackend } from '../lib/nn/index.js';
import { InlineRunner, WorkerPool, libRef, type TaskRunner } from '../lib/sampling/index.js';
import { ball } from '../lib/systems/regions.js';
import { AIMMD_STATE_A, AIMMD_STATE_B, aimmdNuisanceFrequencies } from '../lib/systems/aimmd-toy.js';
import { AimmdRun, CommittorLearner, TwoWayShooting, kernelVelocities, transitionFromTrajectory, type Path } from '../lib/tps/index.js';
import { loadShippedSystem } from '../lib/forcefield/index.js';
import { dihedralBox, phiPsiAtoms } from '../lib/features/ramachandran.js';
import type { TrajectoryResult, TrajectoryTask } from '../lib/sampling/index.js';
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

/**
 * Alanine dipeptide in vacuum (AMBER99SB-ILDN), the states of AIMMD Materials & Methods G (phi in
 * [-180, 0) for both; psi in [120, 200) for A, [-50, 30) for B), BAOAB 2 fs, 300 K, friction 1/ps,
 * H-bond constraints, constrained Maxwell-Boltzmann shooting velocities, states checked every 5 steps.
 * Standard TPS (uniform selection) from a transition cut out of a 500 K run; both halves of a move run
 * in parallel on 2 workers. Moves/s depends on the path lengths (~0.5 ps transition paths here).
 */
async function alanineMoves(): Promise<BenchResult[]> {
  const KB = 0.00831446261815324, kT = KB * 300;
  const sys = loadShippedSystem('alanine-dipeptide'), dim = sys.forceField.dim;
  const { phi, psi } = phiPsiAtoms(sys.topology.atoms);
  const boxA: [number, number][] = [[-180, 0], [120, -160]], boxB: [number, number][] = [[-180, 0], [-50, 30]];
  const spec = { kind: 'baoab' as const, dt: 0.002, kT, friction: 1, bondConstraints: 'h-bonds' as const };
  const system = libRef('loadShippedSystem', 'alanine-dipeptide');
  const kernel = libRef('langevinKernel', { system, integrator: spec, states: { A: libRef('dihedralBox', [phi, psi], boxA), B: libRef('dihedralBox', [phi, psi], boxB) } });
  const A = dihedralBox([phi, psi], boxA), B = dihedralBox([phi, psi], boxB);
  const pool = new WorkerPool({ workers: 2 });
  try {
    const [hot] = await pool.run<TrajectoryTask, TrajectoryResult>(libRef('langevinKernel', { system, integrator: { ...spec, kT: KB * 500 } }), [{ x0: sys.positions, nSteps: 10000, saveEvery: 5 }], { seed: 1 });
    const initial = transitionFromTrajectory(hot.frames!, hot.frames!.length / dim, dim, A, B);
    if (!initial) throw new Error('alanine bench: no A-B transition in the 500 K run');
    const shooting = new TwoWayShooting({ A, B, runner: pool, kernel, kT, masses: sys.forceField.massesPerCoordinate(), maxSteps: 5000, stride: 5, velocities: kernelVelocities(sys.forceField, spec) });
    const run = new AimmdRun(initial, { shooting, seed: 7 });
    await run.run(10); // warm up (workers, JIT)
    const moves = 150, t0 = performance.now();
    await run.run(moves);
    const rate = moves / ((performance.now() - t0) / 1000);
    const steps = run.records.slice(10).reduce((a, r) => a + r.steps, 0) / moves;
    return [{ benchmark: `alanine dipeptide (vacuum) standard TPS, 2 workers (${steps.toFixed(0)} steps per move)`, value: rate, unit: 'shooting moves/s' }];
  } finally {
    await pool.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  return [...(await toyMoves()), ...(await alanineMoves())];
}
