import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { initBackend, numTensors } from '../../lib/nn/index.js';
import { FeaturizedChi, IsokannLearner, featurizeBursts, fitAdaptive, sampleBursts, type ChiField } from '../../lib/isokann/index.js';
import { PairwiseDistances } from '../../lib/features/pairwise-distances.js';
import { pearson } from '../../lib/stats/correlation.js';
import { Rng } from '../../lib/dynamics/rng.js';
import type { Potential } from '../../lib/systems/potential.js';

// A "molecule" of two atoms whose bond length d has two stable values (a double well in d, reduced
// units): V = h ((d - r0)^2 / w^2 - 1)^2, minima at d = r0 ± w. The slow process is the switch of d,
// seen only through a rotation-invariant feature; ISOKANN on pairwise distances must find it.
const h = 4, r0 = 0.5, w = 0.15, kT = 1;
const dimer: Potential = {
  dim: 6,
  name: 'bistable dimer',
  energy(x, o = 0) {
    const d = Math.hypot(x[o + 3] - x[o], x[o + 4] - x[o + 1], x[o + 5] - x[o + 2]);
    return h * ((d - r0) ** 2 / w ** 2 - 1) ** 2;
  },
  forces(x, f, n, e) {
    for (let k = 0, o = 0; k < n; k++, o += 6) {
      const dx = x[o + 3] - x[o], dy = x[o + 4] - x[o + 1], dz = x[o + 5] - x[o + 2];
      const d = Math.hypot(dx, dy, dz), q = (d - r0) ** 2 / w ** 2 - 1;
      const dVdd = (4 * h * q * (d - r0)) / w ** 2;
      const s = -dVdd / d;
      f[o + 3] = s * dx; f[o + 4] = s * dy; f[o + 5] = s * dz;
      f[o] = -s * dx; f[o + 1] = -s * dy; f[o + 2] = -s * dz;
      if (e) e[k] = h * q * q;
    }
  },
};
const features = new PairwiseDistances(2);

/** n dimers with bond lengths d[k], random centre and orientation. */
function dimers(d: ArrayLike<number>, seed: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(6 * d.length);
  for (let k = 0; k < d.length; k++) {
    let u = [rng.normal(), rng.normal(), rng.normal()];
    const nu = Math.hypot(u[0], u[1], u[2]);
    u = u.map((v) => v / nu);
    for (let c = 0; c < 3; c++) {
      const centre = rng.uniform(-1, 1);
      x[6 * k + c] = centre - 0.5 * d[k] * u[c];
      x[6 * k + 3 + c] = centre + 0.5 * d[k] * u[c];
    }
  }
  return x;
}

/**
 * Reference: the slow eigenfunction of the radial dynamics. The bond vector diffuses freely in 3-D, so
 * d feels the effective potential V(d) - 2 kT ln d; its generator, discretised by the square-root
 * approximation on a 1-D grid (as lib/grid does in 2-D), gives psi_2(d).
 */
function radialPsi2(): (d: number) => number {
  const lo = 0.1, hi = 0.9, N = 321, step = (hi - lo) / (N - 1);
  const pi = Array.from({ length: N }, (_, i) => { const d = lo + i * step; return Math.exp(-(h * ((d - r0) ** 2 / w ** 2 - 1) ** 2 - 2 * kT * Math.log(d)) / kT); });
  const S = Matrix.zeros(N, N);
  for (let i = 0; i + 1 < N; i++) {
    // symmetrised SqRA: off-diagonal 1/h^2, diagonal minus the rates out of each node
    S.set(i, i + 1, 1 / step ** 2); S.set(i + 1, i, 1 / step ** 2);
    S.set(i, i, S.get(i, i) - Math.sqrt(pi[i + 1] / pi[i]) / step ** 2);
    S.set(i + 1, i + 1, S.get(i + 1, i + 1) - Math.sqrt(pi[i] / pi[i + 1]) / step ** 2);
  }
  const eig = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const order = eig.realEigenvalues.map((v, k) => [v, k]).sort((a, b) => b[0] - a[0]);
  const u = eig.eigenvectorMatrix.getColumn(order[1][1]);
  const psi = u.map((v, i) => v / Math.sqrt(pi[i]));
  return (d) => { const t = (d - lo) / step, i = Math.min(N - 2, Math.floor(t)); return psi[i] + (t - i) * (psi[i + 1] - psi[i]); };
}

test.before(async () => { await initBackend(); });

test('FeaturizedChi: chi(f(x)) with the exact Cartesian gradient J^T grad_f chi', () => {
  const inner: ChiField = {
    dim: 1,
    evaluate(f, n, grad) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) { v[i] = 1 / (1 + Math.exp(-(f[i] - r0) / 0.05)); if (grad) grad[i] = (v[i] * (1 - v[i])) / 0.05; }
      return v;
    },
  };
  const chi = new FeaturizedChi(inner, features);
  assert.is(chi.dim, 6);
  const x = dimers([0.42, 0.55, 0.61], 3);
  const g = new Float64Array(18);
  const v = chi.evaluate(x, 3, g);
  const hstep = 1e-6;
  for (let k = 0; k < 18; k++) {
    const xp = x.slice(), xm = x.slice();
    xp[k] += hstep; xm[k] -= hstep;
    const fd = (chi.evaluate(xp, 3)[Math.floor(k / 6)] - chi.evaluate(xm, 3)[Math.floor(k / 6)]) / (2 * hstep);
    assert.ok(Math.abs(fd - g[k]) < 1e-7 * (1 + Math.abs(fd)), `coordinate ${k}: ${g[k]} vs FD ${fd}`);
  }
  assert.ok(Math.abs(v[1] - inner.evaluate(Float64Array.of(0.55), 1)[0]) < 1e-12);
  assert.throws(() => new FeaturizedChi({ dim: 2, evaluate: inner.evaluate }, features), /chi takes 2 inputs, the featurisation gives 1/);
  assert.throws(() => featurizeBursts({ x: new Float64Array(3), y: new Float64Array(3), n: 1, bursts: 1, dim: 3 }, features), /bursts have 3 coordinates, the featurisation expects 2 atoms x 3 = 6/);
});

test('ISOKANN on pairwise distances with adaptive sampling learns the bond switch of a bistable dimer (vs the radial eigenfunction)', async () => {
  const integrator = { kind: 'euler-maruyama' as const, dt: 1e-4, kT };
  const sample = (x: Float64Array, n: number, seed: number) => sampleBursts(dimer, x, n, { integrator, lag: 0.01, bursts: 5, seed });
  // start in the two basins only: d near 0.35 and 0.65
  const rng = new Rng(4);
  const n0 = 60;
  const x0 = dimers(Array.from({ length: n0 }, (_, i) => (i % 2 ? 0.65 : 0.35) + 0.03 * rng.normal()), 5);
  const learner = new IsokannLearner({ hidden: [16, 16], activation: 'tanh', optimizer: 'adam', epochs: 5, iterations: 60, batchSize: 50, orient: { low: [0.35] }, seed: 6 });
  const before = numTensors();
  const log: { generation: number; mid: number; residual: number; slope: number }[] = [];
  const { model, data } = await fitAdaptive(learner, sample(x0, n0, 7), sample, {
    generations: 3, newPoints: 60, seed: 8, featurization: features,
    onGeneration: ({ generation, model: m, data: d, koopman }) => {
      const c = m.predict(features.transform(d.x, d.n), d.n);
      log.push({ generation, mid: c.filter((v) => v > 0.2 && v < 0.8).length, residual: koopman.rmsResidual, slope: koopman.slope });
    },
  });
  assert.is(data.dim, 6, 'the data stay Cartesian');
  assert.is(data.n, n0 + 3 * 60);
  assert.is(log.length, 4);
  assert.ok(log[3].mid > log[0].mid, `start points with 0.2 < chi < 0.8 per generation: ${log.map((l) => l.mid)}`);
  for (const l of log) assert.ok(Number.isFinite(l.residual) && l.residual < 0.2 && l.slope > 0.5 && l.slope <= 1.05, JSON.stringify(l));
  // chi on fresh dimers across the barrier follows psi_2 of the radial dynamics
  const chi = new FeaturizedChi(model, features);
  const ds = Array.from({ length: 81 }, (_, i) => 0.3 + (0.4 * i) / 80);
  const xs = dimers(ds, 9);
  const c = chi.evaluate(xs, ds.length);
  const psi2 = radialPsi2();
  const r = pearson(c, ds.map(psi2));
  assert.ok(Math.abs(r) >= 0.99, `Pearson r(chi, psi_2) = ${r}`);
  assert.ok(c[Math.round((0.35 - 0.3) / 0.005)] < 0.15 && c[Math.round((0.65 - 0.3) / 0.005)] > 0.85, `chi(0.35) = ${c[10]}, chi(0.65) = ${c[70]}`);
  // invariant to rigid motions: the same bond lengths placed elsewhere give the same chi
  const c2 = chi.evaluate(dimers(ds, 10), ds.length);
  for (let k = 0; k < ds.length; k++) assert.ok(Math.abs(c2[k] - c[k]) < 1e-9);
  model.dispose();
  assert.is(numTensors(), before, 'intermediate models are disposed');
});

test.run();
