import { EnhancedSamplingError } from './errors.js';

/** log(sum_i exp(a_i)) without overflow. */
export function logSumExp(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - m);
  return m + Math.log(s);
}

export interface MbarOptions {
  /** Stop when the largest relative deviation from self-consistency, max_i |sum_n W_in - 1|, is below this (default 1e-10). */
  tolerance?: number;
  /** Newton iterations at most (default 100). */
  maxIterations?: number;
  /** Start values of the reduced free energies (warm start, e.g. in a bootstrap); default all 0. */
  initial?: ArrayLike<number>;
}

export interface MbarResult {
  /** Reduced (dimensionless, in kT) free energies f_k, with f_0 = 0. */
  f: Float64Array;
  /**
   * ln of the unnormalised weight of each sample in an unbiased reference state whose reduced
   * potential is 0 for every sample: -ln sum_k N_k exp(f_k - u_kn) (Shirts & Chodera 2008, Eq. 9
   * with u_target = 0). exp(logW) / sum exp(logW) are the reference-state probabilities of the samples.
   */
  logW: Float64Array;
  iterations: number;
  /** max_i |sum_n W_in - 1| at the solution. */
  residual: number;
}

/**
 * Multistate Bennett acceptance ratio (Shirts & Chodera, J. Chem. Phys. 129, 124105 (2008)).
 * `u` holds reduced potentials u_k(x_n) = beta U_k(x_n), [K][N] row-major, for all N samples pooled
 * from the K states; `counts[k]` samples came from state k (N = sum counts). States with 0 samples are
 * allowed (they are evaluated, not sampled) but at least one must have samples.
 *
 * The MBAR equations (Eq. 11) are the stationarity conditions of the convex function
 *   L(f) = (1/N) sum_n ln sum_k N_k exp(f_k - u_kn) - sum_k (N_k/N) f_k
 * (its gradient is (N_i/N)(sum_n W_in - 1) with W_in = exp(f_i - u_in) / sum_k N_k exp(f_k - u_kn)),
 * so we minimise L by Newton's method with a backtracking line search, all sums in log-sum-exp form,
 * with f_0 = 0 fixing the additive constant.
 */
export function mbar(u: Float64Array, counts: ArrayLike<number>, options: MbarOptions = {}): MbarResult {
  const K = counts.length;
  if (K < 1) throw new EnhancedSamplingError('mbar: no states');
  let N = 0;
  for (let k = 0; k < K; k++) {
    if (!Number.isInteger(counts[k]) || counts[k] < 0) throw new EnhancedSamplingError(`mbar: counts[${k}] must be a non-negative integer, got ${counts[k]}`);
    N += counts[k];
  }
  if (N === 0) throw new EnhancedSamplingError('mbar: no state has samples');
  if (u.length !== K * N) throw new EnhancedSamplingError(`mbar: u has length ${u.length}, expected ${K} states x ${N} samples = ${K * N}`);
  for (let i = 0; i < u.length; i++) {
    if (Number.isNaN(u[i]) || u[i] === -Infinity) throw new EnhancedSamplingError(`mbar: u of state ${Math.floor(i / N)}, sample ${i % N} is ${u[i]}`);
  }
  const tol = options.tolerance ?? 1e-10;
  const maxIt = options.maxIterations ?? 100;
  const sampled: number[] = [];
  for (let k = 0; k < K; k++) if (counts[k] > 0) sampled.push(k);
  const logN = Float64Array.from({ length: K }, (_, k) => Math.log(counts[k]));

  // Solve for the sampled states only; unsampled ones follow from Eq. 11 afterwards.
  const S = sampled.length;
  const f = new Float64Array(K);
  if (options.initial) {
    if (options.initial.length !== K) throw new EnhancedSamplingError(`mbar: initial has length ${options.initial.length}, expected ${K}`);
    for (let k = 0; k < K; k++) f[k] = options.initial[k];
  }
  const logD = new Float64Array(N); // ln sum_k N_k exp(f_k - u_kn)
  const terms = new Float64Array(S);
  const objective = (ff: Float64Array): number => {
    let L = 0;
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < S; j++) { const k = sampled[j]; terms[j] = logN[k] + ff[k] - u[k * N + n]; }
      logD[n] = logSumExp(terms);
      L += logD[n];
    }
    L /= N;
    for (const k of sampled) L -= (counts[k] / N) * ff[k];
    return L;
  };
  const ref = sampled[0];
  const shift = (ff: Float64Array) => { const c = ff[ref]; for (const k of sampled) ff[k] -= c; };
  shift(f);
  let L = objective(f);
  const W = new Float64Array(S * N);
  const g = new Float64Array(S);
  const H = new Float64Array(S * S);
  let it = 0, residual = Infinity;
  for (; ; it++) {
    // W_jn = exp(f_j - u_jn - logD_n); g_j = (N_j/N)(sum_n W_jn - 1); H_ij = (N_i/N)[δ_ij sum_n W_in - N_j sum_n W_in W_jn]
    g.fill(0); H.fill(0);
    for (let j = 0; j < S; j++) {
      const k = sampled[j];
      let s = 0;
      for (let n = 0; n < N; n++) { const w = Math.exp(f[k] - u[k * N + n] - logD[n]); W[j * N + n] = w; s += w; }
      g[j] = s;
    }
    residual = 0;
    for (let j = 0; j < S; j++) residual = Math.max(residual, Math.abs(g[j] - 1));
    if (residual < tol || it >= maxIt) break;
    for (let i = 0; i < S; i++) {
      const Ni = counts[sampled[i]];
      for (let j = i; j < S; j++) {
        const Nj = counts[sampled[j]];
        let s = 0;
        const wi = i * N, wj = j * N;
        for (let n = 0; n < N; n++) s += W[wi + n] * W[wj + n];
        const h = (Ni * ((i === j ? g[i] : 0) - Nj * s)) / N;
        H[i * S + j] = h; H[j * S + i] = h;
      }
    }
    for (let j = 0; j < S; j++) g[j] = (counts[sampled[j]] / N) * (g[j] - 1);
    // Newton step on the S-1 free coordinates (state `ref` = sampled[0] fixed at 0).
    const m = S - 1;
    if (m === 0) break;
    const A = new Float64Array(m * m), b = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      b[i] = -g[i + 1];
      for (let j = 0; j < m; j++) A[i * m + j] = H[(i + 1) * S + j + 1];
    }
    const step = solveSpd(A, b, m);
    let t = 1;
    const trial = new Float64Array(K);
    let slope = 0;
    for (let i = 0; i < m; i++) slope += g[i + 1] * step[i];
    for (; ;) {
      trial.set(f);
      for (let i = 0; i < m; i++) trial[sampled[i + 1]] += t * step[i];
      const Lt = objective(trial);
      // Near the solution (residual < 1e-6) changes of L fall below its rounding: take the full Newton step.
      if (Lt <= L + 1e-4 * t * slope || residual < 1e-6 || t < 1e-10) { f.set(trial); L = Lt; break; }
      t /= 2;
    }
  }
  if (!(residual < tol)) throw new Error(`mbar: no convergence after ${it} Newton iterations (residual ${residual.toExponential(2)})`);
  // Unsampled states, Eq. 11: f_i = -ln sum_n exp(-u_in - logD_n).
  const tmp = new Float64Array(N);
  for (let k = 0; k < K; k++) {
    if (counts[k] > 0) continue;
    for (let n = 0; n < N; n++) tmp[n] = -u[k * N + n] - logD[n];
    f[k] = -logSumExp(tmp);
  }
  const c = f[0];
  for (let k = 0; k < K; k++) f[k] -= c;
  const logW = new Float64Array(N);
  for (let n = 0; n < N; n++) logW[n] = -(logD[n] - c);
  return { f, logW, iterations: it, residual };
}

/** Solves A x = b for a symmetric positive (semi)definite A by Cholesky with a tiny ridge for safety. */
function solveSpd(A: Float64Array, b: Float64Array, m: number): Float64Array {
  let ridge = 0;
  for (let i = 0; i < m; i++) ridge = Math.max(ridge, A[i * m + i]);
  ridge *= 1e-14;
  for (let attempt = 0; attempt < 8; attempt++, ridge = ridge * 100 || 1e-12) {
    const Lm = new Float64Array(m * m);
    let ok = true;
    for (let i = 0; i < m && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = A[i * m + j] + (i === j ? ridge : 0);
        for (let k = 0; k < j; k++) s -= Lm[i * m + k] * Lm[j * m + k];
        if (i === j) {
          if (!(s > 0)) { ok = false; break; }
          Lm[i * m + i] = Math.sqrt(s);
        } else Lm[i * m + j] = s / Lm[j * m + j];
      }
    }
    if (!ok) continue;
    const y = new Float64Array(m);
    for (let i = 0; i < m; i++) { let s = b[i]; for (let k = 0; k < i; k++) s -= Lm[i * m + k] * y[k]; y[i] = s / Lm[i * m + i]; }
    const x = new Float64Array(m);
    for (let i = m - 1; i >= 0; i--) { let s = y[i]; for (let k = i + 1; k < m; k++) s -= Lm[k * m + i] * x[k]; x[i] = s / Lm[i * m + i]; }
    return x;
  }
  throw new Error('mbar: the Hessian is not positive definite (are some states without overlap?)');
}
