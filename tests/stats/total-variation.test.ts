import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { totalVariation } from '../../lib/stats/total-variation.js';

test('total variation: normalises, 0 for equal, 1 for disjoint, half the L1 distance', () => {
  assert.is(totalVariation([1, 2, 3], [2, 4, 6]), 0);
  assert.is(totalVariation([1, 0], [0, 5]), 1);
  assert.ok(Math.abs(totalVariation([0.5, 0.5, 0], [0.25, 0.25, 0.5]) - 0.5) < 1e-15);
  assert.throws(() => totalVariation([1], [1, 2]), /1 and 2 bins/);
  assert.throws(() => totalVariation([-1, 2], [1, 2]), /bin 0/);
});

test.run();
