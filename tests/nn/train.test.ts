import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, numTensors, Mlp, Trainer, TrainingDivergedError, train, mseLoss, bernoulliNllLoss, setFusedKernels } from '../../lib/nn/index.js';
import { Rng } from '../../lib/dynamics/rng.js';

test.before(async () => {
  await initBackend();
});

const f32 = (v: number) => Math.fround(v);
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** A 1-input, 1-output affine "network" y = w x + b (layers [1, 1]). */
const affine = (w: number, b: number, outputActivation: 'linear' | 'sigmoid' = 'linear') =>
  new Mlp({ layers: [1, 1], outputActivation, seed: 0 }, [{ kernel: [w], bias: [b] }]);
const weightsOf = (net: Mlp) => net.toJSON().weights.map((l) => [...l.kernel, ...l.bias]).flat();

test('one SGD step on MSE equals the hand-computed gradient step', () => {
  const net = affine(0.5, -0.25);
  const x = [0.3, -1.2, 2.0], y = [1.0, 0.4, -0.7];
  const t = new Trainer(net, { optimizer: 'sgd', learningRate: 0.1, batchSize: 3, seed: 1 });
  const [loss] = t.fit(Float64Array.from(x), Float64Array.from(y), 3);
  let gw = 0, gb = 0, l = 0;
  for (let i = 0; i < 3; i++) {
    const r = f32(0.5) * x[i] + f32(-0.25) - y[i];
    l += r * r / 3;
    gw += 2 * r * x[i] / 3;
    gb += 2 * r / 3;
  }
  assert.ok(Math.abs(loss - l) < 1e-6, `loss ${loss} vs ${l}`);
  const [w, b] = weightsOf(net);
  assert.ok(Math.abs(w - (f32(0.5) - 0.1 * gw)) < 1e-6, `w ${w}`);
  assert.ok(Math.abs(b - (f32(-0.25) - 0.1 * gb)) < 1e-6, `b ${b}`);
  assert.is(t.stepCount, 1);
  t.dispose();
  net.dispose();
});

test('weight decay adds weightDecay * w to the gradient', () => {
  // x = 0 and target = bias: the data gradient vanishes, only the L2 term acts.
  const net = affine(2, 0.5);
  const t = new Trainer(net, { optimizer: 'sgd', learningRate: 0.1, weightDecay: 0.3, seed: 1 });
  t.fit(Float64Array.from([0, 0]), Float64Array.from([0.5, 0.5]), 2);
  const [w, b] = weightsOf(net);
  assert.ok(Math.abs(w - 2 * (1 - 0.1 * 0.3)) < 1e-6, `w ${w}`);
  assert.ok(Math.abs(b - 0.5 * (1 - 0.1 * 0.3)) < 1e-6, `b ${b}`);
  t.dispose();
  net.dispose();
});

test('first Adam step moves each weight by learningRate against the sign of its gradient', () => {
  const net = affine(0.5, -0.25);
  const t = new Trainer(net, { optimizer: 'adam', learningRate: 0.01, seed: 1 });
  // residual 0.5*1 - 0.25 - 2 < 0: both gradients negative, both weights increase by lr (m/sqrt(v) = sign g).
  t.fit(Float64Array.from([1]), Float64Array.from([2]), 1);
  const [w, b] = weightsOf(net);
  assert.ok(Math.abs(w - 0.51) < 1e-6 && Math.abs(b - -0.24) < 1e-6, `w ${w}, b ${b}`);
  t.dispose();
  net.dispose();
});

test('Trainer fits sin on [0, pi] to a small MSE', () => {
  const n = 128;
  const x = Float64Array.from({ length: n }, (_, i) => (Math.PI * i) / (n - 1));
  const y = x.map(Math.sin);
  const net = new Mlp({ layers: [1, 16, 16, 1], activation: 'tanh', seed: 3 });
  const losses = train(net, x, y, n, { optimizer: 'adam', learningRate: 1e-2, batchSize: 32, epochs: 300, seed: 4 });
  assert.ok(losses[0] > 0.05, `initial loss ${losses[0]}`);
  const xt = Float64Array.from({ length: 50 }, (_, i) => (Math.PI * (i + 0.5)) / 50);
  const p = net.predict(xt, 50);
  let mse = 0;
  for (let i = 0; i < 50; i++) mse += (p[i] - Math.sin(xt[i])) ** 2 / 50;
  assert.ok(mse < 1e-3, `held-out MSE ${mse}`);
  net.dispose();
});

test('same seeds give identical losses and weights; another shuffling seed differs', () => {
  const rng = new Rng(1);
  const n = 100;
  const x = Float64Array.from({ length: 2 * n }, () => rng.uniform(-1, 1));
  const y = Float64Array.from({ length: n }, (_, i) => x[2 * i] * x[2 * i + 1]);
  const runOnce = (seed: number) => {
    const net = new Mlp({ layers: [2, 8, 1], dropout: 0.1, seed: 2 });
    const losses = train(net, x, y, n, { batchSize: 16, epochs: 5, seed, learningRate: 1e-2 });
    const w = weightsOf(net);
    net.dispose();
    return { losses, w };
  };
  const a = runOnce(5), b = runOnce(5), c = runOnce(6);
  assert.equal(a.losses, b.losses);
  assert.equal(a.w, b.w);
  assert.not.equal(a.losses, c.losses);
});

test('TrainingDivergedError on an exploding learning rate; the network keeps finite weights', () => {
  const rng = new Rng(2);
  const n = 64;
  const x = Float64Array.from({ length: n }, () => rng.uniform(-3, 3));
  const y = x.map((v) => 10 * v);
  const net = new Mlp({ layers: [1, 8, 1], activation: 'linear', seed: 1 });
  const t = new Trainer(net, { optimizer: 'sgd', learningRate: 1e6, batchSize: 8, seed: 1 });
  try {
    t.fit(x, y, n, { epochs: 50 });
    assert.unreachable('should diverge');
  } catch (e) {
    assert.instance(e, TrainingDivergedError);
    const err = e as TrainingDivergedError;
    assert.ok(err.step > 1 && err.learningRate === 1e6);
    assert.match(err.message, /reduce the learning rate/);
  }
  assert.ok(weightsOf(net).every(Number.isFinite), 'no NaN/inf step applied');
  t.dispose();
  net.dispose();
});

test('bad targets and options give clear errors', () => {
  const net = new Mlp({ layers: [2, 3, 1], seed: 1 });
  const t = new Trainer(net, { seed: 1 });
  assert.throws(() => t.fit(Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, NaN]), 2), /targets\): input point 1, coordinate 0 is NaN/);
  assert.throws(() => t.fit(Float64Array.from([1, 2, 3, 4]), Float64Array.from([1]), 2), /targets\): inputs have length 1, expected 2/);
  assert.throws(() => new Trainer(net, { learningRate: -1 }), /learningRate must be positive/);
  assert.throws(() => new Trainer(net, { optimizer: 'rmsprop' as never }), /optimizer must be/);
  assert.throws(() => new Trainer(net, { loss: 'huber' as never }), /unknown loss 'huber'/);
  const two = new Mlp({ layers: [2, 2], seed: 1 });
  assert.throws(() => new Trainer(two, { loss: 'bernoulli-nll' }), /one output/);
  const nll = new Trainer(net, { loss: 'bernoulli-nll', seed: 1 });
  assert.throws(() => nll.fit(Float64Array.from([1, 2]), Float64Array.from([1, -1]), 1), /n_B = -1; counts must be non-negative/);
  assert.throws(() => nll.fit(Float64Array.from([1, 2]), Float64Array.from([1]), 1), /expected 1 points x 2/);
  for (const m of [t, nll]) m.dispose();
  two.dispose();
  net.dispose();
});

/** Float64 reference of the per-point binomial NLL (AIMMD Eq. 3 divided by the number of points). */
function nllRef(q: number[], counts: number[]): number {
  let s = 0;
  for (let i = 0; i < q.length; i++) s += counts[2 * i] * softplus(q[i]) + counts[2 * i + 1] * softplus(-q[i]);
  return s / q.length;
}

test("'bernoulli-nll' equals the float64 likelihood, stays finite for large |q|, and its SGD step is exact", () => {
  const w = 1.5, b = -0.2;
  const xs = [0.1, -2, 3, 40, -60];
  const counts = [1, 1, 2, 0, 0, 2, 3, 1, 1, 3];
  const net = affine(w, b);
  const t = new Trainer(net, { loss: 'bernoulli-nll', optimizer: 'sgd', learningRate: 0.05, batchSize: 5, seed: 1 });
  const q = xs.map((x) => f32(w) * x + f32(b));
  const ref = nllRef(q, counts);
  const got = t.evaluate(Float64Array.from(xs), Float64Array.from(counts), 5);
  assert.ok(Number.isFinite(got) && Math.abs(got - ref) < 1e-5 * ref, `NLL ${got} vs ${ref}`);
  // as -[n_A log(1 - p_B) + n_B log p_B] with p_B = sigmoid(q) on the moderate points
  const p = q.slice(0, 3).map((v) => 1 / (1 + Math.exp(-v)));
  const direct = -[0, 1, 2].reduce((s, i) => s + counts[2 * i] * Math.log(1 - p[i]) + counts[2 * i + 1] * Math.log(p[i]), 0) / 3;
  assert.ok(Math.abs(t.evaluate(Float64Array.from(xs.slice(0, 3)), Float64Array.from(counts.slice(0, 6)), 3) - direct) < 1e-5);
  // dL/dq = n_A sigmoid(q) - n_B sigmoid(-q)
  let gw = 0, gb = 0;
  q.forEach((v, i) => {
    const d = (counts[2 * i] / (1 + Math.exp(-v)) - counts[2 * i + 1] / (1 + Math.exp(v))) / 5;
    gw += d * xs[i];
    gb += d;
  });
  t.fit(Float64Array.from(xs), Float64Array.from(counts), 5);
  const [w1, b1] = weightsOf(net);
  assert.ok(Math.abs(w1 - (f32(w) - 0.05 * gw)) < 1e-5, `w ${w1} vs ${f32(w) - 0.05 * gw}`);
  assert.ok(Math.abs(b1 - (f32(b) - 0.05 * gb)) < 1e-6, `b ${b1}`);
  t.dispose();
  net.dispose();
});

test('built-in losses passed as functions train identically to their names (custom-loss path)', () => {
  // Bit-for-bit on one engine: tfjs ops for both (a named loss would otherwise run on the fused kernels,
  // which agree with tfjs to float32 rounding only; tests/nn/fused.test.ts compares the two engines).
  setFusedKernels(false);
  try {
    builtinsEqualCustom();
  } finally {
    setFusedKernels(true);
  }
});

function builtinsEqualCustom(): void {
  const rng = new Rng(4);
  const n = 40;
  const x = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
  const y = x.map((v) => v * v);
  const counts = Float64Array.from({ length: 2 * n }, () => rng.int(3));
  for (const [name, fn, targets, targetDim] of [['mse', mseLoss, y, 1], ['bernoulli-nll', bernoulliNllLoss, counts, 2]] as const) {
    const a = new Mlp({ layers: [1, 4, 1], seed: 1 }), b = new Mlp({ layers: [1, 4, 1], seed: 1 });
    const la = train(a, x, targets, n, { loss: name, epochs: 3, batchSize: 8, seed: 2 });
    const lb = train(b, x, targets, n, { loss: fn, targetDim, epochs: 3, batchSize: 8, seed: 2 });
    assert.equal(la, lb, name);
    assert.equal(weightsOf(a), weightsOf(b));
    a.dispose();
    b.dispose();
  }
}

test('training on synthetic two-way shots recovers a known logistic committor', () => {
  // p_B(x) = sigmoid(q*(x)), q*(x) = 3 x0 - 2 x1 + 0.5; each shooting point gets two independent shots.
  const rng = new Rng(11);
  const n = 4000;
  const x = new Float64Array(2 * n), counts = new Float64Array(2 * n);
  const qTrue = (a: number, b: number) => 3 * a - 2 * b + 0.5;
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1.5, 1.5), b = rng.uniform(-1.5, 1.5);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    const pB = 1 / (1 + Math.exp(-qTrue(a, b)));
    for (let s = 0; s < 2; s++) counts[2 * i + (rng.next() < pB ? 1 : 0)] += 1;
  }
  // Logistic regression (a [2, 1] network): the maximum-likelihood coefficients.
  const lin = new Mlp({ layers: [2, 1], seed: 1 });
  const losses = train(lin, x, counts, n, { loss: 'bernoulli-nll', learningRate: 0.05, batchSize: 200, epochs: 150, seed: 3 });
  const [k0, k1, c] = weightsOf(lin);
  // Standard errors with 8000 shots are ~0.1 on the slopes, ~0.05 on the intercept.
  assert.ok(Math.abs(k0 - 3) < 0.3 && Math.abs(k1 + 2) < 0.3 && Math.abs(c - 0.5) < 0.15, `coefficients ${k0}, ${k1}, ${c}`);
  assert.ok(losses[losses.length - 1] < losses[0]);
  // The trained NLL is no worse than the true committor's NLL on the same data (it is the ML fit).
  const qStar = Array.from({ length: n }, (_, i) => qTrue(x[2 * i], x[2 * i + 1]));
  const t = new Trainer(lin, { loss: 'bernoulli-nll', seed: 1 });
  assert.ok(t.evaluate(x, counts, n) <= nllRef(qStar, Array.from(counts)) + 1e-4);
  t.dispose();
  // A tanh MLP recovers the committor values too.
  const mlp = new Mlp({ layers: [2, 8, 1], activation: 'tanh', seed: 2 });
  train(mlp, x, counts, n, { loss: 'bernoulli-nll', learningRate: 0.02, batchSize: 200, epochs: 100, seed: 4 });
  const grid = new Float64Array(2 * 121);
  for (let i = 0; i < 11; i++) for (let j = 0; j < 11; j++) { grid[2 * (11 * i + j)] = -1.2 + 0.24 * i; grid[2 * (11 * i + j) + 1] = -1.2 + 0.24 * j; }
  const q = mlp.predict(grid, 121);
  let maxErr = 0;
  for (let k = 0; k < 121; k++) maxErr = Math.max(maxErr, Math.abs(1 / (1 + Math.exp(-q[k])) - 1 / (1 + Math.exp(-qTrue(grid[2 * k], grid[2 * k + 1])))));
  assert.ok(maxErr < 0.06, `max |p_B - p_B*| on the grid ${maxErr}`);
  lin.dispose();
  mlp.dispose();
});

test('no tensors leak from training, evaluation and divergence', () => {
  const before = numTensors();
  const net = new Mlp({ layers: [2, 6, 1], dropout: 0.1, seed: 1 });
  const afterNet = numTensors();
  const x = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i)), y = Float64Array.from({ length: 10 }, (_, i) => Math.cos(i));
  for (const optimizer of ['adam', 'nesterov', 'sgd'] as const) {
    const t = new Trainer(net, { optimizer, weightDecay: 1e-3, batchSize: 3, seed: 1 });
    t.fit(x, y, 10, { epochs: 2 });
    t.evaluate(x, y, 10, 4);
    t.dispose();
    assert.is(numTensors(), afterNet, `${optimizer}: only the network's tensors remain`);
  }
  const t = new Trainer(net, { optimizer: 'sgd', learningRate: 1e30, seed: 1 });
  try { t.fit(x, y.map((v) => v * 1e10), 10, { epochs: 20 }); } catch (e) { assert.instance(e, TrainingDivergedError); }
  t.dispose();
  assert.is(numTensors(), afterNet, 'divergence leaves no tensors');
  net.dispose();
  assert.is(numTensors(), before);
});

test.run();
