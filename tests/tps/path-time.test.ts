import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { currentPathFrames, pathTimeConvergence } from '../../lib/tps/path-time.js';
import type { ShotRecord } from '../../lib/tps/shooting.js';

function rec(accepted: boolean, trialFrames: number): ShotRecord {
  return { move: 0, xsp: new Float64Array(1), nA: 1, nB: 1, transition: true, accepted, pAccept: 1, trialFrames, steps: 0 };
}

test('currentPathFrames: a rejected move repeats the current path (the chain, not the accepted list)', () => {
  const r = [rec(false, 9), rec(true, 5), rec(false, 50), rec(false, 7), rec(true, 11)];
  assert.equal(Array.from(currentPathFrames(r, 21)), [21, 5, 5, 5, 11]);
});

test('pathTimeConvergence: durations (n - 1) * frameTime, accepted counts and running means', () => {
  const c = pathTimeConvergence([rec(true, 3), rec(false, 9), rec(true, 6)], { initialFrames: 10, frameTime: 0.01 });
  assert.equal(Array.from(c.accepted), [1, 1, 2]);
  const expect = [0.02, 0.02, 0.05];
  expect.forEach((t, i) => assert.ok(Math.abs(c.time[i] - t) < 1e-15));
  [0.02, 0.02, 0.03].forEach((m, i) => assert.ok(Math.abs(c.runningMean[i] - m) < 1e-15, `running mean ${i}: ${c.runningMean[i]}`));
});

test('pathTimeConvergence: bad input is named', () => {
  assert.throws(() => currentPathFrames([], 1), /initialFrames must be an integer >= 2/);
  assert.throws(() => currentPathFrames([rec(true, 1)], 5), /accepted move 0 has trialFrames 1/);
  assert.throws(() => pathTimeConvergence([], { initialFrames: 5, frameTime: 0 }), /frameTime must be positive/);
});

test.run();
