import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pearson } from '../../lib/stats/correlation.js';

test('pearson: exact values for linear, anti-linear and a hand-computed case', () => {
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [3, 5, 7, 9]) - 1) < 1e-15);
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-15);
  // x = 1..3, y = 1, 3, 2: cov = 0.5 (x2 / n), var x = var y = 2/3 -> r = 0.5
  assert.ok(Math.abs(pearson([1, 2, 3], [1, 3, 2]) - 0.5) < 1e-15);
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  assert.throws(() => pearson([1, 2], [1]), /equal length/);
  assert.throws(() => pearson([1, NaN, 2], [1, 2, 3]), /value 1 is not finite/);
});

test.run();
