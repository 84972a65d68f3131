import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, Mlp } from '../../lib/nn/index.js';

test.before(async () => {
  await initBackend();
});

// A net whose hidden layers are identities (selu of a tiny input is ~ linear) is awkward; instead use
// linear hidden activations with identity kernels so the output is the sum of the last hidden layer.
function identityNet(dropoutLayers: 'all' | 'last', dropoutKind: 'standard' | 'alpha', readout?: Float32Array): Mlp {
  const d = 200;
  const eye = new Float32Array(d * d);
  for (let i = 0; i < d; i++) eye[i * d + i] = 1;
  return new Mlp({ layers: [d, d, d, 1], activation: 'linear', dropout: 0.1, dropoutLayers, dropoutKind, seed: 1 },
    [{ kernel: eye, bias: new Float32Array(d) }, { kernel: eye, bias: new Float32Array(d) }, { kernel: readout ?? new Float32Array(d).fill(1 / d), bias: [0] }]);
}

test('alpha dropout keeps zero mean and unit variance of standard-normal activations (Klambauer et al.)', () => {
  const n = 4000, d = 200;
  const readout = new Float32Array(d);
  readout[7] = 1; // output = unit 7 of the dropped layer
  const net = identityNet('last', 'alpha', readout);
  const x = Float64Array.from({ length: n * d }, (_, i) => Math.SQRT2 * Math.cos(0.7 + 2.39996 * i * i));
  let m0 = 0, v0 = 0;
  for (let i = 0; i < n; i++) m0 += x[i * d + 7] / n;
  for (let i = 0; i < n; i++) v0 += (x[i * d + 7] - m0) ** 2 / n;
  const y = net.predict(x, n, { dropoutSeed: 3 });
  let m = 0, v = 0, dropped = 0;
  for (const t of y) m += t / n;
  for (const t of y) v += (t - m) ** 2 / n;
  for (let i = 0; i < n; i++) if (Math.abs(y[i] - (-1.7580993408473766 * 0.9 ** -0.5 / Math.sqrt(1 + 0.1 * 1.7580993408473766 ** 2) + 0.1 * 1.7580993408473766 / Math.sqrt(0.9 * (1 + 0.1 * 1.7580993408473766 ** 2)))) < 1e-5) dropped++;
  assert.ok(Math.abs(m0) < 0.05 && Math.abs(v0 - 1) < 0.05, `input moments ${m0}, ${v0}`);
  assert.ok(Math.abs(m) < 0.05, `mean after alpha dropout ${m}`);
  assert.ok(Math.abs(v - 1) < 0.06, `variance after alpha dropout ${v}`);
  assert.ok(Math.abs(dropped / n - 0.1) < 0.02, `fraction of dropped units ${dropped / n}`);
  net.dispose();
});

test("dropoutLayers 'last' drops only after the last hidden layer: one draw scales like a single layer", () => {
  const n = 400, d = 200;
  const x = new Float64Array(n * d).fill(1);
  const spread = (net: Mlp) => {
    const y = net.predict(x, n, { dropoutSeed: 5 });
    let m = 0, v = 0;
    for (const t of y) m += t / n;
    for (const t of y) v += (t - m) ** 2 / n;
    net.dispose();
    return { m, v };
  };
  // standard dropout keeps the mean (1); one layer of rate p over d units of value 1 has output variance
  // p / ((1 - p) d), two layers about twice that.
  const last = spread(identityNet('last', 'standard')), all = spread(identityNet('all', 'standard'));
  const one = 0.1 / (0.9 * d);
  assert.ok(Math.abs(last.m - 1) < 0.01 && Math.abs(all.m - 1) < 0.01, `means ${last.m}, ${all.m}`);
  assert.ok(Math.abs(last.v / one - 1) < 0.25, `variance ${last.v} vs one layer ${one}`);
  assert.ok(all.v / one > 1.6, `variance ${all.v} with dropout after both layers vs ${one}`);
});

test.run();
