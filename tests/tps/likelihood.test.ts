import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { committorFromRC, committorNLL, rcFromCommittor, softplus } from '../../lib/tps/likelihood.js';
import { inputRelevance } from '../../lib/tps/relevance.js';

test('Eq. 3 negative log-likelihood equals the direct binomial formula and is stable for large |q|', () => {
  const q = [-3, -0.5, 0, 0.7, 4];
  const nA = [2, 1, 0, 1, 0], nB = [0, 1, 2, 1, 0];
  let direct = 0;
  for (let i = 0; i < q.length; i++) {
    const p = 1 / (1 + Math.exp(-q[i]));
    direct -= nB[i] * Math.log(p) + nA[i] * Math.log(1 - p);
  }
  assert.ok(Math.abs(committorNLL(q, { nA, nB }) - direct) < 1e-12);
  assert.ok(Math.abs(committorNLL(q, { nA, nB }, { perShot: true }) - direct / 4) < 1e-12, 'the uncommitted point does not count');
  assert.is(softplus(800), 800);
  assert.ok(Math.abs(softplus(-800)) < 1e-300);
  assert.is(committorFromRC(-800), 0);
  assert.ok(Math.abs(rcFromCommittor(committorFromRC(2.5)) - 2.5) < 1e-12);
  assert.throws(() => committorNLL([0, 1], { nA: [1], nB: [1] }), /2 entries/);
  assert.throws(() => rcFromCommittor(1), /strictly between/);
});

test('input relevance: an input the model ignores has relevance 0, the one it uses has 1', () => {
  const n = 400, rng = new Rng(1);
  const x = Float64Array.from({ length: 3 * n }, () => rng.uniform(-1, 1));
  const nA = new Float64Array(n), nB = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let s = 0; s < 2; s++) (rng.next() < committorFromRC(4 * x[3 * i + 1]) ? nB : nA)[i]++;
  const predict = (xs: Float64Array, m: number) => Float64Array.from({ length: m }, (_, i) => 4 * xs[3 * i + 1]);
  const r = inputRelevance(predict, x, n, 3, { nA, nB }, { seed: 2 });
  assert.equal(Array.from(r.normalized), [0, 1, 0]);
  assert.is(r.ranking[0], 1);
  assert.ok(r.relevance[1] > 0.2, `losing the informative input costs ${r.relevance[1]} nats per shot`);
});

test.run();
