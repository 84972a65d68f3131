import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { BAOAB, kineticTemperature } from '../../lib/dynamics/langevin.js';
import { BondConstraints } from '../../lib/dynamics/constraints.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { libRef, type ModuleRef, type RunOptions, type SettledRun, type TaskRunner, type TrajectoryResult, type TrajectoryTask } from '../../lib/sampling/index.js';
import { TwoWayShooting, directCommittor, kernelVelocities, uniformSelection, type Path } from '../../lib/tps/index.js';

// Alanine dipeptide in vacuum, 300 K, H-bond constraints (12 of them): 66 - 12 = 54 degrees of freedom.
const KB = 0.00831446261815324;
const kT = KB * 300;
const s = loadShippedSystem('alanine-dipeptide'), ff = s.forceField, dim = ff.dim;
const spec = { kind: 'baoab' as const, dt: 0.002, kT, friction: 1, bondConstraints: 'h-bonds' as const };
const kernel = libRef('langevinKernel', { system: libRef('loadShippedSystem', 'alanine-dipeptide'), integrator: spec });
const cons = new BondConstraints(ff.hydrogenBonds.pairs, ff.hydrogenBonds.lengths, ff.masses);
const dof = dim - cons.count;
const masses = ff.massesPerCoordinate();

/** A constrained 300 K trajectory: 40 frames 0.1 ps apart, the configurations we shoot from. */
function pathFrames(): Path {
  const integ = new BAOAB(ff, { dt: 0.002, kT, friction: 1, masses, constraints: cons });
  const x = Float64Array.from(s.positions);
  cons.apply(x, 1);
  const rng = new Rng(2);
  const v = integ.maxwellBoltzmann(1, rng, undefined, x);
  const n = 40, frames = new Float64Array(n * dim);
  for (let f = 0; f < n; f++) {
    integ.run(x, v, 1, 50, rng);
    frames.set(x, f * dim);
  }
  return { frames, nFrames: n, dim };
}
const path = pathFrames();

/** A runner that records the tasks and runs nothing: each trajectory "stops" at once, uncommitted. */
class SpyRunner implements TaskRunner {
  tasks: TrajectoryTask[] = [];
  async run<T, R>(_kernel: ModuleRef, tasks: readonly T[], _o: RunOptions): Promise<R[]> {
    const ts = tasks as unknown as TrajectoryTask[];
    this.tasks.push(...ts);
    return ts.map((t): TrajectoryResult => ({ final: t.x0, frames: Float64Array.from(t.x0), steps: 0, state: null })) as unknown as R[];
  }
  async runSettled<T, R>(kernel: ModuleRef, tasks: readonly T[], o: RunOptions): Promise<SettledRun<R>> {
    return { results: await this.run<T, R>(kernel, tasks, o), failures: [] };
  }
  async close(): Promise<void> {}
}

/** Largest |cos| between a constrained bond and the relative velocity of its atoms. */
function worstBondCosine(x: Float64Array, v: Float64Array): number {
  const P = ff.hydrogenBonds.pairs;
  let worst = 0;
  for (let c = 0; c < cons.count; c++) {
    const i = 3 * P[2 * c], j = 3 * P[2 * c + 1];
    let rv = 0, r2 = 0, v2 = 0;
    for (let q = 0; q < 3; q++) {
      const r = x[i + q] - x[j + q], dv = v[i + q] - v[j + q];
      rv += r * dv; r2 += r * r; v2 += dv * dv;
    }
    worst = Math.max(worst, Math.abs(rv) / Math.sqrt(r2 * v2));
  }
  return worst;
}

/** Mean of 2 KE / kT over draws: chi-square mean = degrees of freedom, standard error sqrt(2 dof / n). */
function meanTwoKE(vs: Float64Array[]): number {
  let m = 0;
  for (const v of vs) m += kineticTemperature(v, masses, 1, 1)[0] / kT;
  return m / vs.length;
}

const never = () => false;

test('TwoWayShooting with kernelVelocities: no velocity along a constrained bond, backward = -forward, 2 KE/kT has mean 54 (constrained dof)', async () => {
  const runner = new SpyRunner();
  const shooting = new TwoWayShooting({ A: never, B: never, runner, kernel, kT, masses, maxSteps: 10, velocities: kernelVelocities(ff, spec) });
  const rng = new Rng(11), moves = 600;
  let worst = 0;
  const fwd: Float64Array[] = [];
  for (let m = 0; m < moves; m++) {
    const { record } = await shooting.step(path, uniformSelection, rng);
    const [f, b] = runner.tasks.slice(-2);
    assert.equal(Array.from(f.x0), Array.from(record.xsp));
    for (let k = 0; k < dim; k++) assert.is(b.v0![k], -f.v0![k]);
    worst = Math.max(worst, worstBondCosine(record.xsp, f.v0!));
    fwd.push(f.v0!);
  }
  assert.ok(worst < 1e-9, `largest |cos(bond, relative velocity)| ${worst}`);
  const m = meanTwoKE(fwd), se = Math.sqrt((2 * dof) / moves);
  assert.ok(Math.abs(m - dof) < 4 * se, `mean 2 KE/kT ${m}, expected ${dof} (4 se = ${4 * se})`);
  // the kinetic temperature with the constrained dof is 300 K
  const T = (m * kT) / dof / KB;
  assert.ok(Math.abs(T - 300) < (4 * se * 300) / dof, `kinetic temperature ${T} K`);
});

test('default per-coordinate draw (no sampler) has velocity along the bonds and 66 dof: the case the option fixes', async () => {
  const runner = new SpyRunner();
  const shooting = new TwoWayShooting({ A: never, B: never, runner, kernel, kT, masses, maxSteps: 10 });
  const rng = new Rng(12), moves = 600;
  const fwd: Float64Array[] = [];
  let worst = 0;
  for (let m = 0; m < moves; m++) {
    const { record } = await shooting.step(path, uniformSelection, rng);
    fwd.push(runner.tasks[runner.tasks.length - 2].v0!);
    worst = Math.max(worst, worstBondCosine(record.xsp, fwd[m]));
  }
  assert.ok(worst > 0.5, `unconstrained draws have bond components (largest |cos| ${worst})`);
  const m = meanTwoKE(fwd), se = Math.sqrt((2 * dim) / moves);
  assert.ok(Math.abs(m - dim) < 4 * se, `mean 2 KE/kT ${m}, expected ${dim}`);
});

test('directCommittor with kernelVelocities: every shot tangent to the constraints, 2 KE/kT mean 54', async () => {
  const runner = new SpyRunner();
  const x = path.frames.slice(17 * dim, 18 * dim), shots = 2000;
  const r = await directCommittor(x, { runner, kernel, kT, masses, maxSteps: 10, shots, seed: 5, velocities: kernelVelocities(ff, spec) });
  assert.is(r.uncommitted, shots);
  assert.is(runner.tasks.length, shots);
  let worst = 0;
  for (const t of runner.tasks) worst = Math.max(worst, worstBondCosine(x, t.v0!));
  assert.ok(worst < 1e-9, `largest |cos(bond, relative velocity)| ${worst}`);
  const m = meanTwoKE(runner.tasks.map((t) => t.v0!)), se = Math.sqrt((2 * dof) / shots);
  assert.ok(Math.abs(m - dof) < 4 * se, `mean 2 KE/kT ${m}, expected ${dof} (4 se = ${4 * se})`);
  // same seed, same velocities
  const again = new SpyRunner();
  await directCommittor(x, { runner: again, kernel, kT, masses, maxSteps: 10, shots: 3, seed: 5, velocities: kernelVelocities(ff, spec) });
  assert.equal(Array.from(again.tasks[2].v0!), Array.from(runner.tasks[2].v0!));
});

test('bad velocity samplers and configurations are named', async () => {
  const runner = new SpyRunner();
  const short = () => new Float64Array(3);
  const shooting = new TwoWayShooting({ A: never, B: never, runner, kernel, kT, masses, maxSteps: 10, velocities: short });
  try {
    await shooting.step(path, uniformSelection, new Rng(1));
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /TwoWayShooting: the velocity sampler returned 3 values for 66 coordinates/);
  }
  try {
    await directCommittor(path.frames.slice(0, dim), { runner, kernel, kT, masses, maxSteps: 10, shots: 2, seed: 1, velocities: short });
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /directCommittor: the velocity sampler returned 3 values for 66 coordinates/);
  }
  assert.throws(() => kernelVelocities(ff, spec)(new Float64Array(6), new Rng(1)), /configuration has 6 coordinates, .* has 66/);
  assert.throws(() => kernelVelocities(ff, { kind: 'euler-maruyama', dt: 1e-3, kT }), /no velocities/);
});

test.run();
