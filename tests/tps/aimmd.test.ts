import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../lib/dynamics/rng.js';
import { initBackend } from '../../lib/nn/index.js';
import { InlineRunner, WorkerPool, libRef } from '../../lib/sampling/index.js';
import { ball } from '../../lib/systems/regions.js';
import { AimmdRun, CommittorLearner, TwoWayShooting, committorFromRC, committorMap, committorMapOn, directCommittor, type Path } from '../../lib/tps/index.js';
import { DoubleWell } from '../../lib/systems/double-well.js';

test.before(async () => {
  await initBackend();
});

test('direct committor by shooting matches the exact committor of an overdamped double well', async () => {
  // V = 3 (x^2 - 1)^2, kT = 1, A: x <= -0.8, B: x >= 0.8. Exact: q(x) = int_{-0.8}^x e^{V} / int_{-0.8}^{0.8} e^{V}.
  const V = (x: number) => 3 * (x * x - 1) ** 2;
  const integral = (a: number, b: number) => { let s = 0; const m = 4000, h = (b - a) / m; for (let i = 0; i < m; i++) s += Math.exp(V(a + (i + 0.5) * h)) * h; return s; };
  const x0 = 0.15;
  const exact = integral(-0.8, x0) / integral(-0.8, 0.8);
  const kernel = libRef('langevinKernel', { system: libRef('DoubleWell', 1, 3), integrator: { kind: 'euler-maruyama', dt: 2e-4, kT: 1 }, states: { A: libRef('ball', [-2], 1.2), B: libRef('ball', [2], 1.2) } });
  const r = await directCommittor(Float64Array.from([x0]), { runner: new InlineRunner(), kernel, kT: 1, masses: 1, shots: 400, maxSteps: 200000, seed: 3 });
  assert.is(r.uncommitted, 0);
  assert.ok(Math.abs(r.pB - exact) < 3 * r.stderr + 0.02, `p_B ${r.pB} ± ${r.stderr} vs exact ${exact}`);
});

test('vectorised committor map: in the high-friction limit it approaches the overdamped exact committor', () => {
  const V = (x: number) => 3 * (x * x - 1) ** 2;
  const integral = (a: number, b: number) => { let s = 0; const m = 4000, h = (b - a) / m; for (let i = 0; i < m; i++) s += Math.exp(V(a + (i + 0.5) * h)) * h; return s; };
  const pts = Float64Array.from([-0.3, 0, 0.3]);
  const r = committorMap(new DoubleWell(1, 3), pts, 3, { integrator: { dt: 0.01, kT: 1, friction: 30 }, A: ball([-2], 1.2), B: ball([2], 1.2), shots: 300, seed: 4 });
  for (let i = 0; i < 3; i++) {
    const exact = integral(-0.8, pts[i]) / integral(-0.8, 0.8);
    const se = Math.sqrt(exact * (1 - exact) / 300);
    assert.is(r.nA[i] + r.nB[i], 300);
    assert.ok(Math.abs(r.pB[i] - exact) < 3 * se + 0.02, `x = ${pts[i]}: p_B ${r.pB[i]} vs overdamped ${exact}`);
  }
});

test('committor map on a worker pool: the same numbers for 1 and 2 workers, the overdamped committor at high friction', async () => {
  const V = (x: number) => 3 * (x * x - 1) ** 2;
  const integral = (a: number, b: number) => { let s = 0; const m = 4000, h = (b - a) / m; for (let i = 0; i < m; i++) s += Math.exp(V(a + (i + 0.5) * h)) * h; return s; };
  const pts = Float64Array.from([-0.3, -0.1, 0, 0.1, 0.3]);
  const kernel = libRef('committorMapKernel', { system: libRef('DoubleWell', 1, 3), integrator: { dt: 0.01, kT: 1, friction: 30 }, states: { A: libRef('ball', [-2], 1.2), B: libRef('ball', [2], 1.2) }, shots: 300 });
  const inline = await committorMapOn(new InlineRunner(), kernel, pts, 5, { seed: 8, chunk: 2 });
  const pool = new WorkerPool({ workers: 2 });
  try {
    const pooled = await committorMapOn(pool, kernel, pts, 5, { seed: 8, chunk: 2 });
    assert.equal(Array.from(pooled.nB), Array.from(inline.nB));
    assert.equal(Array.from(pooled.nA), Array.from(inline.nA));
  } finally {
    await pool.close();
  }
  for (let i = 0; i < 5; i++) {
    const exact = integral(-0.8, pts[i]) / integral(-0.8, 0.8);
    assert.is(inline.nA[i] + inline.nB[i], 300);
    assert.ok(Math.abs(inline.pB[i] - exact) < 3 * Math.sqrt(exact * (1 - exact) / 300) + 0.02, `x = ${pts[i]}: p_B ${inline.pB[i]} vs overdamped ${exact}`);
  }
  const failure = async (f: () => Promise<unknown>) => { try { await f(); return ''; } catch (e) { return (e as Error).message; } };
  assert.match(await failure(() => committorMapOn(new InlineRunner(), kernel, pts, 3, { seed: 1 })), /committorMapOn: 5 values are not n = 3 points/);
  assert.match(await failure(() => committorMapOn(new InlineRunner(), kernel, pts, 5, { seed: 1, chunk: 0 })), /chunk must be a positive integer, got 0/);
});

test('bad masses or kT for the default shooting velocities are named', async () => {
  const kernel = libRef('langevinKernel', { system: libRef('DoubleWell', 1, 3), integrator: { kind: 'baoab', dt: 0.02, kT: 1, friction: 1 }, states: { A: libRef('ball', [-2], 1.2), B: libRef('ball', [2], 1.2) } });
  const path: Path = { frames: Float64Array.from([-0.9, 0, 0.9]), nFrames: 3, dim: 1 };
  const bad = new TwoWayShooting({ A: ball([-2], 1.2), B: ball([2], 1.2), runner: new InlineRunner(), kernel, kT: 1, masses: -1, maxSteps: 10 });
  let msg = '';
  try { await bad.step(path, { name: 'u', weights: (_f, n) => new Float64Array(n).fill(1) }, new Rng(1)); } catch (e) { msg = (e as Error).message; }
  assert.match(msg, /masses\[0\] must be positive and finite, got -1/);
  msg = '';
  try { await directCommittor(Float64Array.from([0]), { runner: new InlineRunner(), kernel, kT: NaN, masses: 1, shots: 2, maxSteps: 10, seed: 1 }); } catch (e) { msg = (e as Error).message; }
  assert.match(msg, /kT must be non-negative and finite, got NaN/);
});

test('the committor learner recovers a logistic committor from shooting outcomes (Eq. 3)', () => {
  const n = 400, rng = new Rng(1);
  const x = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
  const nA = new Float64Array(n), nB = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let s = 0; s < 2; s++) (rng.next() < committorFromRC(4 * x[i]) ? nB : nA)[i]++;
  const l = new CommittorLearner({ inputs: 1, width: 8, trainEvery: 1, epochs: 40, learningRate: 5e-3, flatTolerance: 0, seed: 4 });
  l.add(x, nA, nB);
  l.update();
  const grid = Float64Array.from({ length: 41 }, (_, i) => -1 + i * 0.05);
  const p = l.pB(grid, 41);
  let err = 0;
  for (let i = 0; i < 41; i++) err += Math.abs(p[i] - committorFromRC(4 * grid[i])) / 41;
  assert.ok(err < 0.05, `mean |p_B - exact| = ${err}`);
  assert.throws(() => l.add([NaN], [1], [1]), /input 0 of outcome 0 is NaN/);
  l.dispose();
});

test('an AI-guided TPS run checkpointed halfway resumes exactly as an uninterrupted run', async () => {
  const kernel = libRef('langevinKernel', { system: libRef('DoubleWell', 1, 3), integrator: { kind: 'baoab', dt: 0.02, kT: 1, friction: 1 }, states: { A: libRef('ball', [-2], 1.2), B: libRef('ball', [2], 1.2) } });
  const shooting = () => new TwoWayShooting({ A: ball([-2], 1.2), B: ball([2], 1.2), runner: new InlineRunner(), kernel, kT: 1, masses: 1, maxSteps: 5000 });
  const initial: Path = { frames: Float64Array.from({ length: 21 }, (_, i) => -0.9 + i * 0.09), nFrames: 21, dim: 1 };
  const learner = () => new CommittorLearner({ inputs: 1, width: 4, seed: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'aimmd-'));
  try {
    const straight = new AimmdRun(initial, { shooting: shooting(), learner: learner(), seed: 5 });
    await straight.run(16);
    const cp = join(dir, 'run.json');
    const first = new AimmdRun(initial, { shooting: shooting(), learner: learner(), seed: 5, checkpoint: { path: cp, every: 4 } });
    await first.run(8);
    first.options.learner!.dispose();
    const resumed = await AimmdRun.resume(cp, initial, { shooting: shooting(), learner: learner(), seed: 5 });
    assert.is(resumed.moves, 8);
    await resumed.run(8);
    assert.equal(resumed.records.map((r) => [r.nA, r.nB, r.accepted, Array.from(r.xsp)]), straight.records.map((r) => [r.nA, r.nB, r.accepted, Array.from(r.xsp)]));
    assert.ok(straight.records.some((r) => r.transition), 'some transitions were generated');
    const probe = Float64Array.from([-0.5, 0, 0.5]);
    assert.equal(Array.from(resumed.options.learner!.q(probe, 3)), Array.from(straight.options.learner!.q(probe, 3)));
    let msg = '';
    try { await AimmdRun.resume(cp, initial, { shooting: shooting(), learner: learner(), seed: 6 }); } catch (e) { msg = (e as Error).message; }
    assert.match(msg, /seed 5 differs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
