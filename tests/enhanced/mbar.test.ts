import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { mbar, logSumExp, EnhancedSamplingError } from '../../lib/enhanced/index.js';

// Harmonic states u_k(x) = (x - mu_k)^2 / (2 sigma_k^2) in kT: f_k = -ln(sqrt(2 pi) sigma_k) exactly.
const mu = [0, 0.6, 1.2, 1.8, 0.9];
const sigma = [1, 0.8, 1.2, 0.6, 0.9];
const exact = sigma.map((s) => -Math.log(s / sigma[0]));

function gaussianData(perState: number[], seed: number): { u: Float64Array; counts: number[]; x: Float64Array } {
  const rng = new Rng(seed);
  const xs: number[] = [];
  perState.forEach((n, k) => { for (let i = 0; i < n; i++) xs.push(mu[k] + sigma[k] * rng.normal()); });
  const N = xs.length, K = mu.length;
  const u = new Float64Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) u[k * N + n] = (xs[n] - mu[k]) ** 2 / (2 * sigma[k] ** 2);
  return { u, counts: perState, x: Float64Array.from(xs) };
}

test('MBAR recovers exact free-energy differences of Gaussian states sampled exactly', () => {
  // 2000 independent samples per state; the asymptotic MBAR std of these differences is ≈ 0.02-0.04 kT.
  const errs: number[] = [];
  for (const seed of [1, 2, 3]) {
    const { u, counts } = gaussianData([2000, 2000, 2000, 2000, 2000], seed);
    const r = mbar(u, counts);
    assert.ok(r.residual < 1e-10, `residual ${r.residual}`);
    assert.ok(r.iterations < 30, `${r.iterations} Newton iterations`);
    for (let k = 0; k < mu.length; k++) errs.push(Math.abs(r.f[k] - exact[k]));
  }
  const max = Math.max(...errs);
  console.log(`  Gaussian states: max |f_k - exact| over 3 seeds = ${max.toFixed(4)} kT`);
  assert.ok(max < 0.08, `max error ${max}`);
});

test('the solution satisfies the MBAR equations (Eq. 11) and gives an unsampled state its exact free energy', () => {
  const { u, counts } = gaussianData([3000, 3000, 3000, 3000, 0], 7);
  const r = mbar(u, counts);
  const N = counts.reduce((a, b) => a + b, 0), K = counts.length;
  for (let i = 0; i < K; i++) {
    const terms = new Float64Array(N);
    for (let n = 0; n < N; n++) {
      const den = logSumExp(counts.map((c, k) => (c > 0 ? Math.log(c) + r.f[k] - u[k * N + n] : -Infinity)));
      terms[n] = -u[i * N + n] - den;
    }
    assert.ok(Math.abs(-logSumExp(terms) - r.f[i]) < 1e-8, `state ${i}: Eq. 11 gives ${-logSumExp(terms)}, solver ${r.f[i]}`);
  }
  // State 4 (mu 0.9, sigma 0.9) was never sampled: its f comes from reweighting the others.
  assert.ok(Math.abs(r.f[4] - exact[4]) < 0.05, `unsampled state: ${r.f[4]} vs exact ${exact[4]}`);
  // Reference-state weights are normalisable and finite.
  assert.ok(r.logW.every(Number.isFinite));
});

test('MBAR is invariant to the warm start and to shifting one state\'s potential', () => {
  const { u, counts } = gaussianData([500, 500, 500, 500, 500], 11);
  const a = mbar(u, counts);
  const b = mbar(u, counts, { initial: [0, 3, -2, 5, 1] });
  for (let k = 0; k < 5; k++) assert.ok(Math.abs(a.f[k] - b.f[k]) < 1e-9);
  const N = u.length / 5;
  const shifted = Float64Array.from(u);
  for (let n = 0; n < N; n++) shifted[2 * N + n] += 1.5; // u_2 + c  =>  f_2 + c exactly
  const c = mbar(shifted, counts);
  assert.ok(Math.abs(c.f[2] - a.f[2] - 1.5) < 1e-9);
  assert.ok(Math.abs(c.f[3] - a.f[3]) < 1e-9);
});

test('bad input gets an EnhancedSamplingError naming the problem', () => {
  const { u, counts } = gaussianData([10, 10, 10, 10, 10], 1);
  assert.throws(() => mbar(u, [0, 0, 0, 0, 0]), (e: Error) => e instanceof EnhancedSamplingError && /no state has samples/.test(e.message));
  assert.throws(() => mbar(u.subarray(1), counts), (e: Error) => e instanceof EnhancedSamplingError && /expected 5 states x 50 samples/.test(e.message));
  const bad = Float64Array.from(u); bad[7] = NaN;
  assert.throws(() => mbar(bad, counts), (e: Error) => e instanceof EnhancedSamplingError && /state 0, sample 7 is NaN/.test(e.message));
  assert.throws(() => mbar(u, [10, 10, 10, 10, 9.5]), (e: Error) => e.name === 'EnhancedSamplingError' && /counts\[4\]/.test(e.message));
});

test.run();
