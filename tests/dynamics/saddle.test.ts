import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findSaddle, SaddleSearchError } from '../../lib/dynamics/saddle.js';
import { numericalHessian, hessianModes, symmetricEigen } from '../../lib/dynamics/hessian.js';
import { minimize } from '../../lib/dynamics/minimize.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { Harmonic } from '../../lib/systems/harmonic.js';

const mb = new MullerBrown();
// Literature saddles (3-decimal positions, 2-decimal energies).
const SADDLES = [
  { x: [-0.822, 0.624], e: -40.66 },
  { x: [0.212, 0.293], e: -72.25 },
];

function checkSaddle(r: ReturnType<typeof findSaddle>, s: (typeof SADDLES)[number]): void {
  assert.ok(r.converged, r.message);
  assert.ok(r.gradNorm < 1e-6, `gradient ${r.gradNorm}`);
  assert.ok(Math.hypot(r.x[0] - s.x[0], r.x[1] - s.x[1]) < 1e-3, `saddle at ${Array.from(r.x)} vs ${s.x}`);
  assert.ok(Math.abs(r.energy - s.e) < 1e-2, `energy ${r.energy} vs ${s.e}`);
  // Independent check of the index with a different finite-difference step.
  const { values } = hessianModes(mb, r.x, 1e-4);
  assert.is(values.filter((v) => v < 0).length, 1, `Hessian eigenvalues ${Array.from(values)}`);
  assert.ok(values[0] < -100 && values[1] > 100, 'well-separated curvatures');
}

test('numerical Hessian of a quadratic equals its matrix; eigen-decomposition sorted ascending', () => {
  const h = new Harmonic([3, 7, 0.5], [1, -2, 0.3]);
  const H = numericalHessian(h, [0.2, 0.1, -1]);
  const want = [3, 0, 0, 0, 7, 0, 0, 0, 0.5];
  for (let i = 0; i < 9; i++) assert.ok(Math.abs(H[i] - want[i]) < 1e-8, `H[${i}] = ${H[i]}`);
  const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
  assert.ok(Math.abs(values[0] - 1) < 1e-14 && Math.abs(values[1] - 3) < 1e-14);
  assert.ok(Math.abs(Math.abs(vectors[0][0]) - Math.SQRT1_2) < 1e-14 && Math.abs(vectors[0][0] + vectors[0][1]) < 1e-14);
});

test('Müller-Brown saddles from nearby guesses (±0.1): gradient < 1e-6, one negative Hessian eigenvalue, literature values', () => {
  const offsets = [[0.08, -0.05], [-0.1, 0.06], [0.03, 0.1]];
  for (const s of SADDLES) {
    for (const o of offsets) checkSaddle(findSaddle(mb, [s.x[0] + o[0], s.x[1] + o[1]], { gradientTolerance: 1e-9 }), s);
  }
});

test('Müller-Brown saddles by walking uphill out of the intermediate minimum along ±softest-mode directions', () => {
  const m = minimize(mb, [-0.05, 0.47], { gradientTolerance: 1e-10 });
  const { vectors } = hessianModes(mb, m.x);
  const soft = vectors[0];
  // The softest mode of the intermediate basin points to the upper-left saddle on one side and to the
  // lower-right saddle on the other; a small push along each direction selects the saddle.
  const found = [1, -1].map((sgn) => findSaddle(mb, [m.x[0] + 0.02 * sgn * soft[0], m.x[1] + 0.02 * sgn * soft[1]], { direction: [sgn * soft[0], sgn * soft[1]], gradientTolerance: 1e-9 }));
  const upperLeft = found.find((r) => r.x[0] < -0.5)!;
  const lowerRight = found.find((r) => r.x[0] > 0)!;
  assert.ok(upperLeft && lowerRight, `found ${found.map((r) => Array.from(r.x))}`);
  checkSaddle(upperLeft, SADDLES[0]);
  checkSaddle(lowerRight, SADDLES[1]);
});

test('a stationary point that is not an index-1 saddle is reported, and throws with throwOnFail', () => {
  // A quadratic bowl: P-RFO cannot find a saddle; it climbs along the softest mode until maxSteps.
  const bowl = new Harmonic([1, 4]);
  const r = findSaddle(bowl, [0.3, 0.2], { maxSteps: 20 });
  assert.is(r.converged, false);
  assert.is(r.index, 0);
  assert.throws(() => findSaddle(bowl, [0.3, 0.2], { maxSteps: 20, throwOnFail: true }), (e: unknown) => e instanceof SaddleSearchError && e.result.index === 0);
  assert.throws(() => findSaddle(mb, [Infinity, 0]), /coordinate 0 is Infinity/);
  assert.throws(() => findSaddle(mb, [0, 0], { direction: [0, 0] }), /direction must be a finite non-zero vector/);
});

test.run();
