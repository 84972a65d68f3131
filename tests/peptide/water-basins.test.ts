import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALANINE_DIPEPTIDE_WATER_BASINS, assignBasins, phiPsiAtoms } from '../../lib/features/ramachandran.js';
import { blockAverage } from '../../lib/stats/block-average.js';
import { readTopology } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

const DIR = join(projectRoot(), 'data', 'alanine-dipeptide-tip3p');

test('water basins of alanine dipeptide: alpha_R and PII/beta split phi < 0 by psi, alpha_L takes phi > 0 with |psi| < 120', () => {
  const phi: number[] = [], psi: number[] = [];
  for (let p = -179.5; p < 180; p += 1) for (let q = -179.5; q < 180; q += 1) { phi.push(p); psi.push(q); }
  const lab = assignBasins(phi, psi, ALANINE_DIPEPTIDE_WATER_BASINS);
  for (let k = 0; k < lab.length; k++) {
    const want = phi[k] < 0 ? (psi[k] >= -120 && psi[k] < 50 ? 0 : 1) : psi[k] >= -120 && psi[k] < 120 ? 2 : -1;
    if (lab[k] !== want) assert.unreachable(`(${phi[k]}, ${psi[k]}) labelled ${lab[k]}, want ${want}`);
  }
  assert.equal(Array.from(assignBasins([-65, -70, -150, 60, 60], [-40, 145, 160, 40, 170], ALANINE_DIPEPTIDE_WATER_BASINS)), [0, 1, 1, 2, -1]);
});

test('OpenMM references in water (data/solvent_runs.py): same boxes, same phi/psi atoms, and their K = 5 block populations equal ours on their phi/psi', () => {
  const files = readdirSync(DIR).filter((f) => /^openmm-nvt-300K-.*ps\.json$/.test(f));
  assert.ok(files.length >= 1, 'at least one OpenMM reference is shipped');
  const { phi, psi } = phiPsiAtoms(readTopology(join(DIR, 'topol.top')).atoms);
  for (const f of files) {
    const ref = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
    assert.equal(ref.boxes, JSON.parse(JSON.stringify(ALANINE_DIPEPTIDE_WATER_BASINS)), f);
    assert.equal(ref.phiAtoms, phi, f);
    assert.equal(ref.psiAtoms, psi, f);
    assert.is(ref.phi.length, Math.round(ref.settings.lengthPs / ref.settings.framesEveryPs), f);
    const lab = assignBasins(ref.phi, ref.psi, ALANINE_DIPEPTIDE_WATER_BASINS);
    Object.keys(ALANINE_DIPEPTIDE_WATER_BASINS).forEach((name, b) => {
      const ind = Float64Array.from(lab, (l) => (l === b ? 1 : 0));
      const ba = blockAverage(ind, (blk) => blk.reduce((p, q) => p + q, 0) / blk.length, { blocks: 5 });
      const want = ref.populations[name];
      assert.ok(Math.abs(ba.mean - want.blockMean) < 1e-12 && Math.abs(ba.standardError - want.standardError) < 1e-12, `${f} ${name}: ${ba.mean} +- ${ba.standardError} vs ${want.blockMean} +- ${want.standardError}`);
    });
  }
});

test.run();
