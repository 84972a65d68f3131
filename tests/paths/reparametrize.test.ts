import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resamplePath, arcLength } from '../../lib/paths/reparametrize.js';
import { pathDistance, symmetricPathDistance, maxPathDistance, distanceToPolyline, pathPointDistances } from '../../lib/paths/distance.js';

test('resampling a circular arc: equal chords, points on the circle (cubic 3e-5 with natural end conditions, linear within the chord sagitta)', () => {
  // 41 unequally spaced points on a quarter circle of radius 2.
  const n = 41, pts = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) { const t = (Math.PI / 2) * (i / (n - 1)) ** 2; pts[2 * i] = 2 * Math.cos(t); pts[2 * i + 1] = 2 * Math.sin(t); }
  for (const method of ['cubic', 'linear'] as const) {
    const out = resamplePath(pts, 2, 21, method);
    const s = arcLength(out, 2);
    const seg = s[20] / 20;
    for (let i = 1; i <= 20; i++) assert.ok(Math.abs(s[i] - s[i - 1] - seg) < 2e-3 * seg, `${method}: segment ${i} ${s[i] - s[i - 1]} vs ${seg}`);
    let worst = 0;
    for (let i = 0; i < 21; i++) worst = Math.max(worst, Math.abs(Math.hypot(out[2 * i], out[2 * i + 1]) - 2));
    assert.ok(worst < (method === 'cubic' ? 3e-5 : 2e-3), `${method}: off the circle by ${worst}`);
    assert.equal([out[0], out[1], out[40], out[41]], [pts[0], pts[1], pts[80], pts[81]]);
  }
});

test('resampling a straight line is exact; repeated points are tolerated', () => {
  const line = Float64Array.from([0, 0, 0, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 1, 2, 3]); // a repeated point
  const out = resamplePath(line, 3, 5, 'cubic');
  for (let i = 0; i < 5; i++) for (let k = 0; k < 3; k++) assert.ok(Math.abs(out[3 * i + k] - (i / 4) * (k + 1)) < 1e-14);
  assert.throws(() => resamplePath([1, 1, 1, 1], 2, 5), /all points coincide/);
  assert.throws(() => resamplePath([1, 1, 1], 2, 5), /not a positive multiple of dim 2/);
  assert.throws(() => resamplePath([0, 0, NaN, 1], 2, 5), /point 1, coordinate 0 is NaN/);
});

test('path distances: parallel segments, point-to-polyline, one-sided and symmetric', () => {
  const a = Float64Array.from([0, 0, 1, 0, 2, 0]);
  const b = Float64Array.from([0, 1, 2, 1]);
  assert.is(pathDistance(a, b, 2), 1);
  assert.is(symmetricPathDistance(a, b, 2), 1);
  assert.ok(Math.abs(distanceToPolyline([3, 4], a, 2) - Math.hypot(1, 4)) < 1e-15);
  assert.is(distanceToPolyline([1.5, -0.25], a, 2), 0.25);
  // A short path lying on a long one: distance 0 one way, not the other.
  const c = Float64Array.from([0.5, 0, 1.5, 0]);
  assert.is(pathDistance(c, a, 2), 0);
  assert.ok(Math.abs(pathDistance(a, c, 2) - 1 / 3) < 1e-15); // points 0 and 2 are 0.5 away, point 1 on it
  assert.is(maxPathDistance(a, c, 2), 0.5);
  assert.equal(Array.from(pathPointDistances(a, c, 2)), [0.5, 0, 0.5]);
  assert.throws(() => pathDistance(a, [0, 0, 1], 2), /second path: length 3/);
});

test.run();
