import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWaterNptReference, loadWaterNptRun, summariseWaterNpt, compareWaterNpt, WATER_BLOCKS } from '../../lib/solvent/water.js';
import { blockAverage } from '../../lib/stats/block-average.js';
import { projectRoot } from '../../lib/project/root.js';

const file = join(projectRoot(), 'data', 'tip3p-box', 'npt-reference.json');

test('OpenMM reference: loadWaterNptReference reads data/water_reference.py output; summariseWaterNpt on its density series gives the same block mean and error as the Python', () => {
  const ref = loadWaterNptReference();
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  assert.is(ref.density.series.length, Math.round(raw.settings.productionPs * 10));
  // the Python block average (10 blocks) and lib/stats/block-average.ts agree on the same series
  const nO = raw.waters, four = raw.rdfCheck;
  const fake = { densities: ref.density.series, frames: Float64Array.from(four.oxygens.flat()), boxes: Float64Array.from(four.boxes.flat()), acceptance: 0, positions: new Float64Array(0), velocities: new Float64Array(0), psRun: 0 };
  const s = summariseWaterNpt(fake, nO, raw.settings.productionPs);
  assert.ok(Math.abs(s.density.mean - raw.density.mean) < 1e-9 * raw.density.mean);
  assert.ok(Math.abs(s.density.standardError - raw.density.standardError) < 1e-6 * raw.density.standardError);
  assert.is(s.density.blocks.length, WATER_BLOCKS);
  // TIP3P with PME and a 1 nm cut-off at 300 K, 1 bar: ~0.98-1.00 g/cm^3 (e.g. Jorgensen & Jenson 1998: 0.982 at 298 K)
  assert.ok(ref.density.mean > 970 && ref.density.mean < 1005, `density ${ref.density.mean}`);
  assert.ok(ref.density.standardError < 0.003 * ref.density.mean);
  // O-O first peak of TIP3P near 0.277 nm, height ~2.7-3.1
  assert.ok(Math.abs(ref.rdf.firstPeak.r - 0.277) < 0.005 && ref.rdf.firstPeak.g > 2.5 && ref.rdf.firstPeak.g < 3.3, JSON.stringify(ref.rdf.firstPeak));
  // compared with itself: no difference
  const c = compareWaterNpt(ref, ref);
  assert.is(c.densityRelativeDifference, 0);
  assert.ok(c.densityWithin1Percent && c.peakRDifference === 0 && c.peakGDifference === 0);
});

test('the committed rarelab 100 ps run (data/tip3p-box/npt-rarelab.json): its summary is consistent with its own series, and it meets the issue-13 density check against OpenMM', () => {
  const run = loadWaterNptRun(), ref = loadWaterNptReference();
  assert.is(run.ps, 100);
  assert.is(run.density.series.length, 1000);
  const d = blockAverage(run.density.series, (b) => b.reduce((s, v) => s + v, 0) / b.length, { blocks: WATER_BLOCKS });
  assert.ok(Math.abs(d.mean - run.density.mean) < 1e-9 && Math.abs(d.standardError - run.density.standardError) < 1e-9);
  const c = compareWaterNpt(run, ref);
  assert.ok(c.densityWithin1Percent, `density ${run.density.mean} vs ${ref.density.mean}`);
  // first-peak position within 2 combined standard errors; height reported (0.028 ± 0.018, data/README.md)
  assert.ok(Math.abs(c.peakRDifference) < 2 * c.peakRError, JSON.stringify(c));
  assert.throws(() => loadWaterNptRun(join(projectRoot(), 'data', 'tip3p-box', 'nothing.json')), /no .*nothing\.json; write one with npx tsx scripts\/water-npt\.ts/);
});

test.run();
