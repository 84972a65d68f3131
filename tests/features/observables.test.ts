import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { distance, distanceGradient, angle, angleGradient, dihedral, dihedralGradient, backboneDihedrals } from '../../lib/features/observables.js';
import { readGro, readTopology } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';
import { Rng } from '../../lib/dynamics/rng.js';

const DATA = join(projectRoot(), 'data');

test('known geometry: distance 5, right angle, dihedral +90 deg (IUPAC sign)', () => {
  const x = [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1];
  assert.ok(Math.abs(distance([0, 0, 0, 3, 4, 0], 0, 1) - 5) < 1e-15);
  assert.ok(Math.abs(angle(x, 0, 1, 2) - Math.PI / 2) < 1e-15);
  assert.ok(Math.abs(dihedral(x, 0, 1, 2, 3) - Math.PI / 2) < 1e-15);
  assert.ok(Math.abs(dihedral(x, 3, 2, 1, 0) - Math.PI / 2) < 1e-15); // reversal keeps the sign
  assert.ok(Math.abs(dihedral([1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1], 0, 1, 2, 3)) < 1e-15); // cis = 0
  assert.throws(() => dihedral(x, 0, 1, 2, 4), /atom index 4 out of range for 4 atoms/);
});

for (const sys of ['alanine-dipeptide', 'vgvapg']) {
  test(`${sys}: phi/psi atoms and values equal mdtraj's on every stored frame`, () => {
    const ref = JSON.parse(readFileSync(join(DATA, sys, 'reference.json'), 'utf8'));
    const top = readTopology(join(DATA, sys, 'topol.top'));
    const { phi, psi } = backboneDihedrals(top.atoms);
    assert.equal(phi.map((d) => d.atoms), ref.mdtraj.phi.atoms);
    assert.equal(psi.map((d) => d.atoms), ref.mdtraj.psi.atoms);
    const frames = readGro(join(DATA, sys, 'frames.gro')).frames;
    frames.forEach((x, k) => {
      for (const [list, r] of [[phi, ref.mdtraj.phi], [psi, ref.mdtraj.psi]] as const) {
        list.forEach((d, q) => {
          const v = dihedral(x, ...d.atoms);
          const diff = Math.abs(Math.atan2(Math.sin(v - r.values[k][q]), Math.cos(v - r.values[k][q])));
          assert.ok(diff < 5e-5, `${sys} frame ${k} dihedral ${q}: ${v} vs mdtraj ${r.values[k][q]} (mdtraj works in float32 on ~6 nm coordinates: up to 2e-5 rad on the distorted frame 3)`);
        });
      }
    });
  });
}

test('alanine dipeptide: phi/psi by atom names from the .gro records too; minimised values', () => {
  const s = readGro(join(DATA, 'alanine-dipeptide', 'minimised.gro'));
  const { phi, psi } = backboneDihedrals(s.atoms);
  assert.equal(phi.map((d) => [d.resName, d.atoms]), [['ALA', [4, 6, 8, 14]]]);
  assert.equal(psi.map((d) => [d.resName, d.atoms]), [['ALA', [6, 8, 14, 16]]]);
  // mdtraj on the minimised structure (reference.json): phi = -2.56599 rad (-147.0 deg)
  assert.ok(Math.abs(dihedral(s.frames[0], ...phi[0].atoms) - -2.5659899711608887) < 1e-5);
});

test('gradients equal central finite differences', () => {
  const rng = new Rng(7);
  const h = 1e-6;
  for (let trial = 0; trial < 20; trial++) {
    const x = new Float64Array(12).map(() => rng.uniform(-0.3, 0.3));
    const fns: [string, (y: Float64Array) => number, (y: Float64Array, g: Float64Array) => number][] = [
      ['distance', (y) => distance(y, 0, 3), (y, g) => distanceGradient(y, 0, 3, g, 2)],
      ['angle', (y) => angle(y, 0, 1, 2), (y, g) => angleGradient(y, 0, 1, 2, g, 2)],
      ['dihedral', (y) => dihedral(y, 0, 1, 2, 3), (y, g) => dihedralGradient(y, 0, 1, 2, 3, g, 2)],
    ];
    for (const [name, f, fg] of fns) {
      const g = new Float64Array(12).fill(1); // gradients are added (scale 2) to what is there
      const v = fg(x, g);
      assert.is(v, f(x));
      for (let k = 0; k < 12; k++) {
        const x0 = x[k];
        x[k] = x0 + h;
        const fp = f(x);
        x[k] = x0 - h;
        const fm = f(x);
        x[k] = x0;
        let fd = (fp - fm) / (2 * h);
        if (name === 'dihedral' && Math.abs(fp - fm) > Math.PI) continue; // branch cut at +-pi
        assert.ok(Math.abs(1 + 2 * fd - g[k]) < 1e-6 * Math.max(1, Math.abs(fd)), `${name} trial ${trial} coordinate ${k}: ${(g[k] - 1) / 2} vs ${fd}`);
      }
    }
  }
});

test.run();
