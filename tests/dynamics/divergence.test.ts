import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { BAOAB, EulerMaruyama, DivergenceError } from '../../lib/dynamics/langevin.js';
import { VelocityVerlet } from '../../lib/dynamics/verlet.js';
import { BondConstraints, ConstraintError } from '../../lib/dynamics/constraints.js';
import { SettleConstraints } from '../../lib/dynamics/settle.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { maxwellBoltzmann } from '../../lib/dynamics/velocities.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';

// Issue 11, faults: a diverging integration left the caller's coordinates NaN; SHAKE's message in
// apply() advised reducing a time step that does not exist there.
const sys = loadShippedSystem('alanine-dipeptide');
const ff = sys.forceField;
const kT = 0.00831446261815324 * 300;
const finite = (a: Float64Array) => a.every(Number.isFinite);

/** Runs `diverging`, expects `E`; returns the error. */
function failure<E extends Error>(kind: new (...a: never[]) => E, diverging: () => void): E {
  try {
    diverging();
  } catch (e) {
    assert.instance(e, kind, String(e));
    return e as E;
  }
  throw new assert.Assertion({ message: 'expected the run to fail', generated: false, operator: 'throws', expects: kind.name, actual: 'no error' });
}

test('BAOAB (model system): a diverging run hands back the last checked state, bit for bit that of a run stopped there', () => {
  const mb = new MullerBrown();
  const start = [Float64Array.from([-0.5, 1.5]), new Float64Array(2)];
  const make = () => new BAOAB(mb, { dt: 0.05, kT: 1, friction: 1, checkEvery: 3 });
  const [x, v] = start.map((a) => a.slice());
  const err = failure(DivergenceError, () => make().run(x, v, 1, 10000, new Rng(1)));
  assert.is(err.name, 'DivergenceError');
  assert.ok(err.restoredStep! > 0 && err.restoredStep! % 3 === 0 && err.restoredStep! < err.step, `step ${err.step}, restored ${err.restoredStep}`);
  assert.match(err.message, new RegExp(`diverged at step ${err.step} for walker 0 .*\\(the positions and velocities passed in are restored to step ${err.restoredStep}, the last state checked finite\\)$`));
  assert.ok(finite(x) && finite(v));
  const [y, w] = start.map((a) => a.slice());
  make().run(y, w, 1, err.restoredStep!, new Rng(1));
  assert.equal(Array.from(x), Array.from(y));
  assert.equal(Array.from(v), Array.from(w));
});

test('EulerMaruyama: the positions come back at the last checked step', () => {
  const mb = new MullerBrown();
  const make = () => new EulerMaruyama(mb, { dt: 0.01, kT: 1, checkEvery: 3 });
  const x = Float64Array.from([-1.5, 2.5]);
  const err = failure(DivergenceError, () => make().run(x, 1, 1000, new Rng(1)));
  assert.ok(err.restoredStep! > 0 && err.restoredStep! < err.step);
  assert.match(err.message, /\(the positions passed in are restored to step \d+, the last state checked finite\)$/);
  const y = Float64Array.from([-1.5, 2.5]);
  make().run(y, 1, err.restoredStep!, new Rng(1));
  assert.equal(Array.from(x), Array.from(y));
});

test('velocity Verlet and BAOAB on a molecule (10 fs steps): finite state of the last check, as a run that stopped there', () => {
  const m = ff.massesPerCoordinate();
  const v0 = maxwellBoltzmann(m, kT, 1, new Rng(1));
  const vv = () => new VelocityVerlet(ff, { dt: 0.01, masses: m, checkEvery: 10 });
  const x = Float64Array.from(sys.positions), v = v0.slice();
  const err = failure(DivergenceError, () => vv().run(x, v, 1, 100000));
  assert.ok(err.restoredStep! >= 10 && err.restoredStep! < err.step, `step ${err.step}, restored ${err.restoredStep}`);
  const y = Float64Array.from(sys.positions), w = v0.slice();
  vv().run(y, w, 1, err.restoredStep!);
  assert.equal(Array.from(x), Array.from(y));
  assert.equal(Array.from(v), Array.from(w));
  assert.ok(Number.isFinite(ff.energy(x)));

  const baoab = () => new BAOAB(ff, { dt: 0.01, kT, friction: 1, masses: m, checkEvery: 10 });
  const x2 = Float64Array.from(sys.positions), u2 = v0.slice();
  const err2 = failure(DivergenceError, () => baoab().run(x2, u2, 1, 100000, new Rng(5)));
  assert.ok(err2.restoredStep! >= 10);
  const y2 = Float64Array.from(sys.positions), w2 = v0.slice();
  baoab().run(y2, w2, 1, err2.restoredStep!, new Rng(5));
  assert.equal(Array.from(x2), Array.from(y2));
  assert.equal(Array.from(u2), Array.from(w2));
});

test('constrained BAOAB: a SHAKE failure mid-run names the step and restores the end of the last checked step exactly', () => {
  const cons = new BondConstraints(ff.hydrogenBonds.pairs, ff.hydrogenBonds.lengths, ff.masses);
  const make = () => new BAOAB(ff, { dt: 0.004, kT: 10 * kT, friction: 1, masses: ff.massesPerCoordinate(), constraints: cons, checkEvery: 2 });
  const x0 = Float64Array.from(sys.positions);
  cons.apply(x0, 1);
  const v0 = make().maxwellBoltzmann(1, new Rng(4), undefined, x0);
  const x = x0.slice(), v = v0.slice();
  const err = failure(ConstraintError, () => make().run(x, v, 1, 3000, new Rng(7)));
  const m = /rotated too far in one step for walker 0; reduce the time step \(at step (\d+); the positions and velocities passed in are restored to step (\d+), the last state checked finite\)$/.exec(err.message);
  assert.ok(m, err.message);
  const [step, restored] = [Number(m![1]), Number(m![2])];
  assert.ok(restored > 0 && restored < step && restored % 2 === 0, err.message);
  assert.instance(err.cause, ConstraintError);
  // the saved end-of-step state (closing half kick on copies) equals a run of `restored` steps
  const y = x0.slice(), w = v0.slice();
  make().run(y, w, 1, restored, new Rng(7));
  assert.equal(Array.from(x), Array.from(y));
  assert.equal(Array.from(v), Array.from(w));
  assert.ok(cons.maxDeviation(x, 1) < 1e-9);
});

test('constraints.apply on a bad structure: the message is about the structure, names the walker, and leaves x unchanged', () => {
  const cons = new BondConstraints(ff.hydrogenBonds.pairs, ff.hydrogenBonds.lengths, ff.masses);
  const x = new Float64Array(2 * ff.dim);
  x.set(sys.positions, 0);
  x.set(sys.positions, ff.dim);
  // walker 1: H of ALA (atom index 7) on top of its N (6)
  x.copyWithin(ff.dim + 3 * 7, ff.dim + 3 * 6, ff.dim + 3 * 7);
  const before = x.slice();
  const c = Array.from({ length: ff.hydrogenBonds.lengths.length }, (_, k) => k).find((k) => ff.hydrogenBonds.pairs[2 * k] === 6 && ff.hydrogenBonds.pairs[2 * k + 1] === 7)!;
  assert.ok(c !== undefined);
  const err = failure(ConstraintError, () => cons.apply(x, 2));
  assert.is(err.message, `BondConstraints.apply: constraint ${c} (atoms 6-7) of walker 1 is 0.000 nm long, its target ${ff.hydrogenBonds.lengths[c]} nm: too far off to be projected onto its length; check the structure (overlapping or misplaced atoms?)`);
  assert.not.match(err.message, /time step/);
  assert.equal(Array.from(x), Array.from(before), 'all or nothing: walker 0 is not projected either');
  // the integrators' own message is unchanged
  const integ = new BAOAB(ff, { dt: 0.01, kT, friction: 1, masses: ff.massesPerCoordinate(), constraints: cons });
  const y = Float64Array.from(sys.positions);
  cons.apply(y, 1);
  const rng = new Rng(3);
  const v = integ.maxwellBoltzmann(1, rng, undefined, y);
  assert.match(failure(ConstraintError, () => integ.run(y, v, 1, 100000, rng)).message, /^SHAKE: constraint \d+ \(atoms \d+-\d+\) rotated too far in one step for walker 0; reduce the time step/);

  // SETTLE: a water with collinear atoms in walker 1
  const settle = new SettleConstraints([{ o: 0, h1: 1, h2: 2, dOH: 0.09572, dHH: 0.15139 }], [15.9994, 1.008, 1.008]);
  const water = Float64Array.from([0, 0, 0, 0.0957, 0, 0, -0.024, 0.0927, 0, /* walker 1 */ 0, 0, 0, 0.0957, 0, 0, -0.0957, 0, 0]);
  const w0 = water.slice();
  const e2 = failure(ConstraintError, () => settle.apply(water, 2));
  assert.match(e2.message, /^SettleConstraints\.apply: water 0 \(atoms 0, 1, 2\) of walker 1 is degenerate/);
  assert.equal(Array.from(water), Array.from(w0));
});

test.run();
