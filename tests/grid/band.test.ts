import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BandCholesky, BandLU } from '../../lib/grid/band.js';
import { lanczosLargest } from '../../lib/grid/lanczos.js';
import { Rng } from '../../lib/dynamics/rng.js';

// Random band matrix with bandwidth b, strictly diagonally dominant (symmetric or not); A x must give back rhs.
function bandCase(n: number, b: number, symmetric: boolean, seed: number) {
  const rng = new Rng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(0, i - b); j < i; j++) {
      const v = rng.uniform(-1, 1);
      A[i * n + j] = v;
      A[j * n + i] = symmetric ? v : rng.uniform(-1, 1);
    }
  }
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) if (j !== i) s += Math.abs(A[i * n + j]) + Math.abs(A[j * n + i]); A[i * n + i] = s + 0.5; }
  const x = Float64Array.from({ length: n }, () => rng.normal());
  const rhs = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rhs[i] += A[i * n + j] * x[j];
  return { A, x, rhs };
}

test('band Cholesky and band LU solve banded systems to 1e-12', () => {
  for (const [n, b] of [[50, 3], [120, 11], [7, 6]]) {
    const s = bandCase(n, b, true, n);
    const chol = new BandCholesky(n, b);
    for (let i = 0; i < n; i++) for (let j = Math.max(0, i - b); j <= i; j++) chol.add(i, j, s.A[i * n + j]);
    chol.factor();
    const xc = chol.solve(s.rhs);
    const u = bandCase(n, b, false, n + 1);
    const lu = new BandLU(n, b);
    for (let i = 0; i < n; i++) for (let j = Math.max(0, i - b); j <= Math.min(n - 1, i + b); j++) lu.add(i, j, u.A[i * n + j]);
    lu.factor();
    const xl = lu.solve(u.rhs);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(xc[i] - s.x[i]) < 1e-12, `Cholesky n=${n} b=${b} entry ${i}`);
      assert.ok(Math.abs(xl[i] - u.x[i]) < 1e-12, `LU n=${n} b=${b} entry ${i}`);
    }
  }
  const bad = new BandCholesky(2, 1);
  bad.add(0, 0, 1); bad.add(1, 1, 1); bad.add(1, 0, 2);
  assert.throws(() => bad.factor(), /not positive definite/);
  const sing = new BandLU(2, 1);
  sing.add(0, 0, 1); sing.add(0, 1, 1); sing.add(1, 0, 1); sing.add(1, 1, 1);
  assert.throws(() => sing.factor(), /singular/);
  assert.throws(() => new BandLU(3, 1).add(0, 2, 1), /outside the band/);
});

test('Lanczos: largest eigenpairs of a diagonal operator, with a deflated vector', () => {
  const n = 300;
  const d = Float64Array.from({ length: n }, (_, i) => 1 / (1 + i));
  const e0 = new Float64Array(n); e0[0] = 1;
  const r = lanczosLargest((v, out) => { for (let i = 0; i < n; i++) out[i] = d[i] * v[i]; }, n, 3, [e0]);
  assert.ok(r.converged);
  for (let q = 0; q < 3; q++) {
    assert.ok(Math.abs(r.values[q] - d[q + 1]) < 1e-12, `eigenvalue ${q}: ${r.values[q]} vs ${d[q + 1]}`);
    assert.ok(Math.abs(Math.abs(r.vectors[q][q + 1]) - 1) < 1e-9, `eigenvector ${q}`);
  }
});

test.run();
