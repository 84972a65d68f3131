import type * as TF from '@tensorflow/tfjs';
import { Matrix, inverse } from 'ml-matrix';
import { tf } from '../nn/index.js';

/**
 * The reversible VAMP-2 score of a minibatch of network outputs, as a differentiable tfjs expression
 * (SRV, Chen, Sidky & Ferguson, J. Chem. Phys. 151, 064123 (2019); LSS paper Sec. 2.1, loss
 * L_SRV = -sum_m lambda_m^2). For outputs z0 = f(x_t), z1 = f(x_{t+lag}) of one batch [b][k]:
 *   mean = (<z0> + <z1>) / 2,  C00 = (z0c^T z0c + z1c^T z1c) / 2b + eps I,  C01 = (z0c^T z1c + z1c^T z0c) / 2b,
 *   score = 1 + tr(C00^{-1} C01 C00^{-1} C01) = 1 + sum_i lambda_i^2,
 * where lambda_i solve the generalised eigenproblem C01 v = lambda C00 v (the eigenvalues of the
 * symmetric C00^{-1/2} C01 C00^{-1/2}, whose squared Frobenius norm the trace is). The leading 1 counts
 * the constant eigenfunction, as lib/kinetics' TicaModel.vamp2 and vamp2Score do, so on linear features
 * the score equals theirs.
 *
 * tfjs has no eigensolver, Cholesky or matrix inverse. The trace form needs only C00^{-1}, which is
 * k x k with k the handful of SRV outputs: it is inverted in float64 (ml-matrix) inside a custom tfjs op
 * whose gradient is the exact d(A^{-1}) = -A^{-1} dA A^{-1}, i.e. dL/dA = -A^{-1} G A^{-1} for the
 * symmetric A (Newton-Schulz iterations would also do, but need a tolerance and many small ops).
 */
type InverseOp = (a: TF.Tensor2D) => TF.Tensor2D;
let inverseOp: InverseOp | undefined; // built on first use: tfjs is loaded by initBackend, not at import

/** Inverse of a symmetric positive-definite k x k tensor with its exact gradient (see module comment). */
export function spdInverse(a: TF.Tensor2D): TF.Tensor2D {
  inverseOp ??= tf.customGrad(((x: TF.Tensor2D, save: TF.GradSaveFunc) => {
    const k = x.shape[0];
    if (x.shape.length !== 2 || x.shape[1] !== k) throw new RangeError(`spdInverse: expected a square matrix, got shape [${x.shape.join(', ')}]`);
    const v = x.dataSync();
    const rows: number[][] = [];
    for (let i = 0; i < k; i++) rows.push(Array.from({ length: k }, (_, j) => 0.5 * (v[i * k + j] + v[j * k + i])));
    const inv = inverse(new Matrix(rows)).to1DArray();
    for (let i = 0; i < inv.length; i++) {
      if (!Number.isFinite(inv[i])) throw new RangeError('spdInverse: the matrix is singular (network outputs are linearly dependent; raise epsilon)');
    }
    const xi = tf.tensor2d(inv, [k, k]);
    save([xi]);
    return {
      value: xi,
      gradFunc: (dy: TF.Tensor2D, saved: TF.Tensor[]) => {
        const s = saved[0] as TF.Tensor2D;
        return tf.neg(tf.matMul(tf.matMul(s, dy), s));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as InverseOp;
  return inverseOp(a);
}

/**
 * Reversible VAMP-2 score (1 + sum lambda_i^2, see the module comment) of batch outputs z0 = f(x_t) and
 * z1 = f(x_{t+lag}), both [b][k]; a tfjs scalar, differentiable w.r.t. both. `epsilon` (default 1e-6,
 * in the squared unit of the outputs) is added to the diagonal of C00 to keep it invertible.
 */
export function reversibleVamp2(z0: TF.Tensor2D, z1: TF.Tensor2D, epsilon = 1e-6): TF.Scalar {
  const [b, k] = z0.shape;
  if (z1.shape[0] !== b || z1.shape[1] !== k) throw new RangeError(`reversibleVamp2: z0 has shape [${z0.shape}], z1 [${z1.shape}]`);
  const mean = tf.mul(tf.add(tf.mean(z0, 0), tf.mean(z1, 0)), 0.5);
  const a = tf.sub(z0, mean), c = tf.sub(z1, mean);
  const aT = tf.transpose(a), cT = tf.transpose(c);
  const c00 = tf.add(tf.div(tf.add(tf.matMul(aT, a), tf.matMul(cT, c)), 2 * b), tf.mul(tf.eye(k), epsilon)) as TF.Tensor2D;
  const c01 = tf.div(tf.add(tf.matMul(aT, c), tf.matMul(cT, a)), 2 * b) as TF.Tensor2D;
  const m = tf.matMul(spdInverse(c00), c01);
  // tr(M M) = sum_ij M_ij M_ji
  return tf.add(1, tf.sum(tf.mul(m, tf.transpose(m)))) as TF.Scalar;
}
