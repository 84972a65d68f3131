import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BAOAB } from '../../lib/dynamics/langevin.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { Harmonic } from '../../lib/systems/harmonic.js';

// Stationary BAOAB on a harmonic oscillator (m = 1, kT = 1, frequency w, step h): positions are exact,
// <x^2> = 1/w^2; the full-step velocities have <v^2> = 1 - w^2 h^2 / 4, the mid-step (post-O)
// velocities exactly 1 (Leimkuhler & Matthews 2013). A large w h makes the difference obvious.
test('BAOAB mid-step kinetic temperature is exact on a harmonic oscillator; the full-step one is low by w^2 h^2 / 4', () => {
  const w = 0.6, h = 1, n = 2000;
  const integ = new BAOAB(new Harmonic([w * w]), { dt: h, kT: 1, friction: 1 });
  const rng = new Rng(11);
  const x = new Float64Array(n);
  const v = integ.maxwellBoltzmann(n, rng);
  integ.run(x, v, n, 200, rng); // equilibrate
  integ.resetTemperatureAverage();
  let full = 0, x2 = 0;
  const rounds = 400;
  for (let r = 0; r < rounds; r++) {
    integ.run(x, v, n, 1, rng);
    for (let i = 0; i < n; i++) { full += v[i] * v[i]; x2 += x[i] * x[i]; }
  }
  full /= rounds * n;
  x2 /= rounds * n;
  const mid = integ.midStepTemperature().reduce((a, b) => a + b, 0) / n;
  // 8e5 samples, correlation time ~1 step: standard errors ~ 0.002
  assert.ok(Math.abs(mid - 1) < 0.01, `mid-step <v^2> = ${mid}`);
  assert.ok(Math.abs(full - (1 - (w * h) ** 2 / 4)) < 0.01, `full-step <v^2> = ${full}, expected ${1 - (w * h) ** 2 / 4}`);
  assert.ok(Math.abs(x2 * w * w - 1) < 0.015, `<x^2> w^2 = ${x2 * w * w}`);
});

test('midStepTemperature needs steps since the last reset', () => {
  const integ = new BAOAB(new Harmonic([1]), { dt: 0.1, kT: 1, friction: 1 });
  const rng = new Rng(1);
  const x = new Float64Array(3), v = integ.maxwellBoltzmann(3, rng);
  integ.run(x, v, 3, 5, rng);
  assert.is(integ.midStepTemperature().length, 3);
  integ.resetTemperatureAverage();
  assert.throws(() => integ.midStepTemperature(), /no steps run since the last reset/);
});

test.run();
