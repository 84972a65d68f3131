import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { Rng } from '../../lib/dynamics/rng.js';

test('Müller-Brown forces equal central finite differences of the energy (relative 1e-7) at 200 random points', () => {
  const rng = new Rng(11);
  for (const scale of [1, 0.25]) {
    const mb = new MullerBrown({ scale });
    const x = new Float64Array(2), f = new Float64Array(2), e = new Float64Array(1);
    let worst = 0;
    for (let t = 0; t < 100; t++) {
      x[0] = rng.uniform(-1.5, 1.2);
      x[1] = rng.uniform(-0.5, 2.0);
      mb.forces(x, f, 1, e);
      assert.ok(Math.abs(e[0] - mb.energy(x)) <= 1e-13 * Math.abs(e[0]));
      for (let k = 0; k < 2; k++) {
        const h = 1e-5, x0 = x[k];
        x[k] = x0 + h; const ep = mb.energy(x);
        x[k] = x0 - h; const em = mb.energy(x);
        x[k] = x0;
        const fd = -(ep - em) / (2 * h);
        const rel = Math.abs(fd - f[k]) / Math.max(Math.abs(f[k]), 1);
        worst = Math.max(worst, rel);
      }
    }
    assert.ok(worst < 1e-7, `worst relative deviation ${worst} (scale ${scale})`);
  }
});

test('Müller-Brown: vectorised forces equal per-walker forces; scale multiplies energies and forces', () => {
  const mb = new MullerBrown(), mb2 = new MullerBrown({ scale: 0.5 });
  const x = Float64Array.from([-0.5, 1.4, 0.6, 0.03, 0, 0.5]);
  const f = new Float64Array(6), e = new Float64Array(3), f2 = new Float64Array(6), e2 = new Float64Array(3);
  mb.forces(x, f, 3, e);
  mb2.forces(x, f2, 3, e2);
  for (let w = 0; w < 3; w++) {
    const fw = new Float64Array(2);
    mb.forces(x.subarray(2 * w, 2 * w + 2), fw, 1);
    assert.equal([f[2 * w], f[2 * w + 1]], [fw[0], fw[1]]);
    assert.ok(Math.abs(e2[w] - 0.5 * e[w]) < 1e-12 && Math.abs(f2[2 * w] - 0.5 * f[2 * w]) < 1e-12);
  }
});

test.run();
