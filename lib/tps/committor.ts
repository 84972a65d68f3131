import { Mlp, Trainer, nextSeed, requireBackend, readJson, writeJson, type MlpConfig, type MlpJson, type TrainerState } from '../nn/index.js';
import { committorFromRC } from './likelihood.js';

/** The inputs a model reads from longer feature vectors: `columns` (distinct indices) of `of` features. */
export interface InputColumns {
  columns: readonly number[];
  of: number;
}

/** Throws unless `columns` are `inputs` distinct integers in [0, of). */
export function checkColumns(what: string, { columns, of }: InputColumns, inputs: number): void {
  if (columns.length !== inputs) throw new RangeError(`${what}: ${columns.length} selected columns for a network of ${inputs} inputs`);
  if (!Number.isInteger(of) || of < 1) throw new RangeError(`${what}: select.of must be a positive integer, got ${of}`);
  if (columns.some((c, k) => !Number.isInteger(c) || c < 0 || c >= of || columns.indexOf(c) !== k)) {
    throw new RangeError(`${what}: selected columns must be distinct integers in [0, ${of}), got [${columns.join(', ')}]`);
  }
}

/**
 * The AIMMD committor model (Jung et al., Eq. 1): a network q(x | w) of the inputs x, with
 * p_B(x) = 1 / (1 + e^{-q(x)}). Immutable: a snapshot of a CommittorLearner's network or of a fit.
 * Inputs are flattened [n][inputs] Float64Arrays (whatever featurisation the caller uses). A model fitted
 * on some of the features only (e.g. the relevant ones) takes `select`: it still reads full feature
 * vectors of `select.of` values and its gradient has zeros on the features it ignores.
 */
export class CommittorModel {
  readonly select?: Readonly<InputColumns>;
  constructor(private readonly net: Mlp, select?: InputColumns) {
    if (net.outputDim !== 1) throw new RangeError(`CommittorModel: the network must have one output (q), got ${net.outputDim}`);
    if (select) {
      checkColumns('CommittorModel', select, net.inputDim);
      this.select = Object.freeze({ columns: Object.freeze([...select.columns]), of: select.of });
    }
  }
  /** Features per input vector. */
  get inputs(): number { return this.select?.of ?? this.net.inputDim; }
  private gather(x: ArrayLike<number>, n: number, what: string): ArrayLike<number> {
    if (!this.select) return x;
    const { columns, of } = this.select, m = columns.length;
    if (x.length !== n * of) throw new RangeError(`CommittorModel.${what}: x has length ${x.length}, expected ${n} points x ${of} features`);
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) out[i * m + k] = x[i * of + columns[k]];
    return out;
  }
  /** Reaction coordinate q(x) (log-odds of B over A) at n inputs. */
  q(x: ArrayLike<number>, n: number): Float64Array { return this.net.predict(this.gather(x, n, 'q'), n); }
  /** Committor p_B(x) = sigmoid(q(x)), Eq. 1. */
  pB(x: ArrayLike<number>, n: number): Float64Array { return this.q(x, n).map(committorFromRC); }
  /** grad_x q at n inputs, [n][inputs] (reverse-mode through the network). */
  gradQ(x: ArrayLike<number>, n: number): Float64Array {
    const g = this.net.inputGrad(this.gather(x, n, 'gradQ'), n);
    if (!this.select) return g;
    const { columns, of } = this.select, m = columns.length;
    const out = new Float64Array(n * of);
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) out[i * of + columns[k]] = g[i * m + k];
    return out;
  }
  toJSON(): CommittorModelJson {
    return { format: 'rarelab.committor', version: 1, net: this.net.toJSON(), ...(this.select ? { select: { columns: [...this.select.columns], of: this.select.of } } : {}) };
  }
  static fromJSON(json: CommittorModelJson): CommittorModel {
    if (json?.format !== 'rarelab.committor') throw new TypeError(`CommittorModel.fromJSON: not a rarelab.committor object (format ${JSON.stringify(json?.format)})`);
    return new CommittorModel(Mlp.fromJSON(json.net), json.select);
  }
  save(path: string): void { writeJson(path, this.toJSON()); }
  static load(path: string): CommittorModel { return CommittorModel.fromJSON(readJson(path, 'CommittorModel.load') as CommittorModelJson); }
  dispose(): void { this.net.dispose(); }
}

export interface CommittorModelJson {
  format: 'rarelab.committor';
  version: 1;
  net: MlpJson;
  select?: InputColumns;
}

/** The network of Materials & Methods B (Jung et al.): SELU, LeCun-normal, alpha dropout after the last hidden layer. */
export function committorNetwork(o: { inputs: number; width: number; hiddenLayers: number; dropout: number; normalization?: MlpConfig['normalization']; seed: number }): MlpConfig {
  return {
    layers: [o.inputs, ...new Array<number>(o.hiddenLayers).fill(o.width), 1],
    activation: 'selu', outputActivation: 'linear', initializer: 'lecunNormal',
    dropout: o.dropout, dropoutLayers: 'last', dropoutKind: 'alpha',
    normalization: o.normalization, seed: o.seed,
  };
}

export interface CommittorLearnerOptions {
  /** Number of inputs per shooting point. */
  inputs: number;
  /** Nodes per hidden layer; default = inputs (the paper's toy model; half the inputs for molecules). */
  width?: number;
  /** Hidden layers; default 4. */
  hiddenLayers?: number;
  /** Dropout after the last hidden layer (alpha dropout, as for SELU nets); default 0.1. */
  dropout?: number;
  /** Adam learning rate; default 5e-4. */
  learningRate?: number;
  /** Train at every `trainEvery`-th update (TPS step); default 2. */
  trainEvery?: number;
  /** Epochs over the whole training set per training; default 1. */
  epochs?: number;
  /** Minibatch size; default 32 (Keras's default, the paper's framework). */
  batchSize?: number;
  /**
   * Training pauses when one training changes the per-shot loss by less than this fraction, and resumes
   * when the loss on the grown training set has moved by more than it since the pause; default 1e-2
   * (measured on the 42-D model: 1e-3 never pauses and overfits the nuisance inputs, mean committor
   * error 0.20 vs 0.16, largest nuisance relevance 0.18 vs 0.08 after 1000 moves).
   */
  flatTolerance?: number;
  /**
   * L2 penalty (weightDecay / 2) * sum of all squared weights and biases, added to the mean per-point loss
   * Eq. 3 (Trainer weightDecay; Keras l2(weightDecay / 2) on every layer, coupled into Adam's gradient as
   * in Keras). The paper does not regularise explicitly; default 0 (no penalty, the Keras default).
   * Measured on the 42-D toy model (40 nuisance inputs, 1000 two-shot outcomes concentrated at the TSE):
   * without it the network fits the outcome noise through the nuisance inputs (loss per point 0.95-0.98
   * vs ~1.2 for the exact committor; mean committor error 0.15-0.18, largest nuisance relevance
   * 0.10-0.14); with 0.1 (and epochs 5) the error is 0.067-0.085 and nuisance relevance <= 0.06; 0.05 gives
   * 0.08-0.09; 0.2 can collapse the network to a constant q (the penalty outweighs the data: zero weights are
   * a trap). The penalty at initialisation is ~ weightDecay / 2 * (hiddenLayers * width + 1), so a value
   * tuned for one network size does not carry over; hence no non-zero default.
   */
  weightDecay?: number;
  /** Input standardisation inside the network (mean, std per input); default none. */
  normalization?: MlpConfig['normalization'];
  seed?: number;
}

export interface CommittorUpdate {
  /** The update number (1-based). */
  update: number;
  trained: boolean;
  paused: boolean;
  /** Per-shot loss (Eq. 3 / committed shots) on all data after this update. */
  loss: number;
}

/**
 * Online maximum-likelihood learner of the committor from shooting outcomes, as in AIMMD's loop (Fig. 2,
 * step 3; Materials & Methods B): a self-normalising network (SELU, LeCun-normal initialisation, four
 * hidden layers, alpha dropout 10 % after the last), Adam at lr 5e-4, trained on ALL outcomes so far
 * (successes and failures) by the likelihood Eq. 3, only every second TPS step, pausing while the loss
 * stays flat. Deviation, stated: the paper resumes "upon a loss decrease"; we resume when the loss moves
 * either way beyond the tolerance, since new shots the model mispredicts (a loss increase) must be learned.
 * Optional L2 weight decay (not in the paper; see `weightDecay`) keeps the network from fitting the shot
 * noise through irrelevant inputs.
 */
export class CommittorLearner {
  readonly options: Readonly<Required<Omit<CommittorLearnerOptions, 'normalization'>>> & Pick<CommittorLearnerOptions, 'normalization'>;
  private net: Mlp;
  private trainer: Trainer;
  private x: number[] = [];
  private y: number[] = [];
  private updates = 0;
  private paused = false;
  private pausedLoss = NaN;
  /** Per-update history: loss, trained, paused. */
  readonly history: CommittorUpdate[] = [];

  constructor(options: CommittorLearnerOptions) {
    requireBackend('CommittorLearner');
    const o = {
      inputs: options.inputs,
      width: options.width ?? options.inputs,
      hiddenLayers: options.hiddenLayers ?? 4,
      dropout: options.dropout ?? 0.1,
      learningRate: options.learningRate ?? 5e-4,
      trainEvery: options.trainEvery ?? 2,
      epochs: options.epochs ?? 1,
      batchSize: options.batchSize ?? 32,
      flatTolerance: options.flatTolerance ?? 1e-2,
      weightDecay: options.weightDecay ?? 0,
      normalization: options.normalization,
      seed: options.seed ?? nextSeed(),
    };
    for (const k of ['inputs', 'width', 'hiddenLayers', 'trainEvery', 'epochs', 'batchSize'] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`CommittorLearner: ${k} must be a positive integer, got ${o[k]}`);
    }
    if (!(o.flatTolerance >= 0)) throw new RangeError(`CommittorLearner: flatTolerance must be non-negative, got ${o.flatTolerance}`);
    if (!(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) throw new RangeError(`CommittorLearner: weightDecay must be non-negative and finite, got ${o.weightDecay}`);
    this.options = Object.freeze(o);
    this.net = new Mlp(committorNetwork(this.options));
    this.trainer = this.newTrainer();
  }

  private newTrainer(): Trainer {
    const o = this.options;
    return new Trainer(this.net, { loss: 'bernoulli-nll', optimizer: 'adam', learningRate: o.learningRate, weightDecay: o.weightDecay, batchSize: o.batchSize, seed: o.seed + 1 });
  }

  /** Number of shooting outcomes held. */
  get size(): number { return this.y.length / 2; }
  get isPaused(): boolean { return this.paused; }

  /** Adds shooting outcomes: inputs x [n][inputs] and counts nA, nB (halves reaching A, B). */
  add(x: ArrayLike<number>, nA: ArrayLike<number>, nB: ArrayLike<number>): void {
    const d = this.options.inputs, n = nA.length;
    if (x.length !== n * d || nB.length !== n) throw new RangeError(`CommittorLearner.add: ${x.length} input values and ${nB.length} nB for ${n} outcomes of ${d} inputs`);
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new RangeError(`CommittorLearner.add: input ${i % d} of outcome ${Math.floor(i / d)} is ${x[i]}`);
    for (let i = 0; i < n; i++) {
      if (!(nA[i] >= 0 && nB[i] >= 0)) throw new RangeError(`CommittorLearner.add: outcome ${i} has counts nA = ${nA[i]}, nB = ${nB[i]}`);
      for (let k = 0; k < d; k++) this.x.push(x[i * d + k]);
      this.y.push(nA[i], nB[i]);
    }
  }

  /** Per-shot loss of the current network on all data (inference mode). */
  loss(): number {
    if (this.size === 0) return NaN;
    return this.trainer.evaluate(this.x, this.y, this.size);
  }

  /** One TPS step's update (step 3 of Fig. 2): trains when due and not paused. */
  update(): CommittorUpdate {
    this.updates++;
    let trained = false;
    let loss = NaN;
    if (this.size > 0 && this.updates % this.options.trainEvery === 0) {
      const before = this.loss();
      const tol = this.options.flatTolerance;
      if (this.paused && Math.abs(before - this.pausedLoss) > tol * Math.abs(this.pausedLoss)) this.paused = false;
      if (!this.paused) {
        this.trainer.fit(this.x, this.y, this.size, { epochs: this.options.epochs });
        trained = true;
        loss = this.loss();
        if (Math.abs(loss - before) <= tol * Math.abs(before)) { this.paused = true; this.pausedLoss = loss; }
      } else loss = before;
    }
    const u = { update: this.updates, trained, paused: this.paused, loss };
    this.history.push(u);
    return u;
  }

  q(x: ArrayLike<number>, n: number): Float64Array { return this.net.predict(x, n); }
  pB(x: ArrayLike<number>, n: number): Float64Array { return this.q(x, n).map(committorFromRC); }

  /** An immutable copy of the current model. */
  model(): CommittorModel { return new CommittorModel(this.net.clone()); }

  /** Training inputs [size][inputs] and counts (copies). */
  data(): { x: Float64Array; nA: Float64Array; nB: Float64Array } {
    const n = this.size;
    return { x: Float64Array.from(this.x), nA: Float64Array.from({ length: n }, (_, i) => this.y[2 * i]), nB: Float64Array.from({ length: n }, (_, i) => this.y[2 * i + 1]) };
  }

  /** Everything needed to continue exactly: network, optimiser, data, schedule. JSON-safe. */
  async getState(): Promise<CommittorLearnerState> {
    return { format: 'rarelab.committor-learner', version: 1, options: { ...this.options }, net: this.net.toJSON(), trainer: await this.trainer.getState(), x: [...this.x], y: [...this.y], updates: this.updates, paused: this.paused, pausedLoss: this.pausedLoss, history: this.history.map((h) => ({ ...h })) };
  }

  /**
   * Rebuilds a learner from `getState`. The state is checked first, so a damaged or mismatched one fails
   * here with a RangeError naming the problem rather than later in training: the network must be the one
   * its options describe (widths, layers, dropout), the data whole (inputs x counts), the schedule sane.
   */
  static async fromState(s: CommittorLearnerState): Promise<CommittorLearner> {
    if (s?.format !== 'rarelab.committor-learner') throw new TypeError('CommittorLearner.fromState: not a rarelab.committor-learner state');
    const l = new CommittorLearner(s.options);
    try {
      checkLearnerState(s, l.options);
      l.trainer.dispose();
      l.net.dispose();
      l.net = Mlp.fromJSON(s.net);
      l.trainer = l.newTrainer();
      await l.trainer.setState(s.trainer);
    } catch (e) {
      l.dispose();
      throw e;
    }
    l.x = [...s.x];
    l.y = [...s.y];
    l.updates = s.updates;
    l.paused = s.paused;
    // JSON turns NaN (no loss yet, untrained updates) into null; restore it so the history is as it was.
    l.pausedLoss = s.pausedLoss ?? NaN;
    l.history.push(...s.history.map((h) => ({ ...h, loss: h.loss ?? NaN })));
    return l;
  }

  dispose(): void {
    this.trainer.dispose();
    this.net.dispose();
  }
}

/** Consistency of a saved learner state with the options it carries (see CommittorLearner.fromState). */
function checkLearnerState(s: CommittorLearnerState, o: CommittorLearner['options']): void {
  const what = 'CommittorLearner.fromState';
  const expected = committorNetwork(o);
  const cfg = s.net?.config;
  if (!cfg || !Array.isArray(cfg.layers)) throw new RangeError(`${what}: the state has no network`);
  if (cfg.layers.join(',') !== expected.layers.join(',')) {
    throw new RangeError(`${what}: the saved network has layers [${cfg.layers.join(', ')}] but its options (inputs ${o.inputs}, width ${o.width}, hiddenLayers ${o.hiddenLayers}) give [${expected.layers.join(', ')}]`);
  }
  if (cfg.dropout !== expected.dropout) throw new RangeError(`${what}: the saved network has dropout ${cfg.dropout} but its options give ${expected.dropout}`);
  if (!Array.isArray(s.x) || !Array.isArray(s.y) || s.y.length % 2 !== 0 || s.x.length !== (s.y.length / 2) * o.inputs) {
    throw new RangeError(`${what}: the training data are truncated or inconsistent: ${s.x?.length} input values and ${s.y?.length} counts for outcomes of ${o.inputs} inputs (expected ${o.inputs} values per 2 counts)`);
  }
  const badX = s.x.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (badX >= 0) throw new RangeError(`${what}: training input ${badX % o.inputs} of outcome ${Math.floor(badX / o.inputs)} is ${s.x[badX]}`);
  const badY = s.y.findIndex((v) => typeof v !== 'number' || !(v >= 0));
  if (badY >= 0) throw new RangeError(`${what}: count ${badY % 2 ? 'nB' : 'nA'} of outcome ${Math.floor(badY / 2)} is ${s.y[badY]}`);
  if (!Number.isInteger(s.updates) || s.updates < 0) throw new RangeError(`${what}: updates must be a non-negative integer, got ${s.updates}`);
  if (!Array.isArray(s.history) || s.history.length !== s.updates) throw new RangeError(`${what}: ${s.history?.length} history entries for ${s.updates} updates; the state is truncated`);
}

export interface CommittorLearnerState {
  format: 'rarelab.committor-learner';
  version: 1;
  options: CommittorLearnerOptions;
  net: MlpJson;
  trainer: TrainerState;
  x: number[];
  y: number[];
  updates: number;
  paused: boolean;
  pausedLoss: number | null;
  history: CommittorUpdate[];
}
