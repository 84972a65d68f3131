import type * as TF from '@tensorflow/tfjs';
import { Mlp, Trainer, tf, nextSeed, readJson, requireBackend, writeJson, checkInputs, type Activation, type MlpJson } from '../nn/index.js';
import { Rng } from '../dynamics/rng.js';
import { inputGradient } from './input-gradient.js';

/**
 * Conditional Wasserstein GAN with gradient penalty (Gulrajani et al. 2017; Mirza & Osindero 2014), the
 * decoder D of the latent space simulator (LSS paper Sec. 2.3, Eq. 6): a generator G(psi, z) -> x driven
 * by d-dimensional standard Gaussian noise z and conditioned on the latent coordinates psi, and a critic
 * C(psi, x) -> R, trained adversarially on (psi_g, x_g) pairs:
 *   critic    minimises  E[C(psi, G(psi, z))] - E[C(psi, x)] + lambda E[(||grad_x C(psi, x_hat)||_2 - 1)^2],
 *             x_hat = eps x + (1 - eps) G(psi, z), eps ~ U(0, 1) per sample (the penalty keeps C 1-Lipschitz
 *             in x, the K-Lipschitz family of Eq. 6);
 *   generator minimises -E[C(psi, G(psi, z))],
 * with `criticSteps` critic updates per generator update. Both networks are lib/nn Mlps trained by lib/nn
 * Trainers with custom losses; the penalty's input gradient is an explicit expression (input-gradient.ts).
 * Conditions and configurations are standardised per coordinate (stored in the model); the decoder
 * returns configurations in the caller's units (e.g. aligned Cartesian nm).
 *
 * Status: the penalty's gradient is tested (tests/lss/input-gradient.test.ts) and decoding, save and load
 * are tested through the assembled simulator, but trainCwgan has NOT yet been shown to learn a known
 * conditional law: on psi ~ U(-1, 1), x = (0.8 psi + 0.3 xi1, psi^2 + 0.15 xi2) with [64, 64] networks,
 * 600 generator updates (batch 512, learning rate 1e-3) gave E[x1 | psi = -0.7] = -1.34 (exact -0.56) and
 * conditional standard deviations off by up to 2x; each update cost ~1 s of wall time on the loaded
 * 2-core machine, so longer runs were not made. Treat its output as unvalidated.
 */
export interface CwganOptions {
  /** Noise dimension d; default 50 (the paper). */
  noiseDim?: number;
  /** Hidden widths of generator and critic; default [200, 200, 200] (the paper). */
  hidden?: number[];
  /** Hidden activation; default 'swish' (the paper). */
  activation?: Activation;
  /** Generator updates; default 2000. */
  iterations?: number;
  /** Critic updates per generator update; default 5. */
  criticSteps?: number;
  /** Gradient-penalty weight lambda; default 10. */
  gradientPenalty?: number;
  /** Adam settings of both networks; defaults 1e-4, 0.5, 0.9 (WGAN-GP practice). */
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  /** Samples per update; default 128. */
  batchSize?: number;
  seed?: number;
  /** Called every `progressEvery` (default 100) generator updates with the mean losses since the last call. */
  onProgress?: (iteration: number, criticLoss: number, generatorLoss: number) => void;
  progressEvery?: number;
}

/** Saved form of a CwganDecoder (the generator and the scalings; the critic is not needed to decode). */
export interface CwganJson {
  format: 'rarelab.cwgan';
  version: 1;
  conditionDim: number;
  outputDim: number;
  noiseDim: number;
  conditionMean: number[];
  conditionStd: number[];
  outputMean: number[];
  outputStd: number[];
  generator: MlpJson;
  history?: { critic: number[]; generator: number[] };
}

function moments(x: ArrayLike<number>, n: number, dim: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(dim), std = new Float64Array(dim);
  for (let i = 0; i < n * dim; i++) mean[i % dim] += x[i] / n;
  for (let i = 0; i < n * dim; i++) std[i % dim] += (x[i] - mean[i % dim]) ** 2 / n;
  for (let k = 0; k < dim; k++) std[k] = std[k] > 1e-24 ? Math.sqrt(std[k]) : 1;
  return { mean, std };
}

/** The trained decoder: latent coordinates psi [n][m] -> generated configurations [n][outputDim]. */
export class CwganDecoder {
  readonly conditionDim: number;
  readonly outputDim: number;

  constructor(
    private readonly generator: Mlp,
    readonly noiseDim: number,
    private readonly cMean: Float64Array,
    private readonly cStd: Float64Array,
    private readonly xMean: Float64Array,
    private readonly xStd: Float64Array,
    readonly history?: CwganJson['history'],
  ) {
    this.conditionDim = cMean.length;
    this.outputDim = xMean.length;
    if (generator.inputDim !== this.conditionDim + noiseDim || generator.outputDim !== this.outputDim) {
      throw new RangeError(`CwganDecoder: generator maps ${generator.inputDim} -> ${generator.outputDim}, expected ${this.conditionDim} + ${noiseDim} -> ${this.outputDim}`);
    }
  }

  /**
   * One generated configuration per row of psi [n][m]: G(psi, z) with z ~ N(0, I_d) from Rng(seed).
   * Same seed, same output.
   */
  decode(psi: ArrayLike<number>, n: number, seed: number): Float64Array {
    const m = this.conditionDim, d = this.noiseDim, D = this.outputDim;
    checkInputs('CwganDecoder.decode', psi, n, m);
    const rng = new Rng(seed);
    const input = new Float64Array(n * (m + d));
    for (let p = 0; p < n; p++) {
      for (let k = 0; k < m; k++) input[p * (m + d) + k] = (psi[p * m + k] - this.cMean[k]) / this.cStd[k];
      for (let k = 0; k < d; k++) input[p * (m + d) + m + k] = rng.normal();
    }
    const y = this.generator.predict(input, n);
    for (let i = 0; i < n * D; i++) y[i] = this.xMean[i % D] + this.xStd[i % D] * y[i];
    return y;
  }

  toJSON(): CwganJson {
    return {
      format: 'rarelab.cwgan', version: 1, conditionDim: this.conditionDim, outputDim: this.outputDim, noiseDim: this.noiseDim,
      conditionMean: Array.from(this.cMean), conditionStd: Array.from(this.cStd), outputMean: Array.from(this.xMean), outputStd: Array.from(this.xStd),
      generator: this.generator.toJSON(), history: this.history,
    };
  }

  static fromJSON(json: CwganJson): CwganDecoder {
    if (!json || json.format !== 'rarelab.cwgan') throw new TypeError(`CwganDecoder.fromJSON: not a rarelab.cwgan object (format ${JSON.stringify(json?.format)})`);
    if (json.version !== 1) throw new TypeError(`CwganDecoder.fromJSON: unsupported version ${json.version}`);
    return new CwganDecoder(Mlp.fromJSON(json.generator), json.noiseDim, Float64Array.from(json.conditionMean), Float64Array.from(json.conditionStd), Float64Array.from(json.outputMean), Float64Array.from(json.outputStd), json.history);
  }

  save(path: string): void {
    writeJson(path, this.toJSON());
  }

  static load(path: string): CwganDecoder {
    return CwganDecoder.fromJSON(readJson(path, 'CwganDecoder.load') as CwganJson);
  }

  dispose(): void {
    this.generator.dispose();
  }
}

/**
 * Trains the cWGAN-GP decoder on n pairs of conditions psi [n][m] and configurations x [n][D] (e.g. SRV
 * coordinates of each MD frame and its aligned Cartesian coordinates).
 */
export function trainCwgan(psi: ArrayLike<number>, x: ArrayLike<number>, n: number, m: number, D: number, options: CwganOptions = {}): CwganDecoder {
  requireBackend('trainCwgan');
  checkInputs('trainCwgan (conditions)', psi, n, m);
  checkInputs('trainCwgan (configurations)', x, n, D);
  if (n < 2) throw new RangeError('trainCwgan: need at least two samples');
  const d = options.noiseDim ?? 50;
  const hidden = options.hidden ?? [200, 200, 200];
  const activation = options.activation ?? 'swish';
  const iterations = options.iterations ?? 2000;
  const nCritic = options.criticSteps ?? 5;
  const lambda = options.gradientPenalty ?? 10;
  const bs = Math.min(options.batchSize ?? 128, n);
  const every = options.progressEvery ?? 100;
  for (const [v, what] of [[d, 'noiseDim'], [iterations, 'iterations'], [nCritic, 'criticSteps'], [bs, 'batchSize'], [every, 'progressEvery']] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`trainCwgan: ${what} must be a positive integer, got ${v}`);
  }
  if (!(lambda >= 0)) throw new RangeError(`trainCwgan: gradientPenalty must be non-negative, got ${lambda}`);
  const seed = options.seed ?? nextSeed();
  const rng = new Rng(seed);
  const cs = moments(psi, n, m), xs = moments(x, n, D);
  const c = Float64Array.from(psi, (v, i) => (v - cs.mean[i % m]) / cs.std[i % m]);
  const y = Float64Array.from(x, (v, i) => (v - xs.mean[i % D]) / xs.std[i % D]);

  const generator = new Mlp({ layers: [m + d, ...hidden, D], activation, seed: rng.seedInt() });
  const critic = new Mlp({ layers: [m + D, ...hidden, 1], activation, seed: rng.seedInt() });
  const adam = { learningRate: options.learningRate ?? 1e-4, beta1: options.beta1 ?? 0.5, beta2: options.beta2 ?? 0.9, batchSize: bs };
  // Critic: inputs (psi, x_real), prediction C(psi, x_real); targets (psi, x_real, x_fake, eps).
  const criticLoss = (pred: TF.Tensor2D, t: TF.Tensor2D) => {
    const b = t.shape[0];
    const cond = tf.slice(t, [0, 0], [b, m]);
    const real = tf.slice(t, [0, m], [b, D]);
    const fake = tf.slice(t, [0, m + D], [b, D]);
    const eps = tf.slice(t, [0, m + 2 * D], [b, 1]);
    const wasserstein = tf.sub(tf.mean(critic.forward(tf.concat([cond, fake], 1) as TF.Tensor2D)), tf.mean(pred));
    if (lambda === 0) return wasserstein as TF.Scalar;
    const hat = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
    const g = inputGradient(critic, tf.concat([cond, hat], 1) as TF.Tensor2D, m, m + D);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(g), 1), 1e-12));
    return tf.add(wasserstein, tf.mul(tf.mean(tf.square(tf.sub(norm, 1))), lambda)) as TF.Scalar;
  };
  // Generator: inputs (psi, z), prediction G(psi, z); targets psi.
  const generatorLoss = (pred: TF.Tensor2D, cond: TF.Tensor2D) => tf.neg(tf.mean(critic.forward(tf.concat([cond, pred], 1) as TF.Tensor2D))) as TF.Scalar;
  const criticTrainer = new Trainer(critic, { ...adam, loss: criticLoss, targetDim: m + 2 * D + 1, seed: rng.seedInt() });
  const generatorTrainer = new Trainer(generator, { ...adam, loss: generatorLoss, targetDim: m, seed: rng.seedInt() });

  const gIn = new Float64Array(bs * (m + d));
  const cIn = new Float64Array(bs * (m + D)), cTarget = new Float64Array(bs * (m + 2 * D + 1));
  const gCond = new Float64Array(bs * m);
  const history = { critic: [] as number[], generator: [] as number[] };
  let sumC = 0, sumG = 0, since = 0;
  /** Fills gIn with a random batch's conditions and fresh noise; returns the batch's rows. */
  const drawBatch = (): Int32Array => {
    const rows = Int32Array.from({ length: bs }, () => rng.int(n));
    for (let i = 0; i < bs; i++) {
      for (let k = 0; k < m; k++) gIn[i * (m + d) + k] = c[rows[i] * m + k];
      for (let k = 0; k < d; k++) gIn[i * (m + d) + m + k] = rng.normal();
    }
    return rows;
  };
  try {
    for (let it = 1; it <= iterations; it++) {
      for (let s = 0; s < nCritic; s++) {
        const rows = drawBatch();
        const fake = generator.predict(gIn, bs);
        const w = m + 2 * D + 1;
        for (let i = 0; i < bs; i++) {
          const r = rows[i];
          for (let k = 0; k < m; k++) { cIn[i * (m + D) + k] = c[r * m + k]; cTarget[i * w + k] = c[r * m + k]; }
          for (let k = 0; k < D; k++) { cIn[i * (m + D) + m + k] = y[r * D + k]; cTarget[i * w + m + k] = y[r * D + k]; cTarget[i * w + m + D + k] = fake[i * D + k]; }
          cTarget[i * w + m + 2 * D] = rng.uniform();
        }
        const [l] = criticTrainer.fit(cIn, cTarget, bs);
        sumC += l / nCritic;
      }
      const rows = drawBatch();
      for (let i = 0; i < bs; i++) for (let k = 0; k < m; k++) gCond[i * m + k] = c[rows[i] * m + k];
      const [lg] = generatorTrainer.fit(gIn, gCond, bs);
      sumG += lg;
      since++;
      if (it % every === 0 || it === iterations) {
        history.critic.push(sumC / since);
        history.generator.push(sumG / since);
        options.onProgress?.(it, sumC / since, sumG / since);
        sumC = sumG = since = 0;
      }
    }
  } catch (e) {
    generator.dispose();
    throw e;
  } finally {
    criticTrainer.dispose();
    generatorTrainer.dispose();
    critic.dispose();
  }
  return new CwganDecoder(generator, d, cs.mean, cs.std, xs.mean, xs.std, history);
}
