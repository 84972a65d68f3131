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
