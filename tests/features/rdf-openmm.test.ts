import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { radialDistribution, rdfFirstPeak } from '../../lib/features/rdf.js';
import { projectRoot } from '../../lib/project/root.js';

// Reference: data/water_reference.py npt (OpenMM 7.7 NPT of tip3p-box; mdtraj.compute_rdf over its
// first four stored frames, whose oxygen positions (6 decimals) and boxes are stored beside it).
test('O-O g(r) of four OpenMM NPT frames equals mdtraj.compute_rdf on them (counts within float32 rounding at bin edges)', () => {
  const file = join(projectRoot(), 'data', 'tip3p-box', 'npt-reference.json');
  const ref = JSON.parse(readFileSync(file, 'utf8')).rdfCheck;
  const nO = ref.oxygens[0].length / 3;
  const x = Float64Array.from(ref.oxygens.flat());
  const res = radialDistribution(x, nO, ref.boxes.flat(), { a: Array.from({ length: nO }, (_, i) => i), rMax: 1.0, binWidth: 0.005 });
  let worst = 0;
  for (let k = 0; k < res.g.length; k++) {
    // one pair moved across a bin edge by rounding changes g by g / count
    const one = res.counts[k] > 0 ? res.g[k] / res.counts[k] : 0;
    worst = Math.max(worst, Math.abs(res.g[k] - ref.g[k]) / Math.max(one, 1e-300));
    assert.ok(Math.abs(res.r[k] - ref.r[k]) < 1e-7); // mdtraj returns float32 bin centres
  }
  assert.ok(worst <= 3 + 1e-6, `largest difference ${worst} pair counts`);
  const p = rdfFirstPeak(res.r, res.g), pr = rdfFirstPeak(ref.r, ref.g);
  assert.ok(Math.abs(p.r - pr.r) < 1e-4 && Math.abs(p.g - pr.g) < 0.01, `peak ${p.r} ${p.g} vs mdtraj ${pr.r} ${pr.g}`);
});

test.run();
