import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { InternalCoordinates } from '../../lib/features/internal-coordinates.js';
import { dihedral } from '../../lib/features/observables.js';
import { phiPsiAtoms } from '../../lib/features/ramachandran.js';
import { setDihedral } from '../../lib/features/set-dihedral.js';

const sys = loadShippedSystem('alanine-dipeptide');
const names = sys.topology.atoms.map((a) => a.name);
const label = (q: number[]) => q.map((a) => `${names[a]}${a}`).join('-');

test('bond tree of alanine dipeptide from HH31: 21 bonds, 20 angles, one dihedral per rotatable bond (7), 55 inputs', () => {
  const ic = InternalCoordinates.fromBondTree(sys.topology);
  assert.is(ic.spec.bonds.length, 21);
  assert.is(ic.spec.angles.length, 20);
  assert.is(ic.inputs, 21 + 20 + 2 * 7);
  // the tree from atom 1 (HH31, the first atom with one bond), children in topology bond order
  assert.equal(ic.spec.bonds[0], [1, 0]);
  assert.equal(ic.spec.dihedrals.map(label), [
    'HH311-CH30-C4-O5', // acetyl methyl rotor
    'CH30-C4-N6-H7', // omega (acetyl peptide bond)
    'C4-N6-CA8-HA9', // phi - about 120 degrees
    'N6-CA8-CB10-HB111', // alanine methyl rotor
    'N6-CA8-C14-O15', // psi + pi
    'CA8-C14-N16-H17', // omega
    'C14-N16-CH318-HH3119', // methylamide methyl rotor
  ]);
  // every atom but the source ends exactly one tree bond
  const ends = ic.spec.bonds.map(([, j]) => j).sort((a, b) => a - b);
  assert.equal(ends, Array.from({ length: 22 }, (_, i) => i).filter((i) => i !== 1));
});

test('psi enters as N-CA-C-O = psi + pi: its cosine input is the paper x1 = 0.5 (cos(psi + pi) + 1); exact pullback', () => {
  const ic = InternalCoordinates.fromBondTree(sys.topology);
  const { psi } = phiPsiAtoms(sys.topology.atoms);
  const q = 41 + 2 * 4 + 1; // cos input of dihedral 4
  assert.match(ic.names[q], /^cos φ\(N-CA-C-O\)$/);
  const rng = new Rng(3);
  const bonds = sys.topology.bonds.map((b) => [b.i, b.j] as const);
  for (const target of [-150, -40, 30, 100, 170]) {
    // psi set by a rigid rotation, then a small random distortion (0.002 nm)
    const x = setDihedral(Float64Array.from(sys.positions), bonds, psi, (target * Math.PI) / 180);
    for (let k = 0; k < x.length; k++) x[k] += 0.002 * rng.normal();
    const f = ic.transform(x, 1);
    const p = dihedral(x, ...psi);
    // N-CA-C-O and N-CA-C-N differ by pi up to the small non-planarity of the peptide carbon
    assert.ok(Math.abs(f[q] - 0.5 * (Math.cos(p + Math.PI) + 1)) < 0.03, `x1 ${f[q]} vs 0.5 (cos(psi + pi) + 1) at psi ${(p * 180) / Math.PI}`);
    // J^T g against central differences of g . f
    const g = Float64Array.from({ length: ic.inputs }, () => rng.normal());
    const back = ic.pullback(x, g);
    const dot = (y: Float64Array) => ic.transform(y, 1).reduce((s, v, k) => s + g[k] * v, 0);
    for (let k = 0; k < x.length; k++) {
      const xp = x.slice(), xm = x.slice();
      xp[k] += 1e-6; xm[k] -= 1e-6;
      const fd = (dot(xp) - dot(xm)) / 2e-6;
      assert.ok(Math.abs(fd - back[k]) <= 1e-6 * (1 + Math.abs(fd)), `coordinate ${k}: ${back[k]} vs ${fd}`);
    }
  }
});

test('bad bond trees are named', () => {
  assert.throws(() => InternalCoordinates.fromBondTree(sys.topology, 0), /source atom 0 \(CH3\) has 4 bonds; it must be terminal/);
  assert.throws(() => InternalCoordinates.fromBondTree({ atoms: [{ name: 'A' }, { name: 'B' }, { name: 'C' }], bonds: [{ i: 0, j: 1 }] }), /not connected \(2 of 3 atoms reached from atom 0\)/);
  assert.throws(() => InternalCoordinates.fromBondTree({ atoms: [{ name: 'A' }], bonds: [{ i: 0, j: 4 }] }), /bond 0-4 names an atom outside 0..0/);
  assert.throws(() => InternalCoordinates.fromBondTree({ atoms: [{ name: 'A' }, { name: 'B' }, { name: 'C' }], bonds: [{ i: 0, j: 1 }, { i: 1, j: 2 }, { i: 2, j: 0 }] }), /no source atom/);
});

test.run();
