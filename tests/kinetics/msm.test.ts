import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countMatrix, estimateMsm, largestConnectedSet } from '../../lib/kinetics/msm.js';
import { symmetricEigen } from '../../lib/dynamics/hessian.js';
import { Rng } from '../../lib/dynamics/rng.js';

// A reversible 3-state chain: detailed balance with pi = (0.5, 0.3, 0.2); two slow-ish processes.
const pi = [0.5, 0.3, 0.2];
const K = [[0, 0.02, 0.01], [0.02, 0, 0.05], [0.01, 0.05, 0]]; // symmetric flux weights
const T = pi.map((p, i) => { const row = K[i].map((k) => k / p); row[i] = 1 - row.reduce((a, b) => a + b, 0); return row; });

function sample(steps: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const d = new Int32Array(steps);
  let s = 0;
  for (let t = 0; t < steps; t++) {
    d[t] = s;
    const u = rng.next();
    let acc = 0;
    for (let j = 0; j < 3; j++) { acc += T[s][j]; if (u < acc) { s = j; break; } }
  }
  return d;
}

function exactEigenvalues(lag: number): number[] {
  const S = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) S[i * 3 + j] = Math.sqrt(pi[i] / pi[j]) * T[i][j];
  return Array.from(symmetricEigen(S, 3).values).sort((a, b) => b - a).map((l) => l ** lag);
}

test('countMatrix: sliding window, no transition across a -1 frame, named bad states', () => {
  const C = countMatrix([[0, 1, 1, -1, 2, 0], [2, 2]], 3, 1);
  assert.equal(Array.from(C), [0, 1, 0, /* */ 0, 1, 0, /* */ 1, 0, 1]);
  assert.equal(Array.from(countMatrix([[0, 1, 0, 1]], 2, 2)), [1, 0, 0, 1]);
  assert.throws(() => countMatrix([[0, 3]], 3, 1), /trajectory 0, frame 1 has state 3, expected -1 or 0..2/);
  assert.throws(() => countMatrix([[0, 1]], 2, 0), /lag must be a positive whole number of frames/);
});

test('largestConnectedSet: a state that is only entered, never left, is excluded', () => {
  // 0 <-> 1 <-> 2, and 2 -> 3 only: {0, 1, 2} is strongly connected, 3 is a sink
  const n = 4, C = new Float64Array(16);
  for (const [i, j] of [[0, 1], [1, 0], [1, 2], [2, 1], [2, 3], [3, 3]]) C[i * n + j] = 5;
  assert.equal(Array.from(largestConnectedSet(C, n)), [0, 1, 2]);
});

test('reversible MLE recovers T, pi and the exact implied timescales of a sampled 3-state chain', () => {
  const d = sample(400000, 11);
  for (const lag of [1, 5]) {
    const msm = estimateMsm([d], 3, { lag, dt: 0.5 });
    assert.equal(Array.from(msm.activeSet), [0, 1, 2]);
    // detailed balance holds exactly for the estimate
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      const a = msm.stationary[i] * msm.transitionMatrix[i * 3 + j], b = msm.stationary[j] * msm.transitionMatrix[j * 3 + i];
      assert.ok(Math.abs(a - b) < 1e-12, `detailed balance ${i},${j}`);
    }
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(msm.stationary[i] - pi[i]) < 0.02, `pi[${i}] = ${msm.stationary[i]}`);
    const exact = exactEigenvalues(lag);
    const ts = msm.timescales(2);
    for (let k = 0; k < 2; k++) {
      const tExact = (-lag * 0.5) / Math.log(exact[k + 1]);
      assert.ok(Math.abs(ts[k] - tExact) / tExact < 0.05, `lag ${lag}: t${k + 2} = ${ts[k]} vs exact ${tExact}`);
    }
    if (lag === 1) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(msm.transitionMatrix[i * 3 + j] - T[i][j]) < 0.005, `T[${i}][${j}]`);
    // eigenvectors: psi_0 = 1, pi-orthonormal
    const { vectors } = msm.eigen(3);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(vectors[0][i] - 1) < 1e-9);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      let s = 0;
      for (let i = 0; i < 3; i++) s += msm.stationary[i] * vectors[a][i] * vectors[b][i];
      assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-9, `<psi_${a}, psi_${b}>_pi = ${s}`);
    }
  }
});

test('large state spaces use Lanczos and agree with the dense solver', () => {
  // a 1-D random walk on 450 states in a double-well landscape (> 400: the Lanczos path)
  const n = 450, rng = new Rng(3);
  const V = (i: number) => 3 * ((2 * i / (n - 1) - 1) ** 2 - 1) ** 2;
  const traj = new Int32Array(2_000_000);
  let s = 10;
  for (let t = 0; t < traj.length; t++) {
    traj[t] = s;
    const j = s + (rng.next() < 0.5 ? -1 : 1);
    if (j >= 0 && j < n && rng.next() < Math.min(1, Math.exp(-(V(j) - V(s))))) s = j;
  }
  const msm = estimateMsm([traj], n, { lag: 200 });
  const small = estimateMsm([Int32Array.from(traj, (v) => Math.floor(v / 3))], 150, { lag: 200 });
  const t1 = msm.timescales(1)[0], t2 = small.timescales(1)[0];
  assert.ok(msm.n > 400, `active states ${msm.n}`);
  assert.ok(Math.abs(t1 - t2) / t2 < 0.05, `slowest timescale ${t1} (Lanczos, ${msm.n} states) vs ${t2} (dense, ${small.n} states)`);
});

test('bad input: no transitions between states', () => {
  assert.throws(() => estimateMsm([[0, 0, 0], [1, 1]], 2, { lag: 1 }), /largest connected set has 1 state/);
});

test.run();
