import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, Mlp, tf, type Activation } from '../../lib/nn/index.js';
import { inputGradient } from '../../lib/lss/input-gradient.js';

test.before(async () => {
  await initBackend();
});

test('inputGradient equals Mlp.inputGrad, and its weight gradient (the penalty) matches central differences', () => {
  const x = [0.3, -0.2, 0.4, 1.1, 0.5, -0.3, -0.7, 0.9, 0.2];
  for (const act of ['swish', 'tanh', 'softplus', 'elu', 'selu', 'relu'] as Activation[]) {
    const net = new Mlp({ layers: [3, 8, 8, 1], activation: act, seed: 3, normalization: { mean: [0.1, 0, -0.2], std: [2, 0.5, 1] } });
    const ref = net.inputGrad(x, 3);
    const g = tf.tidy(() => inputGradient(net, tf.tensor2d(x, [3, 3])).dataSync());
    for (let i = 0; i < 9; i++) assert.ok(Math.abs(g[i] - ref[i]) < 1e-5, `${act}: dC/dx ${g[i]} vs ${ref[i]}`);
    const cols = tf.tidy(() => inputGradient(net, tf.tensor2d(x, [3, 3]), 1, 3).dataSync());
    assert.equal(Array.from(cols), [g[1], g[2], g[4], g[5], g[7], g[8]]);
    // penalty P(w) = mean (||grad_x C|| - 1)^2; dP/dw by the tape vs central differences on three weights
    const P = () => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(inputGradient(net, tf.tensor2d(x, [3, 3]))), 1)), 1))) as TF0);
    const grads = tf.tidy(() => { const { grads } = tf.variableGrads(P as any, net.variables); return net.variables.map((v) => grads[v.name].dataSync()); });
    for (const [l, i] of [[0, 0], [1, 5], [2, 3]]) {
      const k = net.kernels[l], w = k.dataSync().slice();
      const at = (dv: number) => { const w2 = w.slice(); w2[i] += dv; k.assign(tf.tensor(w2, k.shape)); return P().dataSync()[0]; };
      const h = 3e-3;
      const fd = (at(h) - at(-h)) / (2 * h);
      k.assign(tf.tensor(w, k.shape));
      const ad = grads[2 * l][i];
      assert.ok(Math.abs(ad - fd) < 2e-3 * Math.max(1, Math.abs(fd)), `${act}: dP/dW${l}[${i}] tape ${ad}, central difference ${fd}`);
    }
    net.dispose();
  }
});
type TF0 = ReturnType<typeof tf.scalar>;


test.run();
