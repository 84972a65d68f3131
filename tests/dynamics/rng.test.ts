import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';

test('same seed gives the same stream; different seeds and forks differ', () => {
  const a = new Rng(7), b = new Rng(7), c = new Rng(8);
  const xa = Array.from({ length: 5 }, () => a.next());
  const xb = Array.from({ length: 5 }, () => b.next());
  const xc = Array.from({ length: 5 }, () => c.next());
  assert.equal(xa, xb);
  assert.not.equal(xa, xc);
  assert.equal(new Rng(7).fork(3).next(), new Rng(7).fork(3).next());
  assert.not.equal(new Rng(7).fork(3).next(), new Rng(7).fork(4).next());
});

test('normal deviates have mean 0 and variance 1 within 5 standard errors', () => {
  const r = new Rng(123);
  const n = 400_000;
  let s = 0, s2 = 0, s4 = 0;
  for (let i = 0; i < n; i++) { const z = r.normal(); s += z; s2 += z * z; s4 += z ** 4; }
  assert.ok(Math.abs(s / n) < 5 / Math.sqrt(n), `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 5 * Math.sqrt(2 / n), `variance ${s2 / n}`);
  assert.ok(Math.abs(s4 / n - 3) < 5 * Math.sqrt(96 / n), `kurtosis ${s4 / n}`);
});

test('uniform draws fill [0,1) evenly (chi-square over 20 bins)', () => {
  const r = new Rng(5);
  const bins = new Float64Array(20);
  const n = 200_000;
  for (let i = 0; i < n; i++) bins[Math.floor(r.next() * 20)]++;
  const e = n / 20;
  const chi2 = bins.reduce((acc, o) => acc + (o - e) ** 2 / e, 0);
  assert.ok(chi2 < 43.8, `chi2 ${chi2} above the 0.1 % critical value for 19 dof`);
});

test('bad seeds are rejected by name', () => {
  assert.throws(() => new Rng(-1), /seed/);
  assert.throws(() => new Rng(1.5), /seed/);
});

test.run();
