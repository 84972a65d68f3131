import { symmetricEigen } from '../dynamics/hessian.js';

/**
 * Reference transition matrices of 1-D overdamped dynamics on equal bins (the "analytic" transition
 * densities of the LSS paper's Fig. 2c, d). Bin i has centre c_i and potential V_i = V(c_i) (in kT).
 *
 * `paperBinChain`: the paper's chain (following the SRV paper), p(j|i) = C_i exp(-(V_j - V_i)) for
 * |i - j| <= 1 (including j = i), C_i normalising row i, raised to the power `steps`. Its stationary
 * distribution is pi_i ∝ exp(-2 V_i) / C_i (detailed balance: pi_i C_i e^{V_i - V_j} = pi_j C_j e^{V_j - V_i}),
 * not exp(-V_i), and its step has no physical duration.
 *
 * `sqraTransitionMatrix`: the square-root approximation of the same nearest-neighbour chain in
 * continuous time (Lie, Fackeldey & Weber 2013; as lib/grid's 2-D generator), rates
 * Q_ij = (D / h^2) exp(-(V_j - V_i) / 2) to the neighbours, P(tau) = exp(tau Q). It satisfies detailed
 * balance with exp(-V_i) exactly and converges to the Brownian dynamics dx = -D V'(x) dt + sqrt(2 D) dW as
 * h -> 0, so it is the reference matched to a BD lag tau in physical time. Reflecting ends.
 *
 * Both return [bins][bins] row-stochastic matrices, row i = p(. | i).
 */
export interface BinGrid {
  lo: number;
  hi: number;
  bins: number;
}

export function binCentres(grid: BinGrid): Float64Array {
  const { lo, hi, bins } = grid;
  if (!(hi > lo) || !Number.isInteger(bins) || bins < 2) throw new RangeError(`bin grid: need hi > lo and at least 2 bins, got [${lo}, ${hi}] with ${bins}`);
  const h = (hi - lo) / bins;
  return Float64Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * h);
}

function energies(V: (x: number) => number, grid: BinGrid): Float64Array {
  const c = binCentres(grid);
  const e = c.map(V);
  e.forEach((v, i) => { if (!Number.isFinite(v)) throw new RangeError(`bin chain: V(${c[i]}) is ${v}`); });
  return e;
}

/** The paper's row-normalised nearest-neighbour chain to the power `steps` (see module comment). */
export function paperBinChain(V: (x: number) => number, grid: BinGrid, steps: number): Float64Array {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`paperBinChain: steps must be a non-negative integer, got ${steps}`);
  const e = energies(V, grid), n = grid.bins;
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) { P[i * n + j] = Math.exp(-(e[j] - e[i])); s += P[i * n + j]; }
    for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) P[i * n + j] /= s;
  }
  // repeated squaring
  let R = new Float64Array(n * n);
  for (let i = 0; i < n; i++) R[i * n + i] = 1;
  let B = P, k = steps;
  while (k > 0) {
    if (k & 1) R = matmul(R, B, n);
    k >>= 1;
    if (k > 0) B = matmul(B, B, n);
  }
  return R;
}

function matmul(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const a = A[i * n + k];
    if (a === 0) continue;
    for (let j = 0; j < n; j++) C[i * n + j] += a * B[k * n + j];
  }
  return C;
}

/**
 * exp(tau Q) of the SqRA rate matrix (see module comment) for diffusion constant D and lag tau (time
 * units of D), through the eigen-decomposition of the symmetrised S = Pi^{1/2} Q Pi^{-1/2}.
 */
export function sqraTransitionMatrix(V: (x: number) => number, grid: BinGrid, options: { D: number; tau: number }): Float64Array {
  const { D, tau } = options;
  if (!(D > 0) || !(tau >= 0)) throw new RangeError(`sqraTransitionMatrix: need D > 0 and tau >= 0, got D = ${D}, tau = ${tau}`);
  const e = energies(V, grid), n = grid.bins, h = (grid.hi - grid.lo) / n;
  // S_ij = sqrt(pi_i) Q_ij / sqrt(pi_j) = D / h^2 for neighbours (pi ∝ e^{-V}); S_ii = Q_ii
  const S = new Float64Array(n * n);
  const r = D / (h * h);
  for (let i = 0; i < n; i++) {
    let out = 0;
    for (const j of [i - 1, i + 1]) {
      if (j < 0 || j >= n) continue;
      S[i * n + j] = r;
      out += r * Math.exp(-(e[j] - e[i]) / 2);
    }
    S[i * n + i] = -out;
  }
  const { values, vectors } = symmetricEigen(S, n);
  const sq = Float64Array.from(e, (v) => Math.exp(-v / 2)); // sqrt(pi_i) up to a constant
  const P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += vectors[k][i] * Math.exp(tau * values[k]) * vectors[k][j];
    P[i * n + j] = Math.max(0, s * sq[j] / sq[i]);
  }
  return P;
}
