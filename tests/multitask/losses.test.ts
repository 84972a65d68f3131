import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, tf } from '../../lib/nn/index.js';
import { basinWeights, energyIntervalWeights, pairWeight, classificationLoss, energyLoss, pairEnergyLoss, reconstructionLoss, weightPenalty } from '../../lib/multitask/index.js';

test.before(async () => { await initBackend(); });

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('Eq. 2 weights: equal within a basin, each basin summing to 1/K', () => {
  const w = basinWeights([0, 0, 0, 1, 2, 2], 3);
  assert.equal(Array.from(w), [1 / 9, 1 / 9, 1 / 9, 1 / 3, 1 / 6, 1 / 6]);
  // An empty basin does not take a share.
  assert.equal(Array.from(basinWeights([0, 2, 2], 3)), [1 / 2, 1 / 4, 1 / 4]);
  assert.throws(() => basinWeights([0, 3], 3), /label 1 is 3/);
});

test('Eq. 3 weights: every non-empty energy interval contributes equally', () => {
  // Range [0, 1] in 4 intervals: counts 3, 0, 1, 2 (1.0 falls in the last) -> 3 filled intervals of 1/3 each.
  const e = [0, 0.1, 0.2, 0.6, 0.8, 1.0];
  const u = energyIntervalWeights(e, 4);
  assert.equal(Array.from(u).map((v) => +v.toFixed(12)), [1 / 9, 1 / 9, 1 / 9, 1 / 3, 1 / 6, 1 / 6].map((v) => +v.toFixed(12)));
  close(u.reduce((a, b) => a + b, 0), 1, 1e-12, 'sum');
  assert.throws(() => energyIntervalWeights([0, NaN], 2), /energy 1 is NaN/);
});

test('loss terms equal hand-computed values (Eqs. 2, 3, 11-13, regularisation)', () => {
  const logits = [[1, 0, -1], [0.5, 2, 0], [0, 0, 3]], labels = [0, 1, 1], w = [0.2, 0.3, 0.5];
  let clf = 0;
  logits.forEach((l, i) => { const z = Math.log(l.reduce((s, v) => s + Math.exp(v), 0)); clf -= w[i] * (l[labels[i]] - z); });
  const oh = labels.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
  const got = tf.tidy(() => classificationLoss(tf.tensor2d(logits), tf.tensor2d(oh), tf.tensor1d(w)).dataSync()[0]);
  close(got, clf, 1e-6, 'clf');
  // Two classes: the softmax cross entropy is Eq. 2's binary form with n~ = softmax_1.
  const l2 = [[0.3, -0.4]], p1 = Math.exp(-0.4) / (Math.exp(0.3) + Math.exp(-0.4));
  const bin = -(0 * Math.log(p1) + 1 * Math.log(1 - p1)); // label 0 -> n = 0
  close(tf.tidy(() => classificationLoss(tf.tensor2d(l2), tf.tensor2d([[1, 0]]), tf.tensor1d([1])).dataSync()[0]), bin, 1e-6, 'binary clf');

  const pred = [0.1, -0.2, 0.5], V = [0, 0.3, 0.4], u = [1, 2, 0.5];
  const pe = u.reduce((s, ui, i) => s + ui * (pred[i] - V[i]) ** 2, 0);
  close(tf.tidy(() => energyLoss(tf.tensor2d(pred, [3, 1]), tf.tensor1d(V), tf.tensor1d(u)).dataSync()[0]), pe, 1e-6, 'pe');

  const k1 = [[1, -2], [0.5, 0]], k2 = [[3]];
  close(tf.tidy(() => weightPenalty([tf.tensor2d(k1), tf.tensor2d(k2)]).dataSync()[0]), 1 + 4 + 0.25 + 9, 1e-6, 'reg');

  const xi = [[0, 0.1], [0.3, -0.2], [1, 1], [0.2, 0.2]], Vp = [0.1, 0.5, 0.2, 0.15], lab = [0, 0, 1, 0];
  let sum = 0, pairs = 0;
  for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) {
    if (lab[i] !== lab[j]) continue;
    const d2 = (xi[i][0] - xi[j][0]) ** 2 + (xi[i][1] - xi[j][1]) ** 2, dv = Vp[i] - Vp[j];
    sum += pairWeight(dv, 0.2, 0.05) * (d2 - dv * dv) ** 2;
    pairs++;
  }
  assert.is(pairs, 3);
  close(tf.tidy(() => pairEnergyLoss(tf.tensor2d(xi), tf.tensor1d(Vp), tf.tensor1d(lab), 0.2, 0.05).dataSync()[0]), sum / pairs, 1e-5, 'pair');
  // Eq. 12: weight 1/2 at |dV| = V0, -> 1 well below, -> 0 well above.
  close(pairWeight(0.2, 0.2, 0.05), 0.5, 1e-12, 'u(V0)');
  assert.ok(pairWeight(0, 0.2, 0.05) > 0.98 && pairWeight(0.6, 0.2, 0.05) < 1e-3);

  const xh = [[1, 2], [0, 0]], x = [[1.5, 2], [1, -1]], r = [0.5, 0.5];
  close(tf.tidy(() => reconstructionLoss(tf.tensor2d(xh), tf.tensor2d(x), tf.tensor1d(r)).dataSync()[0]), 0.5 * 0.25 + 0.5 * 2, 1e-6, 'reconst');
});

test.run();
