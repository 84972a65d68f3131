import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, numTensors, setGlobalSeed, Mlp, type MlpConfig } from '../../lib/nn/index.js';
import { Rng } from '../../lib/dynamics/rng.js';

test.before(async () => {
  await initBackend();
});

// A 2-3-2 network with known weights and input standardisation, evaluated by hand in float64.
const cfg: MlpConfig = { layers: [2, 3, 2], activation: 'tanh', normalization: { mean: [0.5, -1], std: [2, 0.5] }, seed: 1 };
const W1 = [0.3, -0.7, 1.1, /* row 2 */ -0.4, 0.9, 0.25]; // [in][out]
const b1 = [0.1, -0.2, 0.05];
const W2 = [0.8, -1.2, /* */ -0.5, 0.6, /* */ 1.5, 0.3];
const b2 = [0.2, -0.1];
const weights = [{ kernel: W1, bias: b1 }, { kernel: W2, bias: b2 }];
const f32 = (v: number) => Math.fround(v);

/** Forward pass and input Jacobian of the known net in float64 (weights rounded to float32 like the net). */
function hand(x: number[]): { y: number[]; jac: number[][] } {
  const z = [(x[0] - 0.5) / 2, (x[1] + 1) / 0.5];
  const h: number[] = [], dh: number[] = [];
  for (let j = 0; j < 3; j++) {
    const a = f32(b1[j]) + z[0] * f32(W1[j]) + z[1] * f32(W1[3 + j]);
    h.push(Math.tanh(a));
    dh.push(1 - Math.tanh(a) ** 2);
  }
  const y: number[] = [], jac: number[][] = [];
  for (let k = 0; k < 2; k++) {
    let s = f32(b2[k]);
    for (let j = 0; j < 3; j++) s += h[j] * f32(W2[j * 2 + k]);
    y.push(s);
    // dy_k/dx_i = sum_j W2[j][k] (1 - h_j^2) W1[i][j] / std_i
    jac.push([0, 1].map((i) => {
      let g = 0;
      for (let j = 0; j < 3; j++) g += f32(W2[j * 2 + k]) * dh[j] * f32(W1[i * 3 + j]);
      return g / [2, 0.5][i];
    }));
  }
  return { y, jac };
}

const pts = [[0.3, -0.8], [1.7, -1.3], [-0.9, -0.4], [0.5, -1]];
const flat = Float64Array.from(pts.flat());

test('predict of a known-weights network equals the hand computation (float32 accuracy)', () => {
  const net = new Mlp(cfg, weights);
  const y = net.predict(flat, pts.length);
  pts.forEach((p, i) => {
    const ref = hand(p).y;
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(y[i * 2 + k] - ref[k]) < 2e-6, `point ${i} output ${k}: ${y[i * 2 + k]} vs ${ref[k]}`);
  });
  // At the normalisation mean the hidden pre-activation is the bias alone.
  const y0 = net.predict(Float64Array.from([0.5, -1]), 1);
  const ref0 = [0, 1].map((k) => f32(b2[k]) + [0, 1, 2].reduce((s, j) => s + Math.tanh(f32(b1[j])) * f32(W2[j * 2 + k]), 0));
  assert.ok(Math.abs(y0[0] - ref0[0]) < 1e-6 && Math.abs(y0[1] - ref0[1]) < 1e-6);
  // Chunked evaluation gives the same numbers.
  assert.equal(Array.from(net.predict(flat, pts.length, 1)), Array.from(y));
  net.dispose();
});

test('output activations: sigmoid output equals sigmoid of the linear output', () => {
  const lin = new Mlp(cfg, weights);
  const sig = new Mlp({ ...cfg, outputActivation: 'sigmoid' }, weights);
  const a = lin.predict(flat, pts.length), b = sig.predict(flat, pts.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(b[i] - 1 / (1 + Math.exp(-a[i]))) < 1e-6);
  lin.dispose();
  sig.dispose();
});

test('inputGrad equals the analytic input gradient of the known network, for each output', () => {
  const net = new Mlp(cfg, weights);
  for (const k of [0, 1]) {
    const g = net.inputGrad(flat, pts.length, { output: k });
    pts.forEach((p, i) => {
      const ref = hand(p).jac[k];
      for (let c = 0; c < 2; c++) assert.ok(Math.abs(g[i * 2 + c] - ref[c]) < 1e-5 * (1 + Math.abs(ref[c])), `point ${i}, output ${k}, d/dx${c}: ${g[i * 2 + c]} vs ${ref[c]}`);
    });
  }
  assert.throws(() => net.inputGrad(flat, pts.length, { output: 2 }), /output must be an integer in \[0, 2\)/);
  net.dispose();
});

test('inputGrad equals central finite differences of predict on a random smooth net', () => {
  const net = new Mlp({ layers: [3, 16, 16, 2], activation: 'tanh', seed: 7 });
  const rng = new Rng(3);
  const n = 20, h = 1e-2;
  const x = Float64Array.from({ length: n * 3 }, () => rng.uniform(-1.5, 1.5));
  for (const k of [0, 1]) {
    const g = net.inputGrad(x, n, { output: k });
    let maxErr = 0, maxG = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        const xp = Float64Array.from(x.subarray(i * 3, i * 3 + 3)), xm = Float64Array.from(xp);
        xp[c] += h;
        xm[c] -= h;
        const fd = (net.predict(xp, 1)[k] - net.predict(xm, 1)[k]) / (2 * h);
        maxErr = Math.max(maxErr, Math.abs(fd - g[i * 3 + c]));
        maxG = Math.max(maxG, Math.abs(g[i * 3 + c]));
      }
    }
    // h^2 truncation (~1e-4 relative) plus float32 round-off / h (~1e-5).
    assert.ok(maxErr < 1e-3 * maxG, `output ${k}: max |FD - grad| = ${maxErr}, max |grad| = ${maxG}`);
  }
  net.dispose();
});

test('toJSON/fromJSON, save/load and clone reproduce outputs exactly', () => {
  const net = new Mlp({ layers: [2, 8, 8, 1], activation: 'selu', normalization: { mean: [0.1, 0.2], std: [1.5, 0.7] }, seed: 11 });
  const y = Array.from(net.predict(flat, pts.length));
  const viaJson = Mlp.fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
  assert.equal(Array.from(viaJson.predict(flat, pts.length)), y);
  assert.equal(viaJson.config, net.config);
  const dir = mkdtempSync(join(tmpdir(), 'rarelab-nn-'));
  try {
    net.save(join(dir, 'net.json'));
    const loaded = Mlp.load(join(dir, 'net.json'));
    assert.equal(Array.from(loaded.predict(flat, pts.length)), y);
    assert.equal(Array.from(loaded.inputGrad(flat, pts.length)), Array.from(net.inputGrad(flat, pts.length)));
    loaded.dispose();
    assert.throws(() => Mlp.load(join(dir, 'missing.json')), /cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const c = net.clone();
  net.dispose();
  assert.equal(Array.from(c.predict(flat, pts.length)), y, 'clone survives disposing the original');
  c.dispose();
  viaJson.dispose();
  assert.throws(() => Mlp.fromJSON({ format: 'other' } as never), /not a rarelab.mlp/);
});

test('same seed gives identical weights; the global seed stream repeats', () => {
  const a = new Mlp({ layers: [4, 10, 1], seed: 5 }), b = new Mlp({ layers: [4, 10, 1], seed: 5 }), c = new Mlp({ layers: [4, 10, 1], seed: 6 });
  assert.equal(a.toJSON().weights, b.toJSON().weights);
  assert.not.equal(a.toJSON().weights[0].kernel, c.toJSON().weights[0].kernel);
  setGlobalSeed(42);
  const d = new Mlp({ layers: [4, 10, 1] });
  setGlobalSeed(42);
  const e = new Mlp({ layers: [4, 10, 1] });
  assert.is(d.config.seed, e.config.seed);
  assert.equal(d.toJSON().weights, e.toJSON().weights);
  for (const m of [a, b, c, d, e]) m.dispose();
});

test('initialisers: glorotUniform bounds, heNormal and glorotNormal standard deviations, zero biases', () => {
  const fanIn = 100, fanOut = 100;
  const gu = new Mlp({ layers: [fanIn, fanOut], initializer: 'glorotUniform', seed: 1 });
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  const k = gu.toJSON().weights[0].kernel;
  assert.ok(k.every((v) => Math.abs(v) <= lim));
  // uniform on [-lim, lim] has variance lim^2 / 3
  const varU = k.reduce((s, v) => s + v * v, 0) / k.length;
  assert.ok(Math.abs(varU / (lim * lim / 3) - 1) < 0.05, `glorotUniform variance ratio ${varU / (lim * lim / 3)}`);
  assert.ok(gu.toJSON().weights[0].bias.every((v) => v === 0));
  for (const [init, std] of [['heNormal', Math.sqrt(2 / fanIn)], ['glorotNormal', Math.sqrt(2 / (fanIn + fanOut))]] as const) {
    const net = new Mlp({ layers: [fanIn, fanOut], initializer: init, seed: 2 });
    const w = net.toJSON().weights[0].kernel;
    const s = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
    assert.ok(Math.abs(s / std - 1) < 0.03, `${init}: std ${s} vs ${std}`);
    assert.ok(w.every((v) => Math.abs(v) <= 2.0001 * std / 0.8796256610342398), `${init} truncated at 2 sigma`);
    net.dispose();
  }
  gu.dispose();
});

test('dropout acts only in training mode, reproducibly per seed', () => {
  // 1 -> 128 -> 1 linear net computing y = x exactly (1/128 is a power of two); dropout 0.5 keeps each
  // unit with probability 1/2 and scales it by 2.
  const width = 128;
  const w = [{ kernel: new Array(width).fill(1), bias: new Array(width).fill(0) }, { kernel: new Array(width).fill(1 / width), bias: [0] }];
  const net = new Mlp({ layers: [1, width, 1], activation: 'linear', dropout: 0.5, seed: 1 }, w);
  const x = Float64Array.from([1, 2, -3]);
  const y = net.predict(x, 3);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(y[i] - x[i]) < 1e-12, 'inference: no dropout');
  const t1 = net.predict(x, 3, { dropoutSeed: 9 }), t2 = net.predict(x, 3, { dropoutSeed: 9 }), t3 = net.predict(x, 3, { dropoutSeed: 10 });
  assert.equal(Array.from(t1), Array.from(t2), 'same dropout seed, same mask');
  assert.not.equal(Array.from(t1), Array.from(t3));
  for (let i = 0; i < 3; i++) {
    const kept = (t1[i] / x[i]) * width / 2; // number of surviving units
    assert.ok(Math.abs(kept - Math.round(kept)) < 1e-3, `kept ${kept} is an integer`);
    assert.ok(Math.abs(kept - width / 2) < 4 * Math.sqrt(width / 4), `kept ${kept} ~ Binomial(128, 1/2)`);
    assert.ok(Math.abs(t1[i] - x[i]) > 1e-6, 'training mode differs from inference');
  }
  net.dispose();
});

test('bad configurations and inputs give clear errors', () => {
  assert.throws(() => new Mlp({ layers: [2] }), /at least input and output/);
  assert.throws(() => new Mlp({ layers: [2, 0, 1] }), /layers\[1\] must be a positive integer/);
  assert.throws(() => new Mlp({ layers: [2, 1], activation: 'gelu' as never }), /unknown activation 'gelu'/);
  assert.throws(() => new Mlp({ layers: [2, 1], dropout: 1 }), /dropout must be in \[0, 1\)/);
  assert.throws(() => new Mlp({ layers: [2, 1], normalization: { mean: [0], std: [1] } }), /length 2/);
  assert.throws(() => new Mlp({ layers: [2, 1], normalization: { mean: [0, 0], std: [1, 0] } }), /std\[1\] must be positive/);
  const before = numTensors();
  assert.throws(() => new Mlp({ layers: [2, 3, 1] }, [{ kernel: [1, 2, 3, 4, 5, 6], bias: [0, 0, 0] }, { kernel: [1, NaN, 1], bias: [0] }]), /layer 1 kernel\[1\] is NaN/);
  assert.is(numTensors(), before, 'a rejected weight set allocates no tensors');
  const net = new Mlp({ layers: [2, 3, 1], seed: 1 });
  assert.throws(() => net.predict(Float64Array.from([1, 2, 3]), 2), /length 3, expected 2 points x 2 coordinates/);
  assert.throws(() => net.predict(Float64Array.from([1, NaN]), 1), /point 0, coordinate 1 is NaN/);
  assert.throws(() => net.inputGrad(Float64Array.from([Infinity, 0]), 1), /coordinate 0 is Infinity/);
  net.dispose();
  assert.throws(() => net.predict(Float64Array.from([1, 2]), 1), /disposed/);
});

test('no tensors leak from building, predicting, differentiating, serialising and disposing', () => {
  const before = numTensors();
  const net = new Mlp({ layers: [2, 5, 3], normalization: { mean: [0, 0], std: [1, 2] }, dropout: 0.2, seed: 3 });
  const mid = numTensors();
  net.predict(flat, pts.length, 2);
  net.predict(flat, pts.length, { dropoutSeed: 1 });
  net.inputGrad(flat, pts.length, { output: 1, batchSize: 3 });
  net.clone().dispose();
  net.toJSON();
  assert.is(numTensors(), mid, 'predict/inputGrad/clone leave no tensors');
  net.dispose();
  assert.is(numTensors(), before, 'dispose frees every tensor of the network');
});

test.run();
