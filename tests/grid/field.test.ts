import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GridInterpolant, type GridGeometry } from '../../lib/grid/field.js';
import { Rng } from '../../lib/dynamics/rng.js';

const geom: GridGeometry = { lo: [-1, 0.5], hi: [2, 2.5], shape: [16, 11], coordinates: [0, 1], dim: 2 };
function nodes(f: (x: number, y: number) => number, g: GridGeometry = geom): Float64Array {
  const [nx, ny] = g.shape;
  const hx = (g.hi[0] - g.lo[0]) / (nx - 1), hy = (g.hi[1] - g.lo[1]) / (ny - 1);
  const v = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) v[i + nx * j] = f(g.lo[0] + i * hx, g.lo[1] + j * hy);
  return v;
}

test('bilinear: exact for a + b x + c y + d x y (values and gradients) anywhere on the grid, edges included', () => {
  const f = (x: number, y: number) => 0.3 - 1.2 * x + 0.7 * y + 0.45 * x * y;
  const field = new GridInterpolant(geom, nodes(f), { method: 'linear' });
  const rng = new Rng(5);
  const n = 200, x = new Float64Array(2 * n);
  for (let p = 0; p < n; p++) { x[2 * p] = rng.uniform(-1, 2); x[2 * p + 1] = rng.uniform(0.5, 2.5); }
  x.set([-1, 0.5, 2, 2.5], 0);
  const grad = new Float64Array(2 * n);
  const v = field.evaluate(x, n, grad);
  for (let p = 0; p < n; p++) {
    const px = x[2 * p], py = x[2 * p + 1];
    assert.ok(Math.abs(v[p] - f(px, py)) < 1e-12, `value at (${px}, ${py})`);
    assert.ok(Math.abs(grad[2 * p] - (-1.2 + 0.45 * py)) < 1e-11 && Math.abs(grad[2 * p + 1] - (0.7 + 0.45 * px)) < 1e-11);
  }
});

test('cubic: exact for quadratics away from the edges; gradient equals finite differences of the interpolant; C1 across cells', () => {
  const f = (x: number, y: number) => 0.5 * x * x - x * y + 2 * y * y - x + 3;
  const field = new GridInterpolant(geom, nodes(f));
  assert.is(field.method, 'cubic');
  const rng = new Rng(6);
  const n = 100, x = new Float64Array(2 * n), grad = new Float64Array(2 * n);
  for (let p = 0; p < n; p++) { x[2 * p] = rng.uniform(-0.8, 1.8); x[2 * p + 1] = rng.uniform(0.7, 2.3); }
  const v = field.evaluate(x, n, grad);
  for (let p = 0; p < n; p++) {
    const px = x[2 * p], py = x[2 * p + 1];
    assert.ok(Math.abs(v[p] - f(px, py)) < 1e-12, `value ${v[p]} vs ${f(px, py)}`);
    assert.ok(Math.abs(grad[2 * p] - (px - py - 1)) < 1e-11 && Math.abs(grad[2 * p + 1] - (-px + 4 * py)) < 1e-11);
  }
  // A non-polynomial field: analytic gradient of the interpolant vs its own central differences,
  // including points on cell edges (where a bilinear gradient would jump).
  const g = new GridInterpolant(geom, nodes((a, b) => Math.sin(2 * a) * Math.exp(-b)));
  const hx = 3 / 15;
  const pts = [0.1234, 1.3, -1 + 5 * hx, 1.7, 0.66, 0.5 + 4 * 0.2];
  const gg = new Float64Array(6);
  g.evaluate(Float64Array.from(pts), 3, gg);
  for (let p = 0; p < 3; p++) {
    for (let k = 0; k < 2; k++) {
      const e = 1e-6, a = Float64Array.from(pts.slice(2 * p, 2 * p + 2)), b = Float64Array.from(a);
      a[k] += e; b[k] -= e;
      const fd = (g.evaluate(a, 1)[0] - g.evaluate(b, 1)[0]) / (2 * e);
      // C1 but not C2 at cell edges: the central difference there is off by O(e * jump of f'').
      assert.ok(Math.abs(fd - gg[2 * p + k]) < 1e-6, `point ${p} coordinate ${k}: ${gg[2 * p + k]} vs ${fd}`);
    }
  }
});

test('higher-dimensional configurations: the grid plane is any two coordinates, gradient zero elsewhere', () => {
  const g3: GridGeometry = { ...geom, coordinates: [2, 0], dim: 3 };
  const f = (x: number, y: number) => 2 * x - y;
  const field = new GridInterpolant(g3, nodes(f, g3), { method: 'linear' });
  const grad = new Float64Array(3);
  const v = field.evaluate(Float64Array.from([1.5, 99, 0.2]), 1, grad);
  assert.ok(Math.abs(v[0] - f(0.2, 1.5)) < 1e-12);
  assert.ok(Math.abs(grad[2] - 2) < 1e-12 && Math.abs(grad[0] + 1) < 1e-12 && grad[1] === 0);
});

test('bad input: outside the grid, wrong sizes, non-finite values, unknown method', () => {
  const field = new GridInterpolant(geom, new Float64Array(16 * 11));
  assert.throws(() => field.evaluate(Float64Array.from([2.01, 1]), 1), /point 0 \(2.01, 1\) is outside the grid/);
  assert.throws(() => field.evaluate(Float64Array.from([NaN, 1]), 1), /outside the grid/);
  assert.throws(() => field.evaluate(Float64Array.from([0, 1, 0]), 1), /expected 1 points x 2/);
  assert.throws(() => field.evaluate(Float64Array.from([0, 1]), 1, new Float64Array(3)), /grad has length 3/);
  assert.throws(() => new GridInterpolant(geom, new Float64Array(5)), /5 values for a 16 x 11 grid/);
  assert.throws(() => new GridInterpolant(geom, new Float64Array(176).fill(NaN)), /value at node 0 is NaN/);
  assert.throws(() => new GridInterpolant(geom, new Float64Array(176), { method: 'spline' as 'cubic' }), /unknown method spline/);
});

test.run();
