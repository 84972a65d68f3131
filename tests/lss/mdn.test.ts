import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend } from '../../lib/nn/index.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { autocorrelation } from '../../lib/kinetics/index.js';
import { trainMdn, MdnPropagator } from '../../lib/lss/mdn.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

test.before(async () => {
  await initBackend();
});

// Linear-Gaussian AR(1): x_{t+1} = a x_t + s xi. Exact transition density N(a x, s^2); stationary
// variance s^2 / (1 - a^2) = 0.694; lag-1 autocorrelation a.
const a = 0.8, s = 0.5;
function ar1(frames: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(frames);
  x[0] = rng.normal() * s / Math.sqrt(1 - a * a);
  for (let t = 1; t < frames; t++) x[t] = a * x[t - 1] + s * rng.normal();
  return x;
}

test('the MDN fits the AR(1) transition density: conditional mean, variance and NLL match the exact ones', () => {
  const x = ar1(20000, 1);
  const mdn = trainMdn([x], 1, { lag: 1, components: 4, hidden: [32, 32], maxEpochs: 40, patience: 5, seed: 2 });
  const probe = Float64Array.of(-1.2, -0.5, 0, 0.5, 1.2);
  const { mean, variance } = mdn.conditionalMoments(probe, 5);
  for (let i = 0; i < 5; i++) {
    assert.ok(Math.abs(mean[i] - a * probe[i]) < 0.05, `E[x' | x = ${probe[i]}] = ${mean[i]}, exact ${a * probe[i]}`);
    assert.ok(Math.abs(Math.sqrt(variance[i]) / s - 1) < 0.08, `sd[x' | x = ${probe[i]}] = ${Math.sqrt(variance[i])}, exact ${s}`);
  }
  // NLL on fresh data vs the exact transition density's NLL on the same pairs (per pair, nats)
  const y = ar1(5001, 3);
  const lp = mdn.logDensity(y.subarray(0, 5000), y.subarray(1), 5000);
  let nll = 0, exact = 0;
  for (let t = 0; t < 5000; t++) { nll -= lp[t] / 5000; exact += (0.5 * Math.log(2 * Math.PI * s * s) + 0.5 * ((y[t + 1] - a * y[t]) / s) ** 2) / 5000; }
  assert.ok(nll - exact < 0.02 && nll - exact > -0.01, `MDN NLL ${nll} vs exact ${exact}`);
  // the best epoch's validation NLL (held-out trailing 20 %) is close to the exact expectation 0.5 ln(2 pi e s^2)
  const best = mdn.history!.validation[mdn.history!.bestEpoch - 1];
  assert.ok(Math.abs(best - 0.5 * Math.log(2 * Math.PI * Math.E * s * s)) < 0.05, `validation NLL ${best}`);

  // generated trajectories: stationary variance and lag-1 autocorrelation of the AR(1); seeded
  const g = mdn.generate([0], 40000, { seed: 5 });
  let v = 0, mu = 0;
  for (const q of g) { mu += q / g.length; v += q * q / g.length; }
  v -= mu * mu;
  assert.ok(Math.abs(v / (s * s / (1 - a * a)) - 1) < 0.1, `generated variance ${v}, exact ${s * s / (1 - a * a)}`);
  const c = autocorrelation(g, 1);
  assert.ok(Math.abs(c[1] - a) < 0.02, `generated lag-1 autocorrelation ${c[1]}, exact ${a}`);
  const again = mdn.generate([0], 40000, { seed: 5 });
  assert.equal(Array.from(again.subarray(0, 100)), Array.from(g.subarray(0, 100)));
  assert.is(again[40000], g[40000]);
  // walkers: [walkers][steps + 1][m], each starts where asked
  const w = mdn.generate([0, 1, -1], 10, { seed: 1, walkers: 3 });
  assert.is(w.length, 33);
  assert.is(w[11], 1);
  assert.is(w[22], -1);

  const dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'mdn-'));
  try {
    mdn.save(join(dir, 'mdn.json'));
    const back = MdnPropagator.load(join(dir, 'mdn.json'));
    const h = back.generate([0], 1000, { seed: 5 });
    assert.equal(Array.from(h), Array.from(g.subarray(0, 1001)));
    back.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  mdn.dispose();
});

test('a bimodal transition density (symmetric jump process) is recovered by a two-kernel mixture', () => {
  // x' = +-1 + 0.1 xi with probability 1/2 each, independent of x: the exact density is a 2-kernel mixture
  const rng = new Rng(7);
  const x = Float64Array.from({ length: 12000 }, () => (rng.uniform() < 0.5 ? -1 : 1) + 0.1 * rng.normal());
  const mdn = trainMdn([x], 1, { lag: 1, components: 2, hidden: [16], maxEpochs: 40, patience: 5, learningRate: 3e-3, seed: 1 });
  const { alpha, mu, sigma } = mdn.mixture([0.9, -0.2], 2);
  for (let p = 0; p < 2; p++) {
    const hiK = mu[2 * p] > mu[2 * p + 1] ? 0 : 1, loK = 1 - hiK;
    assert.ok(Math.abs(alpha[2 * p] - 0.5) < 0.03, `alpha ${alpha[2 * p]}`);
    assert.ok(Math.abs(mu[2 * p + hiK] - 1) < 0.02 && Math.abs(mu[2 * p + loK] + 1) < 0.02, `means ${mu[2 * p]}, ${mu[2 * p + 1]}`);
    for (let c = 0; c < 2; c++) assert.ok(Math.abs(sigma[2 * p + c] / 0.1 - 1) < 0.1, `sigma ${sigma[2 * p + c]}`);
  }
  const { mean, variance } = mdn.conditionalMoments([0.9], 1);
  assert.ok(Math.abs(mean[0]) < 0.05, `mean ${mean[0]}`);
  assert.ok(Math.abs(variance[0] - 1.01) < 0.05, `variance ${variance[0]}, exact 1.01`);
  const lp = mdn.logDensity([0.9, 0.9], [1, 0], 2);
  const peak = Math.log(0.5 / (0.1 * Math.sqrt(2 * Math.PI)));
  assert.ok(Math.abs(lp[0] - peak) < 0.15, `ln p at the mode ${lp[0]}, exact ${peak}`);
  mdn.dispose();
});

test('bad input is named', () => {
  assert.throws(() => trainMdn([new Float64Array(100)], 1, { lag: 1 }), /coordinate 0 is constant/);
  assert.throws(() => trainMdn([Float64Array.of(1, 2, NaN, 4)], 1, { lag: 1 }), /frame 2, feature 0 is NaN/);
});

test.run();
