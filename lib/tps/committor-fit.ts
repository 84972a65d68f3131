import { Mlp, Trainer, nextSeed, requireBackend, type MlpConfig } from '../nn/index.js';
import { Rng } from '../dynamics/rng.js';
import { checkShotCounts, type ShotCounts } from './likelihood.js';
import { CommittorModel, checkColumns, committorNetwork } from './committor.js';

export interface CommittorFitOptions {
  /** Features per shooting point in `x`. */
  inputs: number;
  /** Features the network reads (e.g. the relevant ones from inputRelevance); default all. */
  columns?: readonly number[];
  /** Nodes per hidden layer; default the number of features read (Materials & Methods B). */
  width?: number;
  /** Hidden layers; default 4. */
  hiddenLayers?: number;
  /** Alpha dropout after the last hidden layer; default 0.1. */
  dropout?: number;
  /** Adam learning rate; default 5e-4. */
  learningRate?: number;
  /** Minibatch size; default 32. */
  batchSize?: number;
  /** L2 penalty as in CommittorLearner; default 0. */
  weightDecay?: number;
  /** Standardisation (mean, std) of all `inputs` features; the selected columns' entries are used. */
  normalization?: MlpConfig['normalization'];
  /** Fraction of the shooting points held out to decide when to stop; default 0.2. */
  validationFraction?: number;
  /** Stop after this many epochs without a lower validation loss; default 30. */
  patience?: number;
  /** Upper bound on epochs; default 1000. */
  maxEpochs?: number;
  seed?: number;
  /** Called after every epoch with the per-shot training and validation losses (Eq. 3). */
  onEpoch?: (epoch: number, trainLoss: number, validationLoss: number) => void;
}

export interface CommittorFit {
  /** The network of the epoch with the lowest validation loss. */
  model: CommittorModel;
  bestEpoch: number;
  /** Per-shot loss (Eq. 3) per epoch: training (mean over the epoch's minibatches) and validation (inference mode). */
  trainLoss: number[];
  validationLoss: number[];
  nTrain: number;
  nValidation: number;
}

/**
 * Post-processing fit of the committor to a finished run's shooting outcomes — the "thorough
 * post-processing to learn the RC" that Jung et al. (Discussion) set apart from the online training that
 * steers sampling. Same likelihood (Eq. 3) and network as the online learner, trained from scratch on all
 * outcomes with a held-out validation set: training stops when the validation loss has not improved for
 * `patience` epochs and the best epoch's weights are kept (Keras EarlyStopping with restore_best_weights),
 * so the fit stops before it learns the shot noise. Outcomes from any shooting-point selection are valid
 * data: each is an unbiased draw of p_B at its point.
 * @param data  x [n][inputs] and the counts nA, nB of each shooting point.
 */
export function fitCommittor(data: { x: ArrayLike<number> } & ShotCounts, options: CommittorFitOptions): CommittorFit {
  requireBackend('fitCommittor');
  const d = options.inputs, n = data.nA.length;
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`fitCommittor: inputs must be a positive integer, got ${d}`);
  if (data.x.length !== n * d) throw new RangeError(`fitCommittor: x has length ${data.x.length}, expected ${n} shooting points x ${d} inputs`);
  checkShotCounts(data, n, 'fitCommittor');
  for (let i = 0; i < data.x.length; i++) if (!Number.isFinite(data.x[i])) throw new RangeError(`fitCommittor: input ${i % d} of shooting point ${Math.floor(i / d)} is ${data.x[i]}`);
  const columns = options.columns ? [...options.columns] : Array.from({ length: d }, (_, j) => j);
  if (columns.length === 0) throw new RangeError('fitCommittor: no columns selected');
  checkColumns('fitCommittor', { columns, of: d }, columns.length);
  const f = options.validationFraction ?? 0.2;
  if (!(f > 0 && f < 1)) throw new RangeError(`fitCommittor: validationFraction must be in (0, 1), got ${f}`);
  const patience = options.patience ?? 30, maxEpochs = options.maxEpochs ?? 1000;
  for (const [k, v] of [['patience', patience], ['maxEpochs', maxEpochs]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`fitCommittor: ${k} must be a positive integer, got ${v}`);
  }
  const nValidation = Math.round(f * n), nTrain = n - nValidation;
  if (nValidation < 1 || nTrain < 1) throw new RangeError(`fitCommittor: ${n} shooting points cannot be split into training and validation (fraction ${f})`);
  const norm = options.normalization;
  if (norm && (norm.mean.length !== d || norm.std.length !== d)) throw new RangeError(`fitCommittor: normalization has ${norm.mean.length} means and ${norm.std.length} stds for ${d} inputs`);
  const seed = options.seed ?? nextSeed();
  const m = columns.length;
  const net = new Mlp(committorNetwork({
    inputs: m, width: options.width ?? m, hiddenLayers: options.hiddenLayers ?? 4, dropout: options.dropout ?? 0.1, seed,
    normalization: norm ? { mean: columns.map((j) => norm.mean[j]), std: columns.map((j) => norm.std[j]) } : undefined,
  }));
  let best: Mlp | undefined;
  let trainer: Trainer | undefined;
  try {
    const perm = new Rng(seed + 2).permutation(n);
    const rows = (from: number, to: number) => {
      const x = new Float64Array((to - from) * m), y = new Float64Array((to - from) * 2);
      for (let k = from; k < to; k++) {
        const i = perm[k], r = k - from;
        for (let c = 0; c < m; c++) x[r * m + c] = data.x[i * d + columns[c]];
        y[2 * r] = data.nA[i];
        y[2 * r + 1] = data.nB[i];
      }
      return { x, y };
    };
    const val = rows(0, nValidation), tr = rows(nValidation, n);
    trainer = new Trainer(net, { loss: 'bernoulli-nll', optimizer: 'adam', learningRate: options.learningRate ?? 5e-4, weightDecay: options.weightDecay ?? 0, batchSize: options.batchSize ?? 32, seed: seed + 1 });
    const trainLoss: number[] = [], validationLoss: number[] = [];
    let bestLoss = Infinity, bestEpoch = 0;
    for (let ep = 1; ep <= maxEpochs && ep - bestEpoch <= patience; ep++) {
      const [tl] = trainer.fit(tr.x, tr.y, nTrain, { epochs: 1 });
      const vl = trainer.evaluate(val.x, val.y, nValidation);
      trainLoss.push(tl);
      validationLoss.push(vl);
      options.onEpoch?.(ep, tl, vl);
      if (vl < bestLoss) {
        bestLoss = vl;
        bestEpoch = ep;
        best?.dispose();
        best = net.clone();
      }
    }
    if (!best) throw new Error('fitCommittor: the validation loss was never finite');
    const model = new CommittorModel(best, m === d && columns.every((c, j) => c === j) ? undefined : { columns, of: d });
    best = undefined;
    return { model, bestEpoch, trainLoss, validationLoss, nTrain, nValidation };
  } finally {
    best?.dispose();
    trainer?.dispose();
    net.dispose();
  }
}
