import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DoubleWell } from '../../lib/systems/double-well.js';
import { libRef, InlineRunner, WorkerPool } from '../../lib/sampling/index.js';
import { harmonicWindows, runUmbrella, umbrellaPmf, type UmbrellaData, type UmbrellaRunOptions } from '../../lib/enhanced/index.js';

// 1-D double well V = h (x^2 - 1)^2 with h = 3 kT: F(x) = V(x) + const exactly, barrier 3 kT.
const h = 3, kT = 1;
const grid = { lo: -1.3, hi: 1.3, bins: 26 };

/** Exact F per bin in the 'density' convention: -ln of the bin-averaged Boltzmann density, normalised over the grid. */
function exactPmf(): Float64Array {
  const w = (grid.hi - grid.lo) / grid.bins;
  const mass = Float64Array.from({ length: grid.bins }, (_, b) => {
    let s = 0;
    const m = 200;
    for (let i = 0; i < m; i++) { const x = grid.lo + (b + (i + 0.5) / m) * w; s += Math.exp(-(h * (x * x - 1) ** 2) / kT) / m; }
    return s;
  });
  const z = mass.reduce((a, b) => a + b, 0) * w;
  return mass.map((p) => -Math.log(p / z));
}

const options = (nSteps: number): UmbrellaRunOptions => ({
  system: libRef('DoubleWell', 1, h),
  cv: libRef('coordinateCv', 1, 0),
  // Near-critically damped BAOAB (unit mass): kappa + V'' is 28 … 64, so omega dt ≤ 0.16 (BAOAB samples a
  // harmonic window's configurations exactly at any stable dt) and the CV decorrelates in ~10-20 steps.
  integrator: { kind: 'baoab', dt: 0.02, kT, friction: 10 },
  windows: harmonicWindows(-1.6, 1.6, 17, 40),
  starts: harmonicWindows(-1.6, 1.6, 17, 40).map((w) => [w.center]),
  equilibrationSteps: 500,
  nSteps,
  saveEvery: 20,
});

let data: UmbrellaData;

test('umbrella windows + MBAR recover the exact double-well free energy, WHAM agrees, bootstrap errors are honest', async () => {
  data = await runUmbrella(new InlineRunner(), options(60000), { seed: 5 });
  assert.is(data.samples.length, 17);
  assert.is(data.samples[0].length, 3000);
  const exact = exactPmf();
  const m = umbrellaPmf(data, { method: 'mbar', grid, zero: 'density', bootstrap: { samples: 20, seed: 1 } });
  let maxErr = 0, within = 0, meanSigma = 0;
  for (let b = 0; b < grid.bins; b++) {
    const e = Math.abs(m.f[b] - exact[b]);
    maxErr = Math.max(maxErr, e);
    if (e <= 3 * m.error[b]) within++;
    meanSigma += m.error[b] / grid.bins;
  }
  // WHAM takes each bin's bias at its centre, an O(width^2) error MBAR does not make (0.05 kT at width 0.1
  // here): on a 4x finer grid the two agree to the sampling noise of the fine bins.
  const maxDiff = (bins: number) => {
    const g = { ...grid, bins };
    const a = umbrellaPmf(data, { method: 'mbar', grid: g, zero: 'density' }), w = umbrellaPmf(data, { method: 'wham', grid: g, zero: 'density' });
    return Math.max(...a.f.map((f, b) => Math.abs(f - w.f[b])));
  };
  const coarse = maxDiff(26), fine = maxDiff(104);
  console.log(`  double well: MBAR max |F - F_exact| = ${maxErr.toFixed(3)} kT over |x| ≤ 1.3, max |MBAR - WHAM| = ${coarse.toFixed(3)} kT (26 bins), ${fine.toFixed(3)} kT (104 bins), mean bootstrap sigma ${meanSigma.toFixed(3)} kT, ${within}/${grid.bins} bins within 3 sigma, block lengths ${Array.from(m.blockLengths!).join(',')}`);
  assert.ok(maxErr <= 0.15, `MBAR max error ${maxErr} kT`);
  assert.ok(fine <= 0.02 && coarse <= 0.08 && fine < coarse, `WHAM vs MBAR ${coarse} (26 bins), ${fine} kT (104 bins)`);
  assert.ok(within >= 0.9 * grid.bins, `${within} of ${grid.bins} bins within 3 sigma`);
  // Error bars are informative: not zero, not huge.
  assert.ok(meanSigma > 0.005 && meanSigma < 0.15, `mean sigma ${meanSigma}`);
  // The 'minimum' convention is the same curve shifted to put its lowest bin at 0.
  const mm = umbrellaPmf(data, { method: 'mbar', grid, zero: 'minimum' });
  const shift = Math.min(...m.f);
  assert.is(Math.min(...mm.f), 0);
  for (let b = 0; b < grid.bins; b++) assert.ok(Math.abs(mm.f[b] - (m.f[b] - shift)) < 1e-9);
  // Barrier: F(bins next to 0) - F(lowest bin), against the exact bin-averaged value (≈ 2.9 kT).
  const barrier = (f: Float64Array) => Math.min(f[12], f[13]) - Math.min(...f);
  console.log(`  barrier ${barrier(mm.f).toFixed(3)} ± ${Math.max(m.error[12], m.error[13]).toFixed(3)} kT, exact ${barrier(exact).toFixed(3)} kT`);
  assert.ok(Math.abs(barrier(mm.f) - barrier(exact)) < 0.15);
});

test('the windows give identical samples inline and on a 2-worker pool for the same seed', async () => {
  const small = { ...options(2000), windows: harmonicWindows(-1, 1, 4, 40), starts: [0] };
  const inline = await runUmbrella(new InlineRunner(), small, { seed: 9 });
  const pool = new WorkerPool({ workers: 2 });
  try {
    const pooled = await runUmbrella(pool, small, { seed: 9 });
    for (let k = 0; k < 4; k++) assert.equal(Array.from(pooled.samples[k]), Array.from(inline.samples[k]), `window ${k}`);
    const other = await runUmbrella(pool, small, { seed: 10 });
    assert.not.equal(Array.from(other.samples[0]), Array.from(inline.samples[0]));
  } finally {
    await pool.close();
  }
  // Each window samples around its centre (the start 0 is pulled to -1 … 1).
  inline.samples.forEach((s, k) => {
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    assert.ok(Math.abs(mean - inline.windows[k].center) < 0.15, `window ${k} mean ${mean}`);
  });
});

test('bootstrap errors are reproducible for a seed and differ between seeds', () => {
  const a = umbrellaPmf(data, { method: 'wham', grid, bootstrap: { samples: 10, seed: 3, blockLength: 20 } });
  const b = umbrellaPmf(data, { method: 'wham', grid, bootstrap: { samples: 10, seed: 3, blockLength: 20 } });
  const c = umbrellaPmf(data, { method: 'wham', grid, bootstrap: { samples: 10, seed: 4, blockLength: 20 } });
  assert.equal(Array.from(a.error), Array.from(b.error));
  assert.not.equal(Array.from(a.error), Array.from(c.error));
  assert.ok(a.blockLengths!.every((l) => l === 20));
});

test.run();
