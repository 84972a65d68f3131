import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, setFusedKernels, fusedActive, Mlp, Trainer, type Activation, type MlpConfig, type TrainerOptions } from '../../lib/nn/index.js';
import { Rng } from '../../lib/dynamics/rng.js';

// Issue 14: the fused WebAssembly kernels (lib/nn/fused.ts) against tfjs ops on the same seeds. They run
// the same float32 model with sums in another order, so they agree to float32 rounding, not bit for bit.

test.before(async () => {
  await initBackend({ prefer: 'wasm' });
});

/** Runs `f` with the fused kernels on or off (restored to on afterwards). */
function withFused<T>(on: boolean, f: () => T): T {
  setFusedKernels(on);
  try {
    return f();
  } finally {
    setFusedKernels(true);
  }
}

const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>, floor: number) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return m;
};

test('fused kernels are active on wasm, and a Trainer reports its engine', () => {
  assert.ok(fusedActive());
  const net = new Mlp({ layers: [2, 3, 1], seed: 1 });
  const custom = new Trainer(net, { loss: (p, t) => (p.sub(t).square().mean() as never) });
  const dropout = new Mlp({ layers: [2, 3, 1], dropout: 0.2, seed: 1 });
  assert.is(new Trainer(net).engine, 'fused');
  assert.is(custom.engine, 'tfjs'); // custom losses stay on tfjs (differentiated by its tape)
  assert.is(new Trainer(dropout).engine, 'tfjs'); // dropout masks come from tfjs's random stream
  assert.is(withFused(false, () => new Trainer(net).engine), 'tfjs');
  custom.dispose();
  net.dispose();
  dropout.dispose();
});

test('tanh, sigmoid and swish of the fused kernels are within 2 float32 ulp of the exact values', () => {
  // a [1, 1] network with unit weight and zero bias outputs the activation itself
  const n = 4001;
  const x = Float64Array.from({ length: n }, (_, i) => Math.fround(-12 + (24 * i) / (n - 1)));
  const exact: Record<string, (v: number) => number> = { tanh: Math.tanh, sigmoid: (v) => 1 / (1 + Math.exp(-v)), swish: (v) => v / (1 + Math.exp(-v)) };
  for (const a of ['tanh', 'sigmoid', 'swish'] as Activation[]) {
    const net = new Mlp({ layers: [1, 1], outputActivation: a, seed: 0 }, [{ kernel: [1], bias: [0] }]);
    const y = net.predict(x, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const e = exact[a](x[i]);
      const ulp = Math.max(Math.abs(e) * 2 ** -23, 2 ** -149);
      worst = Math.max(worst, Math.abs(y[i] - e) / ulp);
    }
    assert.ok(worst <= 2, `${a}: worst error ${worst.toFixed(2)} ulp`);
    net.dispose();
  }
});

const F64_ACT: Record<Activation, (z: number) => number> = {
  linear: (z) => z,
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  selu: (z) => 1.0507009873554805 * (z > 0 ? z : 1.6732632423543772 * Math.expm1(z)),
  relu: (z) => Math.max(z, 0),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  softplus: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
  swish: (z) => z / (1 + Math.exp(-z)),
};

/** The network's outputs in float64 from its float32 inputs and weights: the reference both engines approximate. */
function predict64(net: Mlp, x: Float64Array, n: number): Float64Array {
  const c = net.config, w = net.getWeights(), L = c.layers;
  const out = new Float64Array(n * L[L.length - 1]);
  for (let i = 0; i < n; i++) {
    let h = Array.from(x.subarray(i * L[0], (i + 1) * L[0]), (v, k) => {
      // the networks' input is float32, and so are their standardisation constants
      const f = Math.fround;
      return c.normalization ? (f(v) - f(c.normalization.mean[k])) * f(1 / c.normalization.std[k]) : f(v);
    });
    for (let l = 0; l + 1 < L.length; l++) {
      const a = F64_ACT[l + 2 < L.length ? c.activation : c.outputActivation];
      h = Array.from({ length: L[l + 1] }, (_, j) => a(h.reduce((s, v, k) => s + v * w[l].kernel[k * L[l + 1] + j], w[l].bias[j])));
    }
    out.set(h, i * h.length);
  }
  return out;
}

test('predict agrees with a float64 evaluation and inputGrad with tfjs, for every activation, with standardisation', () => {
  const rng = new Rng(5);
  const n = 37, d = 6;
  const x = Float64Array.from({ length: n * d }, () => rng.normal() * 2);
  const normalization = { mean: [0.1, -0.2, 0.3, 0, 1, -1], std: [1, 2, 0.5, 3, 1.5, 0.7] };
  for (const activation of ['tanh', 'sigmoid', 'selu', 'relu', 'elu', 'softplus', 'swish', 'linear'] as Activation[]) {
    const net = new Mlp({ layers: [d, 19, 9, 2], activation, outputActivation: activation === 'linear' ? 'sigmoid' : 'linear', normalization, seed: 3 });
    const pf = net.predict(x, n, 16), gf = net.inputGrad(x, n, { output: 1, batchSize: 16 });
    const [pt, gt] = withFused(false, () => [net.predict(x, n, 16), net.inputGrad(x, n, { output: 1, batchSize: 16 })]);
    const p64 = predict64(net, x, n);
    // float32 sums of 6, 19 and 9 terms of order 1 (absolute errors ~1e-7, so relative to max(|y|, 0.1)):
    // well under 1e-5, and of the size of tfjs's own float32 error (at most twice it, + 1e-6)
    const ef = maxRel(pf, p64, 0.1), et = maxRel(pt, p64, 0.1);
    assert.ok(ef < 1e-5 && ef < 2 * et + 1e-6, `${activation} predict: fused error ${ef}, tfjs error ${et}`);
    assert.ok(maxRel(gf, gt, 0.1) < 1e-5, `${activation} inputGrad: ${maxRel(gf, gt, 0.1)}`);
    net.dispose();
  }
});

/** Trains the same seed on both engines; returns both loss histories and final weights. */
function bothEngines(cfg: MlpConfig, opts: TrainerOptions, x: Float64Array, y: Float64Array, n: number, epochs: number) {
  const run = (fused: boolean) => withFused(fused, () => {
    const net = new Mlp(cfg);
    const t = new Trainer(net, opts);
    assert.is(t.engine, fused ? 'fused' : 'tfjs');
    const losses = t.fit(x, y, n, { epochs });
    const w = net.getWeights().flatMap((l) => [...l.kernel, ...l.bias]);
    t.dispose();
    net.dispose();
    return { losses, w };
  });
  return { fused: run(true), tfjs: run(false) };
}

test('the same seed trains to the same losses on the fused kernels and on tfjs (Adam, MSE, weight decay)', () => {
  const rng = new Rng(11);
  const n = 300, d = 10;
  const x = Float64Array.from({ length: n * d }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(x[i * d]) * x[i * d + 1] + 0.1 * x[i * d + 2]);
  const r = bothEngines({ layers: [d, 32, 32, 1], activation: 'tanh', seed: 2 }, { learningRate: 3e-3, batchSize: 64, weightDecay: 1e-4, seed: 4 }, x, y, n, 8);
  // 40 Adam steps: the loss falls by ~45% and both engines agree to a few float32 ulps of accumulated rounding
  assert.ok(r.tfjs.losses[7] < 0.6 * r.tfjs.losses[0], `tfjs losses ${r.tfjs.losses}`);
  assert.ok(maxRel(r.fused.losses, r.tfjs.losses, 1e-3) < 1e-5, `losses fused ${r.fused.losses} vs tfjs ${r.tfjs.losses}`);
  assert.ok(maxRel(r.fused.w, r.tfjs.w, 1e-2) < 1e-4, `weights differ by ${maxRel(r.fused.w, r.tfjs.w, 1e-2)}`);
});

test('the same seed trains to the same losses on both engines (Bernoulli NLL + Nesterov, swish + SGD)', () => {
  const rng = new Rng(12);
  const n = 120, d = 3;
  const x = Float64Array.from({ length: n * d }, () => rng.uniform(-1, 1));
  const counts = Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? (x[(k >> 1) * d] < 0 ? 2 : 0) : rng.int(3)));
  const a = bothEngines({ layers: [d, 20, 20, 1], activation: 'selu', seed: 6 }, { loss: 'bernoulli-nll', optimizer: 'nesterov', learningRate: 1e-2, batchSize: 32, seed: 1 }, x, counts, n, 6);
  assert.ok(maxRel(a.fused.losses, a.tfjs.losses, 1e-3) < 1e-5, `nll fused ${a.fused.losses} vs tfjs ${a.tfjs.losses}`);
  const y = Float64Array.from({ length: 2 * n }, (_, k) => Math.cos(3 * x[(k >> 1) * d + (k % 2)]));
  const b = bothEngines({ layers: [d, 25, 2], activation: 'swish', seed: 8 }, { optimizer: 'sgd', learningRate: 5e-2, batchSize: 50, seed: 3 }, x, y, n, 6);
  assert.ok(maxRel(b.fused.losses, b.tfjs.losses, 1e-3) < 1e-5, `swish fused ${b.fused.losses} vs tfjs ${b.tfjs.losses}`);
});

test('a checkpoint written on one engine resumes on the other with the same optimiser state', async () => {
  const rng = new Rng(13);
  const n = 48, d = 4;
  const x = Float64Array.from({ length: n * d }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => x[i * d] * x[i * d + 1]);
  const cfg = { layers: [d, 12, 1], activation: 'tanh' as const, seed: 1 };
  const opts = { learningRate: 1e-2, batchSize: 16, seed: 5 };
  for (const from of [true, false]) {
    const net = withFused(from, () => new Mlp(cfg));
    const t = withFused(from, () => new Trainer(net, opts));
    t.fit(x, y, n, { epochs: 3 });
    const state = JSON.parse(JSON.stringify(await t.getState()));
    const t2 = withFused(!from, () => new Trainer(net, opts));
    await t2.setState(state);
    // the state round-trips through the other engine unchanged (moments, iteration count, beta powers)
    assert.equal(JSON.parse(JSON.stringify(await t2.getState())), state);
    // and both continue to the same losses (to float32 rounding)
    const w0 = net.toJSON();
    const la = t.fit(x, y, n, { epochs: 2 });
    const other = Mlp.fromJSON(w0);
    const t3 = withFused(!from, () => new Trainer(other, opts));
    await t3.setState(state);
    const lb = t3.fit(x, y, n, { epochs: 2 });
    assert.ok(maxRel(la, lb, 1e-3) < 1e-5, `${from ? 'fused->tfjs' : 'tfjs->fused'}: ${la} vs ${lb}`);
    for (const tr of [t, t2, t3]) tr.dispose();
    net.dispose();
    other.dispose();
  }
});

test('two threads (minibatch split, gradients summed) train as one thread up to float rounding', () => {
  const rng = new Rng(14);
  const n = 203, d = 8; // 203 = 3 batches of 64 and one of 11: odd splits too
  const x = Float64Array.from({ length: n * d }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => Math.tanh(x[i * d] - x[i * d + 3]));
  const counts = Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? (y[k >> 1] > 0 ? 3 : 1) : rng.int(3)));
  for (const [loss, targets] of [['mse', y], ['bernoulli-nll', counts]] as const) {
    const run = (threads: number) => {
      const net = new Mlp({ layers: [d, 24, 24, 1], activation: 'swish', normalization: { mean: new Array(d).fill(0.1), std: new Array(d).fill(2) }, seed: 3 });
      const t = new Trainer(net, { loss, learningRate: 3e-3, batchSize: 64, weightDecay: 1e-4, seed: 8, threads });
      const losses = t.fit(x, targets, n, { epochs: 5 });
      const w = net.getWeights().flatMap((l) => [...l.kernel, ...l.bias]);
      t.dispose();
      net.dispose();
      return { losses, w };
    };
    const one = run(1), two = run(2);
    assert.ok(one.losses[4] < one.losses[0], `${loss}: training lowers the loss ${one.losses}`);
    assert.ok(maxRel(two.losses, one.losses, 1e-3) < 1e-5, `${loss}: 2 threads ${two.losses} vs 1 thread ${one.losses}`);
    assert.ok(maxRel(two.w, one.w, 1e-2) < 1e-4, `${loss}: weights differ by ${maxRel(two.w, one.w, 1e-2)}`);
  }
  assert.throws(() => new Trainer(new Mlp({ layers: [2, 1], seed: 0 }), { threads: 3 }), /threads must be 1 or 2, got 3/);
});

test.run();
