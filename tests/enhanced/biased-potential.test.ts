import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DoubleWell } from '../../lib/systems/double-well.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { libRef, InlineRunner } from '../../lib/sampling/index.js';
import {
  BiasedPotential, coordinateCv, harmonicWindows, runUmbrella, umbrellaPmf, EnhancedSamplingError,
  type CollectiveVariable, type UmbrellaData,
} from '../../lib/enhanced/index.js';

/** A nonlinear CV s = x0^2 + sin(x1) with its analytic gradient. */
const curved: CollectiveVariable = {
  dim: 2,
  evaluate(x: Float64Array, n: number, grad?: Float64Array): Float64Array {
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = x[2 * i] ** 2 + Math.sin(x[2 * i + 1]);
      if (grad) { grad[2 * i] = 2 * x[2 * i]; grad[2 * i + 1] = Math.cos(x[2 * i + 1]); }
    }
    return s;
  },
};

test('biased forces are -grad of the biased energy and add -kappa (s - s_k) grad s to the system forces', () => {
  const mb = new MullerBrown();
  const w = { center: 0.4, kappa: 30 };
  const p = new BiasedPotential(mb, curved, w);
  const x = Float64Array.from([-0.3, 0.9, 0.5, 0.2]);
  const f = new Float64Array(4), e = new Float64Array(2), f0 = new Float64Array(4), e0 = new Float64Array(2);
  p.forces(x, f, 2, e);
  mb.forces(x, f0, 2, e0);
  const s = curved.evaluate(x, 2);
  for (let i = 0; i < 2; i++) {
    const bias = 0.5 * w.kappa * (s[i] - w.center) ** 2;
    assert.ok(Math.abs(e[i] - e0[i] - bias) < 1e-12);
    assert.ok(Math.abs(p.energy(x, 2 * i) - e[i]) < 1e-9);
    const g = [2 * x[2 * i], Math.cos(x[2 * i + 1])];
    for (let k = 0; k < 2; k++) {
      assert.ok(Math.abs(f[2 * i + k] - f0[2 * i + k] + w.kappa * (s[i] - w.center) * g[k]) < 1e-9);
      const h = 1e-6, xp = Float64Array.from(x), xm = Float64Array.from(x);
      xp[2 * i + k] += h; xm[2 * i + k] -= h;
      const fd = -(p.energy(xp, 2 * i) - p.energy(xm, 2 * i)) / (2 * h);
      assert.ok(Math.abs(fd - f[2 * i + k]) < 1e-4 * Math.max(1, Math.abs(fd)), `walker ${i}, coordinate ${k}: ${f[2 * i + k]} vs finite difference ${fd}`);
    }
  }
});

const isNamed = (re: RegExp) => (e: Error) => e instanceof EnhancedSamplingError && e.name === 'EnhancedSamplingError' && re.test(e.message);

test('a CV of the wrong dimension is refused, in the wrapper and in the window kernel', async () => {
  assert.throws(() => new BiasedPotential(new DoubleWell(1), coordinateCv(2, 0), { center: 0, kappa: 1 }), isNamed(/CV takes 2 coordinates but double well has 1/));
  try {
    await runUmbrella(new InlineRunner(), {
      system: libRef('DoubleWell', 1), cv: libRef('coordinateCv', 2, 0), integrator: { kind: 'baoab', dt: 0.01, kT: 1, friction: 1 },
      windows: harmonicWindows(-1, 1, 2, 10), starts: [0], equilibrationSteps: 0, nSteps: 10, saveEvery: 1,
    }, { seed: 1 });
    assert.unreachable();
  } catch (e) {
    assert.ok(isNamed(/umbrellaKernel: the CV takes 2 coordinates but double well has 1/)(e as Error), (e as Error).message);
  }
});

test('kappa ≤ 0, empty windows, NaN CV values and bad grids get named errors', () => {
  assert.throws(() => harmonicWindows(-1, 1, 3, 0), isNamed(/window 0 has kappa 0; it must be a finite number > 0/));
  assert.throws(() => new BiasedPotential(new DoubleWell(1), coordinateCv(1, 0), { center: 0, kappa: -2 }), isNamed(/kappa -2/));
  const windows = harmonicWindows(-1, 1, 3, 20);
  const ok = (): UmbrellaData => ({ windows, kT: 1, samples: windows.map((w) => Float64Array.from({ length: 50 }, (_, i) => w.center + 0.1 * Math.sin(i))) });
  const grid = { lo: -1.2, hi: 1.2, bins: 12 };
  assert.ok(umbrellaPmf(ok(), { method: 'mbar', grid }).f.length === 12);
  const empty = ok(); empty.samples[1] = new Float64Array(0);
  for (const method of ['mbar', 'wham'] as const) assert.throws(() => umbrellaPmf(empty, { method, grid }), isNamed(/window 1 \(centre 0\) has no samples/));
  const nan = ok(); nan.samples[2][3] = NaN;
  assert.throws(() => umbrellaPmf(nan, { method: 'mbar', grid }), isNamed(/window 2, sample 3 has CV value NaN/));
  const negative = ok(); negative.windows = windows.map((w, k) => ({ ...w, kappa: k === 1 ? -5 : w.kappa }));
  assert.throws(() => umbrellaPmf(negative, { method: 'wham', grid }), isNamed(/window 1 has kappa -5/));
  assert.throws(() => umbrellaPmf({ ...ok(), kT: 0 }, { method: 'mbar', grid }), isNamed(/kT must be a finite number > 0/));
  assert.throws(() => umbrellaPmf(ok(), { method: 'mbar', grid: { lo: 1, hi: -1, bins: 5 } }), isNamed(/lo < hi/));
  assert.throws(() => umbrellaPmf(ok(), { method: 'wham', grid: { lo: 5, hi: 6, bins: 5 } }), isNamed(/window 0 has no samples inside the grid/));
  assert.throws(() => umbrellaPmf(ok(), { method: 'mbar', grid, bootstrap: { samples: 10, seed: -1 } }), isNamed(/bootstrap seed/));
});

test.run();
