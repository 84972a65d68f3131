import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, Mlp, MlpFloat64, type Activation } from '../../lib/nn/index.js';
import { Rng } from '../../lib/dynamics/rng.js';

test.before(async () => {
  await initBackend();
});

const acts: Activation[] = ['linear', 'tanh', 'sigmoid', 'selu', 'relu', 'elu', 'softplus', 'swish'];
const rng = new Rng(8);
const n = 25;
const x = Float64Array.from({ length: 3 * n }, () => rng.uniform(-2, 2));

test('float64 evaluation equals the tfjs network (values and input gradients) for every activation', () => {
  for (const activation of acts) {
    for (const outputActivation of ['linear', 'sigmoid'] as const) {
      const net = new Mlp({ layers: [3, 9, 7, 2], activation, outputActivation, normalization: { mean: [0.1, -0.2, 0.3], std: [1.5, 0.8, 2] }, seed: 4 });
      const f = new MlpFloat64(net.toJSON());
      for (const k of [0, 1]) {
        const g = new Float64Array(3 * n);
        const y = f.evaluate(x, n, g, k);
        const y32 = net.predict(x, n), g32 = net.inputGrad(x, n, { output: k });
        for (let i = 0; i < 2 * n; i++) assert.ok(Math.abs(y[i] - y32[i]) < 2e-6 * (1 + Math.abs(y[i])), `${activation}/${outputActivation}: value ${y[i]} vs ${y32[i]}`);
        for (let i = 0; i < 3 * n; i++) assert.ok(Math.abs(g[i] - g32[i]) < 1e-5 * (1 + Math.abs(g[i])), `${activation}/${outputActivation}, output ${k}: grad ${g[i]} vs ${g32[i]}`);
      }
      net.dispose();
    }
  }
});

test('float64 input gradients equal float64 central differences to ~1e-8', () => {
  for (const activation of ['tanh', 'selu', 'softplus', 'swish'] as const) {
    const net = new Mlp({ layers: [3, 16, 16, 1], activation, normalization: { mean: [0, 0, 0], std: [0.5, 1, 2] }, seed: 2 });
    const f = new MlpFloat64(net.toJSON());
    net.dispose();
    const g = new Float64Array(3 * n);
    f.evaluate(x, n, g);
    const h = 1e-5;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        const p = Float64Array.from(x.subarray(3 * i, 3 * i + 3)), q = Float64Array.from(p);
        p[c] += h;
        q[c] -= h;
        const fd = (f.evaluate(p, 1)[0] - f.evaluate(q, 1)[0]) / (2 * h);
        assert.ok(Math.abs(fd - g[3 * i + c]) < 1e-7 * (1 + Math.abs(fd)), `${activation}: point ${i}, coordinate ${c}: FD ${fd} vs ${g[3 * i + c]}`);
      }
    }
  }
});

test('float64 evaluator rejects bad inputs', () => {
  const net = new Mlp({ layers: [3, 4, 2], seed: 1 });
  const f = new MlpFloat64(net.toJSON());
  net.dispose();
  assert.throws(() => f.evaluate(x, n + 1), /length 75, expected 26 points x 3/);
  assert.throws(() => f.evaluate(Float64Array.from([0, NaN, 0]), 1), /point 0, coordinate 1 is NaN/);
  assert.throws(() => f.evaluate(x, n, new Float64Array(3)), /grad has length 3, expected 75/);
  assert.throws(() => f.evaluate(x, n, undefined, 2), /output must be an integer in \[0, 2\)/);
});

test.run();
