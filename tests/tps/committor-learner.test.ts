import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { initBackend } from '../../lib/nn/index.js';
import { CommittorLearner, committorFromRC, inputRelevance } from '../../lib/tps/index.js';

test.before(async () => {
  await initBackend();
});

/** Sum of squared kernel entries (and biases) of the learner's current network. */
function squaredNorm(l: CommittorLearner): { kernels: number; firstLayerByInput: number[] } {
  const json = l.model().toJSON().net;
  let kernels = 0;
  for (const w of json.weights) for (const v of w.kernel) kernels += v * v;
  const d = json.config.layers[0], h = json.config.layers[1];
  const firstLayerByInput = Array.from({ length: d }, (_, i) => {
    let s = 0;
    for (let j = 0; j < h; j++) s += json.weights[0].kernel[i * h + j] ** 2;
    return s;
  });
  return { kernels, firstLayerByInput };
}

/** Two-shot outcomes of points x [n][d] whose committor depends on input 0 only: p_B = sigmoid(4 x_0). */
function twoShots(x: Float64Array, n: number, d: number, rng: Rng): { nA: Float64Array; nB: Float64Array } {
  const nA = new Float64Array(n), nB = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let s = 0; s < 2; s++) (rng.next() < committorFromRC(4 * x[i * d]) ? nB : nA)[i]++;
  return { nA, nB };
}

test('weight decay drives the weights the data does not need to zero; without it they stay at their initial size', () => {
  // Uninformative outcomes (one trajectory to A, one to B everywhere): q = 0 is optimal and needs no weights.
  const n = 128, d = 3, rng = new Rng(3);
  const x = Float64Array.from({ length: n * d }, () => rng.normal());
  const nA = new Float64Array(n).fill(1), nB = new Float64Array(n).fill(1);
  const norms: number[] = [];
  let initial = NaN;
  for (const weightDecay of [0, 0.1]) {
    const l = new CommittorLearner({ inputs: d, width: 4, trainEvery: 1, epochs: 60, learningRate: 5e-3, flatTolerance: 0, weightDecay, seed: 11 });
    initial = squaredNorm(l).kernels;
    l.add(x, nA, nB);
    l.update();
    norms.push(squaredNorm(l).kernels);
    // either way the learned committor is 1/2 (q = 0) to within 0.02
    for (const p of l.pB(x, n)) assert.ok(Math.abs(p - 0.5) < 0.02, `weightDecay ${weightDecay}: p_B ${p}`);
    l.dispose();
  }
  // LeCun-normal kernels of a [3, 4, 4, 4, 4, 1] net: sum of squares ~ fan-out per layer = 4 + 4 + 4 + 4 + 1 = 17
  // (measured 15.7); after 60 epochs 14.7 without decay, 0.20 with decay 0.1 (Adam's steps of ~lr keep it from 0)
  assert.ok(initial > 8 && initial < 30, `initial squared kernel norm ${initial}`);
  assert.ok(norms[0] > 0.7 * initial, `without decay ${norms[0]} vs initial ${initial}`);
  assert.ok(norms[1] < 0.03 * initial, `with decay 0.1: ${norms[1]} vs initial ${initial}`);
});

test('weight decay suppresses nuisance inputs: smaller first-layer weights and relevance, better committor on new points', () => {
  // Input 0 carries the committor, inputs 1..10 are noise; 300 two-shot outcomes, as AIMMD's 42-D model in miniature.
  const n = 300, d = 11, rng = new Rng(7);
  const x = Float64Array.from({ length: n * d }, () => rng.uniform(-1, 1));
  const { nA, nB } = twoShots(x, n, d, rng);
  const test = Float64Array.from({ length: 400 * d }, () => rng.uniform(-1, 1));
  const out: { nuisanceWeight: number; signalWeight: number; maxNuisanceRelevance: number; mae: number }[] = [];
  for (const weightDecay of [0, 0.1]) {
    const l = new CommittorLearner({ inputs: d, trainEvery: 1, epochs: 150, learningRate: 2e-3, flatTolerance: 0, weightDecay, seed: 5 });
    l.add(x, nA, nB);
    l.update();
    const w = squaredNorm(l).firstLayerByInput;
    const rel = inputRelevance((xs, m) => l.q(xs, m), x, n, d, { nA, nB }, { seed: 1, repeats: 3 });
    const p = l.pB(test, 400);
    let mae = 0;
    for (let i = 0; i < 400; i++) mae += Math.abs(p[i] - committorFromRC(4 * test[i * d])) / 400;
    out.push({ nuisanceWeight: Math.max(...w.slice(1)), signalWeight: w[0], maxNuisanceRelevance: Math.max(...Array.from(rel.normalized.slice(1))), mae });
    assert.is(rel.ranking[0], 0);
    l.dispose();
  }
  const [free, decayed] = out;
  const msg = JSON.stringify(out);
  // measured: largest squared first-layer weight of a nuisance input 1.95 -> 0.029 (signal input 1.07 -> 0.99),
  // largest nuisance relevance 0.083 -> 0.015, mean |p_B - exact| on 400 new points 0.123 -> 0.055
  assert.ok(decayed.nuisanceWeight < 0.05 * free.nuisanceWeight, msg);
  assert.ok(decayed.nuisanceWeight < 0.1 * decayed.signalWeight, msg);
  assert.ok(decayed.maxNuisanceRelevance < 0.3 * free.maxNuisanceRelevance, msg);
  assert.ok(decayed.mae < 0.6 * free.mae && decayed.mae < 0.07, msg);
});

test('weightDecay is validated, kept in the checkpoint state, and a resumed learner trains on identically', async () => {
  assert.throws(() => new CommittorLearner({ inputs: 2, weightDecay: -1 }), /CommittorLearner: weightDecay must be non-negative and finite, got -1/);
  assert.throws(() => new CommittorLearner({ inputs: 2, weightDecay: NaN }), /weightDecay must be non-negative and finite, got NaN/);
  const rng = new Rng(2), n = 64, d = 2;
  const x = Float64Array.from({ length: n * d }, () => rng.uniform(-1, 1));
  const { nA, nB } = twoShots(x, n, d, rng);
  const opts = { inputs: d, trainEvery: 1, flatTolerance: 0, weightDecay: 0.05, seed: 4 };
  const straight = new CommittorLearner(opts);
  straight.add(x, nA, nB);
  for (let k = 0; k < 4; k++) straight.update();
  const first = new CommittorLearner(opts);
  first.add(x, nA, nB);
  first.update();
  first.update();
  const state = JSON.parse(JSON.stringify(await first.getState()));
  first.dispose();
  const resumed = await CommittorLearner.fromState(state);
  assert.is(resumed.options.weightDecay, 0.05);
  resumed.update();
  resumed.update();
  assert.equal(Array.from(resumed.q(x, n)), Array.from(straight.q(x, n)));
  resumed.dispose();
  straight.dispose();
});

test.run();
