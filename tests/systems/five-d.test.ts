import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FiveDModel, MULLER_BROWN_5D, THREE_WELL_5D, FIVE_D_BASINS, Surface2d, reducedCoordinates } from '../../lib/systems/five-d.js';
import { stringBarriers } from '../../lib/paths/barriers.js';
import { Rng } from '../../lib/dynamics/rng.js';

test('5-D model: forces equal central finite differences, energy depends only on (x~, y~)', () => {
  const rng = new Rng(3);
  for (const c of [MULLER_BROWN_5D, THREE_WELL_5D]) {
    const m = new FiveDModel(c);
    const x = new Float64Array(5), f = new Float64Array(5), e = new Float64Array(1);
    let worst = 0;
    for (let t = 0; t < 100; t++) {
      for (let k = 0; k < 4; k++) x[k] = rng.uniform(-2.5, 2.5);
      x[4] = rng.uniform(-3000, 3000);
      m.forces(x, f, 1, e);
      assert.ok(Math.abs(e[0] - m.energy(x)) < 1e-14);
      for (let k = 0; k < 5; k++) {
        const h = k === 4 ? 1e-2 : 1e-6, x0 = x[k];
        x[k] = x0 + h; const ep = m.energy(x);
        x[k] = x0 - h; const em = m.energy(x);
        x[k] = x0;
        worst = Math.max(worst, Math.abs(-(ep - em) / (2 * h) - f[k]) / Math.max(Math.abs(f[k]), 1e-3));
      }
      // Rotating (x1, x2) and (x3, x4) leaves the energy unchanged (Eqs. 8-9).
      const th = rng.uniform(0, 2 * Math.PI), ph = rng.uniform(0, 2 * Math.PI);
      const r = Float64Array.of(Math.cos(th) * x[0] - Math.sin(th) * x[1], Math.sin(th) * x[0] + Math.cos(th) * x[1], Math.cos(ph) * x[2] - Math.sin(ph) * x[3], Math.sin(ph) * x[2] + Math.cos(ph) * x[3], x[4]);
      assert.ok(Math.abs(m.energy(r) - e[0]) < 1e-12);
      const [xt, yt] = reducedCoordinates(x);
      assert.ok(Math.abs(m.surface.energy([xt, yt]) - e[0]) < 1e-14);
    }
    assert.ok(worst < 1e-6, `worst relative force error ${worst}`);
  }
});

test('string method gives the stated barriers: Müller-Brown 0.9 / 0.6 eV, three-well 1.0 eV (A/B -> C) and 1.2 eV (A -> B)', () => {
  const mb = new Surface2d(MULLER_BROWN_5D);
  const r = stringBarriers(mb, FIVE_D_BASINS.mullerBrown.A, FIVE_D_BASINS.mullerBrown.B, { timeStep: 0.01, images: 80 });
  console.log(`  MB: A->B ${r.forward.toFixed(4)} eV, B->A ${r.backward.toFixed(4)} eV, saddle (${Array.from(r.saddle.x, (v) => v.toFixed(3))}) ${r.saddle.converged ? 'refined' : 'image'}`);
  assert.ok(r.saddle.converged);
  assert.ok(Math.abs(r.forward - 0.9) < 0.002 && Math.abs(r.backward - 0.6) < 0.002);
  const tw = new Surface2d(THREE_WELL_5D);
  const b = FIVE_D_BASINS.threeWell;
  const ac = stringBarriers(tw, b.A, b.C, { timeStep: 0.01, images: 60 });
  const bc = stringBarriers(tw, b.B, b.C, { timeStep: 0.01, images: 60 });
  // The direct A -> B path runs over the lower saddle; started as a straight line it stays there by symmetry.
  const ab = stringBarriers(tw, b.A, b.B, { timeStep: 0.01, images: 60 });
  console.log(`  three-well: A->C ${ac.forward.toFixed(4)}, B->C ${bc.forward.toFixed(4)}, C->A ${ac.backward.toFixed(4)}, A->B ${ab.forward.toFixed(4)} eV (saddle y~ ${ab.saddle.x[1].toFixed(3)})`);
  for (const v of [ac.forward, bc.forward]) assert.ok(Math.abs(v - 1.0) < 0.002);
  assert.ok(Math.abs(ab.forward - 1.2) < 0.002);
});

test.run();
