import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringMethod, pathEnergyMaxima, pathEnergyMinima, StringMethodError } from '../../lib/paths/string.js';
import { distanceToPolyline } from '../../lib/paths/distance.js';
import { findSaddle } from '../../lib/dynamics/saddle.js';
import { minimize } from '../../lib/dynamics/minimize.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { DoubleWell } from '../../lib/systems/double-well.js';

const mb = new MullerBrown();
const A = [-0.558, 1.442], B = [0.623, 0.028];

test('Müller-Brown MEP between the deep minima passes within 0.02 of both saddles and the intermediate minimum', () => {
  // Reference stationary points from the saddle search and the minimiser.
  const s1 = findSaddle(mb, [-0.8, 0.6], { gradientTolerance: 1e-9 }).x;
  const s2 = findSaddle(mb, [0.2, 0.3], { gradientTolerance: 1e-9 }).x;
  const c = minimize(mb, [-0.05, 0.47], { gradientTolerance: 1e-9 }).x;
  for (const interpolation of ['cubic', 'linear'] as const) {
    const r = stringMethod(mb, [...A, ...B], { images: 50, interpolation });
    assert.ok(r.converged, r.message);
    for (const [name, p] of [['saddle 1', s1], ['saddle 2', s2], ['intermediate minimum', c]] as const) {
      const d = distanceToPolyline(p, r.images, 2);
      assert.ok(d < 0.02, `${interpolation}: ${name} ${Array.from(p)} is ${d} from the MEP`);
    }
    // The free ends relaxed into the minima.
    assert.ok(Math.hypot(r.images[0] - A[0], r.images[1] - A[1]) < 1e-3 && Math.hypot(r.images[98] - B[0], r.images[99] - B[1]) < 1e-3);
    // Energy profile: two maxima (the saddles) around one minimum (the intermediate basin).
    const maxima = pathEnergyMaxima(r.energies), minima = pathEnergyMinima(r.energies);
    assert.is(maxima.length, 2);
    assert.is(minima.length, 1);
    assert.ok(Math.abs(r.energies[maxima[0]] - -40.665) < 0.5 && Math.abs(r.energies[maxima[1]] - -72.249) < 0.5, `barrier images ${r.energies[maxima[0]]}, ${r.energies[maxima[1]]}`);
    assert.ok(Math.abs(r.arcLength[1] - 1 / 49) < 1e-3 && r.arcLength[49] === 1, 'equal arc length');
    assert.ok(Math.abs(r.length - 2.70) < 0.05, `length ${r.length}`);
  }
});

test('saddles from path-based guesses: highest images of the string, tangent as initial direction', () => {
  const r = stringMethod(mb, [...A, ...B], { images: 30 });
  const found = pathEnergyMaxima(r.energies).map((i) => {
    const tangent = [r.images[2 * i + 2] - r.images[2 * i - 2], r.images[2 * i + 3] - r.images[2 * i - 1]];
    return findSaddle(mb, r.images.subarray(2 * i, 2 * i + 2), { direction: tangent, gradientTolerance: 1e-9 });
  });
  assert.is(found.length, 2);
  const want = [[-0.822, 0.624, -40.66], [0.212, 0.293, -72.25]];
  found.forEach((s, k) => {
    assert.ok(s.converged && s.index === 1 && s.gradNorm < 1e-6, s.message);
    assert.ok(Math.hypot(s.x[0] - want[k][0], s.x[1] - want[k][1]) < 1e-3 && Math.abs(s.energy - want[k][2]) < 1e-2, `saddle ${k}: ${Array.from(s.x)} ${s.energy}`);
  });
});

test('double well with a harmonic y: the MEP is the x axis; fixed ends stay; initial guess off the axis relaxes onto it', () => {
  const dw = new DoubleWell(2, 3, 4);
  const r = stringMethod(dw, [-1, 0, 0, 0.4, 1, 0], { images: 21, fixEnds: true, timeStep: 0.01, tolerance: 1e-8 });
  assert.ok(r.converged, r.message);
  for (let i = 0; i < 21; i++) {
    assert.ok(Math.abs(r.images[2 * i + 1]) < 1e-7, `image ${i} at y = ${r.images[2 * i + 1]}`);
    assert.ok(Math.abs(r.images[2 * i] - (-1 + i / 10)) < 1e-6, `image ${i} at x = ${r.images[2 * i]}`);
  }
  assert.ok(Math.abs(r.energies[10] - 3) < 1e-12, 'barrier 3 at the centre image');
});

test('not converged / bad input', () => {
  const r = stringMethod(mb, [...A, ...B], { maxIterations: 5 });
  assert.is(r.converged, false);
  assert.match(r.message, /not converged after 5 iterations/);
  assert.throws(() => stringMethod(mb, [...A, ...B], { maxIterations: 5, throwOnFail: true }), (e: unknown) => e instanceof StringMethodError && e.result.iterations === 5);
  assert.throws(() => stringMethod(mb, [...A]), /at least 2 points/);
  assert.throws(() => stringMethod(mb, [...A, NaN, 0]), /point 1, coordinate 0 is NaN/);
  assert.throws(() => stringMethod(mb, [...A, ...B], { images: 2 }), /images must be at least 3/);
  assert.throws(() => stringMethod(mb, [...A, ...B], { interpolation: 'quadratic' as 'cubic' }), /unknown interpolation quadratic/);
});

test.run();
