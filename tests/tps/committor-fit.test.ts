import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { initBackend } from '../../lib/nn/index.js';
import { CommittorModel, committorFromRC, fitCommittor } from '../../lib/tps/index.js';

test.before(async () => {
  await initBackend();
});

/** Exact committor of the synthetic problem: depends on inputs 0 and 1 only, curved isolines. */
const exactQ = (x: ArrayLike<number>, i: number, d: number) => 3 * x[i * d] - 2 * x[i * d + 1] + 2 * x[i * d] * x[i * d + 1];

/** n points of d inputs uniform in [-1, 1] with two shots each drawn from the exact committor. */
function outcomes(n: number, d: number, rng: Rng) {
  const x = Float64Array.from({ length: n * d }, () => rng.uniform(-1, 1));
  const nA = new Float64Array(n), nB = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let s = 0; s < 2; s++) (rng.next() < committorFromRC(exactQ(x, i, d)) ? nB : nA)[i]++;
  return { x, nA, nB };
}

function meanError(model: CommittorModel, x: Float64Array, n: number, d: number): number {
  const p = model.pB(x, n);
  let e = 0;
  for (let i = 0; i < n; i++) e += Math.abs(p[i] - committorFromRC(exactQ(x, i, d))) / n;
  return e;
}

test('early stopping keeps the best validation epoch; the fit on the relevant inputs recovers the exact committor', () => {
  const d = 10, rng = new Rng(12);
  const data = outcomes(1500, d, rng);
  const probe = Float64Array.from({ length: 500 * d }, () => rng.uniform(-1, 1));
  const relevant = fitCommittor(data, { inputs: d, columns: [0, 1], width: 16, learningRate: 2e-3, patience: 15, seed: 3 });
  const all = fitCommittor(data, { inputs: d, width: 16, learningRate: 2e-3, patience: 15, seed: 3 });
  for (const f of [relevant, all]) {
    const v = f.validationLoss;
    assert.is(f.nValidation, 300);
    assert.is(f.nTrain, 1200);
    assert.is(Math.min(...v), v[f.bestEpoch - 1]);
    // it stopped because the validation loss stalled, `patience` epochs after the best one
    assert.is(v.length, f.bestEpoch + 15);
    assert.ok(v[f.bestEpoch - 1] < v[0], `validation ${v[0]} -> ${v[f.bestEpoch - 1]}`);
  }
  const eRel = meanError(relevant.model, probe, 500, d), eAll = meanError(all.model, probe, 500, d);
  // measured: 0.025 on (x0, x1) against 0.072 on all 10 inputs (8 of them noise)
  assert.ok(eRel < 0.035, `relevant inputs: mean |p_B - exact| ${eRel}`);
  assert.ok(eRel < 0.5 * eAll, `relevant ${eRel} vs all inputs ${eAll}`);
  assert.equal(relevant.model.select, { columns: [0, 1], of: d });
  assert.is(all.model.select, undefined);
  relevant.model.dispose();
  all.model.dispose();
});

test('a model on selected columns reads full feature vectors: zero gradient elsewhere, finite-difference gradient, JSON round trip', () => {
  const d = 5, rng = new Rng(4);
  const data = outcomes(200, d, rng);
  const { model } = fitCommittor(data, { inputs: d, columns: [3, 0], maxEpochs: 3, seed: 1 });
  const x = Float64Array.from({ length: 3 * d }, () => rng.uniform(-1, 1));
  const g = model.gradQ(x, 3);
  const h = 1e-3;
  for (let i = 0; i < 3; i++) for (let j = 0; j < d; j++) {
    const xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[i * d + j] += h;
    xm[i * d + j] -= h;
    const fd = (model.q(xp, 3)[i] - model.q(xm, 3)[i]) / (2 * h);
    if (j === 0 || j === 3) assert.ok(Math.abs(g[i * d + j] - fd) < 2e-3 * (1 + Math.abs(fd)), `point ${i} input ${j}: ${g[i * d + j]} vs ${fd}`);
    else assert.is(g[i * d + j], 0);
  }
  const back = CommittorModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.equal(Array.from(back.q(x, 3)), Array.from(model.q(x, 3)));
  assert.throws(() => model.q(x.subarray(0, 2 * d + 1), 2), /CommittorModel.q: x has length 11, expected 2 points x 5 features/);
  back.dispose();
  model.dispose();
});

test('the same seed gives the same fit', () => {
  const data = outcomes(150, 3, new Rng(8));
  const a = fitCommittor(data, { inputs: 3, maxEpochs: 5, seed: 9 }), b = fitCommittor(data, { inputs: 3, maxEpochs: 5, seed: 9 });
  assert.equal(a.validationLoss, b.validationLoss);
  assert.equal(Array.from(a.model.q(data.x, 150)), Array.from(b.model.q(data.x, 150)));
  a.model.dispose();
  b.model.dispose();
});

test('bad input names the problem', () => {
  const data = outcomes(20, 2, new Rng(1));
  assert.throws(() => fitCommittor(data, { inputs: 3 }), /fitCommittor: x has length 40, expected 20 shooting points x 3 inputs/);
  assert.throws(() => fitCommittor({ ...data, x: Float64Array.from(data.x, (v, i) => (i === 5 ? NaN : v)) }, { inputs: 2 }), /fitCommittor: input 1 of shooting point 2 is NaN/);
  assert.throws(() => fitCommittor({ ...data, nB: data.nB.map((v, i) => (i === 4 ? -1 : v)) }, { inputs: 2 }), /shooting point 4 has counts/);
  assert.throws(() => fitCommittor(data, { inputs: 2, columns: [0, 2] }), /selected columns must be distinct integers in \[0, 2\), got \[0, 2\]/);
  assert.throws(() => fitCommittor(data, { inputs: 2, columns: [1, 1] }), /distinct integers/);
  assert.throws(() => fitCommittor(data, { inputs: 2, validationFraction: 1 }), /validationFraction must be in \(0, 1\), got 1/);
  assert.throws(() => fitCommittor(data, { inputs: 2, patience: 0 }), /patience must be a positive integer, got 0/);
  assert.throws(() => fitCommittor(data, { inputs: 2, normalization: { mean: [0], std: [1] } }), /normalization has 1 means and 1 stds for 2 inputs/);
});

test.run();
