import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { batchMeans } from '../../lib/stats/batch-means.js';
import { Rng } from '../../lib/dynamics/rng.js';

test('batchMeans: hand-computed batches; the leading remainder is dropped', () => {
  // 7 values, 3 batches of 2: drop the first; batch means 2.5, 4.5, 6.5 -> mean 4.5, var 4, se = sqrt(4/3)
  const b = batchMeans([100, 2, 3, 4, 5, 6, 7], 3);
  assert.is(b.batchLength, 2);
  assert.ok(Math.abs(b.mean - 4.5) < 1e-15);
  assert.ok(Math.abs(b.stderr - Math.sqrt(4 / 3)) < 1e-15);
});

test('batchMeans: an AR(1) chain gets the correlated error, larger than the naive one by sqrt((1+a)/(1-a))', () => {
  // x_t = a x_{t-1} + e_t: the variance of the mean is (1+a)/(1-a) times the independent-sample value
  const a = 0.8, n = 200000, rng = new Rng(5);
  const x = new Float64Array(n);
  for (let t = 1; t < n; t++) x[t] = a * x[t - 1] + rng.normal();
  const b = batchMeans(x, 20);
  const sd = Math.sqrt(1 / (1 - a * a));
  const expected = sd * Math.sqrt((1 + a) / (1 - a) / n);
  assert.ok(Math.abs(b.stderr / expected - 1) < 0.4, `batch-means error ${b.stderr} vs ${expected}`);
  assert.ok(Math.abs(b.mean) < 4 * expected);
});

test('batchMeans: bad input is named', () => {
  assert.throws(() => batchMeans([1, 2, 3], 1), /batches must be an integer >= 2/);
  assert.throws(() => batchMeans([1, 2, 3], 4), /3 values are too few for 4 batches/);
  assert.throws(() => batchMeans([1, 2, NaN, 4], 2), /value 2 is not finite/);
});

test.run();
