import type * as TF from '@tensorflow/tfjs';
import { tf } from '../nn/backend.js';

/**
 * Loss terms of the multitask model (Sun et al., Eqs. 2, 3, 11-13) as tfjs scalars, for use inside a
 * gradient closure. Per-sample weights are passed in already scaled for a minibatch (see train.ts), so
 * each term is the minibatch estimate of the full weighted sum.
 */

/**
 * Eq. 2 for K basins: -sum_i w_i log softmax(logits_i)[n_i] (the multi-class cross entropy; for K = 2
 * it is Eq. 2's n log n~ + (1 - n) log(1 - n~) exactly). `onehot` [b, K], `w` [b].
 */
export function classificationLoss(logits: TF.Tensor2D, onehot: TF.Tensor2D, w: TF.Tensor1D): TF.Scalar {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(w, tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)))) as TF.Scalar);
}

/** Eq. 3: sum_i u_i (V~_i - V_i)^2, prediction [b, 1] or [b], target and weights [b]. */
export function energyLoss(pred: TF.Tensor, target: TF.Tensor1D, u: TF.Tensor1D): TF.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(u, tf.square(tf.sub(tf.reshape(pred, [-1]), target)))));
}

/** Weight regularisation: sum of squared kernel entries (biases are not penalised). */
export function weightPenalty(kernels: readonly TF.Tensor[]): TF.Scalar {
  return tf.tidy(() => tf.addN(kernels.map((k) => tf.sum(tf.square(k)))) as TF.Scalar);
}

/**
 * Eq. 11 with the Eq. 12 weights: sum over same-basin pairs i < j of u_ij [d_ij^2 - (V_i - V_j)^2]^2,
 * d_ij = |xi_i - xi_j| in the latent space, averaged over the minibatch's same-basin pairs (a minibatch
 * estimate of the pair sum up to a constant factor). Energies in the units the latent distance should
 * match (here eV); `V0`, `width` as in Eq. 12.
 */
export function pairEnergyLoss(xi: TF.Tensor2D, V: TF.Tensor1D, labels: TF.Tensor1D, V0: number, width: number): TF.Scalar {
  return tf.tidy(() => {
    const b = xi.shape[0];
    const sq = tf.sum(tf.square(xi), 1);
    const d2 = tf.relu(tf.sub(tf.add(tf.reshape(sq, [b, 1]), tf.reshape(sq, [1, b])), tf.mul(2, tf.matMul(xi, xi, false, true))));
    const dV = tf.sub(tf.reshape(V, [b, 1]), tf.reshape(V, [1, b]));
    const u = tf.sub(1, tf.sigmoid(tf.div(tf.sub(tf.abs(dV), V0), width)));
    const same = tf.cast(tf.equal(tf.reshape(labels, [b, 1]), tf.reshape(labels, [1, b])), 'float32');
    const upper = tf.linalg.bandPart(tf.ones([b, b]), 0, -1).sub(tf.eye(b)); // i < j
    const mask = tf.mul(same, upper);
    const pairs = tf.maximum(tf.sum(mask), 1);
    return tf.div(tf.sum(tf.mul(tf.mul(mask, u), tf.square(tf.sub(d2, tf.square(dV))))), pairs) as TF.Scalar;
  });
}

/** Eq. 13: sum_i w_i |x_i - x~_i|^2 (reconstruction of the autoencoder), x [b, d], w [b]. */
export function reconstructionLoss(xhat: TF.Tensor2D, x: TF.Tensor2D, w: TF.Tensor1D): TF.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(w, tf.sum(tf.square(tf.sub(xhat, x)), 1))));
}
