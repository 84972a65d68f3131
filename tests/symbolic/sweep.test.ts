import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { InlineRunner, libRef } from '../../lib/sampling/index.js';
import { symbolicSweep } from '../../lib/symbolic/sweep.js';
import { committorFromRC, committorNLL } from '../../lib/tps/likelihood.js';

/** Two-shot outcomes at uniform points in [-1, 1]^2 drawn from the committor sigmoid(q(x, y)). */
function shots(n: number, seed: number, q: (x: number, y: number) => number) {
  const rng = new Rng(seed);
  const z = new Float64Array(2 * n), nA = new Float64Array(n), nB = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[2 * i] = rng.uniform(-1, 1); z[2 * i + 1] = rng.uniform(-1, 1);
    const p = committorFromRC(q(z[2 * i], z[2 * i + 1]));
    for (let s = 0; s < 2; s++) (rng.uniform(0, 1) < p ? nB : nA)[i]++;
  }
  return { z, n, counts: { nA, nB } };
}

test('lambda sweep x restarts: one fit per pair, the best by validation loss, near the true committor', async () => {
  const truth = (x: number, y: number) => 3 * x + 1.5 * y;
  const train = shots(600, 1, truth), val = shots(400, 2, truth);
  const kernel = libRef('symbolicSweepKernel', { variables: ['x', 'y'], z: Array.from(train.z), n: train.n, counts: { nA: Array.from(train.counts.nA), nB: Array.from(train.counts.nB) }, regressor: { generations: 40 } });
  const r = await symbolicSweep(new InlineRunner(), kernel, { lambdas: [0.01, 0.001], restarts: 2, seed: 4, variables: ['x', 'y'], validation: val });
  assert.equal(r.fits.map((f) => [f.lambda, f.restart]), [[0.01, 0], [0.01, 1], [0.001, 0], [0.001, 1]]);
  const lowest = Math.min(...r.fits.map((f) => f.validationLoss));
  assert.is(r.bestFit.validationLoss, lowest);
  const qTrue = Float64Array.from({ length: val.n }, (_, i) => truth(val.z[2 * i], val.z[2 * i + 1]));
  const lossTrue = committorNLL(qTrue, val.counts, { perShot: true });
  // the validation loss per shot of a fitted expression is within shot noise of the truth's (0.02 nats)
  assert.ok(r.bestFit.validationLoss < lossTrue + 0.02, `best ${r.bestFit.validationLoss} vs truth ${lossTrue}`);
  const again = await symbolicSweep(new InlineRunner(), kernel, { lambdas: [0.01, 0.001], restarts: 2, seed: 4, variables: ['x', 'y'], validation: val });
  assert.equal(again.fits.map((f) => f.expression), r.fits.map((f) => f.expression), 'seeded: the same fits on a re-run');
});

async function rejects(f: () => Promise<unknown>, re: RegExp): Promise<void> {
  try { await f(); } catch (e) { assert.match((e as Error).message, re); return; }
  assert.unreachable(`expected an error matching ${re}`);
}

test('bad sweep settings are named', async () => {
  const val = shots(10, 3, (x) => x);
  const kernel = libRef('symbolicSweepKernel', { variables: ['x', 'y'], z: Array.from(val.z), n: 10, counts: { nA: Array.from(val.counts.nA), nB: Array.from(val.counts.nB) } });
  await rejects(() => symbolicSweep(new InlineRunner(), kernel, { lambdas: [], restarts: 1, seed: 1, variables: ['x', 'y'], validation: val }), /lambdas must be a non-empty list/);
  await rejects(() => symbolicSweep(new InlineRunner(), kernel, { lambdas: [0.01], restarts: 0, seed: 1, variables: ['x', 'y'], validation: val }), /restarts must be a positive integer, got 0/);
  await rejects(() => symbolicSweep(new InlineRunner(), kernel, { lambdas: [0.01], restarts: 1, seed: 1, variables: ['x'], validation: val }), /20 validation values are not 10 points x 1 variables/);
});

test.run();
