import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ForceField, readTopology, readGro, parseTopology, ENERGY_TERMS, coordinatesForTopology, loadShippedSystem, TopologyError, ONE_4PI_EPS0 } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

const DATA = join(projectRoot(), 'data');
const SYSTEMS = ['alanine-dipeptide', 'vgvapg', 'vgvapg-capped'];
const ref = (s: string) => JSON.parse(readFileSync(join(DATA, s, 'reference.json'), 'utf8'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

// Reference for the assertion: OpenMM 7.7, NoCutoff, Reference platform (double precision): a true
// no-cut-off vacuum evaluation, like ours. GROMACS (gmx_d, 5 nm plain cut-offs in a 12 nm box, which
// covers every pair) agrees with it to <= 1.5e-9 per term (data/README.md), so it is asserted too.
for (const sys of SYSTEMS) {
  for (const top of ['topol.top', 'topol.pp.top']) {
    test(`${sys} (${top}): every term on every stored structure equals OpenMM and GROMACS (double) to 1e-4 relative`, () => {
      const ff = new ForceField(readTopology(join(DATA, sys, top)));
      const r = ref(sys);
      const frames = readGro(join(DATA, sys, 'frames.gro')).frames;
      assert.is(frames.length, r.frames.length);
      assert.ok(frames.length >= 4);
      frames.forEach((x, k) => {
        const e = ff.energyTerms(x);
        for (const t of ENERGY_TERMS) {
          assert.ok(rel(e[t], r.openmm[t][k]) <= 1e-4, `${sys} frame ${k} ${t}: ${e[t]} vs OpenMM ${r.openmm[t][k]}`);
          assert.ok(rel(e[t], r.gromacsDouble[t][k]) <= 1e-4, `${sys} frame ${k} ${t}: ${e[t]} vs GROMACS ${r.gromacsDouble[t][k]}`);
        }
        // what we actually achieve (double vs double): far tighter than the bound
        assert.ok(rel(e.total, r.openmm.total[k]) < 1e-10, `${sys} frame ${k} total ${e.total} vs ${r.openmm.total[k]}`);
        assert.ok(Math.abs(ff.energy(x) - e.total) < 1e-9 * Math.abs(e.total));
      });
    });
  }

  test(`${sys}: forces equal OpenMM's on the stored frames`, () => {
    const ff = new ForceField(readTopology(join(DATA, sys, 'topol.top')));
    const r = ref(sys);
    const frames = readGro(join(DATA, sys, 'frames.gro')).frames;
    r.openmmForces.frames.forEach((fr: number, q: number) => {
      const f = new Float64Array(ff.dim);
      ff.forces(frames[fr], f, 1);
      const of: number[] = r.openmmForces.values[q];
      const scale = Math.max(...of.map(Math.abs));
      for (let k = 0; k < ff.dim; k++) assert.ok(Math.abs(f[k] - of[k]) <= 1e-8 * scale + 1e-9, `frame ${fr} coordinate ${k}: ${f[k]} vs ${of[k]}`);
    });
  });

  test(`${sys}: forces equal central finite differences of the energy`, () => {
    const ff = new ForceField(readTopology(join(DATA, sys, 'topol.top')));
    const frames = readGro(join(DATA, sys, 'frames.gro')).frames;
    for (const fr of [2, 4]) {
      const x = Float64Array.from(frames[fr]);
      const f = new Float64Array(ff.dim);
      ff.forces(x, f, 1);
      const h = 1e-6;
      let worst = 0;
      for (let k = 0; k < ff.dim; k++) {
        const x0 = x[k];
        x[k] = x0 + h;
        const ep = ff.energy(x);
        x[k] = x0 - h;
        const em = ff.energy(x);
        x[k] = x0;
        const fd = -(ep - em) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - f[k]) / Math.max(1, Math.abs(f[k])));
      }
      assert.ok(worst < 1e-5, `${sys} frame ${fr}: worst relative force error ${worst}`);
    }
  });
}

test('batched forces: walkers are independent and energies are reported', () => {
  const s = loadShippedSystem('alanine-dipeptide');
  const ff = s.forceField;
  const frames = readGro(join(DATA, 'alanine-dipeptide', 'frames.gro')).frames;
  const x = new Float64Array(3 * ff.dim);
  [0, 2, 4].forEach((fr, w) => x.set(frames[fr], w * ff.dim));
  const f = new Float64Array(3 * ff.dim).fill(123); // must be overwritten, not accumulated
  const e = new Float64Array(3);
  ff.forces(x, f, 3, e);
  [0, 2, 4].forEach((fr, w) => {
    const f1 = new Float64Array(ff.dim);
    ff.forces(frames[fr], f1, 1);
    assert.is(e[w], ff.energy(frames[fr]));
    for (let k = 0; k < ff.dim; k++) assert.is(f[w * ff.dim + k], f1[k]);
  });
  assert.ok(Math.abs(ff.energy(s.positions) - ref('alanine-dipeptide').openmm.total[0]) < 1e-9);
});

test('masses, charges and hydrogen bonds of alanine dipeptide', () => {
  const ff = loadShippedSystem('alanine-dipeptide').forceField;
  assert.is(ff.nAtoms, 22);
  assert.is(ff.dim, 66);
  // pdb2gmx reported "Total mass 144.176 a.m.u." and "Total charge -0.000 e"
  assert.ok(Math.abs(ff.masses.reduce((a, b) => a + b, 0) - 144.176) < 5e-4);
  assert.ok(Math.abs(ff.charges.reduce((a, b) => a + b, 0)) < 1e-9);
  const m = ff.massesPerCoordinate();
  assert.is(m.length, 66);
  assert.is(m[3 * 6 + 2], 14.01); // atom 7 is N
  // 12 hydrogens, each bonded once: C-H 0.109 nm, N-H 0.101 nm (amber99sb-ildn bondtypes CT-HC/H1, N-H)
  assert.is(ff.hydrogenBonds.lengths.length, 12);
  const sorted = [...ff.hydrogenBonds.lengths].sort();
  assert.equal(sorted, [0.101, 0.101, ...Array(10).fill(0.109)]);
});

test('Coulomb constant: GROMACS 2022 c_one4PiEps0 from CODATA 2018', () => {
  const eps0 = (8.8541878128e-12 * 1e-9 * 1e3) / (1.602176634e-19 ** 2 * 6.02214076e23);
  assert.ok(Math.abs(ONE_4PI_EPS0 - 1 / (4 * Math.PI * eps0)) < 1e-12);
});

test('bad input: NaN coordinate, wrong sizes, atom-count mismatch', () => {
  const s = loadShippedSystem('alanine-dipeptide');
  const x = Float64Array.from(s.positions);
  x[3 * 2 + 1] = NaN;
  assert.throws(() => s.forceField.energy(x), /coordinate y of atom 3 \(ACE1 HH32\).*NaN/);
  assert.throws(() => s.forceField.forces(x, new Float64Array(66), 1), /atom 3 .*walker 0 is NaN/);
  assert.throws(() => s.forceField.energyTerms(x), /not finite/);
  assert.throws(() => s.forceField.forces(new Float64Array(60), new Float64Array(60), 1), /length 60, expected 1 walkers x 22 atoms x 3 = 66/);
  assert.throws(() => s.forceField.energy(new Float64Array(65)), /needs 66 coordinates/);
  const vg = readGro(join(DATA, 'vgvapg', 'minimised.gro'));
  assert.throws(() => coordinatesForTopology(s.topology, vg), /atom-count mismatch: the coordinates have 73 atoms, the topology 22/);
});

// A small self-contained topology (no includes) exercising the lookup rules.
const MINI = (extra = '', atomsType2 = 'CT') => `
[ defaults ]
1 2 yes 0.5 0.8333
[ atomtypes ]
CT 6 12.01 0.0 A 0.339967 0.45773
HC 1 1.008 0.0 A 0.264953 0.0656888
[ bondtypes ]
CT CT 1 0.1526 259408.0
CT HC 1 0.1090 284512.0
[ angletypes ]
CT CT CT 1 109.500 334.720
HC CT CT 1 110.000 313.800
[ dihedraltypes ]
X  CT CT X  9 0.0 0.65084 3
HC CT CT CT 9 0.0 0.66944 3
HC CT CT CT 9 0.0 1.00000 1
CT CT CT CT 9 0.0 0.75312 3
CT X  X  CT 9 0.0 9.99999 2
${extra}
[ moleculetype ]
mini 3
[ atoms ]
1 HC 1 MIN H1 1 0.1 1.008
2 ${atomsType2} 1 MIN C1 2 -0.1
3 CT 1 MIN C2 3 0.0
4 CT 1 MIN C3 4 0.0
[ bonds ]
1 2 1
2 3 1
3 4 1
[ pairs ]
1 4 1
[ angles ]
1 2 3 1
2 3 4 1
[ dihedrals ]
1 2 3 4 9
[ system ]
mini
[ molecules ]
mini 1
`;

test('dihedral type lookup follows grompp: most specific entry wins, func 9 takes its adjacent lines', () => {
  const t = parseTopology(MINI());
  // HC-CT-CT-CT matches "X CT CT X" (2 exact), "HC CT CT CT" (4 exact, two adjacent lines) and not the others
  assert.equal(t.dihedrals.map((d) => [d.kPhi, d.mult]), [[0.66944, 3], [1.0, 1]]);
  // masses: given in [ atoms ] or taken from the atom type
  assert.equal(t.atoms.map((a) => a.mass), [1.008, 12.01, 12.01, 12.01]);
  // nrexcl 3 on a chain of 4 atoms excludes every pair; the 1-4 pair gets fudgeLJ * eps and (si+sj)/2
  assert.is(t.exclusions.length, 6);
  const sig = 0.5 * (0.339967 + 0.264953), eps = 0.5 * Math.sqrt(0.45773 * 0.0656888);
  assert.ok(rel(t.pairs[0].c6, 4 * eps * sig ** 6) < 1e-14 && rel(t.pairs[0].c12, 4 * eps * sig ** 12) < 1e-14);
  // a CT-CT-CT-CT dihedral would match the exact 4-type line, before "CT X X CT"
  const t2 = parseTopology(MINI('', 'CT').replace('1 HC 1 MIN H1 1 0.1 1.008', '1 CT 1 MIN H1 1 0.1 1.008').replace('HC CT CT 1 110.000', 'CT CT CT 1 110.000'));
  assert.equal(t2.dihedrals.map((d) => [d.kPhi, d.mult]), [[0.75312, 3]]);
});

test('energy of the mini topology matches hand-computed terms', () => {
  const ff = new ForceField(parseTopology(MINI()));
  // H1 at (0.1,0.1,0), C1 at (0,0,0), C2 at (0.15,0,0), C3 at (0.2,0.14,0): planar, cis (phi = 0)
  const x = Float64Array.from([0.1, 0.1, 0, 0, 0, 0, 0.15, 0, 0, 0.2, 0.14, 0]);
  const e = ff.energyTerms(x);
  const b = (r: number, b0: number, k: number) => 0.5 * k * (r - b0) ** 2;
  assert.ok(rel(e.bond, b(Math.hypot(0.1, 0.1), 0.109, 284512) + b(0.15, 0.1526, 259408) + b(Math.hypot(0.05, 0.14), 0.1526, 259408)) < 1e-12);
  const a1 = Math.PI / 4, a2 = Math.PI - Math.atan2(0.14, 0.05);
  const d = Math.PI / 180;
  assert.ok(rel(e.angle, 0.5 * 313.8 * (a1 - 110 * d) ** 2 + 0.5 * 334.72 * (a2 - 109.5 * d) ** 2) < 1e-12);
  assert.ok(rel(e.proper, 0.66944 * 2 + 1.0 * 2) < 1e-12); // phi = 0: k (1 + cos 0) per term
  const r14 = Math.hypot(0.1, 0.04);
  const sig = 0.5 * (0.264953 + 0.339967), eps = 0.5 * Math.sqrt(0.0656888 * 0.45773);
  assert.ok(rel(e.lj14, 4 * eps * ((sig / r14) ** 12 - (sig / r14) ** 6)) < 1e-12);
  assert.is(e.coulomb14, 0); // C3 is uncharged
  assert.is(e.lj, 0); // every pair is excluded
  assert.is(e.coulomb, 0);
});

/** 1-based line of the first line of text that starts with needle. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.startsWith(needle)) + 1;

test('topology errors name the problem, the file and the line', () => {
  const unknownType = MINI().replace('3 CT 1 MIN C2 3 0.0', '3 CX 1 MIN C2 3 0.0');
  assert.is(lineOf(unknownType, '3 CX'), 25);
  assert.throws(() => parseTopology(unknownType, '/tmp/bad.top'), (e: Error) => e instanceof TopologyError && /bad\.top:25: \[ atoms \]: unknown atom type "CX" for atom 3 \(C2\)/.test(e.message));
  const cmap = MINI() + '[ cmap ]\n1 2 3 4 1 1\n';
  assert.is(lineOf(cmap, '[ cmap ]'), 42);
  assert.throws(() => parseTopology(cmap, '/tmp/cmap.top'), /cmap\.top:42: \[ cmap \]: CMAP correction maps are not supported/);
  const func3 = MINI().replace('3 4 1\n[ pairs', '3 4 3\n[ pairs');
  assert.throws(() => parseTopology(func3, '/tmp/f.top'), new RegExp(`f\\.top:${lineOf(func3, '3 4 3')}: \\[ bonds \\]: function type 3 is not supported`));
  assert.throws(() => parseTopology(MINI().replace('1 2 3 4 9', '1 2 3 4 2'), '/tmp/f.top'), /\[ dihedrals \]: function type 2 is not supported/);
  assert.throws(() => parseTopology('#include "nowhere.itp"\n', '/tmp/inc.top', { shippedForceFields: false }), /inc\.top:1: #include "nowhere\.itp" not found/);
  assert.throws(() => parseTopology(MINI() + '[ settles ]\n1 1 0.1\n', '/tmp/s.top'), /s\.top:43: \[ settles \]: expected "OW funct doh dhh"/);
  assert.throws(() => parseTopology(MINI() + '[ foo ]\n', '/tmp/s.top'), /s\.top:42: unsupported or unknown directive \[ foo \]/);
  assert.throws(() => parseTopology(MINI().replace('CT CT 1 0.1526 259408.0\n', ''), '/tmp/b.top'), /no \[ bondtypes \] parameters for bonded types CT-CT/);
  assert.throws(() => parseTopology(MINI().replace('CT CT CT 1 109.500 334.720\n', ''), '/tmp/a.top'), /a\.top:\d+: \[ angles \]: no \[ angletypes \] parameters for bonded types CT-CT-CT \(atoms 2 3 4\)/);
  assert.throws(() => parseTopology(MINI().replace('2 3 1\n3 4 1', '2 3 1 0.15\n3 4 1'), '/tmp/b.top'), /\[ bonds \]: func 1 needs 2 parameters \(b0, kb\), got 1/);
  assert.throws(() => parseTopology(MINI().replace('2 3 4 1\n', '2 3 4 1 109.5 300 1\n'), '/tmp/a.top'), /\[ angles \]: func 1 needs 2 parameters \(theta0, k\), got 3/);
  assert.throws(() => parseTopology('#if 1\n#endif\n'), /:1: unsupported preprocessor directive #if/);
  assert.throws(() => parseTopology('#ifdef A\n'), /never closed by #endif/);
  assert.throws(() => parseTopology(MINI().replace('1 2 3 4 9', '1 2 3 9 9')), /\[ dihedrals \]: atom index 9 out of range 1\.\.4/);
});

test('preprocessor: #ifdef POSRES blocks are dropped unless defined; #define substitutes parameters', () => {
  const withPosres = MINI() + '#ifdef POSRES\n[ position_restraints ]\n1 1 1000 1000 1000\n#endif\n';
  assert.is(parseTopology(withPosres).atoms.length, 4);
  assert.throws(() => parseTopology(withPosres, '/tmp/p.top', { defines: { POSRES: '' } }), /p\.top:43: \[ position_restraints \]: position restraints are not supported/);
  const macro = MINI('#define my_torsion 0.0 5.0 2').replace('1 2 3 4 9', '1 2 3 4 9 my_torsion');
  assert.equal(parseTopology(macro).dihedrals.map((d) => [d.phase, d.kPhi, d.mult]), [[0, 5, 2]]);
});

test.run();
