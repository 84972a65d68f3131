import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../lib/project/root.js';
import { mbar } from '../../lib/enhanced/index.js';

// Made by data/enhanced/pymbar_reference.py (pymbar from Debian python3-pymbar) on a fixed sample.
const ref = JSON.parse(readFileSync(join(projectRoot(), 'data', 'enhanced', 'pymbar-reference.json'), 'utf8')) as {
  mu: number[]; sigma: number[]; counts: number[]; x: number[]; f: number[]; df: number[];
};

test('our MBAR reproduces pymbar\'s free energies on the same sample (incl. an unsampled state)', () => {
  const K = ref.mu.length, N = ref.x.length;
  assert.is(N, ref.counts.reduce((a, b) => a + b, 0));
  const u = new Float64Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) u[k * N + n] = (ref.x[n] - ref.mu[k]) ** 2 / (2 * ref.sigma[k] ** 2);
  const r = mbar(u, ref.counts);
  const diff = Math.max(...ref.f.map((f, k) => Math.abs(r.f[k] - f)));
  console.log(`  max |f_ours - f_pymbar| = ${diff.toExponential(2)} kT (pymbar's statistical std up to ${Math.max(...ref.df).toFixed(3)} kT)`);
  // Same estimator, same data: agreement to solver precision, far below the statistical error.
  assert.ok(diff < 1e-6, `max difference ${diff}`);
});

test.run();
