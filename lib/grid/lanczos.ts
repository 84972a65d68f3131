import { symmetricEigen } from '../dynamics/hessian.js';
import { Rng } from '../dynamics/rng.js';

/**
 * The k largest eigenpairs of a symmetric linear operator by the Lanczos method with full
 * reorthogonalisation (Golub & Van Loan, Matrix Computations, Sec. 10.1; Saad, Numerical Methods for
 * Large Eigenvalue Problems, Sec. 6.6). Used on a shift-inverted generator, where the wanted
 * eigenvalues are well separated and few tens of iterations suffice, so no restarting is needed.
 * `deflate` holds orthonormal vectors to exclude (known eigenvectors, e.g. the stationary one).
 */
export interface LanczosOptions {
  /** Converged when every wanted Ritz pair has residual <= tolerance * |theta|; default 1e-11. */
  tolerance?: number;
  /** Largest Krylov dimension; default min(n - deflated, 400). */
  maxIterations?: number;
  /** Seed of the random start vector; default 1. */
  seed?: number;
}

export interface LanczosResult {
  values: Float64Array;
  vectors: Float64Array[];
  iterations: number;
  /** Ritz residual norms ||B x - theta x|| of the returned pairs. */
  residuals: Float64Array;
  /** Every residual met the tolerance. */
  converged: boolean;
}

export function lanczosLargest(apply: (v: Float64Array, out: Float64Array) => void, n: number, k: number, deflate: Float64Array[] = [], options: LanczosOptions = {}): LanczosResult {
  const tol = options.tolerance ?? 1e-11;
  const maxIt = Math.min(n - deflate.length, options.maxIterations ?? 400);
  if (!Number.isInteger(k) || k < 1 || k > maxIt) throw new RangeError(`lanczosLargest: k = ${k} must be an integer in 1..${maxIt}`);
  const rng = new Rng(options.seed ?? 1);
  const V: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  const orth = (w: Float64Array) => {
    // Two passes of classical Gram-Schmidt ("twice is enough").
    for (let pass = 0; pass < 2; pass++) {
      for (const u of deflate) { let s = 0; for (let i = 0; i < n; i++) s += u[i] * w[i]; for (let i = 0; i < n; i++) w[i] -= s * u[i]; }
      for (const u of V) { let s = 0; for (let i = 0; i < n; i++) s += u[i] * w[i]; for (let i = 0; i < n; i++) w[i] -= s * u[i]; }
    }
  };
  const norm = (w: Float64Array) => { let s = 0; for (let i = 0; i < n; i++) s += w[i] * w[i]; return Math.sqrt(s); };
  let v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  orth(v);
  let nv = norm(v);
  for (let i = 0; i < n; i++) v[i] /= nv;
  let w = new Float64Array(n);
  let ritz: { values: Float64Array; Y: Float64Array[]; res: Float64Array; ok: boolean } | null = null;
  for (let j = 0; j < maxIt; j++) {
    V.push(v);
    apply(v, w);
    let a = 0;
    for (let i = 0; i < n; i++) a += w[i] * v[i];
    alpha.push(a);
    orth(w);
    const b = norm(w);
    beta.push(b);
    const m = j + 1;
    const last = m === maxIt || b <= 1e-14 * Math.abs(a);
    if (m >= k && (m % 5 === 0 || last || m === k)) {
      const T = new Float64Array(m * m);
      for (let i = 0; i < m; i++) {
        T[i * m + i] = alpha[i];
        if (i + 1 < m) { T[i * m + i + 1] = beta[i]; T[(i + 1) * m + i] = beta[i]; }
      }
      const { values, vectors } = symmetricEigen(T, m);
      const vals = new Float64Array(k), Y: Float64Array[] = [], res = new Float64Array(k);
      let ok = true;
      for (let q = 0; q < k; q++) {
        const idx = m - 1 - q;
        vals[q] = values[idx];
        Y.push(vectors[idx]);
        res[q] = Math.abs(b * vectors[idx][m - 1]);
        if (res[q] > tol * Math.abs(values[idx])) ok = false;
      }
      ritz = { values: vals, Y, res, ok };
      if (ok || last) break;
    } else if (last) {
      break;
    }
    nv = b;
    v = w;
    for (let i = 0; i < n; i++) v[i] /= nv;
    w = new Float64Array(n);
  }
  if (!ritz) throw new Error(`lanczosLargest: the Krylov space closed after ${V.length} vectors, fewer than k = ${k}`);
  const vectors = ritz.Y.map((y) => {
    const x = new Float64Array(n);
    for (let j = 0; j < y.length; j++) { const c = y[j], u = V[j]; for (let i = 0; i < n; i++) x[i] += c * u[i]; }
    const s = norm(x);
    for (let i = 0; i < n; i++) x[i] /= s;
    return x;
  });
  return { values: ritz.values, vectors, iterations: V.length, residuals: ritz.res, converged: ritz.ok };
}
