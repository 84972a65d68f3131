import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreTransitions } from '../../lib/kinetics/core-transitions.js';

test('core transitions: excursions that return are not counted; residence times of completed visits', () => {
  // cores [0,1) and [2,3); 1.5 is between them
  const x = [0.5, 1.5, 0.5, 1.5, 2.5, 2.5, 1.5, 0.2, 0.3, 2.1];
  const r = coreTransitions(x, [[0, 1], [2, 3]]);
  assert.equal(Array.from(r.counts), [0, 2, 1, 0]);
  assert.is(r.total, 3);
  // visits: core 0 from frame 0 (incomplete start), core 1 entered at 4, left for core 0 at 7 (3 frames);
  // core 0 entered at 7, core 1 at 9 (2 frames)
  assert.equal(Array.from(r.meanResidence), [2, 3]);
  assert.throws(() => coreTransitions(x, [[0, 1], [0.5, 3]]), /overlap/);
  assert.throws(() => coreTransitions([0, NaN], [[0, 1], [2, 3]]), /frame 1 is NaN/);
});

test.run();
