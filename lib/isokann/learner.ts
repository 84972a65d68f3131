import { Rng } from '../dynamics/rng.js';
import { Mlp, Trainer, nextSeed, requireBackend, type Activation, type Initializer } from '../nn/index.js';
import { checkBurstData, type BurstData } from './data.js';
import { IsokannModel, meanOverBursts, shiftScale } from './model.js';

/**
 * ISOKANN (Rabben, Ray, Weber, JCP 153, 114109 (2020); Sikorski, Ribera Borrell, Weber 2024):
 * learn chi ≈ a + b psi_2, the dominant non-trivial eigenfunction of the Koopman operator K^tau, by a
 * power iteration whose iterates are neural networks:
 *   repeat `iterations` times:
 *     K chi(x_i) ≈ (1/M) sum_j chi(y_ij)           (Monte-Carlo Koopman expectation over the bursts)
 *     target_i  = S(K chi)_i                        (shift-scale: min -> 0, max -> 1 over the batch)
 *     fit chi to the targets with `epochs` epochs of minibatch optimisation (optimiser state kept)
 * The shift-scale removes the constant eigenfunction and the contraction of K^tau, so the iteration
 * converges to the slowest process. chi = 0 / 1 then marks the two metastable sets.
 *
 * Defaults are those of ISOKANN.jl (axsk/ISOKANN.jl) for its Langevin systems: the `smallnet`
 * [dim, 5, 10, 5, 1] with sigmoid hidden layers and linear output, `NesterovRegularized` (Nesterov
 * momentum 0.9, lr 1e-3, L2 weight decay 1e-4 added to the gradient), minibatch 100, one epoch per outer
 * iteration. They need thousands of iterations at ISOKANN.jl's short lag (its Müller-Brown run used
 * 4000); MULLER_BROWN_ISOKANN (lib/isokann/muller-brown.ts) is a faster tested setup, and
 * lib/isokann/README.md explains its choices. Deviation: inputs are standardised inside the model
 * (`standardize`, default true), which ISOKANN.jl leaves to its featurizer.
 */
export interface IsokannOptions {
  /** Hidden layer widths; default [5, 10, 5] (ISOKANN.jl smallnet). */
  hidden?: number[];
  /** Hidden activation; default 'sigmoid' (ISOKANN.jl smallnet). */
  activation?: Activation;
  /** Output activation; default 'linear' (as ISOKANN.jl: the shift-scale keeps targets in [0, 1]). */
  outputActivation?: Activation;
  /** Weight initialiser; default as lib/nn (glorotUniform, lecunNormal for selu). */
  initializer?: Initializer;
  /** Dropout rate of the hidden layers while training; default 0. */
  dropout?: number;
  /** Standardise inputs with the mean/std of the start points, inside the model; default true. */
  standardize?: boolean;
  /** 'nesterov' (default; ISOKANN.jl's NesterovRegularized, momentum 0.9) or 'adam' (AdamRegularized). */
  optimizer?: 'adam' | 'nesterov';
  /** Learning rate; default 1e-3. */
  learningRate?: number;
  /** L2 weight decay added to the gradient; default 1e-4 (ISOKANN.jl). */
  weightDecay?: number;
  /** Outer (power) iterations; default 1000 (ISOKANN.jl's `run!` takes the count from the caller). */
  iterations?: number;
  /** Epochs of training on each target; default 1 (ISOKANN.jl `run!(iso, n, epochs=1)`). */
  epochs?: number;
  /** Minibatch size; default 100 (ISOKANN.jl). */
  batchSize?: number;
  /**
   * Orientation: after training, flip chi -> 1 - chi if chi(low) > 0.5, so chi ≈ 0 in the basin of
   * `low` whatever the seed. Default: no flip (orientation set by the initial network).
   */
  orient?: { low: ArrayLike<number> };
  /** Seed of weights, shuffling and dropout; default from lib/nn's global seed. */
  seed?: number;
  /** Called after every `progressEvery` outer iterations and after the last. */
  onProgress?: (info: { iteration: number; iterations: number; loss: number }) => void;
  /** Default 10. */
  progressEvery?: number;
}

export type ResolvedIsokannOptions = Required<Omit<IsokannOptions, 'orient' | 'onProgress' | 'initializer'>> & Pick<IsokannOptions, 'orient' | 'initializer'>;

/** The estimator: `new IsokannLearner(options).fit(data)` -> IsokannModel. Reusable; holds no state. */
export class IsokannLearner {
  readonly options: Readonly<ResolvedIsokannOptions>;
  private readonly onProgress?: IsokannOptions['onProgress'];

  constructor(options: IsokannOptions = {}) {
    const o: ResolvedIsokannOptions = {
      hidden: options.hidden ?? [5, 10, 5],
      activation: options.activation ?? 'sigmoid',
      outputActivation: options.outputActivation ?? 'linear',
      initializer: options.initializer,
      dropout: options.dropout ?? 0,
      standardize: options.standardize ?? true,
      optimizer: options.optimizer ?? 'nesterov',
      learningRate: options.learningRate ?? 1e-3,
      weightDecay: options.weightDecay ?? 1e-4,
      iterations: options.iterations ?? 1000,
      epochs: options.epochs ?? 1,
      batchSize: options.batchSize ?? 100,
      orient: options.orient,
      seed: options.seed ?? nextSeed(),
      progressEvery: options.progressEvery ?? 10,
    };
    if (!Array.isArray(o.hidden) || o.hidden.length < 1) throw new RangeError(`IsokannLearner: hidden must list at least one layer width, got ${JSON.stringify(o.hidden)}`);
    if (!Number.isInteger(o.iterations) || o.iterations < 1) throw new RangeError(`IsokannLearner: iterations must be a positive integer, got ${o.iterations}`);
    if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new RangeError(`IsokannLearner: epochs must be a positive integer, got ${o.epochs}`);
    if (!Number.isInteger(o.seed) || o.seed < 0) throw new RangeError(`IsokannLearner: seed must be a non-negative integer, got ${o.seed}`);
    if (!Number.isInteger(o.progressEvery) || o.progressEvery < 1) throw new RangeError(`IsokannLearner: progressEvery must be a positive integer, got ${o.progressEvery}`);
    if (o.optimizer !== 'adam' && o.optimizer !== 'nesterov') throw new RangeError(`IsokannLearner: optimizer must be 'adam' or 'nesterov', got ${String(o.optimizer)}`);
    this.options = Object.freeze(o);
    this.onProgress = options.onProgress;
  }

  /** A learner with some options replaced (progress callback kept). */
  with(overrides: Partial<IsokannOptions>): IsokannLearner {
    return new IsokannLearner({ ...this.options, onProgress: this.onProgress, ...overrides });
  }

  /**
   * Trains chi on burst data. Needs `await initBackend()` first. With `init`, training starts from a
   * copy of that model's network (architecture and input standardisation included; the learner's
   * network options are then unused) and the loss history continues — the warm start of adaptive
   * sampling. Throws TrainingDivergedError (lib/nn) on a NaN/infinite loss and a clear error if chi
   * collapses to a constant.
   */
  fit(data: BurstData, options: { init?: IsokannModel } = {}): IsokannModel {
    requireBackend('IsokannLearner.fit');
    checkBurstData(data, 'IsokannLearner.fit');
    const o = this.options;
    const { n, bursts: M, dim } = data;
    if (o.orient && o.orient.low.length !== dim) throw new RangeError(`IsokannLearner: orient.low has length ${o.orient.low.length}, expected ${dim}`);
    const init = options.init;
    if (init && init.dim !== dim) throw new RangeError(`IsokannLearner.fit: init model has dim ${init.dim}, data ${dim}`);
    const rng = new Rng(o.seed);
    const netSeed = rng.seedInt(), trainSeed = rng.seedInt();
    let normalization: { mean: number[]; std: number[] } | undefined;
    if (o.standardize && !init) {
      const mean = new Array<number>(dim).fill(0), std = new Array<number>(dim).fill(0);
      for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += data.x[i * dim + k] / n;
      for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) std[k] += (data.x[i * dim + k] - mean[k]) ** 2 / n;
      for (let k = 0; k < dim; k++) std[k] = std[k] > 0 ? Math.sqrt(std[k]) : 1;
      normalization = { mean, std };
    }
    const net = init ? Mlp.fromJSON(init.toJSON().net) : new Mlp({
      layers: [dim, ...o.hidden, 1],
      activation: o.activation,
      outputActivation: o.outputActivation,
      initializer: o.initializer,
      dropout: o.dropout,
      normalization,
      seed: netSeed,
    });
    let trainer: Trainer;
    try {
      trainer = new Trainer(net, { optimizer: o.optimizer, learningRate: o.learningRate, weightDecay: o.weightDecay, batchSize: o.batchSize, seed: trainSeed });
    } catch (e) {
      net.dispose();
      throw e;
    }
    const losses: number[] = init ? Array.from(init.losses) : [];
    try {
      for (let it = 1; it <= o.iterations; it++) {
        const kchi = meanOverBursts(net.predict(data.y, n * M), n, M);
        const target = shiftScale(kchi);
        const ep = trainer.fit(data.x, target, n, { epochs: o.epochs });
        const loss = ep.reduce((a, b) => a + b, 0) / ep.length;
        losses.push(loss);
        if (this.onProgress && (it % o.progressEvery === 0 || it === o.iterations)) this.onProgress({ iteration: it, iterations: o.iterations, loss });
      }
    } catch (e) {
      net.dispose();
      throw e;
    } finally {
      trainer.dispose();
    }
    let affine = { scale: 1, offset: 0 };
    if (o.orient) {
      const c = net.predict(Float64Array.from(o.orient.low), 1)[0];
      if (c > 0.5) affine = { scale: -1, offset: 1 };
    }
    const meta = { learner: 'IsokannLearner', options: { ...o, orient: o.orient ? { low: Array.from(o.orient.low) } : undefined }, n, bursts: M, lag: data.lag, warmStart: init !== undefined };
    return new IsokannModel(net, affine, losses, meta);
  }
}
