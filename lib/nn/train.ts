import type * as TF from '@tensorflow/tfjs';
import { Rng } from '../dynamics/rng.js';
import { fusedActive, nextSeed, requireBackend, tf } from './backend.js';
import { FusedTraining, loadWeights, storeWeights } from './fused-train.js';
import { checkInputs, type Mlp } from './mlp.js';
import { builtinLoss, type BuiltinLoss, type LossFn, type LossName } from './losses.js';

/**
 * Minibatch training of an Mlp. The loss is chosen by `loss` (default 'mse'):
 *   'mse'            mean over the batch of sum over outputs of (net(x) - y)^2 (plain MSE for one output);
 *   'bernoulli-nll'  AIMMD's committor likelihood (Eq. 3) per shooting point, targets (n_A, n_B);
 *   a function       (pred, target) => mean loss of the batch, a tfjs scalar (for code inside lib/nn).
 * An optional L2 penalty (weightDecay / 2) * sum of squared parameters adds weightDecay * w to every
 * gradient before the optimiser (as Optimisers.WeightDecay chained before Adam/Nesterov in
 * ISOKANN.jl). Minibatches are drawn from a permutation by our seeded Rng each epoch.
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
  /** Loss: a built-in name ('mse' default, 'bernoulli-nll') or a tfjs loss function (see LossFn). */
  loss?: LossName | LossFn;
  /** Target columns per sample for a custom loss function; default the network's output width. */
  targetDim?: number;
  /**
   * 2 splits every minibatch between this thread and a worker thread and sums their gradients (the same
   * steps as 1 thread up to float rounding; ~2x faster on two free cores). Default 1. Applies to the
   * fused kernels in Node (built-in loss, no dropout, wasm/cpu backend); ignored on tfjs ops.
   */
  threads?: number;
}

export interface FitOptions {
  /** Passes over the data; default 1. */
  epochs?: number;
  /** Called after each epoch with its mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Raised when a training loss or its gradient becomes NaN or infinite. */
export class TrainingDivergedError extends Error {
  constructor(readonly step: number, readonly loss: number, readonly learningRate: number, readonly gradientNormSquared = NaN) {
    super(`training diverged: ${Number.isFinite(loss) ? `the gradient is not finite (squared norm ${gradientNormSquared})` : `loss is ${loss}`} at optimiser step ${step} (learning rate ${learningRate}); reduce the learning rate, add weight decay, or check the targets`);
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
  readonly options: Readonly<Required<Omit<TrainerOptions, 'loss' | 'targetDim'>>>;
  /** Name of the loss ('custom' for a function). */
  readonly lossName: LossName | 'custom';
  /** Target columns per sample expected by `fit` and `evaluate`. */
  readonly targetDim: number;
  /** Mean loss of every epoch run so far. */
  readonly losses: number[] = [];
  /** The tfjs optimiser, or undefined when this trainer runs on the fused kernels. */
  private readonly optimizer?: TF.Optimizer;
  /** The fused-kernel path (lib/nn/fused.ts), used for built-in losses without dropout when active. */
  private readonly fused?: FusedTraining;
  private rng: Rng;
  private readonly lossFn: LossFn;
  private readonly builtin?: BuiltinLoss;
  private steps = 0;

  constructor(readonly net: Mlp, options: TrainerOptions = {}) {
    requireBackend('Trainer');
    const o: Required<Omit<TrainerOptions, 'loss' | 'targetDim'>> = {
      optimizer: options.optimizer ?? 'adam',
      learningRate: options.learningRate ?? 1e-3,
      momentum: options.momentum ?? 0.9,
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      epsilon: options.epsilon ?? 1e-7,
      weightDecay: options.weightDecay ?? 0,
      batchSize: options.batchSize ?? 100,
      seed: options.seed ?? nextSeed(),
      threads: options.threads ?? 1,
    };
    if (o.threads !== 1 && o.threads !== 2) throw new RangeError(`Trainer: threads must be 1 or 2, got ${o.threads}`);
    positive(o.learningRate, 'learningRate');
    if (!(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) throw new RangeError(`Trainer: weightDecay must be non-negative and finite, got ${o.weightDecay}`);
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new RangeError(`Trainer: batchSize must be a positive integer, got ${o.batchSize}`);
    if (!(o.momentum >= 0 && o.momentum < 1)) throw new RangeError(`Trainer: momentum must be in [0, 1), got ${o.momentum}`);
    if (!Number.isInteger(o.seed) || o.seed < 0) throw new RangeError(`Trainer: seed must be a non-negative integer, got ${o.seed}`);
    const loss = options.loss ?? 'mse';
    if (typeof loss === 'function') {
      this.lossFn = loss;
      this.lossName = 'custom';
      this.targetDim = options.targetDim ?? net.outputDim;
      if (!Number.isInteger(this.targetDim) || this.targetDim < 1) throw new RangeError(`Trainer: targetDim must be a positive integer, got ${this.targetDim}`);
    } else {
      this.builtin = builtinLoss(loss);
      this.lossFn = this.builtin.fn;
      this.lossName = this.builtin.name;
      this.targetDim = this.builtin.targetDim(net.outputDim);
      if (options.targetDim !== undefined && options.targetDim !== this.targetDim) {
        throw new RangeError(`Trainer: loss '${loss}' takes ${this.targetDim} target columns, got targetDim ${options.targetDim}`);
      }
    }
    this.options = o;
    this.rng = new Rng(o.seed);
    if (!['adam', 'nesterov', 'sgd'].includes(o.optimizer)) throw new RangeError(`Trainer: optimizer must be 'adam', 'nesterov' or 'sgd', got ${String(o.optimizer)}`);
    if (this.builtin && net.config.dropout === 0 && fusedActive()) {
      this.fused = new FusedTraining(net, o, this.builtin);
    } else {
      switch (o.optimizer) {
        case 'adam': this.optimizer = tf.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon); break;
        case 'nesterov': this.optimizer = tf.train.momentum(o.learningRate, o.momentum, true); break;
        case 'sgd': this.optimizer = tf.train.sgd(o.learningRate); break;
      }
    }
  }

  /** 'fused' when training runs on rarelab's WebAssembly kernels, 'tfjs' when on tfjs ops. */
  get engine(): 'fused' | 'tfjs' {
    return this.fused ? 'fused' : 'tfjs';
  }

  /** Optimiser steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  private checkData(what: string, x: ArrayLike<number>, y: ArrayLike<number>, n: number): void {
    checkInputs(`${what} (inputs)`, x, n, this.net.inputDim);
    checkInputs(`${what} (targets)`, y, n, this.targetDim);
    if (n < 1) throw new RangeError(`${what}: no samples`);
    this.builtin?.checkTargets?.(y, n, this.targetDim);
  }

  /**
   * Trains on n samples, inputs x [n][inputDim] and targets y [n][targetDim]; returns the mean loss of
   * each epoch (also appended to `losses`). The loss of every minibatch is checked before its update
   * is applied: on a NaN/infinite loss, TrainingDivergedError is thrown and the network keeps the
   * weights of the last finite step.
   */
  fit(x: ArrayLike<number>, y: ArrayLike<number>, n: number, options: FitOptions = {}): number[] {
    const net = this.net, d = net.inputDim, m = this.targetDim;
    this.checkData('Trainer.fit', x, y, n);
    const epochs = options.epochs ?? 1;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`Trainer.fit: epochs must be a non-negative integer, got ${epochs}`);
    const bs = Math.min(this.options.batchSize, n);
    if (this.fused) return this.fitFused(x, y, n, epochs, bs, options);
    const optimizer = this.optimizer!;
    const xb = new Float32Array(bs * d), yb = new Float32Array(bs * m);
    const vars = net.variables;
    const wd = this.options.weightDecay;
    const useDropout = net.config.dropout > 0;
    const lossFn = this.lossFn;
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
        let dataLoss: TF.Scalar | undefined;
        let grads: TF.NamedTensorMap | undefined;
        let cost: TF.Scalar | undefined;
        let lv = NaN, g2 = NaN;
        const xt = tf.tensor2d(b === bs ? xb : xb.subarray(0, b * d), [b, d]);
        const yt = tf.tensor2d(b === bs ? yb : yb.subarray(0, b * m), [b, m]);
        try {
          ({ value: cost, grads } = optimizer.computeGradients(() => {
            const pred = net.forward(xt, dropoutSeed);
            const l = lossFn(pred, yt);
            if (l.rank !== 0) throw new RangeError(`Trainer: the loss function must return a scalar, got shape [${l.shape.join(', ')}]`);
            dataLoss = tf.keep(l);
            if (wd === 0) return l;
            let pen: TF.Tensor = tf.scalar(0);
            for (const v of vars) pen = tf.add(pen, tf.sum(tf.square(v)));
            return tf.add(l, tf.mul(pen, 0.5 * wd)) as TF.Scalar;
          }, vars));
          // Loss and squared gradient norm in one read-back; a step is applied only when both are
          // finite, so a diverging run leaves the last finite weights in the network.
          const g = grads;
          const check = tf.tidy(() => tf.stack([dataLoss!, tf.addN(Object.values(g).map((t) => tf.sum(tf.square(t))))]));
          [lv, g2] = check.dataSync();
          check.dispose();
          if (Number.isFinite(lv) && Number.isFinite(g2)) optimizer.applyGradients(grads);
        } finally {
          if (grads) tf.dispose(grads);
          if (cost !== dataLoss) cost?.dispose();
          dataLoss?.dispose();
          xt.dispose();
          yt.dispose();
        }
        this.steps++;
        if (!Number.isFinite(lv) || !Number.isFinite(g2)) throw new TrainingDivergedError(this.steps, lv, this.options.learningRate, g2);
        sum += lv * b;
      }
      const mean = sum / n;
      out.push(mean);
      this.losses.push(mean);
      options.onEpoch?.(this.losses.length, mean);
    }
    return out;
  }

  /** `fit` on the fused kernels: same minibatches (same permutation stream), same checks, same updates. */
  private fitFused(x: ArrayLike<number>, y: ArrayLike<number>, n: number, epochs: number, bs: number, options: FitOptions): number[] {
    const f = this.fused!, eng = f.engine;
    const out: number[] = [];
    loadWeights(this.net, eng);
    try {
      for (let ep = 0; ep < epochs; ep++) {
        const perm = this.rng.permutation(n);
        let sum = 0;
        for (let s = 0; s < n; s += bs) {
          const b = Math.min(n, s + bs) - s;
          const { loss, g2 } = f.step(x, y, perm, s, b, bs);
          this.steps++;
          if (!Number.isFinite(loss) || !Number.isFinite(g2)) throw new TrainingDivergedError(this.steps, loss, this.options.learningRate, g2);
          sum += loss * b;
        }
        const mean = sum / n;
        out.push(mean);
        this.losses.push(mean);
        options.onEpoch?.(this.losses.length, mean);
      }
    } finally {
      storeWeights(this.net, eng);
    }
    return out;
  }

  /**
   * Mean loss (without the weight-decay penalty) over n samples in inference mode (no dropout), e.g. a
   * validation or test loss; evaluated in chunks of `batchSize` rows (default 4096).
   */
  evaluate(x: ArrayLike<number>, y: ArrayLike<number>, n: number, batchSize = 4096): number {
    const d = this.net.inputDim, m = this.targetDim;
    this.checkData('Trainer.evaluate', x, y, n);
    let sum = 0;
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize), b = e - s;
      const xs = Float32Array.from({ length: b * d }, (_, i) => x[s * d + i]);
      const ys = Float32Array.from({ length: b * m }, (_, i) => y[s * m + i]);
      const l = tf.tidy(() => this.lossFn(this.net.forward(tf.tensor2d(xs, [b, d])), tf.tensor2d(ys, [b, m])));
      sum += l.dataSync()[0] * b;
      l.dispose();
    }
    return sum / n;
  }

  /**
   * The optimiser's state (moments, step counts, and for Adam the running products beta1^t, beta2^t), the
   * shuffling stream and the loss history, JSON-safe, so a checkpointed training continues bit for bit as
   * if it had not stopped (with the network's weights saved alongside).
   */
  async getState(): Promise<TrainerState> {
    if (this.fused) {
      return { optimizerName: this.options.optimizer, steps: this.steps, rng: this.rng.getState(), losses: [...this.losses], ...this.fused.optimizerState() };
    }
    const weights = await this.optimizer!.getWeights();
    const out: TrainerState['optimizer'] = [];
    for (const w of weights) {
      out.push({ name: w.name, shape: w.tensor.shape, values: Array.from(await w.tensor.data()) });
      if (w.name === 'iter') w.tensor.dispose(); // a fresh scalar; the others are the optimiser's own variables
    }
    const state: TrainerState = { optimizerName: this.options.optimizer, steps: this.steps, rng: this.rng.getState(), losses: [...this.losses], optimizer: out };
    if (this.options.optimizer === 'adam') {
      const { accBeta1, accBeta2 } = adamPowers(this.optimizer!);
      state.adamBetaPowers = [(await accBeta1.data())[0], (await accBeta2.data())[0]];
    }
    return state;
  }

  /**
   * Restores a state written by `getState`. Throws a RangeError naming the mismatch when the state is for
   * another optimiser or its moments do not fit this network (count, shapes, length, finite values).
   */
  async setState(state: TrainerState): Promise<void> {
    if (!state || state.optimizerName !== this.options.optimizer) throw new RangeError(`Trainer.setState: state is for optimiser ${state?.optimizerName}, this trainer uses ${this.options.optimizer}`);
    this.checkState(state);
    if (this.fused) {
      this.fused.setOptimizerState(state.optimizer, state.adamBetaPowers);
      this.restoreCounters(state);
      return;
    }
    const optimizer = this.optimizer!;
    const named = state.optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape as number[]) }));
    try {
      await optimizer.setWeights(named);
    } finally {
      // setWeights copies values into the optimiser's own variables, except the iteration count
      for (const w of named) if (!w.tensor.isDisposed) w.tensor.dispose();
    }
    if (this.options.optimizer === 'adam') {
      // tfjs's setWeights recomputes beta^t by pow(), which differs in the last bits from the running
      // float32 product its applyGradients keeps; restore the saved products so the next steps are exact.
      const { accBeta1, accBeta2 } = adamPowers(optimizer);
      const [p1, p2] = state.adamBetaPowers!;
      tf.tidy(() => {
        accBeta1.assign(tf.scalar(p1));
        accBeta2.assign(tf.scalar(p2));
      });
    }
    this.restoreCounters(state);
  }

  private restoreCounters(state: TrainerState): void {
    this.steps = state.steps;
    this.rng = Rng.fromState(state.rng);
    this.losses.length = 0;
    this.losses.push(...state.losses);
  }

  private checkState(state: TrainerState): void {
    const what = 'Trainer.setState';
    if (!Number.isInteger(state.steps) || state.steps < 0) throw new RangeError(`${what}: steps must be a non-negative integer, got ${state.steps}`);
    if (!Array.isArray(state.optimizer) || state.optimizer[0]?.name !== 'iter') throw new RangeError(`${what}: the optimiser state must start with its iteration count ('iter')`);
    const vars = this.net.variables;
    const moments = state.optimizer.slice(1);
    const perVariable = { adam: 2, nesterov: 1, sgd: 0 }[this.options.optimizer];
    // Moments are created at the first step: none before it, then `perVariable` per network variable.
    if (moments.length !== 0 && moments.length !== perVariable * vars.length) {
      throw new RangeError(`${what}: ${moments.length} optimiser moments for a network of ${vars.length} variables (expected ${perVariable * vars.length}); the state is for another network`);
    }
    moments.forEach((m, j) => {
      const v = vars[j % vars.length];
      const size = m.shape?.reduce((a, b) => a * b, 1);
      if (!Array.isArray(m.shape) || m.shape.length !== v.shape.length || m.shape.some((d, k) => d !== v.shape[k])) {
        throw new RangeError(`${what}: moment ${m.name} has shape [${m.shape?.join(', ')}] but network variable ${j % vars.length} has shape [${v.shape.join(', ')}]; the state is for another network`);
      }
      if (!Array.isArray(m.values) || m.values.length !== size) throw new RangeError(`${what}: moment ${m.name} has ${m.values?.length} values for shape [${m.shape.join(', ')}] (${size}); the state is truncated`);
      const bad = m.values.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
      if (bad >= 0) throw new RangeError(`${what}: moment ${m.name} value ${bad} is ${m.values[bad]}`);
    });
    if (this.options.optimizer === 'adam') {
      const p = state.adamBetaPowers;
      if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'number' && x > 0 && x < 1)) {
        throw new RangeError(`${what}: the Adam state has no accumulated beta powers (adamBetaPowers, in (0, 1)); it was written by an older rarelab and cannot resume exactly`);
      }
    }
  }

  /** Frees the optimiser state (not the network). */
  dispose(): void {
    this.fused?.dispose();
    if (!this.optimizer) return; // the fused path holds no tensors
    this.optimizer.dispose();
    // tfjs 4.22: MomentumOptimizer.dispose frees its momentum and accumulators but not the learning-rate
    // scalar `c` created by its SGD base class; free it here so Nesterov training leaks nothing.
    const c = (this.optimizer as unknown as { c?: TF.Tensor }).c;
    if (this.options.optimizer === 'nesterov' && c && !c.isDisposed) c.dispose();
  }
}

/** Serialised Trainer state (see Trainer.getState). */
export interface TrainerState {
  optimizerName: string;
  steps: number;
  rng: import('../dynamics/rng.js').RngState;
  losses: number[];
  optimizer: { name: string; shape: number[]; values: number[] }[];
  /** Adam only: the running float32 products beta1^(t+1), beta2^(t+1) used for bias correction. */
  adamBetaPowers?: [number, number];
}

/**
 * tfjs 4's AdamOptimizer keeps beta1^t and beta2^t as the (private) variables accBeta1, accBeta2 and does
 * not include them in getWeights. Reached here, with a check, so that a tfjs upgrade that renames them
 * fails loudly instead of resuming inexactly.
 */
function adamPowers(optimizer: TF.Optimizer): { accBeta1: TF.Variable; accBeta2: TF.Variable } {
  const o = optimizer as unknown as { accBeta1?: TF.Variable; accBeta2?: TF.Variable };
  if (!(o.accBeta1 instanceof tf.Variable) || !(o.accBeta2 instanceof tf.Variable)) {
    throw new Error('Trainer: this tfjs AdamOptimizer has no accBeta1/accBeta2 variables; exact checkpointing needs tfjs 4 (see lib/nn/train.ts)');
  }
  return { accBeta1: o.accBeta1, accBeta2: o.accBeta2 };
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
