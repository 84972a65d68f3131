import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { binCentres, paperBinChain, sqraTransitionMatrix } from '../../lib/grid/bin-chain.js';
import { FourWell1D } from '../../lib/systems/four-well.js';

const fw = new FourWell1D();
const V = (x: number) => fw.energy([x]);
const grid = { lo: -1.25, hi: 1.25, bins: 100 };

test('SqRA transition matrix: stochastic, stationary exp(-V) exactly, Chapman-Kolmogorov', () => {
  const n = 100;
  const P = sqraTransitionMatrix(V, grid, { D: 1, tau: 0.01 });
  const P2 = sqraTransitionMatrix(V, grid, { D: 1, tau: 0.02 });
  const c = binCentres(grid);
  const pi = c.map((x) => Math.exp(-V(x)));
  const Z = pi.reduce((a, b) => a + b);
  for (let i = 0; i < n; i++) pi[i] /= Z;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += P[i * n + j];
    assert.ok(Math.abs(s - 1) < 1e-9, `row ${i} sums to ${s}`);
  }
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += pi[i] * P[i * n + j];
    assert.ok(Math.abs(s - pi[j]) < 1e-10, `(pi P)_${j} = ${s} vs pi = ${pi[j]}`);
  }
  // P(2 tau) = P(tau)^2
  for (const [i, j] of [[10, 12], [50, 47], [80, 80]]) {
    let s = 0;
    for (let k = 0; k < n; k++) s += P[i * n + k] * P[k * n + j];
    assert.ok(Math.abs(s - P2[i * n + j]) < 1e-10, `CK ${i},${j}: ${s} vs ${P2[i * n + j]}`);
  }
});

test('SqRA on a flat potential is the diffusion kernel N(x, 2 D tau) away from the walls', () => {
  const g = { lo: -2, hi: 2, bins: 400 };
  const D = 0.5, tau = 0.01; // sd sqrt(2 D tau) = 0.1 = 10 bins
  const P = sqraTransitionMatrix(() => 0, g, { D, tau });
  const c = binCentres(g), h = 0.01, n = 400, i = 200, sd = Math.sqrt(2 * D * tau);
  let err = 0;
  for (let j = 0; j < n; j++) {
    const exact = (h / (sd * Math.sqrt(2 * Math.PI))) * Math.exp(-0.5 * ((c[j] - c[i]) / sd) ** 2);
    err = Math.max(err, Math.abs(P[i * n + j] - exact));
  }
  // peak value h / (sd sqrt(2 pi)) = 0.04; the lattice's O(h^2) error
  assert.ok(err < 2e-4, `max |P - Gaussian| = ${err}`);
});

test("the paper's chain is stochastic with stationary distribution exp(-2V)/C_i, as derived", () => {
  const n = 100;
  const P = paperBinChain(V, grid, 100);
  const e = binCentres(grid).map(V);
  const Ci = e.map((v, i) => { let s = 0; for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) s += Math.exp(-(e[j] - v)); return 1 / s; });
  const pi = e.map((v, i) => Math.exp(-2 * v) / Ci[i]);
  const Z = pi.reduce((a, b) => a + b);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (pi[i] / Z) * P[i * n + j];
    assert.ok(Math.abs(s - pi[j] / Z) < 1e-10, `(pi P)_${j}`);
  }
  const one = paperBinChain(V, grid, 1);
  assert.ok(Math.abs(one[5 * n + 4] - Ci[5] * Math.exp(-(e[4] - e[5]))) < 1e-15);
  assert.throws(() => paperBinChain(V, grid, -1), /steps must be a non-negative integer/);
});

test.run();
