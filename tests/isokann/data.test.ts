import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sampleBursts, runBursts, burstsFromResults, checkBurstData, uniformPoints, lagSteps, stratifiedByChi, mergeBursts, mullerBrownBursts, MULLER_BROWN_ISOKANN, type BurstData } from '../../lib/isokann/index.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { Harmonic } from '../../lib/systems/harmonic.js';
import { EulerMaruyama, BAOAB } from '../../lib/dynamics/langevin.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { InlineRunner, WorkerPool, libRef } from '../../lib/sampling/index.js';

const mb = new MullerBrown();
const em = { kind: 'euler-maruyama', dt: 1e-4, kT: 12.5 } as const;
const starts = Float64Array.from([-0.558, 1.442, 0.623, 0.028, -0.82, 0.62, 0.21, 0.29, -0.05, 0.47]);

test('sampleBursts: point i runs its M replicas with stream fork(i), exactly as EulerMaruyama / BAOAB do', () => {
  const d = sampleBursts(mb, starts, 5, { integrator: em, lag: 0.002, bursts: 3, seed: 7 });
  assert.is(d.n, 5);
  assert.is(d.bursts, 3);
  assert.is(d.dim, 2);
  assert.is(d.lag, 0.002);
  assert.equal(Array.from(d.x), Array.from(starts));
  const integ = new EulerMaruyama(mb, em);
  for (const i of [0, 3]) {
    const buf = new Float64Array(6);
    for (let r = 0; r < 3; r++) buf.set(starts.subarray(2 * i, 2 * i + 2), 2 * r);
    integ.run(buf, 3, 20, new Rng(7).fork(i));
    assert.equal(Array.from(d.y.subarray(6 * i, 6 * i + 6)), Array.from(buf), `point ${i}`);
  }
  // replicas of one point differ (independent noise), and the same seed repeats
  assert.not.equal(d.y[0], d.y[2]);
  assert.equal(Array.from(sampleBursts(mb, starts, 5, { integrator: em, lag: 0.002, bursts: 3, seed: 7 }).y), Array.from(d.y));
  const baoab = { kind: 'baoab', dt: 1e-4, kT: 12.5, friction: 50 } as const;
  const b = sampleBursts(mb, starts, 5, { integrator: baoab, lag: 0.001, bursts: 2, seed: 3 });
  const integB = new BAOAB(mb, baoab);
  const rng = new Rng(3).fork(4);
  const buf = Float64Array.from([-0.05, 0.47, -0.05, 0.47]);
  const v = integB.maxwellBoltzmann(2, rng, undefined, buf);
  integB.run(buf, v, 2, 10, rng);
  assert.equal(Array.from(b.y.subarray(16, 20)), Array.from(buf));
});

test('bursts relax as overdamped dynamics should: mean displacement in a harmonic well', () => {
  // dx = -k x dt + sqrt(2 kT dt) xi: E[x(tau)] = x0 exp(-k tau) (exact for the SDE; Euler-Maruyama
  // gives (1 - k dt)^steps), Var = kT/k (1 - exp(-2 k tau)).
  const k = 4, kT = 0.5, lag = 0.25, dt = 1e-3;
  const well = new Harmonic([k], [0]);
  const n = 1, M = 20000;
  const d = sampleBursts(well, Float64Array.from([1]), n, { integrator: { kind: 'euler-maruyama', dt, kT }, lag, bursts: M, seed: 1 });
  let m = 0, v = 0;
  for (let j = 0; j < M; j++) m += d.y[j] / M;
  for (let j = 0; j < M; j++) v += (d.y[j] - m) ** 2 / (M - 1);
  const mean = (1 - k * dt) ** 250, varRef = (kT * (1 - (1 - k * dt) ** 500)) / (k * (1 - k * dt / 2));
  assert.ok(Math.abs(m - mean) < 4 * Math.sqrt(varRef / M), `mean ${m} vs ${mean}`);
  assert.ok(Math.abs(v / varRef - 1) < 0.05, `variance ${v} vs ${varRef}`);
});

test('runBursts on an InlineRunner and a 2-worker pool equals sampleBursts', async () => {
  const ref = sampleBursts(mb, starts, 5, { integrator: em, lag: 0.003, bursts: 4, seed: 21 });
  const opts = { system: libRef('MullerBrown'), integrator: em, lag: 0.003, bursts: 4, seed: 21 };
  const inline = await runBursts(new InlineRunner(), starts, 5, opts);
  assert.equal(Array.from(inline.y), Array.from(ref.y));
  const pool = new WorkerPool({ workers: 2 });
  try {
    const pooled = await runBursts(pool, starts, 5, opts);
    assert.equal(Array.from(pooled.y), Array.from(ref.y));
    assert.equal(Array.from(pooled.x), Array.from(ref.x));
    assert.is(pooled.lag, 0.003);
  } finally {
    await pool.close();
  }
  try {
    await runBursts(new InlineRunner(), starts, 4, opts);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /not a multiple of n = 4/);
  }
});

test('lag must be a whole number of steps; bad burst options are rejected', () => {
  assert.is(lagSteps(0.05, 1e-4), 500);
  assert.throws(() => lagSteps(0.00015, 1e-4), /not a whole number of time steps/);
  assert.throws(() => lagSteps(-1, 1e-4), /lag must be positive/);
  assert.throws(() => sampleBursts(mb, starts, 5, { integrator: em, lag: 0.001, bursts: 0, seed: 1 }), /bursts must be a positive integer/);
  assert.throws(() => sampleBursts(mb, starts, 5, { integrator: em, lag: 0.001, bursts: 2, seed: -1 }), /seed must be a non-negative integer/);
  assert.throws(() => sampleBursts(mb, starts, 4, { integrator: em, lag: 0.001, bursts: 2, seed: 1 }), /start points have length 10, expected 4 walkers/);
  assert.throws(() => sampleBursts(mb, Float64Array.from([0, NaN]), 1, { integrator: em, lag: 0.001, bursts: 2, seed: 1 }), /walker 0, coordinate 1 is NaN/);
});

test('checkBurstData names the bad entry', () => {
  const good: BurstData = { x: Float64Array.from([0, 0, 1, 1]), y: new Float64Array(8), n: 2, bursts: 2, dim: 2, lag: 0.1 };
  checkBurstData(good);
  const y = new Float64Array(8);
  y[5] = NaN;
  assert.throws(() => checkBurstData({ ...good, y }), /y of point 1, burst 0, coordinate 1 is NaN/);
  assert.throws(() => checkBurstData({ ...good, x: Float64Array.from([0, Infinity, 1, 1]) }), /x of point 0, coordinate 1 is Infinity/);
  assert.throws(() => checkBurstData({ ...good, y: new Float64Array(6) }), /y must be a Float64Array of length n\*bursts\*dim = 8, got 6/);
  assert.throws(() => checkBurstData({ ...good, x: [0, 0, 1, 1] as unknown as Float64Array }), /x must be a Float64Array/);
  assert.throws(() => checkBurstData({ ...good, bursts: 1.5 }), /bursts must be a positive integer/);
  assert.throws(() => checkBurstData({ ...good, lag: 0 }), /lag must be positive/);
  assert.throws(() => checkBurstData(null as never), /expected \{x, y, n, bursts, dim\}/);
});

test('burstsFromResults assembles [n][M][dim] and rejects ragged results', () => {
  const r = [{ final: Float64Array.from([1, 2, 3, 4]), steps: 5, state: null }, { final: Float64Array.from([5, 6, 7, 8]), steps: 5, state: null }];
  const d = burstsFromResults(Float64Array.from([0, 0, 1, 1]), 2, r, 0.5);
  assert.is(d.bursts, 2);
  assert.equal(Array.from(d.y), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.throws(() => burstsFromResults(Float64Array.from([0, 0, 1, 1]), 2, [r[0], { ...r[1], final: Float64Array.from([1, 2]) }]), /result 1 has 1 replicas, expected 2/);
  assert.throws(() => burstsFromResults(Float64Array.from([0, 0]), 2, r), /x has length 2, expected 2 points x 2/);
});

test('uniformPoints: inside the box, below the energy cut, reproducible', () => {
  const { box: { lo, hi }, maxEnergy } = MULLER_BROWN_ISOKANN;
  const x = uniformPoints(400, { lo, hi, seed: 3, potential: mb, maxEnergy });
  for (let i = 0; i < 400; i++) {
    assert.ok(x[2 * i] >= lo[0] && x[2 * i] < hi[0] && x[2 * i + 1] >= lo[1] && x[2 * i + 1] < hi[1]);
    assert.ok(mb.energy(x, 2 * i) <= maxEnergy);
  }
  assert.equal(Array.from(uniformPoints(400, { lo, hi, seed: 3, potential: mb, maxEnergy })), Array.from(x));
  // without the cut the points are uniform in the box: mean at the centre within 4 standard errors
  const u = uniformPoints(4000, { lo: [0, 10], hi: [1, 12], seed: 1 });
  let mx = 0, my = 0;
  for (let i = 0; i < 4000; i++) { mx += u[2 * i] / 4000; my += u[2 * i + 1] / 4000; }
  assert.ok(Math.abs(mx - 0.5) < 4 * Math.sqrt(1 / 12 / 4000) && Math.abs(my - 11) < 4 * Math.sqrt(4 / 12 / 4000));
  assert.throws(() => uniformPoints(10, { lo: [0, 0], hi: [1, 0], seed: 1 }), /hi\[1\] = 0 must exceed lo\[1\] = 0/);
  assert.throws(() => uniformPoints(10, { lo: [0, 0], hi: [1, 1], seed: 1, potential: mb }), /give both potential and maxEnergy/);
  assert.throws(() => uniformPoints(10, { lo: [0.5, -0.2], hi: [0.51, -0.19], seed: 1, potential: mb, maxEnergy: -1000 }), /fewer than 1 in 1000/);
});

test('mullerBrownBursts follows MULLER_BROWN_ISOKANN and repeats per seed', () => {
  const d = mullerBrownBursts({ seed: 4, points: 20, bursts: 2 });
  assert.is(d.n, 20);
  assert.is(d.bursts, 2);
  assert.is(d.lag, MULLER_BROWN_ISOKANN.lag);
  assert.equal(Array.from(d.x), Array.from(uniformPoints(20, { lo: MULLER_BROWN_ISOKANN.box.lo, hi: MULLER_BROWN_ISOKANN.box.hi, seed: 4, potential: mb, maxEnergy: 0 })));
  assert.equal(Array.from(mullerBrownBursts({ seed: 4, points: 20, bursts: 2 }).y), Array.from(d.y));
});

test('stratifiedByChi spreads picks evenly over the chi range, without repeats', () => {
  // 90% of candidates near chi = 0 or 1, 10% in between: stratified picks still cover [0, 1] evenly.
  const rng = new Rng(2);
  const chi = Float64Array.from({ length: 2000 }, (_, i) => (i % 10 === 0 ? rng.next() : i % 2 === 0 ? 0.02 * rng.next() : 1 - 0.02 * rng.next()));
  const pick = stratifiedByChi(chi, 50, 1);
  assert.is(new Set(pick).size, 50);
  const bins = new Array(5).fill(0);
  for (const p of pick) bins[Math.min(4, Math.floor(chi[p] * 5))]++;
  assert.equal(bins, [10, 10, 10, 10, 10]);
  assert.equal(Array.from(stratifiedByChi(chi, 50, 1)), Array.from(pick));
  // asking for every candidate returns each once
  assert.equal(Array.from(stratifiedByChi([0.3, 0.1, 0.2], 3, 0)).sort(), [0, 1, 2]);
  assert.throws(() => stratifiedByChi([0.1, 0.2], 3, 0), /cannot pick 3 distinct points from 2/);
  assert.throws(() => stratifiedByChi([0.1, NaN], 1, 0), /candidate 1 is NaN/);
});

test('mergeBursts concatenates and checks compatibility', () => {
  const a = sampleBursts(mb, starts.slice(0, 4), 2, { integrator: em, lag: 0.001, bursts: 2, seed: 1 });
  const b = sampleBursts(mb, starts.slice(4), 3, { integrator: em, lag: 0.001, bursts: 2, seed: 2 });
  const m = mergeBursts(a, b);
  assert.is(m.n, 5);
  assert.equal(Array.from(m.x), Array.from(starts));
  assert.equal(Array.from(m.y.subarray(8)), Array.from(b.y));
  assert.throws(() => mergeBursts(a, { ...b, lag: 0.002 }), /lag times differ/);
  const c = sampleBursts(mb, starts.slice(4), 3, { integrator: em, lag: 0.001, bursts: 1, seed: 2 });
  assert.throws(() => mergeBursts(a, c), /dim\/bursts 2\/2 and 2\/1/);
});

test.run();
