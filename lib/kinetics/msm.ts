import { symmetricEigen } from '../dynamics/hessian.js';
import { lanczosLargest } from '../grid/lanczos.js';

/**
 * Markov state models from discrete trajectories (Prinz et al., J. Chem. Phys. 134, 174105 (2011);
 * the estimator -> model shape of deeptime's MaximumLikelihoodMSM): transition counts at a lag of
 * `lag` frames (sliding window), restricted to the largest strongly connected set, the reversible
 * maximum-likelihood transition matrix, and its spectral analysis (implied timescales
 * t_k = -lag / ln |lambda_k|, right eigenvectors psi_k).
 *
 * Discrete trajectories hold state indices 0..nStates-1; -1 marks a frame with no state (left out, and
 * no transition is counted across it).
 */

/** Sliding-window transition counts C_ij = #{t : s_t = i, s_{t+lag} = j} over all trajectories; [n][n]. */
export function countMatrix(dtrajs: readonly ArrayLike<number>[], nStates: number, lag: number): Float64Array {
  if (!Number.isInteger(nStates) || nStates < 1) throw new RangeError(`countMatrix: nStates must be a positive integer, got ${nStates}`);
  if (!Number.isInteger(lag) || lag < 1) throw new RangeError(`countMatrix: lag must be a positive whole number of frames, got ${lag}`);
  const C = new Float64Array(nStates * nStates);
  dtrajs.forEach((d, t) => {
    for (let k = 0; k < d.length; k++) {
      const s = d[k];
      if (!(Number.isInteger(s) && s >= -1 && s < nStates)) throw new RangeError(`countMatrix: trajectory ${t}, frame ${k} has state ${s}, expected -1 or 0..${nStates - 1}`);
    }
    for (let k = 0; k + lag < d.length; k++) {
      const i = d[k], j = d[k + lag];
      if (i >= 0 && j >= 0) C[i * nStates + j] += 1;
    }
  });
  return C;
}

/** States of the largest strongly connected component of the count graph (i -> j where C_ij > 0), sorted. */
export function largestConnectedSet(C: Float64Array, n: number): Int32Array {
  if (C.length !== n * n) throw new RangeError(`largestConnectedSet: count matrix has ${C.length} entries, expected ${n} x ${n}`);
  // Tarjan's algorithm, iterative (trajectories give long chains that would overflow a recursive one).
  const index = new Int32Array(n).fill(-1), low = new Int32Array(n), onStack = new Uint8Array(n);
  const stack: number[] = [];
  let counter = 0;
  let best: number[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++; stack.push(root); onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1];
      const v = top[0];
      let j = top[1];
      for (; j < n; j++) if (C[v * n + j] > 0 && j !== v) break;
      if (j < n) {
        top[1] = j + 1;
        if (index[j] < 0) { index[j] = low[j] = counter++; stack.push(j); onStack[j] = 1; work.push([j, 0]); }
        else if (onStack[j]) low[v] = Math.min(low[v], index[j]);
        continue;
      }
      work.pop();
      if (work.length > 0) { const u = work[work.length - 1][0]; low[u] = Math.min(low[u], low[v]); }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do { w = stack.pop()!; onStack[w] = 0; comp.push(w); } while (w !== v);
        // ties between equally large components go to the one with more counts
        const counts = (c: number[]) => c.reduce((s, i) => s + rowSum(C, n, i), 0);
        if (comp.length > best.length || (comp.length === best.length && counts(comp) > counts(best))) best = comp;
      }
    }
  }
  return Int32Array.from(best.sort((a, b) => a - b));
}

function rowSum(C: Float64Array, n: number, i: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += C[i * n + j];
  return s;
}

export interface MsmOptions {
  /** Lag in frames. */
  lag: number;
  /** Reversible maximum-likelihood estimate (default true) or the row-normalised counts. */
  reversible?: boolean;
  /** Fixed-point iterations of the reversible estimator; default 100 000. */
  maxIterations?: number;
  /** Converged when no entry of the stationary vector changes by more than this fraction in an iteration; default 1e-10. */
  tolerance?: number;
  /** Time per frame (any unit; timescales are reported in it); default 1 (frames). */
  dt?: number;
}

/** A Markov state model on its active set: T, pi, and spectral analysis. */
export class MarkovStateModel {
  /** Number of active states. */
  readonly n: number;
  private spectrum?: { values: Float64Array; vectors: Float64Array[]; k: number };

  constructor(
    /** Row-stochastic transition matrix on the active set, [n][n]. */
    readonly transitionMatrix: Float64Array,
    /** Stationary distribution on the active set. */
    readonly stationary: Float64Array,
    /** Original state index of each active state. */
    readonly activeSet: Int32Array,
    /** Original number of states. */
    readonly nStates: number,
    readonly lag: number,
    readonly dt: number,
    readonly reversible: boolean,
  ) {
    this.n = activeSet.length;
  }

  /** Active index of original state s, or -1 when s is outside the active set. */
  activeIndex(s: number): number {
    let lo = 0, hi = this.n - 1;
    while (lo <= hi) { const m = (lo + hi) >> 1; if (this.activeSet[m] === s) return m; if (this.activeSet[m] < s) lo = m + 1; else hi = m - 1; }
    return -1;
  }

  /**
   * The k largest eigenvalues (1 first) and right eigenvectors, normalised so that sum_i pi_i psi_i^2
   * = 1, sign: positive pi-weighted correlation with the state index. Needs a reversible model (the
   * symmetrised matrix Pi^1/2 T Pi^-1/2 is then symmetric).
   */
  eigen(k: number): { values: Float64Array; vectors: Float64Array[] } {
    if (!this.reversible) throw new Error('MarkovStateModel.eigen: spectral analysis here needs a reversible model (estimate with reversible: true)');
    if (!Number.isInteger(k) || k < 1 || k > this.n) throw new RangeError(`MarkovStateModel.eigen: k must be in 1..${this.n}, got ${k}`);
    if (this.spectrum && this.spectrum.k >= k) return { values: this.spectrum.values.slice(0, k), vectors: this.spectrum.vectors.slice(0, k) };
    const n = this.n, T = this.transitionMatrix, pi = this.stationary;
    const sq = pi.map(Math.sqrt);
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = (sq[i] / sq[j]) * T[i * n + j];
    // symmetrise rounding; S is symmetric exactly for a reversible T
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { const v = 0.5 * (S[i * n + j] + S[j * n + i]); S[i * n + j] = S[j * n + i] = v; }
    let values: Float64Array, vecs: Float64Array[];
    if (n <= 400) {
      const e = symmetricEigen(S, n);
      const order = Array.from(e.values.keys()).sort((a, b) => e.values[b] - e.values[a]).slice(0, k);
      values = Float64Array.from(order.map((o) => e.values[o]));
      vecs = order.map((o) => e.vectors[o]);
    } else {
      // the stationary vector sqrt(pi) is known: deflate it and find the k - 1 next largest
      const u0 = Float64Array.from(sq);
      const apply = (v: Float64Array, out: Float64Array) => { for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += S[i * n + j] * v[j]; out[i] = s; } };
      const rest = k > 1 ? lanczosLargest(apply, n, k - 1, [u0]) : { values: new Float64Array(0), vectors: [] as Float64Array[], converged: true };
      if (!rest.converged) throw new Error('MarkovStateModel.eigen: Lanczos did not converge');
      values = Float64Array.from([1, ...rest.values]);
      vecs = [u0, ...rest.vectors];
    }
    const vectors = vecs.map((u) => {
      const psi = new Float64Array(n);
      let norm = 0, corr = 0;
      for (let i = 0; i < n; i++) { psi[i] = u[i] / sq[i]; norm += pi[i] * psi[i] * psi[i]; corr += pi[i] * psi[i] * i; }
      const s = (corr < 0 ? -1 : 1) / Math.sqrt(norm);
      for (let i = 0; i < n; i++) psi[i] *= s;
      return psi;
    });
    this.spectrum = { values, vectors, k };
    return { values: values.slice(), vectors: vectors.slice() };
  }

  /** Implied timescales t_k = -lag dt / ln |lambda_k| of the k slowest processes (k = 1 is the slowest). */
  timescales(k: number): Float64Array {
    const { values } = this.eigen(k + 1);
    return Float64Array.from(values.subarray(1), (l) => (-this.lag * this.dt) / Math.log(Math.abs(l)));
  }
}

/** Estimates an MSM from discrete trajectories (states 0..nStates-1, -1 = no state). */
export function estimateMsm(dtrajs: readonly ArrayLike<number>[], nStates: number, options: MsmOptions): MarkovStateModel {
  const { lag } = options;
  const reversible = options.reversible ?? true;
  const dt = options.dt ?? 1;
  if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`estimateMsm: dt must be positive, got ${dt}`);
  const full = countMatrix(dtrajs, nStates, lag);
  const active = largestConnectedSet(full, nStates);
  const n = active.length;
  if (n < 2) throw new Error(`estimateMsm: the largest connected set has ${n} state(s); no transitions between states at lag ${lag}`);
  const C = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) C[a * n + b] = full[active[a] * nStates + active[b]];
  const T = new Float64Array(n * n);
  const pi = new Float64Array(n);
  if (reversible) {
    // Fixed-point iteration for the reversible MLE (Prinz et al. 2011, Eq. 19; Bowman et al. 2009):
    // x_ij = (c_ij + c_ji) / (c_i / x_i + c_j / x_j), x_i = sum_j x_ij, c_i = sum_j c_ij.
    // Sparse: only pairs with c_ij + c_ji > 0 carry flux (x_ij = 0 otherwise).
    const ci = new Float64Array(n);
    for (let i = 0; i < n; i++) ci[i] = rowSum(C, n, i);
    const pi_: number[] = [], pj_: number[] = [], sym: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) { const v = C[i * n + j] + C[j * n + i]; if (v > 0) { pi_.push(i); pj_.push(j); sym.push(v); } }
    const m = sym.length;
    const I = Int32Array.from(pi_), J = Int32Array.from(pj_), Csym = Float64Array.from(sym), X = Float64Array.from(sym);
    const xi = new Float64Array(n);
    const rowSums = () => {
      xi.fill(0);
      for (let e = 0; e < m; e++) { xi[I[e]] += X[e]; if (I[e] !== J[e]) xi[J[e]] += X[e]; }
    };
    const prev = new Float64Array(n);
    const maxIt = options.maxIterations ?? 100000, tol = options.tolerance ?? 1e-10;
    let converged = false;
    for (let it = 0; it < maxIt && !converged; it++) {
      rowSums();
      let total = 0;
      for (let i = 0; i < n; i++) total += xi[i];
      let change = 0;
      for (let i = 0; i < n; i++) { const p = xi[i] / total; change = Math.max(change, Math.abs(p - prev[i]) / p); prev[i] = p; }
      converged = it > 0 && change < tol;
      for (let e = 0; e < m; e++) X[e] = Csym[e] / (ci[I[e]] / xi[I[e]] + ci[J[e]] / xi[J[e]]);
    }
    if (!converged) throw new Error(`estimateMsm: the reversible estimator did not converge in ${maxIt} iterations (relative change of pi still above ${tol})`);
    rowSums();
    let total = 0;
    for (let i = 0; i < n; i++) total += xi[i];
    for (let i = 0; i < n; i++) pi[i] = xi[i] / total;
    for (let e = 0; e < m; e++) {
      T[I[e] * n + J[e]] = X[e] / xi[I[e]];
      if (I[e] !== J[e]) T[J[e] * n + I[e]] = X[e] / xi[J[e]];
    }
  } else {
    for (let i = 0; i < n; i++) { const s = rowSum(C, n, i); for (let j = 0; j < n; j++) T[i * n + j] = C[i * n + j] / s; }
    // stationary vector by power iteration on T^T
    pi.fill(1 / n);
    const next = new Float64Array(n);
    for (let it = 0; it < 100000; it++) {
      next.fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) next[j] += pi[i] * T[i * n + j];
      let change = 0;
      for (let i = 0; i < n; i++) { change = Math.max(change, Math.abs(next[i] - pi[i])); pi[i] = next[i]; }
      if (change < 1e-15) break;
    }
  }
  return new MarkovStateModel(T, pi, active, nStates, lag, dt, reversible);
}
