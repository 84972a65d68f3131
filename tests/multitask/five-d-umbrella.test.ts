import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { InlineRunner, libRef } from '../../lib/sampling/index.js';
import { harmonicWindows, runUmbrella, umbrellaPmf, profileBarrier } from '../../lib/enhanced/index.js';
import { fiveDPathCv, fiveDMep, reducedPmf, embedFiveD, KT_300K_EV } from '../../lib/multitask/index.js';
import { reducedCoordinates } from '../../lib/systems/five-d.js';

test('path CV: gradient equals finite differences; 0 and 1 at the path ends', () => {
  const cv = fiveDPathCv('muller-brown', 0, 1);
  const mep = fiveDMep('muller-brown', 0, 1);
  const ends = Float64Array.of(...embedFiveD(mep[0], mep[1], 0.3, 1.1, 20), ...embedFiveD(mep[mep.length - 2], mep[mep.length - 1], 2, 4, -50));
  const s = cv.evaluate(ends, 2);
  assert.ok(s[0] < 0.01 && s[1] > 0.99, `ends ${s}`);
  const rng = new Rng(4), x = new Float64Array(5), g = new Float64Array(5);
  let worst = 0;
  for (let t = 0; t < 50; t++) {
    const k = Math.floor(rng.next() * mep.length / 2);
    x.set(embedFiveD(mep[2 * k] + rng.uniform(-0.1, 0.1), mep[2 * k + 1] + rng.uniform(-0.1, 0.1), rng.uniform(0, 6.3), rng.uniform(0, 6.3), rng.uniform(-300, 300)));
    cv.evaluate(x, 1, g);
    for (let c = 0; c < 5; c++) {
      const h = c === 4 ? 1e-1 : 1e-6, x0 = x[c];
      x[c] = x0 + h; const p = cv.evaluate(x, 1)[0];
      x[c] = x0 - h; const m = cv.evaluate(x, 1)[0];
      x[c] = x0;
      worst = Math.max(worst, Math.abs((p - m) / (2 * h) - g[c]) / Math.max(1, Math.abs(g[c])));
    }
  }
  assert.ok(worst < 1e-5, `worst gradient error ${worst}`);
});

test('umbrella sampling along the true path CV of the 5-D Müller-Brown model reproduces the exact quadrature PMF', async () => {
  const grid = { lo: 0, hi: 1, bins: 50 };
  const windows = harmonicWindows(0, 1, 41, 150);
  const mep = fiveDMep('muller-brown', 0, 1);
  const N = mep.length / 2;
  const starts = windows.map((w) => { const k = Math.round(w.center * (N - 1)); return embedFiveD(mep[2 * k], mep[2 * k + 1], 0.7, 2.1, 10); });
  const data = await runUmbrella(new InlineRunner(), {
    system: libRef('fiveDModel', 'muller-brown'), cv: libRef('fiveDPathCv', 'muller-brown', 0, 1),
    integrator: { kind: 'baoab', dt: 0.01, kT: KT_300K_EV, friction: 5, masses: 1 },
    windows, starts, equilibrationSteps: 500, nSteps: 24000, saveEvery: 10,
  }, { seed: 3 });
  const pmf = umbrellaPmf(data, { method: 'mbar', grid });
  const cv2d = fiveDPathCv('muller-brown', 0, 1);
  const z = new Float64Array(5);
  const exact = reducedPmf('muller-brown', (xt, yt) => { z.set(embedFiveD(xt, yt, 0, 0, 0)); return cv2d.evaluate(z, 1)[0]; }, grid, KT_300K_EV, { x: [0.6, 3.4], y: [0.1, 2.9], n: 400 });
  const bu = profileBarrier(pmf.centers, pmf.f, 0.05, 0.95), be = profileBarrier(exact.centers, exact.f, 0.05, 0.95);
  const kT = KT_300K_EV;
  console.log(`  MB path CV: umbrella/MBAR A->B ${(bu.forward * kT).toFixed(3)} eV, F_B - F_A ${(bu.difference * kT).toFixed(3)} eV; exact quadrature ${(be.forward * kT).toFixed(3)}, ${(be.difference * kT).toFixed(3)} eV`);
  assert.ok(Math.abs(bu.forward - be.forward) * kT < 0.02, 'barrier');
  assert.ok(Math.abs(bu.difference - be.difference) * kT < 0.02, 'difference');
  void reducedCoordinates;
});

test.run();
