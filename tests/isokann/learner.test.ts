import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, numTensors } from '../../lib/nn/index.js';
import { IsokannLearner, mullerBrownBursts, MULLER_BROWN_ISOKANN as MB, sampleBursts, uniformPoints, fitAdaptive, type BurstData } from '../../lib/isokann/index.js';
import { GridGenerator } from '../../lib/grid/index.js';
import { pearson } from '../../lib/stats/correlation.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { Rng } from '../../lib/dynamics/rng.js';

const mb = new MullerBrown();
const A = [-0.558, 1.442], B = [0.623, 0.028];
const AB = Float64Array.from([...A, ...B]);
let psi2: (x: Float64Array, n: number) => Float64Array;

test.before(async () => {
  await initBackend();
  // Reference: the second eigenfunction of the SqRA generator of the same dynamics
  // (dX = -grad V dt + sqrt(2 kT) dW, i.e. diffusion D = kT with mobility 1) on the sampling box.
  const grid = new GridGenerator(mb, { lo: MB.box.lo, hi: MB.box.hi, shape: [109, 101], kT: MB.kT, diffusion: MB.kT });
  const phi = grid.eigenfunctions(2).functions[1];
  psi2 = (x, n) => grid.interpolate(phi, x, n);
});

test('ISOKANN on Müller-Brown: chi follows the second eigenfunction and marks the deep basins', () => {
  const data = mullerBrownBursts({ seed: 1 });
  const model = new IsokannLearner({ ...MB.learner, seed: 1 }).fit(data);
  const chi = model.predict(data.x, data.n);
  const r = pearson(chi, psi2(data.x, data.n));
  assert.ok(Math.abs(r) >= 0.95, `|Pearson r| with psi_2 on the ${data.n} start points is ${r}`);
  const [cA, cB] = model.predict(AB, 2);
  assert.ok(cA < 0.1, `chi at the deep minimum A = ${cA}`);
  assert.ok(cB > 0.9, `chi at minimum B = ${cB}`);
  // chi is Koopman-invariant up to sampling noise: K chi deviates from an affine function of chi by
  // about the Monte-Carlo error of the M-burst average, sqrt(mean_i var_j chi(y_ij) / M).
  const k = model.koopman(data);
  const M = data.bursts, cy = model.predict(data.y, data.n * M);
  let noise = 0;
  for (let i = 0; i < data.n; i++) {
    let m = 0, v = 0;
    for (let j = 0; j < M; j++) m += cy[i * M + j] / M;
    for (let j = 0; j < M; j++) v += (cy[i * M + j] - m) ** 2 / (M - 1);
    noise += v / M / data.n;
  }
  assert.ok(k.rmsResidual < 1.25 * Math.sqrt(noise), `rms of K chi - (a chi + b) ${k.rmsResidual} vs burst noise ${Math.sqrt(noise)}`);
  assert.is(model.losses.length, MB.learner.iterations);
  assert.ok(model.losses[model.losses.length - 1] < 0.02 && model.losses[model.losses.length - 1] < model.losses[0]);
  assert.equal(model.meta.lag, MB.lag);
  model.dispose();
});

const small = (seed: number) => mullerBrownBursts({ seed, points: 120, bursts: 4 });
const quick = { ...MB.learner, iterations: 4, epochs: 2 };

test('same seed, same chi; another seed, another network; orientation flips only the sign', () => {
  const data = small(2);
  const x = data.x.subarray(0, 40);
  const a = new IsokannLearner({ ...quick, seed: 3 }).fit(data), b = new IsokannLearner({ ...quick, seed: 3 }).fit(data), c = new IsokannLearner({ ...quick, seed: 4 }).fit(data);
  assert.equal(Array.from(a.predict(x, 20)), Array.from(b.predict(x, 20)));
  assert.equal(Array.from(a.losses), Array.from(b.losses));
  assert.not.equal(Array.from(a.predict(x, 20)), Array.from(c.predict(x, 20)));
  // orient with B as the low basin: same raw network, chi -> 1 - chi exactly where A was the low one
  const byA = new IsokannLearner({ ...quick, seed: 3, orient: { low: A } }).fit(data);
  const byB = new IsokannLearner({ ...quick, seed: 3, orient: { low: B } }).fit(data);
  const ca = byA.predict(AB, 2), cb = byB.predict(AB, 2);
  assert.ok(ca[0] < 0.5 && cb[1] < 0.5);
  assert.ok(Math.abs(ca[0] + cb[0] - 1) < 1e-7 && Math.abs(ca[1] + cb[1] - 1) < 1e-7);
  for (const m of [a, b, c, byA, byB]) m.dispose();
});

test('warm start continues from the given model and its loss history', () => {
  const data = small(5);
  const first = new IsokannLearner({ ...quick, seed: 1 }).fit(data);
  // one more iteration with a negligible learning rate leaves chi where it was
  const cont = new IsokannLearner({ ...quick, seed: 9, iterations: 1, learningRate: 1e-12, hidden: [3] }).fit(data, { init: first });
  assert.equal(cont.config.layers, first.config.layers, 'architecture taken from the init model');
  assert.equal(Array.from(cont.losses.subarray(0, first.losses.length)), Array.from(first.losses));
  assert.is(cont.losses.length, first.losses.length + 1);
  const c0 = first.predict(data.x, data.n), c1 = cont.predict(data.x, data.n);
  for (let i = 0; i < data.n; i++) assert.ok(Math.abs(c0[i] - c1[i]) < 1e-5);
  assert.is(cont.meta.warmStart, true);
  first.dispose();
  cont.dispose();
});

test('bad options and bad burst data give clear errors', () => {
  assert.throws(() => new IsokannLearner({ iterations: 0 }), /iterations must be a positive integer/);
  assert.throws(() => new IsokannLearner({ hidden: [] }), /hidden must list at least one layer/);
  assert.throws(() => new IsokannLearner({ optimizer: 'sgd' as never }), /optimizer must be 'adam' or 'nesterov'/);
  assert.throws(() => new IsokannLearner({ seed: -2 }), /seed must be a non-negative integer/);
  const learner = new IsokannLearner({ ...quick, seed: 1 });
  const data = small(3);
  const y = Float64Array.from(data.y);
  y[7] = NaN;
  assert.throws(() => learner.fit({ ...data, y }), /IsokannLearner.fit: y of point 0, burst 3, coordinate 1 is NaN/);
  assert.throws(() => learner.fit({ ...data, n: data.n + 1 }), /x must be a Float64Array of length n\*dim/);
  assert.throws(() => learner.fit({ ...data, bursts: 0 }), /bursts must be a positive integer/);
  assert.throws(() => new IsokannLearner({ ...quick, orient: { low: [0, 0, 0] } }).fit(data), /orient.low has length 3, expected 2/);
  // all bursts identical to their start and all starts equal: K chi is constant, chi has nothing to learn
  const flat: BurstData = { x: new Float64Array(20).fill(0.5), y: new Float64Array(40).fill(0.5), n: 10, bursts: 2, dim: 2 };
  assert.throws(() => learner.fit(flat), /K chi is constant/);
});

test('adaptive sampling from the two deep basins fills the transition region and recovers chi', async () => {
  // Start points only near the minima A and B; three rounds add 80 points each, stratified along chi.
  const rng = new Rng(5);
  const n0 = 80;
  const x0 = new Float64Array(2 * n0);
  for (let i = 0; i < n0; i++) {
    const m = i % 2 ? B : A;
    x0[2 * i] = m[0] + 0.1 * rng.normal();
    x0[2 * i + 1] = m[1] + 0.1 * rng.normal();
  }
  const sample = (x: Float64Array, n: number, seed: number) => sampleBursts(mb, x, n, { integrator: MB.integrator, lag: MB.lag, bursts: MB.bursts, seed });
  const before = numTensors();
  const mid: number[] = [];
  const { model, data } = await fitAdaptive(new IsokannLearner({ ...MB.learner, iterations: 50, seed: 1 }), sample(x0, n0, 1), sample, {
    generations: 3, newPoints: 80, seed: 2,
    onGeneration: ({ model: m, data: d }) => mid.push(m.predict(d.x, d.n).filter((c) => c > 0.2 && c < 0.8).length),
  });
  assert.is(data.n, n0 + 3 * 80);
  assert.ok(mid[0] <= 3 && mid[3] >= 20, `start points with 0.2 < chi < 0.8 per generation: ${mid}`);
  // judged on fresh uniform points of the box, not on the (biased) training points
  const u = uniformPoints(400, { lo: MB.box.lo, hi: MB.box.hi, seed: 77, potential: mb, maxEnergy: MB.maxEnergy });
  const r = pearson(model.predict(u, 400), psi2(u, 400));
  assert.ok(r >= 0.95, `Pearson r on uniform points ${r}`);
  const [cA, cB] = model.predict(AB, 2);
  assert.ok(cA < 0.1 && cB > 0.9, `chi(A) = ${cA}, chi(B) = ${cB}`);
  model.dispose();
  assert.is(numTensors(), before, 'intermediate models are disposed');
});

test.run();
