import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { autocorrelation, fitExponentialDecay } from '../../lib/kinetics/autocorrelation.js';
import { blockAverage } from '../../lib/stats/block-average.js';
import { Rng } from '../../lib/dynamics/rng.js';

function ar1(a: number, frames: number, seed: number, offset = 0): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(frames);
  let v = rng.normal();
  for (let t = 0; t < frames; t++) { x[t] = offset + v; v = a * v + Math.sqrt(1 - a * a) * rng.normal(); }
  return x;
}

test('autocorrelation of an AR(1) process is a^s; the exponential fit gives t = -dt / ln a', () => {
  const a = 0.95, dt = 0.2;
  const x = ar1(a, 400000, 1, 3);
  const c = autocorrelation(x, 60);
  assert.is(c[0], 1);
  for (const s of [1, 10, 30]) assert.ok(Math.abs(c[s] - a ** s) < 0.015, `C(${s}) = ${c[s]} vs ${a ** s}`);
  const exact = -dt / Math.log(a);
  const fit = fitExponentialDecay(c, { dt });
  assert.ok(Math.abs(fit.timescale - exact) / exact < 0.03, `t = ${fit.timescale} vs ${exact}`);
  assert.ok(fit.rms < 0.01);
  // an exact exponential is fitted exactly
  const e = Float64Array.from({ length: 40 }, (_, s) => Math.exp((-s * dt) / 1.7));
  assert.ok(Math.abs(fitExponentialDecay(e, { dt }).timescale - 1.7) < 1e-8);
  // several trajectories: pairs within each only
  const two = autocorrelation([x.subarray(0, 200000), x.subarray(200000)], 10);
  assert.ok(Math.abs(two[10] - c[10]) < 0.01);
});

test('autocorrelation and fit: bad input is named', () => {
  assert.throws(() => autocorrelation([1, NaN, 2], 1), /trajectory 0, frame 1 is NaN/);
  assert.throws(() => autocorrelation([1, 1, 1], 1), /the series is constant/);
  assert.throws(() => autocorrelation([1, 2], 5), /shorter than maxLag \+ 1 = 6 frames/);
  assert.throws(() => fitExponentialDecay([1, 1, 1, 1]), /does not decay/);
  assert.throws(() => fitExponentialDecay([1, 0.5], { lags: [0, 3] }), /lag 3 outside 0..1/);
});

test('block averaging: K contiguous blocks, sample std over the estimates, standard error std / sqrt K', () => {
  const x = Float64Array.from({ length: 11 }, (_, i) => i); // blocks of 2: means 0.5, 2.5, 4.5, 6.5, 8.5; frame 10 left out
  const mean = (b: Float64Array) => b.reduce((s, v) => s + v, 0) / b.length;
  const r = blockAverage(x, mean);
  assert.equal(Array.from(r.estimates), [0.5, 2.5, 4.5, 6.5, 8.5]);
  assert.is(r.leftOut, 1);
  assert.is(r.mean, 4.5);
  assert.ok(Math.abs(r.std - Math.sqrt(10)) < 1e-12);
  assert.ok(Math.abs(r.standardError - Math.sqrt(2)) < 1e-12);
  // statistically: for independent normal samples, the block SE of the mean estimates 1/sqrt(N) on average
  let se = 0;
  const reps = 400, N = 1000;
  for (let k = 0; k < reps; k++) se += blockAverage(ar1(0, N, 100 + k), mean).standardError / reps;
  // E[sample std] = c4(5) sigma_blockmean with c4(5) = 0.9400
  assert.ok(Math.abs(se - 0.94 / Math.sqrt(N)) < 0.05 / Math.sqrt(N), `mean block SE ${se} vs ${0.94 / Math.sqrt(N)}`);
  assert.throws(() => blockAverage(x, () => NaN), /estimate of block 0 is NaN/);
  assert.throws(() => blockAverage(new Float64Array(4), mean), /4 frames cannot fill 5 blocks/);
});

test.run();
