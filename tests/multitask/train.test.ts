import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, numTensors } from '../../lib/nn/index.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { pearson } from '../../lib/stats/correlation.js';
import { MultitaskModel, trainMultitask, evaluateMultitask, type MultitaskData, type MultitaskKind } from '../../lib/multitask/index.js';

test.before(async () => { await initBackend(); });

/**
 * Separable toy: x uniform in [-1, 1]^4, basin = which third of [-1, 1] x_0 lies in, V = x_0^2 eV. A 1-D
 * latent equal to x_0 makes both tasks exact, so accuracy -> 1 and the energy error -> 0.
 */
function toy(n: number, seed: number): MultitaskData {
  const rng = new Rng(seed), x = new Float64Array(4 * n), labels = new Int32Array(n), energies = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 4; k++) x[4 * i + k] = rng.uniform(-1, 1);
    const x0 = x[4 * i];
    labels[i] = x0 < -1 / 3 ? 0 : x0 < 1 / 3 ? 1 : 2;
    energies[i] = x0 * x0;
  }
  return { x, n, labels, energies };
}

const config = (kind: MultitaskKind, seed = 1) => ({ inputDim: 4, latentDim: 1, nClasses: 3, encoderHidden: [16, 8], pepHidden: [16], kind, seed });

test('multitask model on a separable toy: accuracy and energy error reach their limits; Eq. 6 magnitudes', () => {
  const before = numTensors();
  const train = toy(2000, 1), testSet = toy(1000, 2);
  const m = new MultitaskModel(config('multitask'));
  const h = trainMultitask(m, train, { epochs: 120, batchSize: 100, learningRate: 1e-2, randomEpochs: 20, seed: 3 });
  // M_p: the classification and energy terms start equal (1 each), the regularisation at 2 % of each.
  const { magnitudes: M, initial: L0 } = h;
  assert.ok(Math.abs(M.clf! * L0.clf! - 1) < 1e-9 && Math.abs(M.pe! * L0.pe! - 1) < 1e-9);
  const regShare = (M.reg! * L0.reg!) / (M.clf! * L0.clf! + M.pe! * L0.pe! + M.reg! * L0.reg!);
  assert.ok(regShare < 0.05 && Math.abs(regShare - 0.04 / 2.04) < 1e-9, `reg share ${regShare}`);
  // Random prefactors in the first 20 epochs lie in (0, M); afterwards c = M / 2. Learning rate cut 5 % per 20 epochs.
  for (const [e, r] of h.epochs.entries()) {
    if (e < 20) assert.ok(r.c.clf! > 0 && r.c.clf! < M.clf! && r.c.pe! < M.pe!);
    else assert.is(r.c.pe, M.pe! / 2);
    assert.ok(Math.abs(r.learningRate - 1e-2 * 0.95 ** Math.floor(e / 20)) < 1e-15);
  }
  const ev = evaluateMultitask(m, testSet);
  // Limits: accuracy 1 and error 0 (3 % of the 1 eV energy range after 120 epochs: 0.021 eV measured).
  console.log(`  toy test set: accuracy ${ev.accuracy!.toFixed(4)}, energy MAE ${ev.energyMae!.toFixed(4)} eV; terms clf ${h.epochs.at(-1)!.terms.clf!.toFixed(4)}, pe ${h.epochs.at(-1)!.terms.pe!.toExponential(2)}`);
  assert.ok(ev.accuracy! >= 0.97, `accuracy ${ev.accuracy}`);
  assert.ok(ev.energyMae! <= 0.03, `MAE ${ev.energyMae}`);
  // xi is a monotonic map of x_0 (the coordinate both tasks depend on): |rank correlation| near 1.
  const p = m.predict(testSet.x, testSet.n);
  const ranks = (v: ArrayLike<number>) => { const r = new Float64Array(v.length); Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b]).forEach((i, k) => { r[i] = k; }); return r; };
  const rho = pearson(ranks(p.xi), ranks(Float64Array.from({ length: testSet.n }, (_, i) => testSet.x[4 * i])));
  console.log(`  Spearman rank correlation of xi with x_0: ${rho.toFixed(4)}`);
  assert.ok(Math.abs(rho) > 0.98, `rank correlation ${rho}`);
  m.dispose();
  assert.is(numTensors(), before, 'training leaks no tensors');
});

test('same seed -> identical weights; save/load round trip predicts identically; baselines train their own heads', () => {
  const data = toy(400, 5);
  const a = new MultitaskModel(config('multitask', 7)), b = new MultitaskModel(config('multitask', 7));
  const ha = trainMultitask(a, data, { epochs: 3, batchSize: 64, seed: 11 }), hb = trainMultitask(b, data, { epochs: 3, batchSize: 64, seed: 11 });
  assert.equal(ha.epochs, hb.epochs);
  assert.equal(a.toJSON(), b.toJSON());
  const dir = mkdtempSync(join(tmpdir(), 'rarelab-multitask-'));
  try {
    a.save(join(dir, 'm.json'));
    const c = MultitaskModel.load(join(dir, 'm.json'));
    const pa = a.predict(data.x, data.n), pc = c.predict(data.x, data.n);
    assert.equal(Array.from(pc.xi), Array.from(pa.xi));
    assert.equal(Array.from(pc.energies!), Array.from(pa.energies!));
    c.dispose();
  } finally { rmSync(dir, { recursive: true, force: true }); }
  a.dispose(); b.dispose();
  for (const [kind, heads] of [['classifier', ['clf', 'reg']], ['pep', ['pe', 'reg']], ['pair', ['pair', 'reg']], ['autoencoder', ['reconst', 'reg']]] as const) {
    const m = new MultitaskModel(config(kind, 2));
    const h = trainMultitask(m, data, { epochs: 4, batchSize: 64, seed: 1 });
    assert.equal(Object.keys(h.initial).sort(), [...heads].sort(), kind);
    // Training lowers the data term (from the same-seed initial value on the probe set).
    const t = heads[0];
    assert.ok(h.epochs.at(-1)!.terms[t]! < h.initial[t]!, `${kind}: ${t} ${h.epochs.at(-1)!.terms[t]} vs initial ${h.initial[t]}`);
    m.dispose();
  }
  assert.throws(() => new MultitaskModel({ ...config('multitask'), kind: 'x' as MultitaskKind }), /kind must be one of/);
  assert.throws(() => trainMultitask(new MultitaskModel(config('multitask')), { ...data, labels: data.labels.map((l) => (l === 2 ? 5 : l)) }, { epochs: 1, seed: 1 }), /label \d+ is 5/);
});

test.run();
