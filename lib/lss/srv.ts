import type * as TF from '@tensorflow/tfjs';
import { Mlp, Trainer, tf, nextSeed, readJson, requireBackend, writeJson, checkInputs, type Activation, type MlpJson } from '../nn/index.js';
import { laggedCovariances } from '../kinetics/covariance.js';
import { ticaFromCovariances, vamp2Score } from '../kinetics/tica.js';
import { reversibleVamp2 } from './vamp-loss.js';
import { laggedPairs, splitTrajectories } from './pairs.js';
import { fitWithEarlyStopping } from './early-stopping.js';

/**
 * State-free reversible VAMPnet (SRV; Chen, Sidky & Ferguson, J. Chem. Phys. 151, 064123 (2019)), the
 * encoder E of the latent space simulator (LSS paper Sec. 2.1). One network f: features -> R^k is applied
 * to both x_t and x_{t+lag} (twin lobes with shared weights) and trained to maximise the reversible
 * VAMP-2 score of its outputs (vamp-loss.ts). After training, the generalised eigenproblem
 * C01 v = lambda C00 v of the outputs' reversible covariances over all frames (TICA of the outputs,
 * lib/kinetics) gives the ordered slow coordinates psi_i = v_i . (f(x) - mean), i = 1..k, unit variance
 * and mutually uncorrelated, approximating the leading eigenfunctions of the transfer operator (Eq. 3),
 * with eigenvalues lambda_i and implied timescales t_i = -lag dt / ln lambda_i. The latent dimension m
 * is taken at the largest gap in the timescale spectrum (eigenvalueGap) unless given.
 */
export interface SrvOptions {
  /** Lag time in frames. */
  lag: number;
  /** Network outputs k (eigenfunctions estimated); default 4. */
  outputs?: number;
  /** Hidden layer widths; default [100, 100] (the paper's SRV). */
  hidden?: number[];
  /** Hidden activation; default 'tanh' (the paper's SRV). */
  activation?: Activation;
  /** Adam learning rate; default 1e-2 (the paper's SRV). */
  learningRate?: number;
  /** Pairs per minibatch (VAMP-2 is a batch statistic: large batches); default 5000. */
  batchSize?: number;
  /** Early stopping on the validation VAMP-2 score: at most maxEpochs (default 100), patience (default 10). */
  maxEpochs?: number;
  patience?: number;
  /** Held-out trailing fraction of every trajectory for early stopping; default 0.2. */
  validationFraction?: number;
  /** Added to the diagonal of C00 in the training loss (outputs' squared unit); default 1e-6. */
  epsilon?: number;
  /** Time per frame, for timescales (any unit); default 1 (frames). */
  dt?: number;
  /** Latent dimension m; default from the eigenvalue gap. */
  dimension?: number;
  /** Seed of the weights and the minibatch order; default from lib/nn's global seed. */
  seed?: number;
  onEpoch?: (epoch: number, trainScore: number, validationScore: number) => void;
}

/**
 * Latent dimension from the gap in the spectrum: the m in 1..k-1 with the largest ratio of
 * consecutive implied timescales t_m / t_{m+1} (equivalently ln lambda_{m+1} / ln lambda_m). Eigenvalues
 * must be decreasing; the search stops at the first eigenvalue <= 0 (no timescale). Returns 1 when fewer
 * than two positive eigenvalues exist.
 */
export function eigenvalueGap(eigenvalues: ArrayLike<number>): number {
  let best = 1, bestRatio = -Infinity;
  for (let i = 0; i + 1 < eigenvalues.length; i++) {
    const a = eigenvalues[i], b = eigenvalues[i + 1];
    if (!(a > 0 && a < 1 && b > 0)) break;
    const ratio = Math.log(b) / Math.log(a); // t_i / t_{i+1}
    if (ratio > bestRatio) { bestRatio = ratio; best = i + 1; }
  }
  return best;
}

/** Saved form of an SrvModel. */
export interface SrvModelJson {
  format: 'rarelab.srv';
  version: 1;
  lag: number;
  dt: number;
  dimension: number;
  net: MlpJson;
  /** Mean of the network outputs (reversible estimate), [k]. */
  mean: number[];
  /** Eigenvalues, decreasing, [k]. */
  eigenvalues: number[];
  /** [k][k] row-major; column i is v_i. */
  vectors: number[];
  history?: { train: number[]; validation: number[]; bestEpoch: number };
}

/** The trained SRV encoder: features [n][inputDim] -> slow coordinates psi [n][m]. Immutable. */
export class SrvModel {
  readonly inputDim: number;
  readonly outputs: number;
  readonly eigenvalues: Float64Array;
  readonly history?: SrvModelJson['history'];

  constructor(
    private readonly net: Mlp,
    readonly lag: number,
    readonly dt: number,
    readonly dimension: number,
    private readonly mean: Float64Array,
    eigenvalues: Float64Array,
    private readonly vectors: Float64Array,
    history?: SrvModelJson['history'],
  ) {
    this.inputDim = net.inputDim;
    this.outputs = net.outputDim;
    const k = this.outputs;
    if (mean.length !== k || eigenvalues.length !== k || vectors.length !== k * k) throw new RangeError(`SrvModel: mean, eigenvalues and vectors must have ${k}, ${k}, ${k * k} entries for ${k} network outputs`);
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > k) throw new RangeError(`SrvModel: dimension must be in 1..${k}, got ${dimension}`);
    this.eigenvalues = Float64Array.from(eigenvalues);
    this.history = history;
  }

  /** Implied timescales t_i = -lag dt / ln lambda_i (NaN where lambda_i <= 0), in the unit of dt. */
  timescales(): Float64Array {
    return this.eigenvalues.map((l) => (l > 0 ? (-this.lag * this.dt) / Math.log(l) : NaN));
  }

  /** Reversible VAMP-2 score 1 + sum_{i<=m} lambda_i^2 of the first m coordinates (default all k). */
  vamp2(m = this.outputs): number {
    let s = 1;
    for (let i = 0; i < m; i++) s += this.eigenvalues[i] ** 2;
    return s;
  }

  /** Slow coordinates psi_1..psi_m of n frames of features, [n][m]; m defaults to `dimension`. */
  encode(x: ArrayLike<number>, n: number, m = this.dimension): Float64Array {
    const k = this.outputs;
    if (!Number.isInteger(m) || m < 1 || m > k) throw new RangeError(`SrvModel.encode: m must be in 1..${k}, got ${m}`);
    checkInputs('SrvModel.encode', x, n, this.inputDim);
    const f = this.net.predict(x, n);
    const out = new Float64Array(n * m);
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < m; q++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += (f[p * k + i] - this.mean[i]) * this.vectors[i * k + q];
        out[p * m + q] = s;
      }
    }
    return out;
  }

  toJSON(): SrvModelJson {
    return {
      format: 'rarelab.srv', version: 1, lag: this.lag, dt: this.dt, dimension: this.dimension, net: this.net.toJSON(),
      mean: Array.from(this.mean), eigenvalues: Array.from(this.eigenvalues), vectors: Array.from(this.vectors), history: this.history,
    };
  }

  static fromJSON(json: SrvModelJson): SrvModel {
    if (!json || json.format !== 'rarelab.srv') throw new TypeError(`SrvModel.fromJSON: not a rarelab.srv object (format ${JSON.stringify(json?.format)})`);
    if (json.version !== 1) throw new TypeError(`SrvModel.fromJSON: unsupported version ${json.version}`);
    return new SrvModel(Mlp.fromJSON(json.net), json.lag, json.dt, json.dimension, Float64Array.from(json.mean), Float64Array.from(json.eigenvalues), Float64Array.from(json.vectors), json.history);
  }

  save(path: string): void {
    writeJson(path, this.toJSON());
  }

  /** Restores a model written by `save` (needs `await initBackend()` first). */
  static load(path: string): SrvModel {
    return SrvModel.fromJSON(readJson(path, 'SrvModel.load') as SrvModelJson);
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** Per-feature mean and standard deviation over all frames (the network's built-in input standardisation). */
function featureScaling(trajectories: readonly Float64Array[], dim: number): { mean: number[]; std: number[] } {
  const mean = new Float64Array(dim), sq = new Float64Array(dim);
  let n = 0;
  for (const x of trajectories) for (let f = 0; f < x.length / dim; f++, n++) for (let k = 0; k < dim; k++) { mean[k] += x[f * dim + k]; sq[k] += x[f * dim + k] ** 2; }
  const std = new Float64Array(dim);
  for (let k = 0; k < dim; k++) { mean[k] /= n; std[k] = Math.sqrt(Math.max(sq[k] / n - mean[k] ** 2, 0)); }
  // a constant feature carries no information; std 1 leaves it at zero instead of dividing by zero
  return { mean: Array.from(mean), std: Array.from(std, (s) => (s > 1e-12 ? s : 1)) };
}

/** Network outputs of every frame of each trajectory. */
function outputsOf(net: Mlp, trajectories: readonly Float64Array[], dim: number): Float64Array[] {
  return trajectories.map((x) => net.predict(x, x.length / dim));
}

/**
 * Trains an SRV on featurised trajectories ([frames][dim] each, frames `dt` apart) and returns the
 * encoder with its eigenvalues. Early stopping keeps the network of the best validation VAMP-2 score
 * (closed form on the held-out frames, float64).
 */
export function trainSrv(trajectories: readonly Float64Array[], dim: number, options: SrvOptions): SrvModel {
  requireBackend('trainSrv');
  const lag = options.lag;
  const k = options.outputs ?? 4;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`trainSrv: outputs must be a positive integer, got ${k}`);
  const dt = options.dt ?? 1;
  if (!(dt > 0)) throw new RangeError(`trainSrv: dt must be positive, got ${dt}`);
  const seed = options.seed ?? nextSeed();
  const { train, validation } = splitTrajectories(trajectories, dim, options.validationFraction ?? 0.2, lag);
  const pairs = laggedPairs(train, dim, lag);
  const net = new Mlp({
    layers: [dim, ...(options.hidden ?? [100, 100]), k],
    activation: options.activation ?? 'tanh',
    normalization: featureScaling(trajectories, dim),
    seed,
  });
  const epsilon = options.epsilon ?? 1e-6;
  // Twin lobes: the Trainer feeds x_t through `net`; the loss sends the target x_{t+lag} through the
  // same network, so both lobes share (and train) one set of weights.
  const loss = (pred: TF.Tensor2D, target: TF.Tensor2D) => tf.neg(reversibleVamp2(pred, net.forward(target), epsilon)) as TF.Scalar;
  const trainer = new Trainer(net, { loss, targetDim: dim, learningRate: options.learningRate ?? 1e-2, batchSize: options.batchSize ?? 5000, seed: seed + 1 });
  const validate = () => vamp2Score(laggedCovariances(outputsOf(net, validation, dim), k, lag, { reversible: true }));
  let result;
  try {
    result = fitWithEarlyStopping(trainer, { x: pairs.x0, y: pairs.x1, n: pairs.n }, validate, {
      maxEpochs: options.maxEpochs ?? 100, patience: options.patience ?? 10, direction: 'max',
      onEpoch: options.onEpoch && ((e, l, v) => options.onEpoch!(e, -l, v)),
    });
  } finally {
    trainer.dispose();
    net.dispose();
  }
  const best = result.best;
  const tica = ticaFromCovariances(laggedCovariances(outputsOf(best, trajectories, dim), k, lag, { reversible: true }), { dt, epsilon: 1e-12 });
  if (tica.components < k) {
    best.dispose();
    throw new RangeError(`trainSrv: the ${k} network outputs span only ${tica.components} dimensions; use fewer outputs`);
  }
  // Fix each eigenvector's sign (arbitrary in the eigenproblem) so that the largest entry is positive.
  const V = Float64Array.from(tica.vectors);
  for (let q = 0; q < k; q++) {
    let big = 0;
    for (let i = 0; i < k; i++) if (Math.abs(V[i * k + q]) > Math.abs(big)) big = V[i * k + q];
    if (big < 0) for (let i = 0; i < k; i++) V[i * k + q] = -V[i * k + q];
  }
  const dimension = options.dimension ?? eigenvalueGap(tica.eigenvalues);
  return new SrvModel(best, lag, dt, dimension, tica.mean, tica.eigenvalues, V, { train: result.train.map((l) => -l), validation: result.validation, bestEpoch: result.bestEpoch });
}
