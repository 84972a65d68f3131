import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PeriodicForceField, readTopology, readGro, parseTopology } from '../../lib/forcefield/index.js';
import { erfc } from '../../lib/forcefield/erfc.js';
import { projectRoot } from '../../lib/project/root.js';

const DATA = join(projectRoot(), 'data');

// Reference: data/solvent_reference.py shift (OpenMM 7.7 Reference platform, CustomNonbondedForce with
// the shifted LJ and shifted erfc Coulomb expressions and OpenMM's own periodic pair search; the
// shifted dispersion correction summed pair by pair over all N (N + 1) / 2 atom pairs).
for (const sys of ['tip3p-box', 'alanine-dipeptide-tip3p']) {
  const dir = join(DATA, sys);
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
  const sref = JSON.parse(readFileSync(join(dir, 'shift-reference.json'), 'utf8'));
  const top = readTopology(join(dir, 'topol.top'));
  const frames = readGro(join(dir, 'frames.gro'));
  const pme = { alpha: ref.alpha, grid: ref.grid };
  const plain = new PeriodicForceField(top, { box: frames.boxes[0]!, pme });
  const shifted = new PeriodicForceField(top, { box: frames.boxes[0]!, pme, ljModifier: 'potential-shift', coulombModifier: 'potential-shift' });

  test(`${sys}: potential-shift LJ and real-space Coulomb equal OpenMM's CustomNonbondedForce to 1e-10; dispersion correction with the shift equals the pair sum`, () => {
    frames.frames.forEach((x, k) => {
      const t = shifted.energyTerms(x), r = sref.frames[k];
      assert.ok(Math.abs(t.lj - r.lj) < 1e-10 * Math.abs(r.lj), `frame ${k} LJ ${t.lj} vs ${r.lj}`);
      assert.ok(Math.abs(t.coulombReal - r.coulombReal) < 1e-10 * Math.abs(r.coulombReal), `frame ${k} Coulomb ${t.coulombReal} vs ${r.coulombReal}`);
      assert.ok(Math.abs(t.ljDispersion - sref.dispersionCorrectionShifted) < 1e-10 * Math.abs(sref.dispersionCorrectionShifted), `dispersion ${t.ljDispersion} vs ${sref.dispersionCorrectionShifted}`);
      // the shift moves these energies by a lot more than the tolerance: the test can tell them apart
      const p = plain.energyTerms(x);
      assert.ok(Math.abs(p.lj - r.lj) > 1e-6 * Math.abs(r.lj) && Math.abs(p.coulombReal - r.coulombReal) > 1e-6 * Math.abs(r.coulombReal));
      // every other term is untouched
      for (const key of ['bond', 'angle', 'proper', 'improper', 'lj14', 'coulomb14', 'coulombReciprocal', 'coulombSelf', 'coulombExclusion'] as const) assert.is(t[key], p[key], key);
    });
  });

  test(`${sys}: the shift changes no force (bit for bit)`, () => {
    const x = Float64Array.from(frames.frames[1]);
    const fp = new Float64Array(x.length), fs = new Float64Array(x.length);
    plain.forces(x, fp, 1);
    shifted.forces(x, fs, 1);
    assert.equal(Array.from(fs), Array.from(fp));
  });
}

test('potential shift: two waters whose oxygens cross r_c: the plain energy jumps by V_OO(r_c), the shifted one is continuous', () => {
  const top = parseTopology('#include "amber99sb-ildn.ff/forcefield.itp"\n#include "amber99sb-ildn.ff/tip3p.itp"\n[ system ]\nw\n[ molecules ]\nSOL 2\n', join(DATA, 'w.top'));
  const opts = { box: [3, 3, 3], dispersionCorrection: false } as const;
  const plain = new PeriodicForceField(top, opts);
  const shifted = new PeriodicForceField(top, { ...opts, ljModifier: 'potential-shift', coulombModifier: 'potential-shift' });
  // TIP3P geometry in the xy plane, the second water's hydrogens pointing away (H-H pairs stay beyond r_c)
  const w = (ox: number, s: number) => [ox, 1, 1, ox + s * 0.0586, 1.0757, 1, ox + s * 0.0586, 0.9243, 1];
  const e = (ff: PeriodicForceField, d: number) => ff.energy(Float64Array.from([...w(0.5, -1), ...w(0.5 + d, 1)]));
  const ow = top.atomTypes.get(top.atoms[0].type)!, rc = 1, qO = top.atoms[0].charge;
  const vLj = 4 * ow.w * ((ow.v / rc) ** 12 - (ow.v / rc) ** 6);
  const alpha = plain.alpha;
  const vC = 138.93545764438198 * qO * qO * erfc(alpha * rc) / rc;
  const eps = 1e-9;
  const jumpPlain = e(plain, rc + eps) - e(plain, rc - eps), jumpShifted = e(shifted, rc + eps) - e(shifted, rc - eps);
  // the smooth part of the change over 2e-9 nm is < 1e-7 kJ/mol here
  assert.ok(Math.abs(jumpPlain + vLj + vC) < 1e-7, `plain jump ${jumpPlain} vs -V(r_c) ${-(vLj + vC)}`);
  assert.ok(Math.abs(vLj + vC) > 1e-3);
  assert.ok(Math.abs(jumpShifted) < 1e-7, `shifted jump ${jumpShifted}`);
});

test('bad modifier names are a clear error', () => {
  const top = readTopology(join(DATA, 'tip3p-box', 'topol.top'));
  assert.throws(() => new PeriodicForceField(top, { box: [2.2, 2.2, 2.2], ljModifier: 'potential-switch' as never }), /ljModifier must be 'none' or 'potential-shift', got 'potential-switch'/);
});

test.run();
