import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, Mlp, Trainer } from '../../lib/nn/index.js';
import { Rng } from '../../lib/dynamics/rng.js';

test.before(async () => {
  await initBackend();
});

test('Rng state round trip continues the stream exactly', () => {
  const a = new Rng(42, 3);
  a.normal();
  const b = Rng.fromState(JSON.parse(JSON.stringify(a.getState())));
  for (let i = 0; i < 5; i++) assert.is(b.normal(), a.normal());
  assert.is(b.nextUint32(), a.nextUint32());
  assert.throws(() => Rng.fromState({ seed: 1, stream: 0, s: [1, 2] }), /four unsigned/);
});

test('a checkpointed Adam training resumes bit-for-bit (weights, moments, shuffling, dropout)', async () => {
  const n = 64, rng = new Rng(1);
  const x = Float64Array.from({ length: 2 * n }, () => rng.uniform(-1, 1));
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * x[2 * i]) * x[2 * i + 1]);
  const cfg = { layers: [2, 16, 16, 1], activation: 'selu' as const, dropout: 0.1, dropoutLayers: 'last' as const, dropoutKind: 'alpha' as const, seed: 7 };
  const opts = { learningRate: 1e-2, batchSize: 16, seed: 9 };
  const straight = new Mlp(cfg);
  const t1 = new Trainer(straight, opts);
  t1.fit(x, y, n, { epochs: 4 });

  const first = new Mlp(cfg);
  const t2 = new Trainer(first, opts);
  t2.fit(x, y, n, { epochs: 2 });
  const saved = JSON.parse(JSON.stringify({ net: first.toJSON(), trainer: await t2.getState() }));
  t2.dispose(); first.dispose();

  const resumed = Mlp.fromJSON(saved.net);
  const t3 = new Trainer(resumed, opts);
  await t3.setState(saved.trainer);
  t3.fit(x, y, n, { epochs: 2 });
  assert.equal(t3.losses, t1.losses);
  const a = straight.predict(x, n), b = resumed.predict(x, n);
  for (let i = 0; i < n; i++) assert.is(b[i], a[i]);
  for (const t of [t1, t3]) t.dispose();
  straight.dispose(); resumed.dispose();
});

test.run();
