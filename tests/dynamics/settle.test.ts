import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readTopology, readGro, PeriodicForceField } from '../../lib/forcefield/index.js';
import { SettleConstraints } from '../../lib/dynamics/settle.js';
import { BondConstraints, CombinedConstraints, ConstraintError } from '../../lib/dynamics/constraints.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { VelocityVerlet } from '../../lib/dynamics/verlet.js';
import { BAOAB } from '../../lib/dynamics/langevin.js';
import { maxwellBoltzmann, removeCenterOfMassVelocity } from '../../lib/dynamics/velocities.js';
import { projectRoot } from '../../lib/project/root.js';

const DATA = join(projectRoot(), 'data');
const top = readTopology(join(DATA, 'tip3p-216', 'topol.top'));
const conf = readGro(join(DATA, 'tip3p-216', 'conf.gro'));
const masses = top.atoms.map((a) => a.mass);
const maxAbs = (a: Float64Array, b: Float64Array) => a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);

/** The same waters as three coupled distance constraints each, solved by matrix SHAKE/RATTLE to 1e-14. */
function triangles(): BondConstraints {
  const pairs: number[] = [], lengths: number[] = [];
  for (const w of top.settles) {
    pairs.push(w.o, w.h1, w.o, w.h2, w.h1, w.h2);
    lengths.push(w.dOH, w.dOH, w.dHH);
  }
  return new BondConstraints(pairs, lengths, masses, { tolerance: 1e-14 });
}

test('SETTLE projects SPC-geometry waters onto TIP3P exactly (1e-14), keeping every centre of mass', () => {
  const st = new SettleConstraints(top.settles, masses);
  assert.is(st.count, 648);
  const x = Float64Array.from(conf.frames[0]);
  assert.ok(st.maxDeviation(x, 1) > 0.04); // O-H 0.1 nm vs 0.09572
  const com = (y: Float64Array, k: number) => [0, 1, 2].map((d) => (16 * y[9 * k + d] + 1.008 * (y[9 * k + 3 + d] + y[9 * k + 6 + d])) / 18.016);
  const before = [0, 100, 215].map((k) => com(x, k));
  st.apply(x, 1);
  assert.ok(st.maxDeviation(x, 1) < 1e-14, `${st.maxDeviation(x, 1)}`);
  [0, 100, 215].forEach((k, i) => com(x, k).forEach((c, d) => assert.ok(Math.abs(c - before[i][d]) < 1e-14)));
});

test('SETTLE equals matrix SHAKE on the same constraints (positions 1e-13 nm, velocity corrections 1e-10 nm/ps), and its RATTLE step equals RATTLE', () => {
  const st = new SettleConstraints(top.settles, masses), bc = triangles();
  const x0 = Float64Array.from(conf.frames[0]);
  st.apply(x0, 1);
  const rng = new Rng(1);
  const x1 = x0.map((v) => v + 0.003 * rng.normal()); // a large 2 fs step's worth of motion
  const xs = x1.slice(), xb = x1.slice(), vs = new Float64Array(x1.length), vb = new Float64Array(x1.length);
  st.shake(x0, xs, 1, vs, 0.002);
  bc.shake(x0, xb, 1, vb, 0.002);
  assert.ok(maxAbs(xs, xb) < 1e-13, `positions ${maxAbs(xs, xb)}`);
  assert.ok(maxAbs(vs, vb) < 1e-10, `velocities ${maxAbs(vs, vb)}`);
  assert.ok(st.maxDeviation(xs, 1) < 1e-13);
  const v = xs.map(() => rng.normal()), v2 = v.slice();
  st.rattle(xs, v, 1);
  bc.rattle(xs, v2, 1);
  assert.ok(maxAbs(v, v2) < 1e-12);
  for (const w of top.settles) {
    for (const [i, j] of [[w.o, w.h1], [w.o, w.h2], [w.h1, w.h2]]) {
      let dot = 0;
      for (let d = 0; d < 3; d++) dot += (v[3 * i + d] - v[3 * j + d]) * (xs[3 * i + d] - xs[3 * j + d]);
      assert.ok(Math.abs(dot) < 1e-12);
    }
  }
  // two walkers are independent
  const two = new Float64Array(2 * x1.length);
  two.set(x1);
  two.set(x1, x1.length);
  const ref2 = new Float64Array(2 * x1.length);
  ref2.set(x0);
  ref2.set(x0, x1.length);
  st.shake(ref2, two, 2);
  assert.ok(maxAbs(two.subarray(x1.length), xs) < 1e-15);
});

test('SETTLE: clear errors for a water that moved too far, unequal hydrogen masses, a shared atom', () => {
  const st = new SettleConstraints(top.settles, masses);
  const x0 = Float64Array.from(conf.frames[0]);
  st.apply(x0, 1);
  const x1 = x0.slice();
  x1[3 * 1 + 2] += 0.5; // hydrogen 0.5 nm out of plane
  assert.throws(() => st.shake(x0, x1, 1), (e: Error) => e instanceof ConstraintError && /SETTLE: water 0 \(atoms 0, 1, 2\) of walker 0 moved too far in one step/.test(e.message));
  const m2 = masses.slice();
  m2[2] = 2.014;
  assert.throws(() => new SettleConstraints(top.settles, m2), /water 0: the hydrogens have different masses \(1\.008, 2\.014\)/);
  assert.throws(() => new SettleConstraints([top.settles[0], { ...top.settles[1], o: 2 }], masses), /atom 2 is in two waters/);
});

test('NVE, velocity Verlet 1 fs with SETTLE, 216 TIP3P (r_c 0.9 nm, PME): total energy conserved to 2% of the potential-energy fluctuation over 0.15 ps', () => {
  const ff = new PeriodicForceField(top, { box: conf.boxes[0]!, cutoff: 0.9 });
  const st = new SettleConstraints(top.settles, ff.masses);
  const x = Float64Array.from(conf.frames[0]);
  st.apply(x, 1);
  const m = ff.massesPerCoordinate();
  const v = maxwellBoltzmann(m, 0.0083144626 * 300, 1, new Rng(7), { constraints: st, positions: x });
  removeCenterOfMassVelocity(v, ff.masses, 1);
  st.rattle(x, v, 1);
  const vv = new VelocityVerlet(ff, { dt: 0.001, masses: m, constraints: st });
  const etot: number[] = [], epot: number[] = [];
  for (let k = 0; k < 15; k++) {
    const e = vv.run(x, v, 1, 10)[0];
    epot.push(e);
    etot.push(e + vv.kineticEnergy(v, 1)[0]);
  }
  const sd = (a: number[]) => {
    const mean = a.reduce((s, q) => s + q, 0) / a.length;
    return Math.sqrt(a.reduce((s, q) => s + (q - mean) ** 2, 0) / a.length);
  };
  // measured: sd(Etot) 0.77 kJ/mol vs sd(Epot) 68 kJ/mol, end - start 0.97 kJ/mol (the plain cut-offs add
  // small jumps); a wrong force or constraint step drifts by 100s
  assert.ok(sd(etot) < 0.02 * sd(epot), `sd Etot ${sd(etot)}, sd Epot ${sd(epot)}`);
  assert.ok(Math.abs(etot[14] - etot[0]) < 2, `drift ${etot[14] - etot[0]}`);
  assert.ok(st.maxDeviation(x, 1) < 1e-12);
});

test('SHAKE/RATTLE (solute X-H bonds) and SETTLE (waters) together: alanine dipeptide in 543 TIP3P keeps every constraint through 10 velocity Verlet steps', () => {
  const t = readTopology(join(DATA, 'alanine-dipeptide-tip3p', 'topol.top'));
  const s = readGro(join(DATA, 'alanine-dipeptide-tip3p', 'conf.gro'));
  const ff = new PeriodicForceField(t, { box: s.boxes[0]! });
  const hb = ff.bonded.hydrogenBonds;
  assert.is(hb.lengths.length, 12); // the dipeptide's 12 X-H bonds; waters have none
  const shake = new BondConstraints(hb.pairs, hb.lengths, ff.masses);
  const st = new SettleConstraints(t.settles, ff.masses);
  const cons = new CombinedConstraints([shake, st]);
  assert.is(cons.count, 12 + 3 * 543);
  const x = Float64Array.from(s.frames[0]);
  cons.apply(x, 1);
  assert.ok(cons.maxDeviation(x, 1) < 1e-10);
  const m = ff.massesPerCoordinate();
  const v = maxwellBoltzmann(m, 2.494, 1, new Rng(3), { constraints: cons, positions: x });
  new VelocityVerlet(ff, { dt: 0.0005, masses: m, constraints: cons }).run(x, v, 1, 10);
  assert.ok(shake.maxDeviation(x, 1) < 1e-9 && st.maxDeviation(x, 1) < 1e-12, `${shake.maxDeviation(x, 1)} ${st.maxDeviation(x, 1)}`);
});

test('BAOAB (2 fs, 300 K, friction 1/ps) with SETTLE keeps the waters rigid and hot: 40 steps of 216 TIP3P', () => {
  const ff = new PeriodicForceField(top, { box: conf.boxes[0]!, cutoff: 0.9 });
  const st = new SettleConstraints(top.settles, ff.masses);
  const x = Float64Array.from(conf.frames[0]);
  st.apply(x, 1);
  const kT = 0.0083144626 * 300;
  const integ = new BAOAB(ff, { dt: 0.002, kT, friction: 1, masses: ff.massesPerCoordinate(), constraints: st });
  const rng = new Rng(9);
  const v = integ.maxwellBoltzmann(1, rng, undefined, x);
  integ.run(x, v, 1, 40, rng);
  assert.ok(st.maxDeviation(x, 1) < 1e-12);
  for (const w of top.settles) {
    let dot = 0;
    for (let d = 0; d < 3; d++) dot += (v[3 * w.o + d] - v[3 * w.h1 + d]) * (x[3 * w.o + d] - x[3 * w.h1 + d]);
    assert.ok(Math.abs(dot) < 1e-10);
  }
  // 6 dof per rigid water: kinetic energy near 3 N kT (loose: one 80 fs stretch of a 216-water box)
  let ke = 0;
  for (let k = 0; k < v.length; k++) ke += 0.5 * ff.masses[Math.floor(k / 3)] * v[k] * v[k];
  const T = (2 * ke) / ((6 * 216 - 3) * 0.0083144626);
  assert.ok(T > 250 && T < 350, `T ${T}`);
});

test.run();
