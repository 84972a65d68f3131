/**
 * Direct solvers for banded sparse matrices: the generator of a 2-D grid with nodes numbered along the
 * shorter side has half-bandwidth b = min(nx, ny), so an n-node grid factorises in O(n b^2) time and
 * O(n b) memory (200 x 200 nodes: ~1e9 flops, 64 MB) with no fill outside the band. A direct
 * factorisation is used instead of conjugate gradients because the generator's entries vary like
 * exp(dV / 2kT): the condition number is huge and CG iteration counts are unpredictable, while the
 * band factorisation cost does not depend on it.
 */

/** Symmetric positive-definite band matrix (lower half stored), factorised in place by Cholesky. */
export class BandCholesky {
  /** Row i holds A(i, i-b .. i) at data[i * (b + 1) + (j - i + b)]. */
  private readonly data: Float64Array;
  private readonly w: number;
  private factored = false;

  constructor(readonly n: number, readonly bandwidth: number) {
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(bandwidth) || bandwidth < 0) throw new RangeError(`BandCholesky: invalid size ${n} / bandwidth ${bandwidth}`);
    this.w = bandwidth + 1;
    this.data = new Float64Array(n * this.w);
  }

  /** Adds v to A(i, j) for |i - j| <= bandwidth (the symmetric entry is implied). */
  add(i: number, j: number, v: number): void {
    if (j > i) { const t = i; i = j; j = t; }
    if (i - j > this.bandwidth) throw new RangeError(`BandCholesky: entry (${i}, ${j}) outside the band ${this.bandwidth}`);
    this.data[i * this.w + (j - i + this.bandwidth)] += v;
  }

  /** A = L L^T in place; throws when a pivot is not positive (matrix not positive definite). */
  factor(): void {
    const n = this.n, b = this.bandwidth, w = this.w, L = this.data;
    for (let i = 0; i < n; i++) {
      const ri = i * w - i + b; // L(i, k) = L[ri + k]
      const j0 = Math.max(0, i - b);
      for (let j = j0; j <= i; j++) {
        const rj = j * w - j + b;
        let s = L[ri + j];
        for (let k = j0; k < j; k++) s -= L[ri + k] * L[rj + k];
        if (j === i) {
          if (!(s > 0)) throw new RangeError(`BandCholesky: pivot ${i} is ${s}; the matrix is not positive definite`);
          L[ri + i] = Math.sqrt(s);
        } else {
          L[ri + j] = s / L[rj + j];
        }
      }
    }
    this.factored = true;
  }

  /** Solves A x = rhs (after factor()); x may alias rhs. */
  solve(rhs: Float64Array, x: Float64Array = new Float64Array(this.n)): Float64Array {
    if (!this.factored) throw new Error('BandCholesky.solve: call factor() first');
    const n = this.n, b = this.bandwidth, w = this.w, L = this.data;
    if (x !== rhs) x.set(rhs);
    for (let i = 0; i < n; i++) {
      const ri = i * w - i + b;
      let s = x[i];
      for (let k = Math.max(0, i - b); k < i; k++) s -= L[ri + k] * x[k];
      x[i] = s / L[ri + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      const xi = (x[i] /= L[i * w + b]);
      for (let k = Math.max(0, i - b); k < i; k++) x[k] -= L[i * w - i + b + k] * xi;
    }
    return x;
  }
}

/**
 * General band matrix, LU-factorised in place without pivoting. Stable for the matrices it is used
 * on (non-singular M-matrices such as minus a generator with Dirichlet rows: elimination keeps
 * every Schur complement an M-matrix, so no growth).
 */
export class BandLU {
  /** Row i holds A(i, i-b .. i+b) at data[i * (2b + 1) + (j - i + b)]. */
  private readonly data: Float64Array;
  private readonly w: number;
  private factored = false;

  constructor(readonly n: number, readonly bandwidth: number) {
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(bandwidth) || bandwidth < 0) throw new RangeError(`BandLU: invalid size ${n} / bandwidth ${bandwidth}`);
    this.w = 2 * bandwidth + 1;
    this.data = new Float64Array(n * this.w);
  }

  add(i: number, j: number, v: number): void {
    if (Math.abs(i - j) > this.bandwidth) throw new RangeError(`BandLU: entry (${i}, ${j}) outside the band ${this.bandwidth}`);
    this.data[i * this.w + (j - i + this.bandwidth)] += v;
  }

  /** A = L U in place; throws when a pivot is (relatively) zero, e.g. a singular or disconnected system. */
  factor(): void {
    const n = this.n, b = this.bandwidth, w = this.w, A = this.data;
    for (let k = 0; k < n; k++) {
      const rk = k * w - k + b; // A(k, j) = A[rk + j]
      const piv = A[rk + k];
      let rowScale = 0;
      for (let j = Math.max(0, k - b); j <= Math.min(n - 1, k + b); j++) rowScale = Math.max(rowScale, Math.abs(A[rk + j]));
      if (!(Math.abs(piv) > 1e-13 * rowScale) || !Number.isFinite(piv)) throw new RangeError(`BandLU: pivot ${k} is ${piv} (row scale ${rowScale}); the matrix is singular`);
      const jEnd = Math.min(n - 1, k + b);
      for (let i = k + 1; i <= Math.min(n - 1, k + b); i++) {
        const ri = i * w - i + b;
        const l = A[ri + k];
        if (l === 0) continue;
        const m = l / piv;
        A[ri + k] = m;
        for (let j = k + 1; j <= jEnd; j++) A[ri + j] -= m * A[rk + j];
      }
    }
    this.factored = true;
  }

  /** Solves A x = rhs (after factor()); x may alias rhs. */
  solve(rhs: Float64Array, x: Float64Array = new Float64Array(this.n)): Float64Array {
    if (!this.factored) throw new Error('BandLU.solve: call factor() first');
    const n = this.n, b = this.bandwidth, w = this.w, A = this.data;
    if (x !== rhs) x.set(rhs);
    for (let i = 0; i < n; i++) {
      const ri = i * w - i + b;
      let s = x[i];
      for (let k = Math.max(0, i - b); k < i; k++) s -= A[ri + k] * x[k];
      x[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      const ri = i * w - i + b;
      let s = x[i];
      for (let j = i + 1; j <= Math.min(n - 1, i + b); j++) s -= A[ri + j] * x[j];
      x[i] = s / A[ri + i];
    }
    return x;
  }
}
