import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { minimize, MinimizationError } from '../../lib/dynamics/minimize.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { loadShippedSystem } from '../../lib/forcefield/systems.js';
import { Rng } from '../../lib/dynamics/rng.js';
import type { Potential } from '../../lib/systems/potential.js';

const mb = new MullerBrown();

// Müller-Brown minima as tabulated in the literature since Müller & Brown (1979),
// 3-decimal coordinates and 2-decimal energies.
const MINIMA = [
  { start: [-0.4, 1.3], x: [-0.558, 1.442], e: -146.70 },
  { start: [0.8, 0.1], x: [0.623, 0.028], e: -108.17 },
  { start: [0.1, 0.6], x: [-0.050, 0.467], e: -80.77 },
];

test('Müller-Brown minima: positions within 1e-3, energies within 1e-2 of the literature, gradient < 1e-8', () => {
  for (const m of MINIMA) {
    const r = minimize(mb, m.start, { gradientTolerance: 1e-8 });
    assert.ok(r.converged, r.message);
    assert.ok(r.gradNorm < 1e-8, `gradient ${r.gradNorm}`);
    assert.ok(Math.abs(r.x[0] - m.x[0]) < 1e-3 && Math.abs(r.x[1] - m.x[1]) < 1e-3, `minimum at ${Array.from(r.x)} vs ${m.x}`);
    assert.ok(Math.abs(r.energy - m.e) < 1e-2, `energy ${r.energy} vs ${m.e}`);
    assert.ok(Math.abs(r.energy - mb.energy(r.x)) < 1e-12, 'returned energy is the energy at x');
  }
});

test('Rosenbrock valley: reaches (1, 1) to 1e-7 from (-1.2, 1)', () => {
  const rosen: Potential = {
    dim: 2, name: 'Rosenbrock',
    energy: (x, o = 0) => (1 - x[o]) ** 2 + 100 * (x[o + 1] - x[o] ** 2) ** 2,
    forces(x, f, n, e) {
      for (let w = 0; w < n; w++) {
        const a = x[2 * w], b = x[2 * w + 1];
        f[2 * w] = 2 * (1 - a) + 400 * a * (b - a * a);
        f[2 * w + 1] = -200 * (b - a * a);
        if (e) e[w] = (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      }
    },
  };
  const r = minimize(rosen, [-1.2, 1], { gradientTolerance: 1e-10, maxStep: 0.5 });
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-7 && Math.abs(r.x[1] - 1) < 1e-7, `${Array.from(r.x)}`);
  assert.ok(r.steps < 100, `${r.steps} L-BFGS steps`);
});

test('maxStep bounds every step: from 1 length unit away, at least 10 steps with maxStep 0.1', () => {
  const r = minimize(mb, [-0.558 + 0.7, 1.442 + 0.7], { maxStep: 0.1, gradientTolerance: 1e-8 });
  assert.ok(r.converged);
  assert.ok(r.steps >= 10, `${r.steps} steps`);
});

test('not converged: reported, or thrown with throwOnFail; bad input is a clear error', () => {
  const r = minimize(mb, [0.1, 0.6], { maxSteps: 2 });
  assert.is(r.converged, false);
  assert.is(r.steps, 2);
  assert.match(r.message, /not converged after 2 steps/);
  assert.throws(() => minimize(mb, [0.1, 0.6], { maxSteps: 2, throwOnFail: true }), (e: unknown) => e instanceof MinimizationError && /not converged/.test(e.message) && e.result.steps === 2);
  assert.throws(() => minimize(mb, [NaN, 0.6]), /coordinate 0 is NaN/);
  assert.throws(() => minimize(mb, [0.1, 0.6, 1]), /length 3, expected 1 walkers x 2/);
  assert.throws(() => minimize(mb, [0.1, 0.6], { gradientTolerance: -1 }), /gradientTolerance must be a positive/);
  assert.throws(() => minimize(mb, [0.1, 0.6], { maxSteps: 1.5 }), /maxSteps must be a positive integer/);
});

test('alanine dipeptide: a structure perturbed by 0.02 nm returns to the shipped minimum (energy within 1e-3 kJ/mol, max force < 10 kJ/mol/nm)', () => {
  const sys = loadShippedSystem('alanine-dipeptide');
  const ff = sys.forceField;
  const eShipped = ff.energy(sys.positions);
  const rng = new Rng(7);
  const x = Float64Array.from(sys.positions);
  for (let i = 0; i < x.length; i++) x[i] += 0.02 * rng.normal();
  assert.ok(ff.energy(x) > eShipped + 1000, 'the perturbation is large');
  const r = minimize(ff, x, { gradientTolerance: 1e-3, throwOnFail: true });
  assert.ok(r.energy <= eShipped + 1e-3, `minimised ${r.energy} vs shipped ${eShipped} kJ/mol`);
  assert.ok(Math.abs(r.energy - eShipped) < 1e-3, `same basin: ${r.energy} vs ${eShipped}`);
  assert.ok(r.gradMax < 10, `max force ${r.gradMax} kJ/mol/nm`);
  assert.ok(r.gradNorm <= 1e-3);
});

test.run();
