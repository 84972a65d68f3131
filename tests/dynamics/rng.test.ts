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

// Standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7, far below the KS resolution).
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2, t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

test('normal deviates follow the Gaussian CDF (Kolmogorov-Smirnov), tails and lag-1 correlation included', () => {
  const r = new Rng(2024);
  const n = 200_000;
  const z = new Float64Array(n);
  r.fillNormal(z);
  let lag = 0;
  for (let i = 1; i < n; i++) lag += z[i] * z[i - 1];
  const sorted = Float64Array.from(z).sort();
  let d = 0;
  for (let i = 0; i < n; i++) { const c = phi(sorted[i]); d = Math.max(d, Math.abs(c - i / n), Math.abs((i + 1) / n - c)); }
  assert.ok(d < 1.95 / Math.sqrt(n), `KS distance ${d} above the 0.1 % critical value ${1.95 / Math.sqrt(n)}`);
  // beyond the ziggurat's base strip (R = 3.44) the tail algorithm takes over: P(|z| > 3.5) = 4.65e-4
  const tail = z.reduce((a, v) => a + (Math.abs(v) > 3.5 ? 1 : 0), 0) / n;
  assert.ok(Math.abs(tail - 4.6525e-4) < 5 * Math.sqrt(4.6525e-4 / n), `P(|z| > 3.5) = ${tail}`);
  assert.ok(Math.abs(lag / n) < 5 / Math.sqrt(n), `lag-1 correlation ${lag / n}`);
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
