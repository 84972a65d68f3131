import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { BAOAB, EulerMaruyama, DivergenceError } from '../../lib/dynamics/langevin.js';
import { Harmonic } from '../../lib/systems/harmonic.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';

/**
 * Histogram of walker coordinate 0 against the Boltzmann density of a harmonic well,
 * p(x) ∝ exp(-k x^2 / 2kT): a chi-square test over bins within ±3 sigma.
 */
function boltzmannChi2(samples: Float64Array, k: number, kT: number, bins = 24): { chi2: number; dof: number } {
  const sigma = Math.sqrt(kT / k);
  const lo = -3 * sigma, hi = 3 * sigma, w = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  for (const s of samples) {
    const b = Math.floor((s - lo) / w);
    if (b >= 0 && b < bins) counts[b]++;
  }
  const n = samples.length;
  // Expected counts from the exact Gaussian CDF over each bin.
  const cdf = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
  let chi2 = 0;
  for (let b = 0; b < bins; b++) {
    const e = n * (cdf((lo + (b + 1) * w) / sigma) - cdf((lo + b * w) / sigma));
    chi2 += (counts[b] - e) ** 2 / e;
  }
  return { chi2, dof: bins - 1 };
}

function erf(x: number): number {
  // Chebyshev fit of erfc (Numerical Recipes erfcc, fractional error < 1.2e-7): ample for expected bin counts.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
}

/** Run many independent walkers, taking decorrelated samples of coordinate 0. */
function sampleHarmonic(kind: 'baoab' | 'em', seed: number): Float64Array {
  const k = 4, kT = 0.5, nWalkers = 2000, rng = new Rng(seed);
  const pot = new Harmonic([k, 1]);
  const x = new Float64Array(nWalkers * 2);
  const out: number[] = [];
  if (kind === 'baoab') {
    const integ = new BAOAB(pot, { dt: 0.1, kT, friction: 1, masses: 1 });
    const v = integ.maxwellBoltzmann(nWalkers, rng);
    integ.run(x, v, nWalkers, 200, rng); // equilibrate
    for (let r = 0; r < 10; r++) {
      integ.run(x, v, nWalkers, 20, rng);
      for (let w = 0; w < nWalkers; w++) out.push(x[2 * w]);
    }
  } else {
    const integ = new EulerMaruyama(pot, { dt: 0.002, kT });
    integ.run(x, nWalkers, 1500, rng);
    for (let r = 0; r < 10; r++) {
      integ.run(x, nWalkers, 150, rng);
      for (let w = 0; w < nWalkers; w++) out.push(x[2 * w]);
    }
  }
  return Float64Array.from(out);
}

test('BAOAB samples the Boltzmann x-marginal of a harmonic well (chi-square, 0.1 % level)', () => {
  const s = sampleHarmonic('baoab', 11);
  const { chi2, dof } = boltzmannChi2(s, 4, 0.5);
  // 0.1 % critical value for 23 dof is 49.7; samples are 20 steps (2 relaxation times) apart, nearly independent.
  assert.ok(chi2 < 49.7, `chi2 ${chi2.toFixed(1)} for ${dof} dof`);
  let v = 0;
  for (const z of s) v += z * z;
  v /= s.length;
  // <x^2> = kT/k = 0.125 exactly for BAOAB in a harmonic well, whatever dt.
  assert.ok(Math.abs(v - 0.125) < 0.004, `<x^2> = ${v}`);
});

test('Euler-Maruyama samples the Boltzmann x-marginal (dt bias O(k dt) = 0.8 %)', () => {
  const s = sampleHarmonic('em', 12);
  let v = 0;
  for (const z of s) v += z * z;
  v /= s.length;
  // EM in a harmonic well has stationary variance kT/k / (1 - k dt / 2) = 0.125 * 1.004.
  assert.ok(Math.abs(v - 0.125 / (1 - 0.004)) < 0.004, `<x^2> = ${v}`);
  const { chi2 } = boltzmannChi2(s, 4, 0.5);
  assert.ok(chi2 < 49.7, `chi2 ${chi2.toFixed(1)}`);
});

test('BAOAB kinetic energy is kT/2 per degree of freedom', () => {
  const pot = new MullerBrown();
  const rng = new Rng(3);
  const n = 500;
  const integ = new BAOAB(pot, { dt: 1e-3, kT: 10, friction: 5, masses: 1 });
  const x = new Float64Array(n * 2);
  for (let w = 0; w < n; w++) { x[2 * w] = 0.623; x[2 * w + 1] = 0.028; }
  const v = integ.maxwellBoltzmann(n, rng);
  integ.run(x, v, n, 2000, rng);
  let ke = 0;
  for (const vi of v) ke += 0.5 * vi * vi;
  ke /= n * 2;
  assert.ok(Math.abs(ke - 5) < 0.35, `<mv^2/2> per dof = ${ke}, expected 5 (kT/2), 3 standard errors`);
});

test('same seed gives the same trajectory; a different seed does not', () => {
  const run = (seed: number) => {
    const pot = new MullerBrown();
    const rng = new Rng(seed);
    const integ = new BAOAB(pot, { dt: 1e-4, kT: 15, friction: 10 });
    const x = Float64Array.from([-0.5, 1.4, 0.6, 0.0]);
    const v = integ.maxwellBoltzmann(2, rng);
    integ.run(x, v, 2, 500, rng);
    return Array.from(x);
  };
  assert.equal(run(5), run(5));
  assert.not.equal(run(5), run(6));
});

test('a diverging integration raises a DivergenceError naming walker and step', () => {
  const pot = new MullerBrown();
  const integ = new EulerMaruyama(pot, { dt: 0.05, kT: 1, checkEvery: 1 });
  const x = Float64Array.from([-1.5, 2.5]);
  try {
    integ.run(x, 1, 1000, new Rng(1));
    assert.unreachable('should have diverged');
  } catch (e) {
    assert.instance(e, DivergenceError);
    assert.match((e as Error).message, /diverged at step \d+ for walker 0/);
  }
});

test('NaN coordinates and wrong lengths are rejected by name', () => {
  const pot = new MullerBrown();
  const integ = new BAOAB(pot, { dt: 1e-4, kT: 1, friction: 1 });
  assert.throws(() => integ.run(Float64Array.from([NaN, 0]), new Float64Array(2), 1, 1, new Rng(1)), /positions of walker 0, coordinate 0 is NaN/);
  assert.throws(() => integ.run(new Float64Array(3), new Float64Array(3), 1, 1, new Rng(1)), /length 3, expected 1 walkers x 2/);
  assert.throws(() => new BAOAB(pot, { dt: -1, kT: 1, friction: 1 }), /dt must be positive/);
});

test.run();
