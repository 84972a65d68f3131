import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findTransitions, transitionFromTrajectory } from '../../lib/tps/index.js';

// 1-D trajectory (dim 2, second coordinate = frame index to check the order): A is x <= -1, B is x >= 1.
const A = (x: ArrayLike<number>, o = 0) => x[o] <= -1;
const B = (x: ArrayLike<number>, o = 0) => x[o] >= 1;
const xs = [0, -1.2, -0.5, 0.3, -1.1, -1.5, -0.2, 0.4, 0.9, 1.3, 1.1, 0.2, 0.8, 1.4, 0.5, -0.3, -1.0, 0];
const traj = Float64Array.from(xs.flatMap((x, i) => [x, i]));

test('findTransitions: each reactive segment from the last frame in one state to the first in the other', () => {
  assert.equal(findTransitions(traj, xs.length, 2, A, B), [
    { start: 5, end: 9, from: 'A' }, // A at 1 and 4-5, leaves at 5, first in B at 9
    { start: 13, end: 16, from: 'B' }, // B at 9-10 and 13, back to A at 16
  ]);
  assert.equal(findTransitions(traj.subarray(0, 9 * 2), 9, 2, A, B), []);
});

test('transitionFromTrajectory: frames last-in-A .. first-in-B; a B -> A transition comes reversed; shortest', () => {
  const p = transitionFromTrajectory(traj, xs.length, 2, A, B)!;
  assert.is(p.nFrames, 5);
  assert.equal(Array.from(p.frames.filter((_, k) => k % 2 === 1)), [5, 6, 7, 8, 9]);
  assert.ok(A(p.frames, 0) && B(p.frames, (p.nFrames - 1) * 2));
  const s = transitionFromTrajectory(traj, xs.length, 2, A, B, { which: 'shortest' })!;
  assert.equal(Array.from(s.frames.filter((_, k) => k % 2 === 1)), [16, 15, 14, 13]); // B -> A reversed: A first
  assert.ok(A(s.frames, 0) && B(s.frames, 6));
  // only a B -> A transition: returned reversed
  const back = traj.subarray(10 * 2);
  const r = transitionFromTrajectory(back, xs.length - 10, 2, A, B)!;
  assert.equal(Array.from(r.frames.filter((_, k) => k % 2 === 1)), [16, 15, 14, 13]);
  assert.is(transitionFromTrajectory(traj.subarray(0, 18), 9, 2, A, B), null);
});

test('bad input is named', () => {
  assert.throws(() => findTransitions(traj, 5, 2, A, B), /36 values for 5 frames of dim 2/);
  const bad = Float64Array.from(traj);
  bad[6] = NaN;
  assert.throws(() => findTransitions(bad, xs.length, 2, A, B), /coordinate 0 of frame 3 is NaN/);
  assert.throws(() => findTransitions(traj, xs.length, 2, A, (x, o = 0) => x[o] <= -1.4), /frame 5 lies in both A and B/);
  assert.throws(() => transitionFromTrajectory(traj, xs.length, 2, A, B, { which: 'last' as 'first' }), /which must be 'first' or 'shortest'/);
});

test.run();
