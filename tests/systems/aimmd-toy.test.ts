import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AIMMD_AUTHORS, AimmdToy, aimmdNuisanceFrequencies } from '../../lib/systems/aimmd-toy.js';
import { Rng } from '../../lib/dynamics/rng.js';

test('forces equal central finite differences of the energy, nuisance coordinates included', () => {
  const rng = new Rng(2);
  const p = new AimmdToy({ frequencies: aimmdNuisanceFrequencies(5, rng) });
  const x = Float64Array.from({ length: p.dim }, () => rng.uniform(-0.8, 0.8));
  const f = new Float64Array(p.dim);
  const e = new Float64Array(1);
  p.forces(x, f, 1, e);
  assert.ok(Math.abs(e[0] - p.energy(x)) < 1e-12);
  for (let k = 0; k < p.dim; k++) {
    const h = 1e-6, xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[k] += h; xm[k] -= h;
    const fd = -(p.energy(xp) - p.energy(xm)) / (2 * h);
    assert.ok(Math.abs(fd - f[k]) < 1e-6 * (1 + Math.abs(fd)), `coordinate ${k}: ${f[k]} vs ${fd}`);
  }
});

test('two symmetric minima near the state centres and a barrier of about 6.5 kT (SI: "approximately 7")', () => {
  const p = new AimmdToy();
  // minimum energy along lines of constant x, then the highest of those minima: the barrier on the MEP
  let lowest = Infinity, barrier = -Infinity;
  for (let x = -0.9; x <= 0.9001; x += 0.005) {
    let m = Infinity;
    for (let y = -1; y <= 1; y += 0.001) m = Math.min(m, p.energy([x, y]));
    lowest = Math.min(lowest, m);
    if (Math.abs(x) < 0.3) barrier = Math.max(barrier, m);
  }
  assert.ok(Math.abs(lowest - -6.517) < 0.01, `minimum ${lowest}`);
  assert.ok(Math.abs(barrier - lowest - 6.51) < 0.05, `barrier ${barrier - lowest} kT`);
  assert.ok(Math.abs(p.energy([-0.75, -0.5]) - p.energy([0.75, 0.5])) < 1e-12, 'symmetric under (x, y) -> (-x, -y)');
});

test('nuisance frequencies: first two from the transition-path time, rest in [0, 10)', () => {
  const w = aimmdNuisanceFrequencies(40, new Rng(1));
  assert.ok(Math.abs(2 * Math.PI / w[0] - 55) < 1e-9);
  assert.ok(Math.abs(2 * Math.PI / w[1] - 11) < 1e-9);
  for (let j = 2; j < 40; j++) assert.ok(w[j] >= 0 && w[j] < 10);
  assert.throws(() => new AimmdToy({ frequencies: [1, NaN] }), /frequency 1 is NaN/);
});

test("authors' convention: energies and forces equal the bio-phys/aimmd example's openpathsampling terms", () => {
  // The example's PES, written out from openpathsampling's toy formulas (engines/toy/pes.py):
  //   OuterWalls:         sum_i sigma_i (x_i - x0_i)^6,             sigma = [0.2, 1.0, 0, ...]
  //   Gaussian (x2):      A exp(-sum_i alpha_i (x_i - x0_i)^2),     A = -0.7, alpha = [12, 12, 0, ...]
  //   HarmonicOscillator: 0.5 * sum_i A_i m_i omega_i^2 (x_i - x0_i)^2, A = [0, 0, 1/2, ...], m = 1
  const rng = new Rng(11);
  const omega = aimmdNuisanceFrequencies(20, rng, { leading: AIMMD_AUTHORS.leadingFrequencies });
  assert.equal(Array.from(omega.slice(0, 2)), [0.2, 0.5]);
  const d = 22, sigma = [0.2, 1.0, ...new Array(20).fill(0)], alpha = [12, 12, ...new Array(20).fill(0)];
  const amp = [0, 0, ...new Array(20).fill(0.5)], om = [0, 0, ...omega];
  const centres = [[-0.75, -0.5, ...new Array(20).fill(0)], [0.75, 0.5, ...new Array(20).fill(0)]];
  const opsV = (x: number[]) => {
    let v = 0;
    for (let i = 0; i < d; i++) v += sigma[i] * x[i] ** 6 + 0.5 * amp[i] * om[i] ** 2 * x[i] ** 2;
    for (const c of centres) v += -0.7 * Math.exp(-x.reduce((s, xi, i) => s + alpha[i] * (xi - c[i]) ** 2, 0));
    return v;
  };
  const opsDVdx = (x: number[]) => x.map((xi, i) => {
    let g = 6 * sigma[i] * xi ** 5 + amp[i] * om[i] ** 2 * xi;
    for (const c of centres) g += -2 * alpha[i] * (xi - c[i]) * -0.7 * Math.exp(-x.reduce((s, xj, j) => s + alpha[j] * (xj - c[j]) ** 2, 0));
    return g;
  });
  const p = new AimmdToy({ frequencies: omega, convention: 'authors' });
  assert.is(p.dim, 22);
  for (let k = 0; k < 20; k++) {
    const x = Array.from({ length: d }, (_, i) => (i < 2 ? rng.uniform(-1.1, 1.1) : rng.uniform(-4, 4)));
    const f = new Float64Array(d), e = new Float64Array(1);
    p.forces(Float64Array.from(x), f, 1, e);
    const v = opsV(x), g = opsDVdx(x);
    assert.ok(Math.abs(e[0] - v) < 1e-12 * (1 + Math.abs(v)) && Math.abs(p.energy(x) - v) < 1e-12 * (1 + Math.abs(v)), `point ${k}: ${e[0]} vs ${v}`);
    for (let i = 0; i < d; i++) assert.ok(Math.abs(f[i] + g[i]) < 1e-12 * (1 + Math.abs(g[i])), `point ${k}, coordinate ${i}: force ${f[i]} vs ${-g[i]}`);
  }
});

test("authors' convention at kT = 0.1 is the reduced landscape at kT = 1 in (x, y)", () => {
  const a = new AimmdToy({ convention: 'authors' }), r = new AimmdToy();
  for (const [x, y] of [[-0.75, -0.5], [0, 0], [0.3, -0.8], [1.1, 0.6]]) {
    assert.ok(Math.abs(a.energy([x, y]) / AIMMD_AUTHORS.kT - r.energy([x, y])) < 1e-12, `(${x}, ${y})`);
  }
  assert.throws(() => new AimmdToy({ convention: 'kT' as never }), /convention must be 'reduced' or 'authors', got kT/);
  assert.throws(() => aimmdNuisanceFrequencies(3, new Rng(1), { leading: [0.2, -1] }), /leading frequency 1 is -1/);
});

test.run();
