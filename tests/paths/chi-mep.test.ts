import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chiMep, minimizeOnLevel, ChiMepError } from '../../lib/paths/chi-mep.js';
import { stringMethod } from '../../lib/paths/string.js';
import { pathDistance, distanceToPolyline, symmetricPathDistance } from '../../lib/paths/distance.js';
import { GridGenerator } from '../../lib/grid/generator.js';
import { findSaddle } from '../../lib/dynamics/saddle.js';
import { minimize } from '../../lib/dynamics/minimize.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { ball } from '../../lib/systems/regions.js';
import { gradient, type Potential } from '../../lib/systems/potential.js';
import type { ChiField } from '../../lib/isokann/model.js';

// Curved valley V = 3 (x^2 - 1)^2 + 2 (y - 0.3 x^2)^2: on every vertical line x = a the minimum is
// at y = 0.3 a^2, so for a chi depending on x only the exact chi-MEP is the parabola y = 0.3 x^2.
const valley: Potential = {
  dim: 2, name: 'curved valley',
  energy: (x, o = 0) => 3 * (x[o] ** 2 - 1) ** 2 + 2 * (x[o + 1] - 0.3 * x[o] ** 2) ** 2,
  forces(x, f, n, e) {
    for (let w = 0; w < n; w++) {
      const a = x[2 * w], b = x[2 * w + 1], r = b - 0.3 * a * a;
      f[2 * w] = -(12 * a * (a * a - 1) - 2.4 * a * r);
      f[2 * w + 1] = -4 * r;
      if (e) e[w] = 3 * (a * a - 1) ** 2 + 2 * r * r;
    }
  },
};
/** chi = s * sigmoid(k (x + t y)) with its analytic gradient. */
function sigmoidChi(k: number, t: number, s = 1): ChiField {
  return {
    dim: 2,
    evaluate(x, n, grad) {
      const out = new Float64Array(n);
      for (let p = 0; p < n; p++) {
        const sg = 1 / (1 + Math.exp(-k * (x[2 * p] + t * x[2 * p + 1])));
        out[p] = s * sg;
        if (grad) { grad[2 * p] = s * k * sg * (1 - sg); grad[2 * p + 1] = s * k * t * sg * (1 - sg); }
      }
      return out;
    },
  };
}

test('curved valley, chi = sigmoid(2x): the chi-MEP is the parabola y = 0.3 x^2 (1e-6), on the requested levels (1e-8)', () => {
  const chi = sigmoidChi(2, 0);
  const [path] = chiMep(valley, chi, [-1, 0.5], { from: 0.05, to: 0.95, step: 0.05, gradientTolerance: 1e-7, angleTolerance: 1e-12, levelTolerance: 1e-9 });
  assert.ok(path.complete, path.message);
  assert.is(path.points.length / 2, 20); // 19 grid levels + the start's own level
  const values = chi.evaluate(path.points, 20);
  for (let i = 0; i < 20; i++) {
    const x = path.points[2 * i], y = path.points[2 * i + 1];
    assert.ok(Math.abs(y - 0.3 * x * x) < 1e-6, `point ${i} (${x}, ${y})`);
    assert.ok(Math.abs(values[i] - path.chi[i]) < 1e-12 && path.projectedGradient[i] <= 1e-7);
    if (i !== path.startIndex) assert.ok(Math.abs(path.chi[i] - (0.05 * Math.round(path.chi[i] / 0.05))) < 1e-8, `level ${path.chi[i]}`);
    if (i > 0) assert.ok(path.chi[i] > path.chi[i - 1], 'ordered by chi');
  }
  assert.ok(Math.abs(path.chi[path.startIndex] - chi.evaluate(Float64Array.from([-1, 0.5]), 1)[0]) < 1e-8, "the start's own level");
});

test('tilted chi = sigmoid(2 (x + 0.5 y)): each point is the minimum of V on its level line (golden-section check)', () => {
  const [path] = chiMep(valley, sigmoidChi(2, 0.5), [0.2, 0.1], { from: 0.1, to: 0.9, step: 0.1, gradientTolerance: 1e-8, angleTolerance: 1e-12 });
  assert.ok(path.complete, path.message);
  for (let i = 0; i < path.chi.length; i++) {
    const u = Math.log(path.chi[i] / (1 - path.chi[i])) / 2; // level line x + 0.5 y = u, parametrised by y
    const along = (y: number) => valley.energy([u - 0.5 * y, y]);
    const yc = path.points[2 * i + 1];
    let lo = yc - 0.3, hi = yc + 0.3;
    for (let it = 0; it < 200; it++) {
      const m1 = lo + (hi - lo) * 0.381966, m2 = hi - (hi - lo) * 0.381966;
      if (along(m1) < along(m2)) hi = m2; else lo = m1;
    }
    assert.ok(Math.abs(0.5 * (lo + hi) - yc) < 1e-6, `level ${path.chi[i]}: y = ${yc} vs line minimum ${0.5 * (lo + hi)}`);
  }
});

test('Müller-Brown with the grid chi (kT = 15, 2nd eigenfunction and committor): chi-MEP within 0.05 of the string MEP, through both saddles', () => {
  const mb = new MullerBrown();
  const mep = stringMethod(mb, [-0.558, 1.442, 0.623, 0.028], { images: 60 });
  assert.ok(mep.converged);
  const saddles = [findSaddle(mb, [-0.8, 0.6]).x, findSaddle(mb, [0.2, 0.3]).x];
  const cMin = minimize(mb, [-0.05, 0.47]).x;
  const g = new GridGenerator(mb, { lo: [-1.5, -0.5], hi: [1.2, 2], shape: [90, 84], kT: 15 });
  const phi = g.eigenfunctions(2).functions[1];
  // ISOKANN-like chi: the eigenfunction shifted and scaled to 0 and 1 at the two deep minima.
  const [pa, pb] = g.interpolate(phi, [-0.558, 1.442, 0.623, 0.028], 2);
  const chis = {
    eigenfunction: g.field(phi.map((v) => (v - pa) / (pb - pa))),
    committor: g.field(g.committor(ball([-0.558, 1.442], 0.1), ball([0.623, 0.028], 0.1))),
  };
  // Start points ("magenta diamonds") in the two deep basins, off the minima.
  const starts = [-0.45, 1.3, 0.5, 0.1];
  for (const [name, chi] of Object.entries(chis)) {
    const paths = chiMep(mb, chi, starts);
    assert.is(paths.length, 2);
    for (const p of paths) {
      assert.ok(p.complete, `${name}: ${p.message}`);
      // Every level solved: |P grad V| <= 1e-3 or <= 1e-4 |grad V| (the default tolerances).
      p.projectedGradient.forEach((v, i) => {
        const gv = gradient(mb, p.points.subarray(2 * i, 2 * i + 2));
        assert.ok(v <= Math.max(1e-3, 1e-4 * Math.hypot(gv[0], gv[1])), `${name}: point ${i} |P grad V| = ${v}`);
      });
      const mean = pathDistance(p.points, mep.images, 2);
      assert.ok(mean <= 0.05, `${name}: mean distance to the MEP ${mean}`);
      for (const s of saddles) {
        const d = distanceToPolyline(s, p.points, 2);
        assert.ok(d <= 0.05, `${name}: saddle ${Array.from(s)} is ${d} from the chi-MEP`);
      }
      assert.ok(distanceToPolyline(cMin, p.points, 2) <= 0.05, `${name}: intermediate minimum`);
    }
    // Both starts give the same curve.
    assert.ok(symmetricPathDistance(paths[0].points, paths[1].points, 2) < 0.03, `${name}: the two branches differ`);
  }
});

test('a float32 chi (values and gradients rounded like a tfjs network) still gives complete, accurate paths', () => {
  const exact = sigmoidChi(2, 0.5);
  const f32: ChiField = {
    dim: 2,
    evaluate(x, n, grad) {
      const v = exact.evaluate(Float32Array.from(x) as unknown as Float64Array, n, grad).map(Math.fround);
      if (grad) for (let i = 0; i < grad.length; i++) grad[i] = Math.fround(grad[i]);
      return v;
    },
  };
  const [a] = chiMep(valley, exact, [0.2, 0.1], { from: 0.05, to: 0.95, step: 0.05 });
  const [b] = chiMep(valley, f32, [0.2, 0.1], { from: 0.05, to: 0.95, step: 0.05 });
  assert.ok(b.complete, b.message);
  assert.is(b.points.length, a.points.length);
  let worst = 0;
  for (let i = 0; i < a.points.length; i++) worst = Math.max(worst, Math.abs(a.points[i] - b.points[i]));
  assert.ok(worst < 1e-4, `float32 chi moves the path by ${worst}`);
});

test('unreachable levels end the branch with a message (or ChiMepError); bad input is a clear error', () => {
  const capped = sigmoidChi(2, 0, 0.9); // values in (0, 0.9)
  const [p] = chiMep(valley, capped, [-1, 0.3], { from: 0.1, to: 0.95, step: 0.05, maxStep: 0.2 });
  assert.is(p.complete, false);
  assert.match(p.message, /upward/);
  assert.ok(Math.max(...p.chi) < 0.9 && Math.min(...p.chi) < 0.11, `covered ${Math.min(...p.chi)}..${Math.max(...p.chi)}`);
  assert.throws(() => chiMep(valley, capped, [-1, 0.3], { from: 0.1, to: 0.95, step: 0.05, maxStep: 0.2, throwOnFail: true }), (e: unknown) => e instanceof ChiMepError && !e.result.complete);
  const chi = sigmoidChi(2, 0);
  const r = minimizeOnLevel(valley, chi, [0.3, 1], 0.5, { gradientTolerance: 1e-8, angleTolerance: 1e-12 });
  assert.ok(r.converged && Math.abs(r.x[0]) < 1e-8 && Math.abs(r.x[1]) < 1e-7, `level 0.5: ${Array.from(r.x)}`);
  assert.throws(() => chiMep(valley, { dim: 3, evaluate: () => new Float64Array(1) }, [0, 0]), /chi has dim 3/);
  assert.throws(() => chiMep(valley, chi, [0, 0], { levels: [0.2, 0.1] }), /strictly increasing/);
  assert.throws(() => chiMep(valley, chi, [0, 0, 1]), /starts has length 3/);
  assert.throws(() => chiMep(valley, chi, [0, NaN]), /coordinate 1 is NaN/);
});

test.run();
