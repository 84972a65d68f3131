import type * as TF from '@tensorflow/tfjs';
import { tf } from '../nn/backend.js';
import { checkInputs } from '../nn/index.js';
import { Rng } from '../dynamics/rng.js';
import { basinWeights, energyIntervalWeights } from './weights.js';
import { classificationLoss, energyLoss, pairEnergyLoss, reconstructionLoss, weightPenalty } from './losses.js';
import type { MultitaskModel } from './model.js';

/** Labelled configurations: x [n][dim], basin label per configuration, potential energy in eV. */
export interface MultitaskData {
  x: Float64Array;
  n: number;
  labels: Int32Array;
  energies: Float64Array;
}

/** The loss terms of Eq. 1 (and the baselines' Eqs. 11, 13). */
export type LossTerm = 'clf' | 'pe' | 'reg' | 'pair' | 'reconst';

export interface MultitaskTrainOptions {
  epochs: number;
  /** Minibatch size; default 256. */
  batchSize?: number;
  /** Starting Adam learning rate; default 3e-3. */
  learningRate?: number;
  /** The learning rate is multiplied by `decayFactor` (default 0.95: cut 5 %) every `decayEvery` (20) epochs. */
  decayEvery?: number;
  decayFactor?: number;
  /** Epochs with random prefactors c_p ~ Unif(0, M_p) (Eq. 6), drawn per epoch; default 100. */
  randomEpochs?: number;
  /** Energy intervals of the u_i weights (Eq. 3); default 20. */
  energyBins?: number;
  /** Initial share of the regularisation term in the loss (< 5 % in the paper); default 0.02. */
  regShare?: number;
  /** Eq. 12 parameters of the pair loss, eV; default V0 0.2, width 0.05. */
  pair?: { V0: number; width: number };
  seed: number;
  onEpoch?: (epoch: number, record: EpochRecord) => void;
}

export interface EpochRecord {
  /** Mean over the epoch's minibatches of each term (without prefactors). */
  terms: Partial<Record<LossTerm, number>>;
  /** Prefactors used in the epoch. */
  c: Partial<Record<LossTerm, number>>;
  learningRate: number;
}

export interface MultitaskHistory {
  /** M_p of Eq. 6: the data terms start equal (M_p L_p(0) = 1 each) and the regularisation at `regShare` of their sum. */
  magnitudes: Partial<Record<LossTerm, number>>;
  /** Term values of the untrained model on the training data. */
  initial: Partial<Record<LossTerm, number>>;
  epochs: EpochRecord[];
}

/** The data terms each kind trains (the regularisation of the encoder weights is always added). */
export function dataTerms(kind: MultitaskModel['kind']): LossTerm[] {
  switch (kind) {
    case 'multitask': return ['clf', 'pe'];
    case 'classifier': return ['clf'];
    case 'pep': return ['pe'];
    case 'pair': return ['pair'];
    case 'autoencoder': return ['reconst'];
  }
}

export function checkMultitaskData(model: MultitaskModel, data: MultitaskData, where: string): void {
  const c = model.config;
  checkInputs(`${where} (x)`, data.x, data.n, c.inputDim);
  if (data.n < 2) throw new RangeError(`${where}: need at least 2 configurations, got ${data.n}`);
  if (data.labels.length !== data.n || data.energies.length !== data.n) throw new RangeError(`${where}: ${data.labels.length} labels and ${data.energies.length} energies for ${data.n} configurations`);
  data.labels.forEach((l, i) => { if (!Number.isInteger(l) || l < 0 || l >= c.nClasses) throw new RangeError(`${where}: label ${i} is ${l}, not a basin in 0..${c.nClasses - 1}`); });
  data.energies.forEach((e, i) => { if (!Number.isFinite(e)) throw new RangeError(`${where}: energy ${i} is ${e}`); });
}

interface Batch {
  x: TF.Tensor2D;
  onehot: TF.Tensor2D;
  labels: TF.Tensor1D;
  energies: TF.Tensor1D;
  w: TF.Tensor1D;
  u: TF.Tensor1D;
  r: TF.Tensor1D;
}

/** The loss terms of one minibatch (tensors, inside a tidy / gradient closure). */
function batchTerms(model: MultitaskModel, b: Batch, terms: LossTerm[], pair: { V0: number; width: number }): Partial<Record<LossTerm, TF.Scalar>> {
  const xi = model.encoder.forward(b.x);
  const out: Partial<Record<LossTerm, TF.Scalar>> = {};
  for (const t of terms) {
    if (t === 'clf') out.clf = classificationLoss(model.classifier!.forward(xi), b.onehot, b.w);
    else if (t === 'pe') out.pe = energyLoss(model.energyTensor(xi), b.energies, b.u);
    else if (t === 'pair') out.pair = pairEnergyLoss(xi, b.energies, b.labels, pair.V0, pair.width);
    else if (t === 'reconst') out.reconst = reconstructionLoss(model.decoder!.forward(xi), model.standardized(b.x), b.r);
    else out.reg = weightPenalty(model.encoder.kernels);
  }
  return out;
}

/**
 * Trains a MultitaskModel (any kind) with Adam on the joint loss L = sum_p c_p L_p (Eq. 1): weighted
 * cross entropy (Eq. 2, weights normalised per basin), weighted energy L2 (Eq. 3, each energy interval
 * contributing equally), the squared encoder weights, or a baseline's pair (Eq. 11) or reconstruction
 * (Eq. 13) term. For the first `randomEpochs` epochs every c_p is drawn from Unif(0, M_p) (Eq. 6) each
 * epoch, afterwards c_p = M_p / 2 (the mean of that phase). M_p is set from the untrained model so that
 * the data terms start equal and the regularisation at `regShare` of them. The learning rate is cut 5 %
 * every 20 epochs. Deterministic for a given seed (shuffling and prefactors from our Rng).
 */
export function trainMultitask(model: MultitaskModel, data: MultitaskData, options: MultitaskTrainOptions): MultitaskHistory {
  checkMultitaskData(model, data, 'trainMultitask');
  const o = {
    batchSize: options.batchSize ?? 256, learningRate: options.learningRate ?? 3e-3, decayEvery: options.decayEvery ?? 20, decayFactor: options.decayFactor ?? 0.95,
    randomEpochs: options.randomEpochs ?? 100, energyBins: options.energyBins ?? 20, regShare: options.regShare ?? 0.02, pair: options.pair ?? { V0: 0.2, width: 0.05 },
  };
  if (!Number.isInteger(options.epochs) || options.epochs < 0) throw new RangeError(`trainMultitask: epochs must be a non-negative integer, got ${options.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 2) throw new RangeError(`trainMultitask: batchSize must be an integer ≥ 2, got ${o.batchSize}`);
  if (!(o.learningRate > 0)) throw new RangeError(`trainMultitask: learningRate must be positive, got ${o.learningRate}`);
  if (!(o.regShare > 0 && o.regShare < 0.05)) throw new RangeError(`trainMultitask: regShare must be in (0, 0.05) (the paper keeps the regularisation below 5 %), got ${o.regShare}`);
  const { n } = data, d = model.config.inputDim, K = model.config.nClasses;
  // Full-data weights, each summing to 1; a minibatch of b uses weight * n / b so its sum estimates the full sum.
  const w = basinWeights(data.labels, K), u = energyIntervalWeights(data.energies, o.energyBins);
  const terms: LossTerm[] = [...dataTerms(model.kind), 'reg'];
  const rng = new Rng(options.seed);
  const bs = Math.min(o.batchSize, n);

  const makeBatch = (idx: ArrayLike<number>): Batch => {
    const b = idx.length, scale = n / b;
    const xb = new Float32Array(b * d), oh = new Float32Array(b * K), lb = new Float32Array(b), eb = new Float32Array(b), wb = new Float32Array(b), ub = new Float32Array(b), rb = new Float32Array(b);
    for (let i = 0; i < b; i++) {
      const r = idx[i];
      for (let k = 0; k < d; k++) xb[i * d + k] = data.x[r * d + k];
      oh[i * K + data.labels[r]] = 1;
      lb[i] = data.labels[r];
      eb[i] = data.energies[r];
      wb[i] = w[r] * scale;
      ub[i] = u[r] * scale;
      rb[i] = 1 / b;
    }
    return { x: tf.tensor2d(xb, [b, d]), onehot: tf.tensor2d(oh, [b, K]), labels: tf.tensor1d(lb), energies: tf.tensor1d(eb), w: tf.tensor1d(wb), u: tf.tensor1d(ub), r: tf.tensor1d(rb) };
  };
  const disposeBatch = (b: Batch) => tf.dispose(Object.values(b));

  // Initial term values on (up to 4096 of) the training data fix the magnitudes M_p.
  const probe = new Rng(options.seed + 1).permutation(n).slice(0, Math.min(n, 4096));
  const initial: Partial<Record<LossTerm, number>> = {};
  {
    const b = makeBatch(probe);
    const vals = tf.tidy(() => batchTerms(model, b, terms, o.pair));
    for (const t of terms) { initial[t] = vals[t]!.dataSync()[0]; vals[t]!.dispose(); }
    disposeBatch(b);
  }
  const magnitudes: Partial<Record<LossTerm, number>> = {};
  const dataT = dataTerms(model.kind);
  for (const t of dataT) {
    if (!(initial[t]! > 0)) throw new RangeError(`trainMultitask: the initial ${t} term is ${initial[t]}; cannot scale it`);
    magnitudes[t] = 1 / initial[t]!;
  }
  magnitudes.reg = initial.reg! > 0 ? (o.regShare * dataT.length) / initial.reg! : 0;

  const optimizer = tf.train.adam(o.learningRate);
  // tfjs's Adam reads its learningRate field at every step, so the schedule sets it in place.
  const setRate = (lr: number) => { (optimizer as unknown as { learningRate: number }).learningRate = lr; };
  const vars = model.variables;
  const history: MultitaskHistory = { magnitudes, initial, epochs: [] };
  try {
    for (let ep = 0; ep < options.epochs; ep++) {
      const lr = o.learningRate * o.decayFactor ** Math.floor(ep / o.decayEvery);
      setRate(lr);
      const c: Partial<Record<LossTerm, number>> = {};
      for (const t of terms) c[t] = ep < o.randomEpochs ? rng.uniform(0, magnitudes[t]!) : magnitudes[t]! / 2;
      const perm = rng.permutation(n);
      const sums: Partial<Record<LossTerm, number>> = {};
      let batches = 0;
      for (let s = 0; s + bs <= n || (s < n && batches === 0); s += bs) {
        const b = makeBatch(perm.subarray(s, Math.min(n, s + bs)));
        let parts: TF.Scalar[] = [];
        try {
          const { value, grads } = optimizer.computeGradients(() => {
            const tv = batchTerms(model, b, terms, o.pair);
            parts = terms.map((t) => tf.keep(tv[t]!));
            return tf.addN(terms.map((t, k) => tf.mul(parts[k], c[t]!))) as TF.Scalar;
          }, vars);
          const lv = value.dataSync()[0];
          if (!Number.isFinite(lv)) throw new RangeError(`trainMultitask: the loss became ${lv} at epoch ${ep + 1}; lower the learning rate`);
          optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
          tf.dispose([value, ...Object.values(grads)]);
          const stacked = tf.stack(parts), pv = stacked.dataSync();
          stacked.dispose();
          terms.forEach((t, k) => { sums[t] = (sums[t] ?? 0) + pv[k]; });
        } finally {
          tf.dispose(parts);
          disposeBatch(b);
        }
        batches++;
      }
      const rec: EpochRecord = { terms: Object.fromEntries(terms.map((t) => [t, sums[t]! / batches])), c, learningRate: lr };
      history.epochs.push(rec);
      options.onEpoch?.(ep + 1, rec);
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}

/** Test-set metrics: classification accuracy and energy mean absolute error (eV). */
export function evaluateMultitask(model: MultitaskModel, data: MultitaskData): { accuracy?: number; energyMae?: number } {
  checkMultitaskData(model, data, 'evaluateMultitask');
  const p = model.predict(data.x, data.n);
  let accuracy: number | undefined, energyMae: number | undefined;
  if (p.labels) {
    let ok = 0;
    for (let i = 0; i < data.n; i++) if (p.labels[i] === data.labels[i]) ok++;
    accuracy = ok / data.n;
  }
  if (p.energies) {
    let s = 0;
    for (let i = 0; i < data.n; i++) s += Math.abs(p.energies[i] - data.energies[i]);
    energyMae = s / data.n;
  }
  return { accuracy, energyMae };
}
