import type * as TF from '@tensorflow/tfjs';
import { tf } from './backend.js';

/**
 * Training losses. A loss maps the network outputs `pred` [b, outputDim] and the targets `target`
 * [b, targetDim] of one minibatch to a scalar: the MEAN loss per sample of the batch (the Trainer
 * weights batches by their size to report epoch means, so a sum would be counted b times over).
 * Losses run inside the optimiser's gradient tape; they must be differentiable tfjs expressions.
 */
export type LossFn = (pred: TF.Tensor2D, target: TF.Tensor2D) => TF.Scalar;

/** Names of the built-in losses (what callers outside lib/nn use; they never import tfjs). */
export type LossName = 'mse' | 'bernoulli-nll';

/** A built-in loss: the tfjs function, its target width, and a check of the target values. */
export interface BuiltinLoss {
  name: LossName;
  fn: LossFn;
  /** Target columns per sample for a network with `outputDim` outputs (throws when unsupported). */
  targetDim(outputDim: number): number;
  /** Throws a clear error when target values are invalid for this loss (finiteness is checked elsewhere). */
  checkTargets?(y: ArrayLike<number>, n: number, targetDim: number): void;
  /** One-line formula for docs and error messages. */
  formula: string;
  /**
   * The same loss on plain arrays, for the fused kernels (lib/nn/fused.ts): for the rows of `pred`
   * [rows][outputDim] and `target` [rows][targetDim], returns their summed loss divided by the batch size
   * b (the batch mean when the rows are the whole batch; a part of it when a batch is split between
   * threads) and writes its gradient dLoss/dpred to `grad`.
   */
  valueAndGrad(pred: Float32Array, target: Float32Array, b: number, grad: Float32Array): number;
}

/** Squared error summed over outputs, averaged over the batch (plain MSE for one output). */
export const mseLoss: LossFn = (pred, target) => tf.div(tf.sum(tf.square(tf.sub(pred, target))), pred.shape[0]) as TF.Scalar;

/**
 * Binomial negative log-likelihood of shooting outcomes (AIMMD, Jung et al., Eq. 3), per shooting
 * point: the network output is the reaction coordinate q(x), p_B = sigmoid(q); targets are the counts
 * (n_A, n_B) of trajectories from x that ended in A and B; loss = mean over the batch of
 *   n_A log(1 + e^q) + n_B log(1 + e^-q)  =  n_A softplus(q) + n_B softplus(-q),
 * which is -[n_A log(1 - p_B) + n_B log p_B] written with softplus so it stays finite for large |q|.
 * Summing instead of averaging over all shooting points gives Eq. 3 itself.
 */
export const bernoulliNllLoss: LossFn = (pred, target) => {
  const [nA, nB] = tf.split(target, 2, 1);
  const l = tf.add(tf.mul(nA, tf.softplus(pred)), tf.mul(nB, tf.softplus(tf.neg(pred))));
  return tf.div(tf.sum(l), pred.shape[0]) as TF.Scalar;
};

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

const BUILTIN: Record<LossName, BuiltinLoss> = {
  mse: {
    name: 'mse',
    fn: mseLoss,
    targetDim: (m) => m,
    formula: 'mean over samples of sum over outputs (net(x) - y)^2',
    valueAndGrad: (pred, target, b, grad) => {
      let s = 0;
      for (let i = 0; i < pred.length; i++) {
        const r = Math.fround(pred[i] - target[i]);
        s += r * r;
        grad[i] = (2 * r) / b;
      }
      return s / b;
    },
  },
  'bernoulli-nll': {
    name: 'bernoulli-nll',
    fn: bernoulliNllLoss,
    targetDim: (m) => {
      if (m !== 1) throw new RangeError(`loss 'bernoulli-nll' needs a network with one output (the reaction coordinate q), got ${m}`);
      return 2;
    },
    checkTargets: (y, n) => {
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 2; k++) {
          const c = y[2 * i + k];
          if (c < 0) throw new RangeError(`loss 'bernoulli-nll': target of sample ${i} has n_${k === 0 ? 'A' : 'B'} = ${c}; counts must be non-negative`);
        }
      }
    },
    formula: 'mean over shooting points of n_A softplus(q) + n_B softplus(-q), targets [n_A, n_B]',
    valueAndGrad: (pred, target, b, grad) => {
      let s = 0;
      for (let i = 0; i < pred.length; i++) {
        const q = pred[i], nA = target[2 * i], nB = target[2 * i + 1];
        s += nA * softplus(q) + nB * softplus(-q);
        // d/dq: n_A sigmoid(q) - n_B sigmoid(-q)
        const sq = 1 / (1 + Math.exp(-q));
        grad[i] = (nA * sq - nB * (1 - sq)) / b;
      }
      return s / b;
    },
  },
};

/** The built-in loss called `name`; throws naming the known losses otherwise. */
export function builtinLoss(name: string): BuiltinLoss {
  const l = (BUILTIN as Record<string, BuiltinLoss | undefined>)[name];
  if (!l) throw new RangeError(`unknown loss '${name}' (built-in losses: ${Object.keys(BUILTIN).join(', ')}; or pass a function (pred, target) => scalar)`);
  return l;
}
