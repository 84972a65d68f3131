import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNpt, AMU_PER_NM3_IN_KG_PER_M3 } from '../../lib/dynamics/npt.js';
import { loadSolvatedSystem } from '../../lib/forcefield/index.js';
import { CheckpointMismatchError } from '../../lib/files/checkpoint.js';
import { projectRoot } from '../../lib/project/root.js';

const dir = join(projectRoot(), 'data', 'tip3p-216');
// 216 TIP3P (r_c 0.9 nm); short intervals so the test runs 40 steps per trajectory
const load = () => loadSolvatedSystem(join(dir, 'topol.top'), join(dir, 'conf.gro'), { cutoff: 0.9 });
const sys = () => {
  const s = load();
  return { forceField: s.forceField, constraints: s.constraints, molecules: s.topology.atoms.map((a) => a.molecule), positions: s.positions, velocities: null };
};
const oxygens = Array.from({ length: 216 }, (_, k) => 3 * k);
const opts = { ps: 0.08, seed: 5, barostatEvery: 5, sampleEveryPs: 0.01, frameEveryPs: 0.02, frameAtoms: oxygens, checkpointEveryPs: 0.04 };

test('runNpt: a run killed after its checkpoint and resumed ends bit for bit where an uninterrupted run ends; another setting is refused by name', () => {
  const full = runNpt(sys(), opts);
  assert.is(full.densities.length, 8);
  assert.is(full.frames.length, 4 * 216 * 3);
  assert.is(full.boxes.length, 12);
  const ck = join(mkdtempSync(join(tmpdir(), 'rarelab-npt-')), 'npt.json');
  assert.throws(() => runNpt(sys(), { ...opts, checkpoint: ck, onProgress: (ps) => { if (ps > 0.05) throw new Error('killed'); } }), /killed/);
  assert.ok(existsSync(ck));
  assert.throws(() => runNpt(sys(), { ...opts, checkpoint: ck, pressure: 2 }), (e: unknown) => e instanceof CheckpointMismatchError && /pressure = 1, but the resume is given pressure = 2/.test((e as Error).message));
  const resumed = runNpt(sys(), { ...opts, checkpoint: ck });
  assert.is(resumed.psRun, 0.04);
  assert.equal(Array.from(resumed.positions), Array.from(full.positions));
  assert.equal(Array.from(resumed.velocities), Array.from(full.velocities));
  assert.equal(Array.from(resumed.densities), Array.from(full.densities));
  assert.equal(Array.from(resumed.frames), Array.from(full.frames));
  assert.equal(Array.from(resumed.boxes), Array.from(full.boxes));
  // densities are the system mass over the box volume of the frame that ends each interval
  const mass = load().forceField.masses.reduce((s, m) => s + m, 0);
  for (let f = 0; f < 4; f++) {
    const V = full.boxes[3 * f] * full.boxes[3 * f + 1] * full.boxes[3 * f + 2];
    assert.ok(Math.abs(full.densities[2 * f + 1] - (mass * AMU_PER_NM3_IN_KG_PER_M3) / V) < 1e-9);
  }
  // the box moved (16 barostat attempts), isotropically
  assert.ok(full.acceptance > 0 && full.acceptance <= 1);
  assert.ok(Math.abs(full.boxes[9] / full.boxes[10] - 1) < 1e-12);
});

test('runNpt: bad intervals are clear errors', () => {
  assert.throws(() => runNpt(sys(), { ...opts, sampleEveryPs: 0.012 }), /sample interval \(6 steps\) must be a multiple of barostatEvery \(5\)/);
  assert.throws(() => runNpt(sys(), { ...opts, ps: 0.05 }), /ps 0.05 must be a positive whole number of frame intervals/);
  assert.throws(() => runNpt(sys(), { ...opts, frameAtoms: [5000] }), /frame atom 5000 outside/);
});

test.run();
