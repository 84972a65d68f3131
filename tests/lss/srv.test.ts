import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, numTensors, tf } from '../../lib/nn/index.js';
import { laggedCovariances, tica, vamp2Score } from '../../lib/kinetics/index.js';
import { pearson } from '../../lib/stats/correlation.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { reversibleVamp2, spdInverse } from '../../lib/lss/vamp-loss.js';
import { trainSrv, eigenvalueGap, SrvModel } from '../../lib/lss/srv.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

test.before(async () => {
  await initBackend();
});

// Three independent unit-variance AR(1) processes (autocorrelations a_k^tau exactly) seen through a fixed
// linear mixing x = M s + 5: TICA's eigenvalues at lag tau are a_k^tau.
const a = [0.995, 0.9, 0.0];
const M = [[1, 0.5, 0.2], [0.3, 2, -0.4], [0.1, -0.2, 1.5]];
function mixed(frames: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(frames * 3);
  const cur = [rng.normal(), rng.normal(), rng.normal()];
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < 3; i++) x[3 * f + i] = 5 + M[i][0] * cur[0] + M[i][1] * cur[1] + M[i][2] * cur[2];
    for (let k = 0; k < 3; k++) cur[k] = a[k] * cur[k] + Math.sqrt(1 - a[k] ** 2) * rng.normal();
  }
  return x;
}

test('the differentiable SPD inverse is the inverse and its gradient matches central differences', () => {
  const A = [[2.0, 0.3, -0.1], [0.3, 1.5, 0.2], [-0.1, 0.2, 1.0]];
  const W = [[0.7, -0.2, 0.1], [0.4, 0.3, -0.5], [0.2, 0.1, 0.9]]; // a fixed (non-symmetric) weight
  const f = (a: number[][]) => tf.tidy(() => tf.sum(tf.mul(spdInverse(tf.tensor2d(a)), tf.tensor2d(W))).dataSync()[0]);
  const inv = tf.tidy(() => spdInverse(tf.tensor2d(A)).arraySync());
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += A[i][k] * inv[k][j];
    assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-6, `(A A^-1)_${i}${j} = ${s}`);
  }
  const g = tf.tidy(() => tf.grad((x: any) => tf.sum(tf.mul(spdInverse(x), tf.tensor2d(W))))(tf.tensor2d(A)).arraySync()) as number[][];
  // symmetric perturbations: the op reads the symmetric part, so compare d/dA_ij + d/dA_ji
  const h = 1e-2;
  for (const [i, j] of [[0, 0], [0, 1], [1, 2], [2, 2]]) {
    const p = A.map((r) => [...r]), m = A.map((r) => [...r]);
    p[i][j] += h; m[i][j] -= h;
    if (i !== j) { p[j][i] += h; m[j][i] -= h; }
    const fd = (f(p) - f(m)) / (2 * h);
    const ad = i === j ? g[i][i] : g[i][j] + g[j][i];
    assert.ok(Math.abs(fd - ad) < 2e-3 * Math.max(1, Math.abs(fd)), `dL/dA_${i}${j}: autodiff ${ad}, central difference ${fd}`);
  }
});

test('the batch VAMP-2 loss of a linear map of features equals the closed-form reversible VAMP-2 and TICA', () => {
  const x = mixed(20000, 3);
  const lag = 5;
  const exact = vamp2Score(laggedCovariances([x], 3, lag, { reversible: true }));
  const model = tica([x], 3, { lag });
  assert.ok(Math.abs(exact - model.vamp2()) < 1e-10);
  // any invertible linear map leaves the score unchanged; feed x_t and x_{t+lag} through one
  const L = [[0.5, -1.2, 0.3], [2.0, 0.1, 0.4], [-0.3, 0.8, 1.1]];
  const n = 20000 - lag;
  const before = numTensors();
  const score = tf.tidy(() => {
    const all = tf.tensor2d(Float32Array.from(x), [20000, 3]);
    const z = tf.matMul(tf.sub(all, 5), tf.tensor2d(L));
    return reversibleVamp2(tf.slice(z, [0, 0], [n, 3]) as any, tf.slice(z, [lag, 0], [n, 3]) as any, 0).dataSync()[0];
  });
  assert.is(numTensors(), before);
  assert.ok(Math.abs(score - exact) < 2e-4 * exact, `batch loss ${score} vs closed form ${exact}`);
});

test('eigenvalueGap picks the largest timescale ratio', () => {
  assert.is(eigenvalueGap([0.99, 0.98, 0.5, 0.4]), 2);
  assert.is(eigenvalueGap([0.99, 0.5, 0.45, 0.4]), 1);
  assert.is(eigenvalueGap([0.9, 0.85, 0.8, 0.1]), 3);
  assert.is(eigenvalueGap([0.9, -0.1]), 1);
});

test('a linear SRV (no hidden layer) trained on mixed AR(1) data reaches TICA: eigenvalues, coordinates, gap; save/load is exact', () => {
  const x = mixed(30000, 4);
  const lag = 10;
  const ref = tica([x], 3, { lag, dt: 0.1 });
  const srv = trainSrv([x], 3, { lag, outputs: 2, hidden: [], learningRate: 0.05, batchSize: 4000, maxEpochs: 60, patience: 10, dt: 0.1, seed: 1 });
  // eigenvalues of the 2-D optimum are TICA's two largest (a_1^10 = 0.951, a_2^10 = 0.349)
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(srv.eigenvalues[i] - ref.eigenvalues[i]) < 2e-3, `lambda_${i + 1}: SRV ${srv.eigenvalues[i]}, TICA ${ref.eigenvalues[i]}`);
  assert.ok(Math.abs(srv.timescales()[0] - ref.timescales()[0]) / ref.timescales()[0] < 0.02);
  assert.is(srv.dimension, 1); // t_1 / t_2 = 20: the gap is after the first process
  const psi = srv.encode(x, 30000, 2);
  const y = ref.transform(x, 30000, 2);
  for (let q = 0; q < 2; q++) {
    const r = pearson(Float64Array.from({ length: 30000 }, (_, f) => psi[2 * f + q]), Float64Array.from({ length: 30000 }, (_, f) => y[2 * f + q]));
    assert.ok(Math.abs(r) > 0.995, `|r(psi_${q + 1}, TIC_${q + 1})| = ${Math.abs(r)}`);
  }
  // unit variance, zero mean
  let m = 0, v = 0;
  for (let f = 0; f < 30000; f++) { m += psi[2 * f] / 30000; v += psi[2 * f] ** 2 / 30000; }
  assert.ok(Math.abs(m) < 0.05 && Math.abs(v - 1) < 0.05, `psi_1 mean ${m}, variance ${v}`);
  assert.ok(srv.history!.bestEpoch > 0);
  const dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'srv-'));
  try {
    srv.save(join(dir, 'srv.json'));
    const back = SrvModel.load(join(dir, 'srv.json'));
    const again = back.encode(x.subarray(0, 300), 100);
    const orig = srv.encode(x.subarray(0, 300), 100);
    for (let i = 0; i < orig.length; i++) assert.is(again[i], orig[i]);
    back.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => srv.encode(x.subarray(0, 3), 1, 3), /m must be in 1\.\.2/);
  srv.dispose();
});

test('bad input is named', () => {
  assert.throws(() => trainSrv([new Float64Array(10)], 3, { lag: 1 }), /not a multiple of dim 3/);
  assert.throws(() => trainSrv([new Float64Array(30)], 3, { lag: 20 }), /longer than the lag/);
});

test.run();
