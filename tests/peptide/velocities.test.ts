import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { BondConstraints } from '../../lib/dynamics/constraints.js';
import { VelocityVerlet } from '../../lib/dynamics/verlet.js';
import { BAOAB, kineticTemperature } from '../../lib/dynamics/langevin.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { maxwellBoltzmann, reverseVelocities, removeCenterOfMassVelocity } from '../../lib/dynamics/velocities.js';

const KB = 0.00831446261815324;
const kT = KB * 300;
const sys = () => loadShippedSystem('alanine-dipeptide');
const hCons = (ff: ReturnType<typeof sys>['forceField'], tol = 1e-12) => new BondConstraints(ff.hydrogenBonds.pairs, ff.hydrogenBonds.lengths, ff.masses, { tolerance: tol });

test('Maxwell-Boltzmann with H-bond constraints: zero velocity along every constrained bond, 2 KE ~ kT chi^2(3N - 12)', () => {
  const s = sys(), ff = s.forceField, cons = hCons(ff);
  const n = 4000;
  const x = new Float64Array(n * ff.dim);
  const x0 = Float64Array.from(s.positions);
  cons.apply(x0, 1);
  for (let w = 0; w < n; w++) x.set(x0, w * ff.dim);
  const v = maxwellBoltzmann(ff.massesPerCoordinate(), kT, n, new Rng(3), { constraints: cons, positions: x });
  const P = ff.hydrogenBonds.pairs;
  let worst = 0;
  for (let w = 0; w < n; w++) {
    for (let c = 0; c < cons.count; c++) {
      const i = w * ff.dim + 3 * P[2 * c], j = w * ff.dim + 3 * P[2 * c + 1];
      let rv = 0, r2 = 0, v2 = 0;
      for (let q = 0; q < 3; q++) {
        const r = x[i + q] - x[j + q], dv = v[i + q] - v[j + q];
        rv += r * dv; r2 += r * r; v2 += dv * dv;
      }
      worst = Math.max(worst, Math.abs(rv) / Math.sqrt(r2 * v2)); // cosine between bond and relative velocity
    }
  }
  assert.ok(worst < 1e-9, `largest |cos(bond, relative velocity)| ${worst}`);
  // 2 KE / kT is chi-square with dof = 66 - 12 = 54: mean 54, variance 108. A projection that is not
  // orthogonal in the mass metric would get the mean or the variance wrong.
  const dof = ff.dim - cons.count;
  const t = kineticTemperature(v, ff.massesPerCoordinate(), n, 1); // 2 KE per walker
  let m = 0, m2 = 0;
  for (const z of t) { m += z / kT; m2 += (z / kT) ** 2; }
  m /= n;
  const variance = m2 / n - m * m;
  assert.ok(Math.abs(m - dof) < 4 * Math.sqrt((2 * dof) / n), `mean 2KE/kT ${m}, expected ${dof}`); // 4 sigma = 0.66
  assert.ok(Math.abs(variance / (2 * dof) - 1) < 0.1, `variance ${variance}, expected ${2 * dof}`); // sd of the ratio ~0.025
  // BAOAB draws the same way
  const integ = new BAOAB(ff, { dt: 0.002, kT, friction: 1, masses: ff.massesPerCoordinate(), constraints: cons });
  const vb = integ.maxwellBoltzmann(n, new Rng(3), undefined, x);
  assert.equal(Array.from(vb.subarray(0, 66)), Array.from(v.subarray(0, 66)));
});

test('without constraints every coordinate has variance kT/m', () => {
  const ff = sys().forceField, m = ff.massesPerCoordinate(), n = 3000;
  const v = maxwellBoltzmann(m, kT, n, new Rng(8));
  let worst = 0;
  for (let k = 0; k < ff.dim; k++) {
    let s2 = 0;
    for (let w = 0; w < n; w++) s2 += v[w * ff.dim + k] ** 2;
    worst = Math.max(worst, Math.abs((s2 / n) * m[k] / kT - 1));
  }
  assert.ok(worst < 0.12, `worst relative variance error ${worst}`); // 66 coordinates, sd 0.026 each
});

test('velocity reversal retraces velocity Verlet trajectories (with and without RATTLE) back to the start', () => {
  for (const constrained of [false, true]) {
    const s = sys(), ff = s.forceField, cons = constrained ? hCons(ff, 1e-13) : undefined;
    const dt = constrained ? 0.002 : 0.0005;
    const vv = new VelocityVerlet(ff, { dt, masses: ff.massesPerCoordinate(), constraints: cons });
    const x = Float64Array.from(s.positions);
    cons?.apply(x, 1);
    const v = maxwellBoltzmann(ff.massesPerCoordinate(), kT, 1, new Rng(21), { constraints: cons, positions: x });
    const x0 = Float64Array.from(x), v0 = Float64Array.from(v);
    const steps = Math.round(0.5 / dt); // 0.5 ps out and back
    vv.run(x, v, 1, steps);
    let moved = 0;
    for (let k = 0; k < x.length; k++) moved = Math.max(moved, Math.abs(x[k] - x0[k]));
    reverseVelocities(v);
    vv.run(x, v, 1, steps);
    reverseVelocities(v);
    let dx = 0, dv = 0;
    for (let k = 0; k < x.length; k++) {
      dx = Math.max(dx, Math.abs(x[k] - x0[k]));
      dv = Math.max(dv, Math.abs(v[k] - v0[k]));
    }
    assert.ok(moved > 0.05, `the trajectory moved ${moved} nm`);
    // round-off (and the constraint tolerance) amplified by 0.5 ps of chaotic dynamics: measured 5e-14 nm
    assert.ok(dx < 1e-10, `${constrained ? 'RATTLE' : 'plain'}: back within ${dx} nm`);
    assert.ok(dv < 1e-8, `${constrained ? 'RATTLE' : 'plain'}: velocities back within ${dv} nm/ps`);
  }
});

test('removeCenterOfMassVelocity zeroes the total momentum and keeps constrained velocities tangent', () => {
  const s = sys(), ff = s.forceField, cons = hCons(ff);
  const x = Float64Array.from(s.positions);
  cons.apply(x, 1);
  const v = maxwellBoltzmann(ff.massesPerCoordinate(), kT, 1, new Rng(4), { constraints: cons, positions: x });
  removeCenterOfMassVelocity(v, ff.masses, 1);
  const p = [0, 0, 0];
  for (let a = 0; a < ff.nAtoms; a++) for (let q = 0; q < 3; q++) p[q] += ff.masses[a] * v[3 * a + q];
  assert.ok(Math.max(...p.map(Math.abs)) < 1e-12, `momentum ${p}`);
  const w = Float64Array.from(v);
  cons.rattle(x, w, 1);
  for (let k = 0; k < v.length; k++) assert.ok(Math.abs(w[k] - v[k]) < 1e-12);
});

test('bad input to maxwellBoltzmann is named', () => {
  const ff = sys().forceField, cons = hCons(ff);
  assert.throws(() => maxwellBoltzmann(ff.massesPerCoordinate(), kT, 1, new Rng(1), { constraints: cons }), /pass the positions/);
  assert.throws(() => maxwellBoltzmann(ff.massesPerCoordinate(), -1, 1, new Rng(1)), /kT must be non-negative/);
  assert.throws(() => maxwellBoltzmann(new Float64Array([1, 0, 1]), kT, 1, new Rng(1)), /masses\[1\] must be positive/);
  assert.throws(() => maxwellBoltzmann(ff.massesPerCoordinate(), kT, 2, new Rng(1), { constraints: cons, positions: new Float64Array(66) }), /positions have length 66, expected 132/);
});

test.run();
