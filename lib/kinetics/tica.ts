import { symmetricEigen } from '../dynamics/hessian.js';
import { laggedCovariances, type LaggedCovariances } from './covariance.js';

/**
 * C^{-1/2} of a symmetric positive semi-definite matrix, dropping directions whose eigenvalue is below
 * `epsilon` times the largest (deeptime's `sym_inverse` with epsilon truncation): returns the
 * [dim][rank] matrix W with W^T C W = I on the kept subspace.
 */
export function whitening(C: Float64Array, dim: number, epsilon = 1e-10): { W: Float64Array; rank: number } {
  const { values, vectors } = symmetricEigen(C, dim);
  const max = Math.max(...values);
  if (!(max > 0)) throw new RangeError('whitening: the covariance matrix is zero (constant features)');
  const keep = Array.from(values.keys()).filter((k) => values[k] > epsilon * max).sort((a, b) => values[b] - values[a]);
  const rank = keep.length;
  const W = new Float64Array(dim * rank);
  keep.forEach((k, c) => { const s = 1 / Math.sqrt(values[k]); for (let i = 0; i < dim; i++) W[i * rank + c] = vectors[k][i] * s; });
  return { W, rank };
}

/** W^T A W for [dim][dim] A and [dim][r] W; returns [r][r]. */
function sandwich(A: Float64Array, W: Float64Array, dim: number, r: number, W2: Float64Array = W, r2 = r): Float64Array {
  const AW = new Float64Array(dim * r2);
  for (let i = 0; i < dim; i++) for (let c = 0; c < r2; c++) { let s = 0; for (let j = 0; j < dim; j++) s += A[i * dim + j] * W2[j * r2 + c]; AW[i * r2 + c] = s; }
  const out = new Float64Array(r * r2);
  for (let a = 0; a < r; a++) for (let c = 0; c < r2; c++) { let s = 0; for (let i = 0; i < dim; i++) s += W[i * r + a] * AW[i * r2 + c]; out[a * r2 + c] = s; }
  return out;
}

/**
 * The TICA model (Pérez-Hernández et al., J. Chem. Phys. 139, 015102 (2013); Schwantes & Pande 2013):
 * the generalised eigenproblem C01 v = lambda C00 v of reversible (symmetrised) covariances. Its
 * eigenvectors, ordered by decreasing eigenvalue, give the slow linear coordinates
 * y_k = v_k . (x - mean) (unit variance, uncorrelated); t_k = -lag dt / ln |lambda_k|.
 */
export class TicaModel {
  constructor(
    readonly dim: number,
    readonly lag: number,
    readonly dt: number,
    readonly mean: Float64Array,
    /** Eigenvalues, decreasing. */
    readonly eigenvalues: Float64Array,
    /** [dim][components] row-major: column k is v_k. */
    readonly vectors: Float64Array,
  ) {}

  get components(): number {
    return this.eigenvalues.length;
  }

  /** Implied timescales -lag dt / ln |lambda_k|, in the unit of dt. */
  timescales(): Float64Array {
    return this.eigenvalues.map((l) => (-this.lag * this.dt) / Math.log(Math.abs(l)));
  }

  /** VAMP-2 score of the first k components: 1 + sum lambda_k^2 (the 1 is the constant function). */
  vamp2(k = this.components): number {
    let s = 1;
    for (let i = 0; i < k; i++) s += this.eigenvalues[i] ** 2;
    return s;
  }

  /** Projects frames x [n][dim] onto the first k components; returns [n][k]. */
  transform(x: Float64Array, n: number, k = this.components): Float64Array {
    if (x.length !== n * this.dim) throw new RangeError(`TicaModel.transform: got ${x.length} values, expected ${n} frames x ${this.dim} features`);
    if (!Number.isInteger(k) || k < 1 || k > this.components) throw new RangeError(`TicaModel.transform: k must be in 1..${this.components}, got ${k}`);
    const c = this.components, out = new Float64Array(n * k);
    for (let f = 0; f < n; f++) for (let q = 0; q < k; q++) {
      let s = 0;
      for (let i = 0; i < this.dim; i++) s += (x[f * this.dim + i] - this.mean[i]) * this.vectors[i * c + q];
      out[f * k + q] = s;
    }
    return out;
  }
}

/** TICA from reversible lagged covariances (or from trajectories: `tica(trajs, dim, {lag})`). */
export function ticaFromCovariances(cov: LaggedCovariances, options: { dt?: number; epsilon?: number } = {}): TicaModel {
  if (!cov.reversible) throw new RangeError('ticaFromCovariances: TICA needs reversible (symmetrised) covariances; estimate them with { reversible: true }');
  const { dim } = cov;
  const { W, rank } = whitening(cov.c00, dim, options.epsilon);
  const M = sandwich(cov.c01, W, dim, rank);
  const { values, vectors } = symmetricEigen(M, rank);
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const V = new Float64Array(dim * rank);
  order.forEach((o, c) => { for (let i = 0; i < dim; i++) { let s = 0; for (let a = 0; a < rank; a++) s += W[i * rank + a] * vectors[o][a]; V[i * rank + c] = s; } });
  return new TicaModel(dim, cov.lag, options.dt ?? 1, Float64Array.from(cov.mean0), Float64Array.from(order.map((o) => values[o])), V);
}

export function tica(trajectories: readonly Float64Array[], dim: number, options: { lag: number; dt?: number; epsilon?: number }): TicaModel {
  return ticaFromCovariances(laggedCovariances(trajectories, dim, options.lag, { reversible: true }), options);
}

/**
 * VAMP-2 score of the given features (Wu & Noé, J. Nonlinear Sci. 30, 23 (2020)): 1 + ||C00^{-1/2} C01
 * C11^{-1/2}||_F^2 with mean-free covariances (the 1 counts the constant singular function). For
 * reversible covariances it equals TICA's 1 + sum lambda_k^2.
 */
export function vamp2Score(cov: LaggedCovariances, epsilon = 1e-10): number {
  const { dim } = cov;
  const w0 = whitening(cov.c00, dim, epsilon), w1 = whitening(cov.c11, dim, epsilon);
  const K = sandwich(cov.c01, w0.W, dim, w0.rank, w1.W, w1.rank);
  let s = 1;
  for (const v of K) s += v * v;
  return s;
}
