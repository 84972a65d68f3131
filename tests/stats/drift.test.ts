import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linearDrift } from '../../lib/stats/drift.js';
import { Rng } from '../../lib/dynamics/rng.js';

test('linearDrift: an exact line gives its slope and intercept with zero error', () => {
  const t = Array.from({ length: 50 }, (_, i) => 0.25 * i), y = t.map((v) => 3 - 0.7 * v);
  const d = linearDrift(t, y);
  assert.ok(Math.abs(d.slope + 0.7) < 1e-12 && Math.abs(d.intercept - 3) < 1e-12 && d.standardError < 1e-12);
});

test('linearDrift: with AR(1) noise (phi 0.9) the standard error is calibrated: 2000 samples (N / tau ~ 100): z-scores over 200 series have sd 1 within 10 %, while the independent-noise error would be ~4x too small', () => {
  const rng = new Rng(11), z: number[] = [], naive: number[] = [];
  const n = 2000, phi = 0.9, b = 0.05;
  const t = Array.from({ length: n }, (_, i) => i);
  for (let s = 0; s < 200; s++) {
    let e = rng.normal() / Math.sqrt(1 - phi * phi);
    const y = t.map((ti) => {
      e = phi * e + rng.normal();
      return 1 + b * ti + e;
    });
    const d = linearDrift(t, y);
    z.push((d.slope - b) / d.standardError);
    naive.push((d.slope - b) / (d.standardError / Math.sqrt(d.tau)));
  }
  const sd = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
  assert.ok(Math.abs(sd(z) - 1) < 0.1, `sd of z ${sd(z)}`);
  assert.ok(sd(naive) > 3, `naive sd ${sd(naive)}`);
});

test('linearDrift: bad input', () => {
  assert.throws(() => linearDrift([0, 1, 2], [1, 2, 3]), /at least 4 samples/);
  assert.throws(() => linearDrift([0, 1, 2, 3], [1, 2, NaN, 3]), /sample 2 is not finite/);
  assert.throws(() => linearDrift([1, 1, 1, 1], [1, 2, 3, 4]), /same time/);
});

test.run();
