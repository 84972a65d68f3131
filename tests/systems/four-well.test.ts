import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FourWell1D } from '../../lib/systems/four-well.js';

test('four-well: forces are -dV/dx, barriers 1.6 / 0.4 / 1.0 kT between four wells', () => {
  const p = new FourWell1D();
  const xs = Float64Array.of(-1.1, -0.6, -0.3, 0.05, 0.3, 0.55, 0.9);
  const f = new Float64Array(7), e = new Float64Array(7);
  p.forces(xs, f, 7, e);
  for (let i = 0; i < 7; i++) {
    const h = 1e-6, fd = -(p.energy([xs[i] + h]) - p.energy([xs[i] - h])) / (2 * h);
    assert.ok(Math.abs(f[i] - fd) < 1e-6 * Math.max(1, Math.abs(fd)), `F(${xs[i]}) = ${f[i]} vs ${fd}`);
    assert.ok(Math.abs(e[i] - p.energy([xs[i]])) < 1e-14);
  }
  // V at the bump centres: 2 (0.8 + tails) etc.
  assert.ok(Math.abs(p.energy([0]) - 1.6) < 1e-3);
  assert.ok(Math.abs(p.energy([0.5]) - 2 * (0.2 + 0.5 ** 8)) < 1e-3);
  assert.ok(Math.abs(p.energy([-0.5]) - 2 * (0.5 + 0.5 ** 8)) < 1e-3);
});

test.run();
