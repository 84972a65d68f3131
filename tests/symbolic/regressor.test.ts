import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { randomGenome, type GenomeShape } from '../../lib/symbolic/genome.js';
import { GenomeEvaluator, activeParameters, genomeToString, getWeights, setWeights } from '../../lib/symbolic/evaluate.js';
import { SymbolicModel, SymbolicRegressor } from '../../lib/symbolic/regressor.js';
import { committorFromRC, committorNLL } from '../../lib/tps/likelihood.js';

function points(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: 2 * n }, () => rng.uniform(-1, 1));
}

test('genome values and weight-derivatives agree with the printed expression and finite differences', () => {
  const shape: GenomeShape = { nVars: 2, nConsts: 1, nodes: 10, functions: ['add', 'sub', 'mul', 'div', 'exp', 'tanh', 'sin'] };
  const z = points(20, 1);
  const ev = new GenomeEvaluator(shape, z, 20);
  const rng = new Rng(7);
  let checked = 0;
  for (let trial = 0; trial < 60 && checked < 10; trial++) {
    const g = randomGenome(shape, rng);
    for (let k = 0; k < shape.nodes; k++) { g.w0[k] = rng.uniform(-1.5, 1.5); g.w1[k] = rng.uniform(-1.5, 1.5); }
    const params = activeParameters(shape, g);
    if (!ev.run(g, params)) continue;
    const P = params.node.length;
    const q = ev.value.slice(), J = ev.jacobian.slice();
    const model = new SymbolicModel(genomeToString(shape, g, ['x', 'y']), ['x', 'y']);
    const qm = model.predict(z, 20);
    for (let i = 0; i < 20; i++) assert.ok(Math.abs(qm[i] - q[i]) <= 1e-12 * (1 + Math.abs(q[i])), `printed expression differs at point ${i}`);
    const w = getWeights(g, params);
    for (let k = 0; k < P; k++) {
      const h = 1e-6, wp = w.slice(), wm = w.slice();
      wp[k] += h; wm[k] -= h;
      setWeights(g, params, wp); ev.run(g); const qp = ev.value.slice();
      setWeights(g, params, wm); ev.run(g); const qn = ev.value.slice();
      setWeights(g, params, w);
      for (let i = 0; i < 20; i++) {
        const fd = (qp[i] - qn[i]) / (2 * h);
        assert.ok(Math.abs(fd - J[i * P + k]) <= 1e-5 * (1 + Math.abs(fd)), `dq/dw${k} at point ${i}: ${J[i * P + k]} vs FD ${fd}`);
      }
    }
    checked++;
  }
  assert.ok(checked >= 5, `only ${checked} finite random genomes`);
});

test('least squares recovers an exact expression (q = 1.5 x y + 0.5 x)', () => {
  const n = 200, z = points(n, 2);
  const target = Float64Array.from({ length: n }, (_, i) => 1.5 * z[2 * i] * z[2 * i + 1] + 0.5 * z[2 * i]);
  const reg = new SymbolicRegressor({ variables: ['x', 'y'], functions: ['add', 'sub', 'mul'], nodes: 10, generations: 300, restarts: 3, lambda: 1e-4, seed: 3 });
  const m = reg.fit(z, n, { kind: 'mse', values: target });
  const q = m.predict(z, n);
  let rmse = 0;
  for (let i = 0; i < n; i++) rmse += (q[i] - target[i]) ** 2;
  rmse = Math.sqrt(rmse / n);
  assert.ok(rmse < 1e-6, `rmse ${rmse} for ${m.pretty()}`);
});

test('likelihood fit of shooting outcomes from a known committor matches the truth (AIMMD Eq. 3 fitness)', () => {
  // Shots from p_B = sigmoid(4 x - 2 y + 1): the regressed q must do as well as the true q on the
  // likelihood and reproduce the committor to within the sampling noise.
  const n = 600, z = points(n, 4), rng = new Rng(5);
  const qTrue = Float64Array.from({ length: n }, (_, i) => 4 * z[2 * i] - 2 * z[2 * i + 1] + 1);
  const nA = new Float64Array(n), nB = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let s = 0; s < 2; s++) (rng.next() < committorFromRC(qTrue[i]) ? nB : nA)[i]++;
  const counts = { nA, nB };
  const reg = new SymbolicRegressor({ variables: ['x', 'y'], nodes: 10, generations: 150, restarts: 2, lambda: 0.002, seed: 11 });
  const m = reg.fit(z, n, { kind: 'nll', counts });
  const lossTrue = committorNLL(qTrue, counts, { perShot: true });
  const lossFit = committorNLL(m.predict(z, n), counts, { perShot: true });
  assert.ok(Math.abs(lossFit - m.loss) < 1e-9, 'reported loss is the Eq. 3 loss per shot');
  assert.ok(lossFit <= lossTrue + 0.01, `fitted loss ${lossFit} vs true ${lossTrue} (${m.pretty()})`);
  const pFit = m.committor(z, n);
  let err = 0;
  for (let i = 0; i < n; i++) err += Math.abs(pFit[i] - committorFromRC(qTrue[i])) / n;
  assert.ok(err < 0.05, `mean |p_fit - p_true| = ${err} (${m.pretty()})`);
});

test('the reported loss is always the loss of the returned expression (neutral drift keeps weights consistent)', () => {
  // Regression: a mutation that swaps an active node for an inactive one of the same shape but other
  // weights was once taken as neutral, keeping the parent's loss for a different expression.
  const n = 300, z = points(n, 12), rng = new Rng(13);
  const nA = new Float64Array(n), nB = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let s = 0; s < 2; s++) (rng.next() < committorFromRC(2.6 * z[2 * i] + 1.5 * z[2 * i + 1]) ? nB : nA)[i]++;
  for (const seed of [7, 8, 9]) {
    const m = new SymbolicRegressor({ variables: ['x', 'y'], generations: 300, restarts: 2, seed }).fit(z, n, { kind: 'nll', counts: { nA, nB } });
    const actual = committorNLL(m.predict(z, n), { nA, nB }, { perShot: true });
    assert.ok(Math.abs(actual - m.loss) < 1e-9, `seed ${seed}: reported ${m.loss}, actual ${actual} for ${m.expression}`);
  }
});

test('the same seed gives the same expression', () => {
  const n = 100, z = points(n, 6);
  const y = Float64Array.from({ length: n }, (_, i) => Math.exp(z[2 * i]));
  const fit = () => new SymbolicRegressor({ variables: ['x', 'y'], generations: 30, seed: 9 }).fit(z, n, { kind: 'mse', values: y }).expression;
  assert.is(fit(), fit());
});

test('SymbolicModel parses the paper expression, differentiates it, and names unknown symbols', () => {
  const m = new SymbolicModel('(3.32 x + 1.24 y) exp(2.92 x y)', ['x', 'y']);
  const q = m.predict([0.3, -0.2], 1)[0];
  assert.ok(Math.abs(q - (3.32 * 0.3 + 1.24 * -0.2) * Math.exp(2.92 * 0.3 * -0.2)) < 1e-12);
  const dx = new SymbolicModel(m.derivative('x'), ['x', 'y']).predict([0.3, -0.2], 1)[0];
  const h = 1e-6;
  const fd = (m.predict([0.3 + h, -0.2], 1)[0] - m.predict([0.3 - h, -0.2], 1)[0]) / (2 * h);
  assert.ok(Math.abs(dx - fd) < 1e-6, `d/dx ${dx} vs ${fd}`);
  assert.throws(() => new SymbolicModel('a * x', ['x', 'y']), /uses a/);
  assert.throws(() => m.predict([1, 2, 3], 1), /expected 1 points x 2/);
  assert.throws(() => new SymbolicRegressor({ seed: 1 }).fit(Float64Array.from([NaN, 1]), 1, { kind: 'mse', values: [0] }), /is NaN/);
});

test.run();
