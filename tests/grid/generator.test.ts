import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GridGenerator } from '../../lib/grid/generator.js';
import { Harmonic } from '../../lib/systems/harmonic.js';
import { DoubleWell } from '../../lib/systems/double-well.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { AimmdToy, AIMMD_STATE_A, AIMMD_STATE_B } from '../../lib/systems/aimmd-toy.js';
import { ball } from '../../lib/systems/regions.js';
import { Rng } from '../../lib/dynamics/rng.js';

// Separable harmonic well: the generator is the 2-D Ornstein-Uhlenbeck operator with eigenvalues
// -(D / kT)(n kx + m ky) and eigenfunctions products of Hermite polynomials (phi_10 = x sqrt(kx / kT)).
const KX = 2, KY = 5, KT = 1, D = 0.5;
const OU = [0, 1, 2, 2.5, 3, 3.5].map((v) => -v);
function ouGrid(n: number): GridGenerator {
  const L = 6 * Math.sqrt(KT / KX);
  return new GridGenerator(new Harmonic([KX, KY]), { lo: [-L, -L], hi: [L, L], shape: [n, n], kT: KT, diffusion: D });
}

test('Ornstein-Uhlenbeck: generator eigenvalues -(D/kT)(n kx + m ky) with O(h^2) error; phi_1 = x sqrt(kx/kT)', () => {
  const errs: number[] = [], phiErr: number[] = [];
  for (const n of [41, 81]) {
    const g = ouGrid(n);
    const { eigenvalues, functions, residuals } = g.eigenfunctions(6);
    assert.is(eigenvalues[0], 0);
    let err = 0;
    for (let i = 1; i < 6; i++) err = Math.max(err, Math.abs(eigenvalues[i] - OU[i]) / Math.abs(OU[i]));
    errs.push(err);
    for (let i = 1; i < 6; i++) assert.ok(residuals[i] < 1e-8, `residual ${residuals[i]}`);
    // phi_1 against the exact Hermite function, in the pi-weighted norm.
    const pi = g.stationary();
    let d2 = 0, norm = 0, mean = 0;
    for (let i = 0; i < g.n; i++) {
      const exact = g.points[2 * i] * Math.sqrt(KX / KT);
      d2 += pi[i] * (functions[1][i] - exact) ** 2;
      norm += pi[i] * functions[1][i] ** 2;
      mean += pi[i] * functions[1][i];
    }
    assert.ok(Math.abs(norm - 1) < 1e-12 && Math.abs(mean) < 1e-10, `normalised ${norm}, orthogonal to 1: ${mean}`);
    phiErr.push(Math.sqrt(d2));
  }
  assert.ok(phiErr[0] < 0.006 && phiErr[1] < phiErr[0] / 3.5, `||phi_1 - exact||_pi = ${phiErr} (n = 41, 81)`);
  // Coarse grid: h = 0.21, i.e. h sqrt(ky / kT) = 0.47 standard deviations along y.
  assert.ok(errs[0] < 0.03, `h = ${12 * Math.sqrt(0.5) / 40}: relative error ${errs[0]}`);
  assert.ok(errs[1] < errs[0] / 3.5, `halving h: ${errs[0]} -> ${errs[1]} (expected ~4x smaller)`);
  const ts = ouGrid(41).timescales(2);
  assert.ok(Math.abs(ts[0] - 1) < 0.015 && Math.abs(ts[1] - 0.5) < 0.01, `timescales ${Array.from(ts)}`);
});

test('stationary distribution: Boltzmann weights of the nodes; pi^T Q = 0 and detailed balance', () => {
  const g = ouGrid(41);
  const pi = g.stationary();
  const [hx, hy] = g.spacing;
  let sum = 0, worst = 0;
  const z = (2 * Math.PI * KT) / Math.sqrt(KX * KY);
  for (let i = 0; i < g.n; i++) {
    sum += pi[i];
    const x = g.points[2 * i], y = g.points[2 * i + 1];
    const exact = Math.exp(-(KX * x * x + KY * y * y) / (2 * KT)) / z;
    if (exact > 1e-3) worst = Math.max(worst, Math.abs(pi[i] / (hx * hy) - exact) / exact);
  }
  assert.ok(Math.abs(sum - 1) < 1e-14);
  assert.ok(worst < 1e-8, `density vs Boltzmann: relative ${worst}`);
  // sum_i pi_i (Q f)_i = 0 for any f, and sum_i g_i pi_i (Q f)_i = sum_i f_i pi_i (Q g)_i (self-adjoint in L2(pi)).
  const mb = new GridGenerator(new MullerBrown(), { lo: [-1.5, -0.5], hi: [1.2, 2], shape: [30, 40], kT: 15 });
  const rng = new Rng(3);
  const f = Float64Array.from({ length: mb.n }, () => rng.normal()), h = Float64Array.from({ length: mb.n }, () => rng.normal());
  const p = mb.stationary(), Qf = mb.apply(f), Qh = mb.apply(h);
  let s = 0, scale = 0, a = 0, b = 0;
  for (let i = 0; i < mb.n; i++) { s += p[i] * Qf[i]; scale += p[i] * Math.abs(Qf[i]); a += h[i] * p[i] * Qf[i]; b += f[i] * p[i] * Qh[i]; }
  assert.ok(Math.abs(s) < 1e-13 * scale, `pi^T Q f = ${s} (scale ${scale})`);
  assert.ok(Math.abs(a - b) < 1e-12 * scale, `<h, Q f>_pi = ${a}, <f, Q h>_pi = ${b}`);
  // Q 1 = 0.
  const q1 = mb.apply(new Float64Array(mb.n).fill(1));
  assert.ok(q1.every((v) => Math.abs(v) < 1e-9), 'constants are in the kernel');
});

test('committor of a double well (y harmonic) equals the exact quadrature int exp(V/kT) to O(h^2), independent of y', () => {
  const dw = new DoubleWell(2, 3, 1);
  const kT = 1;
  const V = (x: number) => 3 * (x * x - 1) ** 2;
  // Exact q(x) = int_{-1}^x exp(V/kT) / int_{-1}^1 exp(V/kT), by Simpson's rule (4000 intervals, error < 1e-12).
  const simpson = (a: number, b: number, m = 4000) => {
    const h = (b - a) / m;
    let s = Math.exp(V(a) / kT) + Math.exp(V(b) / kT);
    for (let i = 1; i < m; i++) s += (i % 2 ? 4 : 2) * Math.exp(V(a + i * h) / kT);
    return (s * h) / 3;
  };
  const Z = simpson(-1, 1);
  const exactQ = (x: number) => simpson(-1, x) / Z;
  const A = (x: ArrayLike<number>, o = 0) => x[o] <= -1 + 1e-9;
  const B = (x: ArrayLike<number>, o = 0) => x[o] >= 1 - 1e-9;
  const errs: number[] = [];
  // nx - 1 divisible by 6 puts nodes exactly on the boundaries x = -1 and x = 1 of A and B.
  for (const nx of [37, 73]) {
    const g = new GridGenerator(dw, { lo: [-1.5, -4], hi: [1.5, 4], shape: [nx, 9], kT, diffusion: 0.7 });
    const q = g.committor(A, B);
    let err = 0, spread = 0;
    for (let i = 0; i < g.n; i++) {
      const x = g.points[2 * i];
      const ix = i % nx;
      if (x > -1 && x < 1) err = Math.max(err, Math.abs(q[i] - exactQ(x)));
      if (x <= -1 + 1e-9) assert.is(q[i], 0);
      if (x >= 1 - 1e-9) assert.is(q[i], 1);
      spread = Math.max(spread, Math.abs(q[i] - q[ix]));
    }
    assert.ok(spread < 1e-12, `committor varies with y by ${spread}`);
    errs.push(err);
  }
  assert.ok(errs[0] < 5e-4, `max error ${errs[0]} at h = 1/12`);
  assert.ok(errs[1] < errs[0] / 3.5, `halving h: ${errs[0]} -> ${errs[1]}`);
});

test('Müller-Brown (kT = 15): second eigenfunction changes sign between the deep basins; committor solves Q q = 0', () => {
  const mb = new MullerBrown();
  const g = new GridGenerator(mb, { lo: [-1.5, -0.5], hi: [1.2, 2], shape: [82, 76], kT: 15 });
  const { eigenvalues, functions, residuals } = g.eigenfunctions(3);
  assert.ok(eigenvalues[1] < 0 && eigenvalues[2] < 10 * eigenvalues[1], `spectral gap: ${Array.from(eigenvalues)}`);
  assert.ok(residuals[1] < 1e-8 * Math.abs(eigenvalues[2]), `residual ${residuals[1]}`);
  const at = g.interpolate(functions[1], [-0.558, 1.442, 0.623, 0.028, -0.050, 0.467], 3);
  assert.ok(at[0] < -0.2 && at[1] > 2 && at[2] > 2, `phi_1 at the minima: ${Array.from(at)}`);
  // Metastability: phi_1 nearly constant within the deep basin around (-0.558, 1.442).
  const near = g.interpolate(functions[1], [-0.6, 1.4, -0.5, 1.5, -0.45, 1.35], 3);
  for (const v of near) assert.ok(Math.abs(v - at[0]) < 0.02 * (at[1] - at[0]), `phi_1 within basin A: ${Array.from(near)}`);
  const A = ball([-0.558, 1.442], 0.1), B = ball([0.623, 0.028], 0.1);
  const q = g.committor(A, B);
  const inA = g.nodesIn(A), inB = g.nodesIn(B);
  const Qq = g.apply(q);
  let worst = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < g.n; i++) {
    if (!inA[i] && !inB[i]) worst = Math.max(worst, Math.abs(Qq[i]));
    lo = Math.min(lo, q[i]); hi = Math.max(hi, q[i]);
  }
  const rate = 1 / g.spacing[0] ** 2; // D / h^2, the scale of the generator's entries (D = 1)
  assert.ok(worst < 1e-9 * rate, `|Q q| on free nodes ${worst} (D/h^2 = ${rate})`);
  assert.ok(lo > -1e-12 && hi < 1 + 1e-12, `maximum principle: q in [${lo}, ${hi}]`);
  const qs = g.interpolate(q, [-0.822, 0.624, 0.212, 0.293, -0.050, 0.467], 3);
  assert.ok(qs[0] > 0.1 && qs[0] < 0.5 && qs[1] > qs[2] && qs[2] > qs[0], `committor at saddle 1, saddle 2, intermediate minimum: ${Array.from(qs)}`);
});

test('AIMMD toy with nuisance coordinates: the (x, y) plane at the oscillators minimum; committor antisymmetric under inversion', () => {
  const toy = new AimmdToy({ frequencies: [0.1, 0.5, 3] });
  const g = new GridGenerator(toy, { lo: [-1.2, -1.2], hi: [1.2, 1.2], shape: [49, 49], kT: 1 });
  const flat = new AimmdToy();
  for (let i = 0; i < g.n; i += 37) assert.ok(Math.abs(g.energies[i] - flat.energy(g.points, 2 * i)) < 1e-12);
  // Radius 0.22, not a multiple of the spacing 0.05, so that rounding cannot split mirrored nodes.
  const q = g.committor(ball(AIMMD_STATE_A, 0.22, [0, 1]), ball(AIMMD_STATE_B, 0.22, [0, 1]));
  // Node i and node n-1-i are images under (x, y) -> (-x, -y), which swaps A and B.
  let worst = 0;
  for (let i = 0; i < g.n; i++) worst = Math.max(worst, Math.abs(q[i] + q[g.n - 1 - i] - 1));
  assert.ok(worst < 1e-9, `q(x) + q(-x) - 1 up to ${worst}`);
  assert.ok(Math.abs(g.interpolate(q, [0, 0], 1)[0] - 0.5) < 1e-9);
  // Full configurations are accepted by interpolate.
  const full = g.interpolate(q, [0.3, 0.1, 5, 5, 5], 1), plane = g.interpolate(q, [0.3, 0.1], 1);
  assert.is(full[0], plane[0]);
});

test('bad input: clear errors', () => {
  const mb = new MullerBrown();
  const base = { lo: [-1.5, -0.5], hi: [1.2, 2], shape: [20, 20], kT: 15 };
  assert.throws(() => new GridGenerator(mb, { ...base, shape: [20, 2] }), /at least 3 nodes/);
  assert.throws(() => new GridGenerator(mb, { ...base, shape: [20.5, 20] }), /shape must be integers/);
  assert.throws(() => new GridGenerator(mb, { ...base, kT: 0 }), /kT must be positive/);
  assert.throws(() => new GridGenerator(mb, { ...base, lo: [1.3, 0] }), /hi .* must exceed lo/);
  assert.throws(() => new GridGenerator(mb, { ...base, kT: 0.1 }), /span \d+ kT/);
  assert.throws(() => new GridGenerator(mb, { ...base, coordinates: [0, 2] }), /coordinates/);
  assert.throws(() => new GridGenerator(new AimmdToy({ frequencies: [1] }), { ...base, reference: [0, 0, NaN] }), /reference coordinate 2 is NaN/);
  const g = new GridGenerator(mb, base);
  assert.throws(() => g.committor(ball([5, 5], 0.1), ball([0.623, 0.028], 0.2)), /no grid node lies in A/);
  assert.throws(() => g.committor(ball([0.623, 0.028], 0.2), ball([0.623, 0.028], 0.3)), /lies in both A and B/);
  assert.throws(() => g.interpolate(new Float64Array(g.n), [2, 0], 1), /outside the grid/);
  assert.throws(() => g.interpolate(new Float64Array(g.n), [0, 0, 0], 1), /expected 1 points x 2/);
  assert.throws(() => g.eigenfunctions(0), /k must be an integer/);
});

test.run();
