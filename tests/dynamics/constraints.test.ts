import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Potential } from '../../lib/systems/potential.js';
import { BondConstraints } from '../../lib/dynamics/constraints.js';
import { BAOAB } from '../../lib/dynamics/langevin.js';
import { VelocityVerlet } from '../../lib/dynamics/verlet.js';
import { Rng } from '../../lib/dynamics/rng.js';

/**
 * A bent "X-H ... heavy" toy molecule in 3-D: harmonic springs between all pairs (nm, kJ/mol).
 * Atom 0 (12 amu) - atom 1 (1 amu, the constrained "hydrogen") - atom 2 (16 amu).
 */
class Springs implements Potential {
  readonly name = 'springs';
  readonly dim = 9;
  private readonly p = [[0, 1, 0.109, 3e5], [0, 2, 0.15, 2e5], [1, 2, 0.21, 5e4]];
  energy(x: ArrayLike<number>, o = 0): number {
    let v = 0;
    for (const [i, j, r0, k] of this.p) {
      const r = Math.hypot(x[o + 3 * i] - x[o + 3 * j], x[o + 3 * i + 1] - x[o + 3 * j + 1], x[o + 3 * i + 2] - x[o + 3 * j + 2]);
      v += 0.5 * k * (r - r0) ** 2;
    }
    return v;
  }
  forces(x: Float64Array, f: Float64Array, n: number, e?: Float64Array): void {
    f.fill(0, 0, n * 9);
    for (let w = 0; w < n; w++) {
      const o = 9 * w;
      let v = 0;
      for (const [i, j, r0, k] of this.p) {
        const d = [0, 1, 2].map((c) => x[o + 3 * i + c] - x[o + 3 * j + c]);
        const r = Math.hypot(d[0], d[1], d[2]);
        v += 0.5 * k * (r - r0) ** 2;
        for (let c = 0; c < 3; c++) {
          const g = (k * (r - r0) * d[c]) / r;
          f[o + 3 * i + c] -= g;
          f[o + 3 * j + c] += g;
        }
      }
      if (e) e[w] = v;
    }
  }
}

const masses = [12, 1, 16];
const perCoord = Float64Array.from(masses.flatMap((m) => [m, m, m]));
const start = () => Float64Array.from([0, 0, 0, 0.109, 0, 0, -0.02, 0.148, 0.01]);

test('SHAKE and RATTLE hold the X-H length to 1e-9 relative during Langevin dynamics', () => {
  const cons = new BondConstraints([[0, 1]], [0.109], masses);
  const integ = new BAOAB(new Springs(), { dt: 0.002, kT: 2.494, friction: 1, masses: perCoord, constraints: cons });
  const x = start();
  const rng = new Rng(1);
  const v = integ.maxwellBoltzmann(1, rng, undefined, x);
  integ.run(x, v, 1, 2000, rng);
  assert.ok(cons.maxDeviation(x, 1) < 1e-9, `deviation ${cons.maxDeviation(x, 1)}`);
  // velocities tangent: relative velocity along the bond vanishes
  const rv = [0, 1, 2].reduce((s, c) => s + (x[c] - x[3 + c]) * (v[c] - v[3 + c]), 0);
  assert.ok(Math.abs(rv) < 1e-8 * 0.109 ** 2, `r.v = ${rv}`);
});

test('constrained Langevin: mean kinetic temperature equals kT over 9 - 1 degrees of freedom', () => {
  const cons = new BondConstraints([[0, 1]], [0.109], masses);
  const kT = 2.494; // 300 K in kJ/mol
  const n = 200;
  const integ = new BAOAB(new Springs(), { dt: 0.001, kT, friction: 5, masses: perCoord, constraints: cons });
  assert.is(integ.degreesOfFreedom, 8);
  const x = new Float64Array(9 * n);
  for (let w = 0; w < n; w++) x.set(start(), 9 * w);
  const rng = new Rng(2);
  const v = integ.maxwellBoltzmann(n, rng, undefined, x);
  integ.run(x, v, n, 1000, rng);
  let acc = 0, m = 0;
  for (let r = 0; r < 20; r++) {
    integ.run(x, v, n, 50, rng);
    for (const t of integ.kineticTemperature(v, n)) { acc += t; m++; }
  }
  // 4000 samples of a chi^2_8 / 8 variable (sd 0.5 kT each, partly correlated): 1 % is > 4 standard errors.
  assert.ok(Math.abs(acc / m / kT - 1) < 0.02, `T/T0 = ${acc / m / kT}`);
});

test('velocity Verlet with constraints conserves energy: second-order fluctuations, no drift', () => {
  const nve = (dt: number) => {
    const cons = new BondConstraints([[0, 1]], [0.109], masses, { tolerance: 1e-12 });
    const vv = new VelocityVerlet(new Springs(), { dt, masses: perCoord, constraints: cons });
    const x = start();
    const v = new Float64Array(9);
    const rng = new Rng(4);
    for (let k = 0; k < 9; k++) v[k] = rng.normal() * Math.sqrt(2.494 / perCoord[k]);
    cons.rattle(x, v, 1);
    const etot = () => vv.potential.energy(x) + vv.kineticEnergy(v, 1)[0];
    const e0 = etot();
    const es: number[] = [];
    const chunk = Math.round(0.05 / dt);
    for (let i = 0; i < 100; i++) { vv.run(x, v, 1, chunk); es.push(etot()); } // 5 ps
    // drift: mean of the last fifth against the first fifth, per ps per degree of freedom
    const mean = (a: number[]) => a.reduce((s, z) => s + z, 0) / a.length;
    return { spread: Math.max(...es) - Math.min(...es), drift: Math.abs(mean(es.slice(80)) - mean(es.slice(0, 20))) / 4 / 8, e0 };
  };
  const a = nve(0.0005), b = nve(0.00025);
  // Energy fluctuations of a symplectic second-order scheme scale as dt^2: halving dt quarters them.
  const ratio = a.spread / b.spread;
  assert.ok(ratio > 3 && ratio < 5, `spread ratio ${ratio} (${a.spread}, ${b.spread})`);
  assert.ok(a.spread / Math.abs(a.e0) < 5e-3, `relative spread ${a.spread / a.e0}`);
  assert.ok(a.drift < 1e-4, `drift ${a.drift} kJ/mol/ps/dof`);
});

test('coupled clusters (CH3 with mixed atom order, H-O-H, single N-H): SHAKE and RATTLE give the mass-weighted projections', () => {
  // atoms: C H H H | O H H | N H; constraint clusters of 3 (closed-form path), 2 (pivoted path) and 1
  const m = [12.011, 1.008, 1.008, 1.008, 15.999, 1.008, 1.008, 14.007, 1.008];
  const pairs = [[0, 1], [2, 0], [0, 3], [4, 5], [6, 4], [7, 8]];
  const d = [0.109, 0.1095, 0.1085, 0.0957, 0.0957, 0.101];
  const cons = new BondConstraints(pairs, d, m);
  const nW = 2, dim = 27, rng = new Rng(7);
  const base = [0, 0, 0, 0.1, 0.03, 0.02, -0.04, 0.09, 0.03, -0.03, -0.05, 0.09, 1, 0, 0, 1.09, 0.03, 0, 0.97, 0.09, 0.01, 0, 1, 0, 0.02, 1.1, 0];
  const xRef = new Float64Array(nW * dim);
  for (let i = 0; i < xRef.length; i++) xRef[i] = base[i % dim] + 0.01 * rng.normal();
  cons.apply(xRef, nW);
  assert.ok(cons.maxDeviation(xRef, nW) <= 2e-10, `apply: ${cons.maxDeviation(xRef, nW)}`);
  const x0 = xRef.map((q) => q + 0.003 * rng.normal()); // one drift step's worth of displacement
  const x = Float64Array.from(x0), v = new Float64Array(nW * dim), dt = 0.001;
  cons.shake(xRef, x, nW, v, dt);
  assert.ok(cons.maxDeviation(x, nW) <= 1e-10, `shake: ${cons.maxDeviation(x, nW)}`);
  const along = (dx: number[], r: number[]) => {
    // |dx x r| / (|dx| |r|): zero when the displacement lies along r
    const c = [dx[1] * r[2] - dx[2] * r[1], dx[2] * r[0] - dx[0] * r[2], dx[0] * r[1] - dx[1] * r[0]];
    return Math.hypot(c[0], c[1], c[2]) / (Math.hypot(dx[0], dx[1], dx[2]) * Math.hypot(r[0], r[1], r[2]));
  };
  const vec = (a: Float64Array, o: number, i: number, j: number) => [0, 1, 2].map((k) => a[o + 3 * i + k] - a[o + 3 * j + k]);
  const hydrogens = [[1, 0, 1], [2, 2, 0], [3, 0, 3], [5, 4, 5], [6, 6, 4], [8, 7, 8]]; // H atom, its constraint's pair
  for (let w = 0; w < nW; w++) {
    const o = w * dim;
    let p = [0, 0, 0];
    for (let a = 0; a < 9; a++) for (let k = 0; k < 3; k++) {
      const dx = x[o + 3 * a + k] - x0[o + 3 * a + k];
      p[k] += m[a] * dx;
      assert.ok(Math.abs(v[o + 3 * a + k] - dx / dt) <= 1e-9 * Math.abs(dx / dt) + 1e-15, 'velocity correction = displacement / dt');
    }
    // SHAKE moves each hydrogen along its reference bond and conserves momentum (so the heavy atom's move follows)
    assert.ok(Math.hypot(p[0], p[1], p[2]) < 1e-13, `momentum ${p}`);
    for (const [h, i, j] of hydrogens) {
      const dx = [0, 1, 2].map((k) => x[o + 3 * h + k] - x0[o + 3 * h + k]);
      assert.ok(along(dx, vec(xRef, o, i, j)) < 1e-9, `SHAKE moves H${h} along its reference bond`);
    }
    // RATTLE: d/dt |r|^2 = 0 for every constraint, velocity changes along the current bonds, momentum conserved
    const vt = new Float64Array(nW * dim);
    for (let i = 0; i < vt.length; i++) vt[i] = rng.normal();
    const v0 = Float64Array.from(vt);
    cons.rattle(x, vt, nW);
    for (const [i, j] of pairs) {
      const r = vec(x, o, i, j), dv = vec(vt, o, i, j);
      const rate = r[0] * dv[0] + r[1] * dv[1] + r[2] * dv[2];
      assert.ok(Math.abs(rate) < 1e-14, `RATTLE rate ${rate} for ${i}-${j}`);
    }
    p = [0, 0, 0];
    for (let a = 0; a < 9; a++) for (let k = 0; k < 3; k++) p[k] += m[a] * (vt[o + 3 * a + k] - v0[o + 3 * a + k]);
    assert.ok(Math.hypot(p[0], p[1], p[2]) < 1e-12, `RATTLE momentum ${p}`);
    for (const [h, i, j] of hydrogens) {
      const dv = [0, 1, 2].map((k) => vt[o + 3 * h + k] - v0[o + 3 * h + k]);
      assert.ok(along(dv, vec(x, o, i, j)) < 1e-9, `RATTLE changes H${h} velocity along its bond`);
    }
    // a projection: applying it again changes nothing
    const again = Float64Array.from(vt);
    cons.rattle(x, again, nW);
    for (let i = o; i < o + dim; i++) assert.ok(Math.abs(again[i] - vt[i]) < 1e-14, 'RATTLE is idempotent');
  }
});

test('a distorted start and wrong atom indices give clear constraint errors', () => {
  assert.throws(() => new BondConstraints([[0, 3]], [0.1], masses), /atoms 0 and 3, outside 0..2/);
  assert.throws(() => new BondConstraints([[0, 1]], [0.1, 0.2], masses), /1 pairs but 2 lengths/);
  const cons = new BondConstraints([[0, 1]], [0.109], masses, { maxIterations: 3 });
  const x = start();
  const y = Float64Array.from(x);
  y[3] = -0.2; // bond flipped through: SHAKE cannot follow
  assert.throws(() => cons.shake(x, y, 1), /SHAKE/);
});

test.run();
