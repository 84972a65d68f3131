import * as tf from '@tensorflow/tfjs';
import { Rng } from '../dynamics/rng.js';
import { nextSeed, requireBackend } from './backend.js';
import { checkInputs, type Mlp } from './mlp.js';

/**
 * Minibatch training of an Mlp on a squared-error loss,
 *   loss = mean over the batch of sum over outputs of (net(x) - y)^2   (plain MSE for one output),
 * plus an optional L2 penalty (weightDecay / 2) * sum of squared parameters, i.e. weightDecay * w is
 * added to every gradient before the optimiser (as Optimisers.WeightDecay chained before Adam/Nesterov
 * in ISOKANN.jl). Minibatches are drawn from a permutation by our seeded Rng each epoch.
 */
export interface TrainerOptions {
  /** 'adam' (default), 'nesterov' (SGD with Nesterov momentum) or 'sgd'. */
  optimizer?: 'adam' | 'nesterov' | 'sgd';
  /** Learning rate; default 1e-3. */
  learningRate?: number;
  /** Momentum for 'nesterov'; default 0.9. */
  momentum?: number;
  /** Adam beta1, beta2, epsilon; defaults 0.9, 0.999, 1e-7 (tfjs defaults). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** L2 coefficient added to the gradient as weightDecay * w; default 0. */
  weightDecay?: number;
  /** Minibatch size; default 100 (ISOKANN.jl). The last, smaller batch of an epoch is used too. */
  batchSize?: number;
  /** Seed of the shuffling and dropout stream; default from the global seed (setGlobalSeed). */
  seed?: number;
}

export interface FitOptions {
  /** Passes over the data; default 1. */
  epochs?: number;
  /** Called after each epoch with its mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Raised when a training loss becomes NaN or infinite. */
export class TrainingDivergedError extends Error {
  constructor(readonly step: number, readonly loss: number, readonly learningRate: number) {
    super(`training diverged: loss is ${loss} at optimiser step ${step} (learning rate ${learningRate}); reduce the learning rate, add weight decay, or check the targets`);
    this.name = 'TrainingDivergedError';
  }
}

function positive(v: number, what: string): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`Trainer: ${what} must be positive and finite, got ${v}`);
}

/**
 * Holds an optimiser (with its state, e.g. Adam moments) for one network, so successive `fit` calls
 * continue the same optimisation — as ISOKANN does across its outer iterations.
 */
export class Trainer {
  readonly options: Readonly<Required<TrainerOptions>>;
  /** Mean loss of every epoch run so far. */
  readonly losses: number[] = [];
  private readonly optimizer: tf.Optimizer;
  private readonly rng: Rng;
  private steps = 0;

  constructor(readonly net: Mlp, options: TrainerOptions = {}) {
    requireBackend('Trainer');
    const o: Required<TrainerOptions> = {
      optimizer: options.optimizer ?? 'adam',
      learningRate: options.learningRate ?? 1e-3,
      momentum: options.momentum ?? 0.9,
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      epsilon: options.epsilon ?? 1e-7,
      weightDecay: options.weightDecay ?? 0,
      batchSize: options.batchSize ?? 100,
      seed: options.seed ?? nextSeed(),
    };
    positive(o.learningRate, 'learningRate');
    if (!(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) throw new RangeError(`Trainer: weightDecay must be non-negative and finite, got ${o.weightDecay}`);
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new RangeError(`Trainer: batchSize must be a positive integer, got ${o.batchSize}`);
    if (!(o.momentum >= 0 && o.momentum < 1)) throw new RangeError(`Trainer: momentum must be in [0, 1), got ${o.momentum}`);
    this.options = o;
    this.rng = new Rng(o.seed);
    switch (o.optimizer) {
      case 'adam': this.optimizer = tf.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon); break;
      case 'nesterov': this.optimizer = tf.train.momentum(o.learningRate, o.momentum, true); break;
      case 'sgd': this.optimizer = tf.train.sgd(o.learningRate); break;
      default: throw new RangeError(`Trainer: optimizer must be 'adam', 'nesterov' or 'sgd', got ${String(o.optimizer)}`);
    }
  }

  /** Optimiser steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * Trains on n samples, inputs x [n][inputDim] and targets y [n][outputDim]; returns the mean loss of
   * each epoch (also appended to `losses`). Throws TrainingDivergedError on a NaN/infinite loss.
   */
  fit(x: ArrayLike<number>, y: ArrayLike<number>, n: number, options: FitOptions = {}): number[] {
    const net = this.net, d = net.inputDim, m = net.outputDim;
    checkInputs('Trainer.fit (inputs)', x, n, d);
    checkInputs('Trainer.fit (targets)', y, n, m);
    if (n < 1) throw new RangeError('Trainer.fit: no samples');
    const epochs = options.epochs ?? 1;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`Trainer.fit: epochs must be a non-negative integer, got ${epochs}`);
    const bs = Math.min(this.options.batchSize, n);
    const xb = new Float32Array(bs * d), yb = new Float32Array(bs * m);
    const vars = net.variables;
    const wd = this.options.weightDecay;
    const useDropout = net.config.dropout > 0;
    const out: number[] = [];
    for (let ep = 0; ep < epochs; ep++) {
      const perm = this.rng.permutation(n);
      let sum = 0;
      for (let s = 0; s < n; s += bs) {
        const e = Math.min(n, s + bs), b = e - s;
        for (let i = 0; i < b; i++) {
          const r = perm[s + i];
          for (let k = 0; k < d; k++) xb[i * d + k] = x[r * d + k];
          for (let k = 0; k < m; k++) yb[i * m + k] = y[r * m + k];
        }
        const dropoutSeed = useDropout ? this.rng.seedInt() : undefined;
        let dataLoss: tf.Scalar | undefined;
        let lv = NaN;
        const xt = tf.tensor2d(b === bs ? xb : xb.subarray(0, b * d), [b, d]);
        const yt = tf.tensor2d(b === bs ? yb : yb.subarray(0, b * m), [b, m]);
        try {
          const cost = this.optimizer.minimize(() => {
            const pred = net.forward(xt, dropoutSeed);
            const l = tf.div(tf.sum(tf.square(tf.sub(pred, yt))), b) as tf.Scalar;
            dataLoss = tf.keep(l);
            if (wd === 0) return l;
            let pen: tf.Tensor = tf.scalar(0);
            for (const v of vars) pen = tf.add(pen, tf.sum(tf.square(v)));
            return tf.add(l, tf.mul(pen, 0.5 * wd)) as tf.Scalar;
          }, true, vars);
          lv = dataLoss!.dataSync()[0];
          if (cost !== dataLoss) cost?.dispose();
        } finally {
          dataLoss?.dispose();
          xt.dispose();
          yt.dispose();
        }
        this.steps++;
        if (!Number.isFinite(lv)) throw new TrainingDivergedError(this.steps, lv, this.options.learningRate);
        sum += lv * b;
      }
      const mean = sum / n;
      out.push(mean);
      this.losses.push(mean);
      options.onEpoch?.(this.losses.length, mean);
    }
    return out;
  }

  /** Frees the optimiser state (not the network). */
  dispose(): void {
    this.optimizer.dispose();
  }
}

/** One-shot convenience: trains `net` for `epochs` epochs with a fresh Trainer and returns the epoch losses. */
export function train(net: Mlp, x: ArrayLike<number>, y: ArrayLike<number>, n: number, options: TrainerOptions & FitOptions = {}): number[] {
  const t = new Trainer(net, options);
  try {
    return t.fit(x, y, n, options);
  } finally {
    t.dispose();
  }
}
