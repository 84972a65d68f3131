import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { erf, erfc, pmeParametersFromTolerance, bsplineModuli, PmeReciprocal, ewaldReciprocal, ewaldCoulombEnergy, PeriodicForceField, readTopology, readGro } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

const DIR = join(projectRoot(), 'data', 'tip3p-box');
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test('erf and erfc equal CPython math.erf/erfc (C libm) to 2e-15 relative from 0.1 to 5.5, including alpha r_c = 2.6283', () => {
  // [x, math.erfc(x), math.erf(x)] printed by python3 (Debian 12, CPython 3.11)
  const table = [
    [0.1, 0.8875370839817152, 0.1124629160182849],
    [0.5, 0.4795001221869535, 0.5204998778130465],
    [1, 0.15729920705028513, 0.8427007929497149],
    [1.5, 0.033894853524689274, 0.9661051464753108],
    [2, 0.004677734981047265, 0.9953222650189527],
    [2.628260884878466, 0.0002016645187154008, 0.9997983354812846],
    [3, 2.2090496998585438e-5, 0.9999779095030014],
    [4, 1.541725790028002e-8, 0.9999999845827421],
    [5.5, 7.357847917974398e-15, 0.9999999999999927],
  ];
  for (const [x, c, e] of table) {
    assert.ok(rel(erfc(x), c) < 2e-15, `erfc(${x}) = ${erfc(x)} vs ${c}`);
    assert.ok(Math.abs(erf(x) - e) < 3e-16, `erf(${x})`);
    assert.ok(Math.abs(erf(-x) + e) < 3e-16);
    assert.ok(Math.abs(erfc(-x) - (2 - c)) < 3e-16);
  }
  assert.is(erf(0), 0);
  assert.is(erfc(0), 1);
  assert.ok(Number.isNaN(erfc(NaN)));
});

test("alpha and grid from the error tolerance equal OpenMM 7.7's choice (getPMEParametersInContext) for the 2.2 nm water box", () => {
  const p = pmeParametersFromTolerance(1.0, ref.box, 5e-4);
  assert.is(p.alpha, ref.alpha); // 2.628260884878466 nm^-1, bit for bit
  assert.equal(p.grid, ref.grid); // [18, 18, 18]
  assert.equal(pmeParametersFromTolerance(1.0, [0.5, 0.5, 0.5], 5e-4).grid, [6, 6, 6]); // OpenMM's minimum
  assert.throws(() => pmeParametersFromTolerance(1.0, [2, 2, 2], 0), /error tolerance must be in \(0, 0.5\), got 0/);
  assert.throws(() => pmeParametersFromTolerance(1.0, [2, -1, 2], 5e-4), /box length y must be positive, got -1/);
});

test('B-spline moduli (order 5): 1 at m = 0, symmetric, and the zero at the Nyquist frequency of an even grid replaced by its neighbours', () => {
  const m = bsplineModuli(18, 5);
  assert.ok(Math.abs(m[0] - 1) < 1e-15);
  for (let k = 1; k < 18; k++) assert.ok(Math.abs(m[k] - m[18 - k]) < 1e-15);
  assert.ok(Math.abs(m[9] - m[8]) < 1e-15); // (m[8] + m[10]) / 2 = m[8]
  assert.ok(m[9] > 0.01);
  const odd = bsplineModuli(15, 5);
  for (let k = 0; k < 15; k++) assert.ok(odd[k] > 1e-3);
});

const top = readTopology(join(DIR, 'topol.top'));
const x0 = readGro(join(DIR, 'frames.gro')).frames[0];
const box = Float64Array.from(ref.box);

test('PME reciprocal energy and forces vs the exact Ewald reciprocal sum (348 TIP3P, 2.2 nm box, alpha 2.628, grid 18^3, order 5): energy 9.1e-5 relative, forces 3.1e-4 RMS; grid 36^3 is 100x closer', () => {
  const q = top.atoms.map((a) => a.charge);
  const fEx = new Float64Array(x0.length);
  const eEx = ewaldReciprocal(x0, q, box, ref.alpha, 14, fEx); // exp(-pi^2 k^2/(alpha L)^2) < 1e-16 at k = 14
  assert.is(ewaldReciprocal(x0, q, box, ref.alpha, 16), eEx); // converged: further k add exactly 0
  const errors: number[] = [];
  for (const g of [18, 36]) {
    const f = new Float64Array(x0.length);
    const e = new PmeReciprocal(q, { alpha: ref.alpha, grid: [g, g, g] }).compute(Float64Array.from(x0), 0, box, f, 0);
    let d2 = 0, n2 = 0;
    for (let k = 0; k < f.length; k++) {
      d2 += (f[k] - fEx[k]) ** 2;
      n2 += fEx[k] ** 2;
    }
    errors.push(rel(e, eEx), Math.sqrt(d2 / n2));
  }
  // measured: 9.07e-5 and 3.09e-4 at 18^3
  assert.ok(errors[0] < 1.5e-4 && errors[1] < 5e-4, `grid 18: energy ${errors[0]}, forces ${errors[1]}`);
  assert.ok(errors[2] < errors[0] / 100 && errors[3] < errors[1] / 30, `grid 36: energy ${errors[2]}, forces ${errors[3]}`);
});

test('PME forces are the exact gradient of the PME energy (central differences, 1e-6 relative)', () => {
  const q = top.atoms.map((a) => a.charge);
  const pme = new PmeReciprocal(q, { alpha: ref.alpha, grid: [18, 18, 18] });
  const x = Float64Array.from(x0), f = new Float64Array(x.length), dummy = new Float64Array(x.length);
  pme.compute(x, 0, box, f, 0);
  const h = 1e-5;
  for (const k of [0, 1, 2, 4, 500, 1043 * 3 + 2]) {
    const s = x[k];
    x[k] = s + h;
    const ep = pme.compute(x, 0, box, dummy, 0);
    x[k] = s - h;
    const em = pme.compute(x, 0, box, dummy, 0);
    x[k] = s;
    const fd = -(ep - em) / (2 * h);
    assert.ok(Math.abs(fd - f[k]) < 1e-6 * Math.max(1, Math.abs(f[k])) + 1e-5, `coordinate ${k}: ${f[k]} vs ${fd}`);
  }
});

test('electrostatics at OpenMM tolerance 5e-4 (r_c 1 nm, PME) vs the exact Ewald sum of the water box: 7.3e-5 relative', () => {
  const ff = new PeriodicForceField(top, { box });
  const t = ff.energyTerms(x0);
  const coulomb = t.coulombReal + t.coulombReciprocal + t.coulombSelf + t.coulombExclusion;
  const q = top.atoms.map((a) => a.charge);
  // alpha 4.6: erfc(alpha L/2) = 6e-11 and exp(-pi^2 k^2/(alpha L)^2) < 1e-13 at k = 18
  const exact = ewaldCoulombEnergy(x0, q, box, 4.6, 1.1, { kMax: 18, exclusions: top.exclusions });
  const err = rel(coulomb, exact); // measured 7.33e-5 (exact -14806.655 kJ/mol)
  assert.ok(err < 5e-4, `PME electrostatics ${coulomb} vs exact ${exact}: ${err}`);
});

test.run();
