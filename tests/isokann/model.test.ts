import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, numTensors, Mlp } from '../../lib/nn/index.js';
import { IsokannModel, meanOverBursts, shiftScale, type BurstData } from '../../lib/isokann/index.js';
import { Rng } from '../../lib/dynamics/rng.js';

test.before(async () => {
  await initBackend();
});

const f32 = Math.fround;
const smoothNet = (seed: number) => new Mlp({ layers: [2, 12, 12, 1], activation: 'tanh', normalization: { mean: [0, 0.7], std: [0.8, 0.6] }, seed });

test('meanOverBursts and shiftScale compute K chi and S exactly', () => {
  assert.equal(Array.from(meanOverBursts(Float64Array.from([1, 2, 3, 10, 20, 30]), 2, 3)), [2, 20]);
  assert.equal(Array.from(shiftScale(Float64Array.from([2, 4, 3, 6]))), [0, 0.5, 0.25, 1]);
  assert.throws(() => shiftScale(Float64Array.from([0.3, 0.3])), /K chi is constant \(0.3\).*collapsed/);
});

test('predict, grad and evaluate apply the orientation map chi = offset + scale * net', () => {
  const net = smoothNet(1);
  const x = Float64Array.from([-0.5, 1.4, 0.6, 0.1, 0.0, 0.5]);
  const raw = net.predict(x, 3), rawG = net.inputGrad(x, 3);
  const m = new IsokannModel(net.clone(), { scale: -1, offset: 1 });
  const chi = m.predict(x, 3), g = m.grad(x, 3);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(chi[i] - (1 - raw[i])) < 1e-7);
  for (let i = 0; i < 6; i++) assert.is(g[i], -rawG[i]);
  // evaluate (the ChiField path) runs in float64 and agrees with the float32 tfjs path
  const gOut = new Float64Array(6);
  const v = m.evaluate(x, 3, gOut);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(v[i] - chi[i]) < 1e-6, `chi ${v[i]} vs ${chi[i]}`);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(gOut[i] - g[i]) < 1e-5 * (1 + Math.abs(g[i])), `grad ${gOut[i]} vs ${g[i]}`);
  assert.equal(Array.from(m.evaluate(x, 3)), Array.from(v));
  assert.throws(() => m.evaluate(x, 3, new Float64Array(4)), /grad has length 4, expected 3 x 2/);
  assert.throws(() => new IsokannModel(new Mlp({ layers: [2, 2], seed: 1 })), /one output/);
  assert.throws(() => new IsokannModel(net, { scale: 0, offset: 0 }), /invalid affine map/);
  m.dispose();
  net.dispose();
});

test('grad chi equals central finite differences of predict', () => {
  const m = new IsokannModel(smoothNet(3), { scale: -1, offset: 1 });
  const rng = new Rng(1);
  const n = 30, h = 1e-2;
  const x = Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? rng.uniform(-0.5, 2) : rng.uniform(-1.5, 1.2)));
  const g = m.grad(x, n);
  let maxErr = 0, maxG = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      const p = Float64Array.from(x.subarray(2 * i, 2 * i + 2)), q = Float64Array.from(p);
      p[c] += h;
      q[c] -= h;
      const fd = (m.predict(p, 1)[0] - m.predict(q, 1)[0]) / (2 * h);
      maxErr = Math.max(maxErr, Math.abs(fd - g[2 * i + c]));
      maxG = Math.max(maxG, Math.abs(g[2 * i + c]));
    }
  }
  assert.ok(maxErr < 2e-3 * maxG, `max |FD - grad| ${maxErr}, max |grad| ${maxG}`);
  // the float64 ChiField path is smooth enough for a much finer difference quotient
  const g64 = new Float64Array(2 * n);
  m.evaluate(x, n, g64);
  let err64 = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      const p = Float64Array.from(x.subarray(2 * i, 2 * i + 2)), q = Float64Array.from(p);
      p[c] += 1e-6;
      q[c] -= 1e-6;
      err64 = Math.max(err64, Math.abs((m.evaluate(p, 1)[0] - m.evaluate(q, 1)[0]) / 2e-6 - g64[2 * i + c]));
    }
  }
  assert.ok(err64 < 1e-7 * maxG, `float64 path: max |FD - grad| ${err64}`);
  m.dispose();
});

test('koopman() recovers the slope, intercept and timescale of an exactly affine K chi', () => {
  // chi(x) = w.x + b (a linear net); bursts y_ij = a x_i + c + e_ij with sum_j e_ij = 0, so
  // K chi(x_i) = a chi(x_i) + (1 - a) b + w.c exactly.
  const w = [0.8, -0.3], b = 0.1, a = 0.9, c = [0.2, -0.4], lag = 0.05;
  const m = new IsokannModel(new Mlp({ layers: [2, 1], seed: 0 }, [{ kernel: w, bias: [b] }]));
  const rng = new Rng(2);
  const n = 50, M = 4;
  const x = Float64Array.from({ length: 2 * n }, () => rng.uniform(-1, 1));
  const y = new Float64Array(n * M * 2);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const e = [rng.normal(), rng.normal(), rng.normal()];
      const es = [...e, -(e[0] + e[1] + e[2])];
      for (let j = 0; j < M; j++) y[(i * M + j) * 2 + k] = a * x[2 * i + k] + c[k] + 0.1 * es[j];
    }
  }
  const data: BurstData = { x, y, n, bursts: M, dim: 2, lag };
  const k = m.koopman(data);
  const intercept = (1 - a) * f32(b) + f32(w[0]) * c[0] + f32(w[1]) * c[1];
  assert.ok(Math.abs(k.slope - a) < 1e-5, `slope ${k.slope}`);
  assert.ok(Math.abs(k.intercept - intercept) < 1e-5, `intercept ${k.intercept} vs ${intercept}`);
  assert.ok(Math.abs(k.timescale - -lag / Math.log(a)) < 1e-3, `timescale ${k.timescale}`);
  assert.ok(k.rmsResidual < 1e-5);
  assert.throws(() => m.koopman({ ...data, dim: 1, x: x.subarray(0, n), y: y.subarray(0, n * M) }), /data has dim 1, model 2/);
  m.dispose();
});

test('save/load and toJSON round trips reproduce chi, grad chi, orientation, losses and meta', () => {
  const m = new IsokannModel(smoothNet(5), { scale: -1, offset: 1 }, [0.5, 0.25], { system: 'test', lag: 0.05 });
  const x = Float64Array.from([-0.5, 1.4, 0.6, 0.1, 0.0, 0.5]);
  const chi = Array.from(m.predict(x, 3)), g = Array.from(m.grad(x, 3));
  const dir = mkdtempSync(join(tmpdir(), 'rarelab-iso-'));
  try {
    m.save(join(dir, 'chi.json'));
    const l = IsokannModel.load(join(dir, 'chi.json'));
    assert.equal(Array.from(l.predict(x, 3)), chi);
    assert.equal(Array.from(l.grad(x, 3)), g);
    assert.equal(l.affine, { scale: -1, offset: 1 });
    assert.equal(Array.from(l.losses), [0.5, 0.25]);
    assert.equal(l.meta, { system: 'test', lag: 0.05 });
    assert.equal(l.config, m.config);
    l.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const j = IsokannModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.equal(Array.from(j.predict(x, 3)), chi);
  j.dispose();
  assert.throws(() => IsokannModel.fromJSON({ format: 'rarelab.mlp' } as never), /not a rarelab.isokann object/);
  const bad = m.toJSON();
  bad.dim = 3;
  assert.throws(() => IsokannModel.fromJSON(bad), /network input 2 does not match dim 3/);
  m.dispose();
});

test('pinned() rescales chi to exactly 0 and 1 at two points, keeping the level sets', () => {
  const m = new IsokannModel(smoothNet(2), { scale: -1, offset: 1 });
  const p0 = [-0.5, 1.4], p1 = [0.6, 0.1];
  const [c0, c1] = m.predict(Float64Array.from([...p0, ...p1]), 2);
  const q = m.pinned(p0, p1);
  const [d0, d1] = q.predict(Float64Array.from([...p0, ...p1]), 2);
  assert.ok(Math.abs(d0) < 1e-6 && Math.abs(d1 - 1) < 1e-6, `pinned values ${d0}, ${d1}`);
  const x = Float64Array.from([0, 0.5, -1, 1, 0.3, 1.8]);
  const a = m.predict(x, 3), b = q.predict(x, 3), ga = m.grad(x, 3), gb = q.grad(x, 3);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(b[i] - (a[i] - c0) / (c1 - c0)) < 1e-6);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(gb[i] - ga[i] / (c1 - c0)) < 1e-6 * (1 + Math.abs(gb[i])));
  assert.equal(q.meta.pinned, { zero: p0, one: p1 });
  m.dispose();
  assert.ok(Math.abs(q.predict(Float64Array.from(p1), 1)[0] - 1) < 1e-6, 'the copy owns its own network');
  assert.throws(() => q.pinned(p0, p0), /must lie in different basins/);
  assert.throws(() => q.pinned([0], p1), /points must have 2 coordinates/);
  q.dispose();
});

test('no tensors leak from model use and disposal', () => {
  const before = numTensors();
  const m = new IsokannModel(smoothNet(1));
  const x = Float64Array.from([0, 0, 1, 1]);
  m.predict(x, 2);
  m.grad(x, 2);
  m.evaluate(x, 2, new Float64Array(4));
  IsokannModel.fromJSON(m.toJSON()).dispose();
  m.dispose();
  assert.is(numTensors(), before);
});

test.run();
