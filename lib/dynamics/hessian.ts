import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { checkConfigurations, type Potential } from '../systems/potential.js';

/**
 * Hessian of a Potential by central differences of its analytic forces (error O(step^2)),
 * symmetrised: H_ij = (dg_i/dx_j + dg_j/dx_i) / 2. Row-major Float64Array [dim][dim], energy/length^2.
 * Costs 2 * dim force evaluations; meant for small systems (2-D surfaces, peptides of tens of atoms).
 */
export function numericalHessian(potential: Potential, x: ArrayLike<number>, step = 1e-5): Float64Array {
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`numericalHessian: step must be positive and finite, got ${step}`);
  const n = potential.dim;
  const xp = Float64Array.from(x);
  checkConfigurations(potential, xp, 1, 'numericalHessian: coordinates');
  const fp = new Float64Array(n), fm = new Float64Array(n);
  const H = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const x0 = xp[j];
    xp[j] = x0 + step;
    potential.forces(xp, fp, 1);
    xp[j] = x0 - step;
    potential.forces(xp, fm, 1);
    xp[j] = x0;
    // Column j of the Hessian: d(grad)/dx_j = -(F(x+h) - F(x-h)) / 2h.
    for (let i = 0; i < n; i++) H[i * n + j] = -(fp[i] - fm[i]) / (2 * step);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = s;
      H[j * n + i] = s;
    }
  }
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(H[i])) throw new RangeError(`numericalHessian(${potential.name}): entry ${Math.floor(i / n)},${i % n} is ${H[i]}`);
  return H;
}

/** Eigen-decomposition of a symmetric matrix (row-major [n][n]): eigenvalues ascending, unit eigenvectors. */
export function symmetricEigen(H: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array[] } {
  if (H.length !== n * n) throw new RangeError(`symmetricEigen: matrix has ${H.length} entries, expected ${n} x ${n}`);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from({ length: n }, (_, j) => H[i * n + j]));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
  const values = Float64Array.from(order, (i) => vals[i]);
  const vectors = order.map((c) => Float64Array.from({ length: n }, (_, r) => V.get(r, c)));
  return { values, vectors };
}

/** Hessian eigenvalues (ascending) and normal-mode vectors at x, from `numericalHessian`. */
export function hessianModes(potential: Potential, x: ArrayLike<number>, step = 1e-5): { values: Float64Array; vectors: Float64Array[] } {
  return symmetricEigen(numericalHessian(potential, x, step), potential.dim);
}
