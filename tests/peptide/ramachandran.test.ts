import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { minimize } from '../../lib/dynamics/minimize.js';
import { BondConstraints } from '../../lib/dynamics/constraints.js';
import { BAOAB } from '../../lib/dynamics/langevin.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { dihedral } from '../../lib/features/observables.js';
import { setDihedral } from '../../lib/features/set-dihedral.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../lib/project/root.js';
import { ALANINE_DIPEPTIDE_BASINS, assignBasins, basinPopulations, dihedralBox, inAngleRange, phiPsiAtoms, ramachandranRegion } from '../../lib/features/ramachandran.js';

const KB = 0.00831446261815324;
const DEG = 180 / Math.PI;
const s = loadShippedSystem('alanine-dipeptide');
const ff = s.forceField;
const bonds = s.topology.bonds.map((b) => [b.i, b.j] as const);
const { phi, psi } = phiPsiAtoms(s.topology.atoms);

function startAt(phiDeg: number, psiDeg: number): Float64Array {
  const x = Float64Array.from(s.positions);
  setDihedral(x, bonds, phi, phiDeg / DEG);
  setDihedral(x, bonds, psi, psiDeg / DEG);
  return x;
}

test('phi/psi atoms are mdtraj\'s (ACE C, ALA N CA C, NME N) and setDihedral sets them exactly', () => {
  assert.equal(phi, [4, 6, 8, 14]);
  assert.equal(psi, [6, 8, 14, 16]);
  const x = startAt(63, -77);
  assert.ok(Math.abs(dihedral(x, ...phi) * DEG - 63) < 1e-9);
  assert.ok(Math.abs(dihedral(x, ...psi) * DEG + 77) < 1e-9);
  // rigid rotation: every bond length unchanged
  for (const [i, j] of bonds) {
    const r = (y: Float64Array) => Math.hypot(y[3 * i] - y[3 * j], y[3 * i + 1] - y[3 * j + 1], y[3 * i + 2] - y[3 * j + 2]);
    assert.ok(Math.abs(r(x) - r(s.positions)) < 1e-12);
  }
});

test('energy minima of the vacuum basins lie in their boxes (C7eq lowest, then C5, then C7ax)', () => {
  const want = { C5: [-147.0, 159.1, -88.46], C7eq: [-77.5, 54.1, -90.95], C7ax: [60.2, -40.9, -85.0] } as const;
  const starts = { C5: [-155, 165], C7eq: [-80, 75], C7ax: [70, -60] } as const;
  for (const name of ['C5', 'C7eq', 'C7ax'] as const) {
    const r = minimize(ff, startAt(starts[name][0], starts[name][1]), { gradientTolerance: 1e-3 });
    assert.ok(r.converged, `${name}: ${r.message}`);
    const p = dihedral(r.x, ...phi) * DEG, q = dihedral(r.x, ...psi) * DEG;
    assert.ok(Math.abs(p - want[name][0]) < 0.2 && Math.abs(q - want[name][1]) < 0.2, `${name} minimum at (${p}, ${q})`);
    assert.ok(Math.abs(r.energy - want[name][2]) < 0.01, `${name} energy ${r.energy}`);
    assert.is(ramachandranRegion(s.topology.atoms, ALANINE_DIPEPTIDE_BASINS[name])(r.x), true);
    const others = (['C5', 'C7eq', 'C7ax'] as const).filter((o) => o !== name);
    for (const o of others) assert.is(ramachandranRegion(s.topology.atoms, ALANINE_DIPEPTIDE_BASINS[o])(r.x), false);
  }
});

test('the GROMACS reference ensemble (data/alanine-dipeptide/langevin-300K.json) used the same basin boxes', () => {
  const ref = JSON.parse(readFileSync(join(projectRoot(), 'data', 'alanine-dipeptide', 'langevin-300K.json'), 'utf8'));
  assert.equal(ref.boxes, JSON.parse(JSON.stringify(ALANINE_DIPEPTIDE_BASINS)));
  const p = ref.populations;
  assert.ok(Math.abs(p.C7eq + p.C5 + p.C7ax - 1) < 0.05, 'the boxes cover nearly all of the 300 K ensemble');
});

test('periodic half-open angle ranges', () => {
  assert.ok(inAngleRange(175, [160, -110]) && inAngleRange(-175, [160, -110]) && inAngleRange(160, [160, -110]));
  assert.ok(!inAngleRange(-110, [160, -110]) && !inAngleRange(0, [160, -110]));
  assert.ok(inAngleRange(720 + 10, [0, 20]) && inAngleRange(-350, [0, 20]));
  assert.ok(inAngleRange(123, [0, 0]) && inAngleRange(-180, [-180, 180])); // full circle
  assert.equal(Array.from(assignBasins([-80, -150, 60, 0], [50, 170, -40, 0], ALANINE_DIPEPTIDE_BASINS)), [0, 1, 2, -1]);
  assert.throws(() => dihedralBox([[0, 1, 2]], [[0, 10]]), /dihedral 0 needs 4 atom indices/);
  assert.throws(() => dihedralBox([[0, 1, 2, 3]], [[0, NaN]]), /angle range is \[lo, hi\]/);
  assert.throws(() => assignBasins([0], [NaN], ALANINE_DIPEPTIDE_BASINS), /frame 0 has phi 0, psi NaN/);
});

test('300 K Langevin, 100 ps from C5: visits C7eq and C5 (back and forth) and stays out of C7ax', () => {
  const cons = new BondConstraints(ff.hydrogenBonds.pairs, ff.hydrogenBonds.lengths, ff.masses);
  const integ = new BAOAB(ff, { dt: 0.002, kT: KB * 300, friction: 1, masses: ff.massesPerCoordinate(), constraints: cons });
  const x = Float64Array.from(s.positions);
  cons.apply(x, 1);
  const rng = new Rng(300);
  const v = integ.maxwellBoltzmann(1, rng, undefined, x);
  const n = 1000; // frames every 0.1 ps
  const ph = new Float64Array(n), ps = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    integ.run(x, v, 1, 50, rng);
    ph[t] = dihedral(x, ...phi) * DEG;
    ps[t] = dihedral(x, ...psi) * DEG;
  }
  const pop = basinPopulations(ph, ps, ALANINE_DIPEPTIDE_BASINS);
  const labels = assignBasins(ph, ps, ALANINE_DIPEPTIDE_BASINS);
  let switches = 0, last = -1;
  for (const l of labels) {
    if (l === 0 || l === 1) { if (last >= 0 && l !== last) switches++; last = l; }
  }
  console.log(`    populations ${Object.entries(pop).map(([k, p]) => `${k} ${p.toFixed(3)}`).join(', ')}; C7eq<->C5 switches ${switches}`);
  assert.ok(pop.C7eq > 0.1, `C7eq population ${pop.C7eq}`);
  assert.ok(pop.C5 > 0.1, `C5 population ${pop.C5}`);
  assert.ok(switches >= 4, `${switches} C7eq <-> C5 switches`);
  assert.is(pop.C7ax, 0); // 300 K: C7ax needs ~ns (paper 004: transitions to C7ax above ~600 K within 1 ns)
});

test('C7ax is a metastable basin: started at its minimum, a 300 K run stays there for 20 ps', () => {
  const r = minimize(ff, startAt(70, -60), { gradientTolerance: 1e-3 });
  const cons = new BondConstraints(ff.hydrogenBonds.pairs, ff.hydrogenBonds.lengths, ff.masses);
  const integ = new BAOAB(ff, { dt: 0.002, kT: KB * 300, friction: 1, masses: ff.massesPerCoordinate(), constraints: cons });
  const x = r.x;
  cons.apply(x, 1);
  const rng = new Rng(301);
  const v = integ.maxwellBoltzmann(1, rng, undefined, x);
  const inAx = ramachandranRegion(s.topology.atoms, ALANINE_DIPEPTIDE_BASINS.C7ax);
  let inside = 0;
  for (let t = 0; t < 200; t++) {
    integ.run(x, v, 1, 50, rng);
    if (inAx(x)) inside++;
  }
  assert.ok(inside >= 190, `${inside} of 200 frames in C7ax`);
});

test.run();
