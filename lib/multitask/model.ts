import type * as TF from '@tensorflow/tfjs';
import { Mlp, checkInputs, readJson, writeJson, type Activation, type MlpJson } from '../nn/index.js';
import { tf } from '../nn/backend.js';

/**
 * Which heads are trained (Sun et al., Fig. 1 and Fig. 8): the multitask model (encoder + linear
 * classifier + potential-energy predictor, Eq. 1) and the single-task baselines built from the same
 * blocks — classifier only (L_clf), PEP only (L_pe), the pair loss Eq. 11 on the encoder alone, and an
 * autoencoder (encoder + decoder, Eq. 13).
 */
export type MultitaskKind = 'multitask' | 'classifier' | 'pep' | 'pair' | 'autoencoder';
export const MULTITASK_KINDS: readonly MultitaskKind[] = ['multitask', 'classifier', 'pep', 'pair', 'autoencoder'];

export interface MultitaskConfig {
  /** Cartesian input width (5 for the 5-D models, 63 for aligned alanine dipeptide). */
  inputDim: number;
  /** Width of the latent space xi (1 or 2 in the paper). */
  latentDim: number;
  /** Number of basins (classifier outputs). */
  nClasses: number;
  /** Encoder hidden widths, narrowing towards the latent layer, e.g. [32, 16, 8]. */
  encoderHidden: number[];
  /** PEP hidden widths, e.g. [16, 16]. */
  pepHidden?: number[];
  /** Decoder hidden widths (autoencoder); default the encoder's reversed. */
  decoderHidden?: number[];
  /** Hidden activation of encoder, PEP and decoder; default 'tanh'. The classifier is purely linear. */
  activation?: Activation;
  kind?: MultitaskKind;
  /** Input standardisation inside the encoder (per coordinate); default none. */
  inputNormalization?: { mean: number[]; std: number[] };
  /** The PEP predicts (V - mean) / std; default mean 0, std 1 (energies in eV). */
  energyScale?: { mean: number; std: number };
  /** Seed of all weight initialisations (encoder seed, classifier seed + 1, PEP + 2, decoder + 3). */
  seed: number;
}

export interface MultitaskJson {
  format: 'rarelab.multitask';
  version: 1;
  config: MultitaskConfig;
  encoder: MlpJson;
  classifier?: MlpJson;
  pep?: MlpJson;
  decoder?: MlpJson;
}

export interface MultitaskPrediction {
  /** Latent coordinates [n][latentDim]. */
  xi: Float64Array;
  /** Basin probabilities [n][nClasses] (classifier heads). */
  probabilities?: Float64Array;
  /** Most probable basin per configuration. */
  labels?: Int32Array;
  /** Predicted potential energy per configuration, eV (PEP heads). */
  energies?: Float64Array;
}

function checkConfig(c: MultitaskConfig): Required<Omit<MultitaskConfig, 'inputNormalization'>> & Pick<MultitaskConfig, 'inputNormalization'> {
  const pos = (v: number, what: string) => { if (!Number.isInteger(v) || v < 1) throw new RangeError(`MultitaskModel: ${what} must be a positive integer, got ${v}`); };
  pos(c.inputDim, 'inputDim');
  pos(c.latentDim, 'latentDim');
  if (!Number.isInteger(c.nClasses) || c.nClasses < 2) throw new RangeError(`MultitaskModel: nClasses must be an integer ≥ 2, got ${c.nClasses}`);
  if (!Array.isArray(c.encoderHidden)) throw new RangeError('MultitaskModel: encoderHidden must be an array of widths');
  const kind = c.kind ?? 'multitask';
  if (!MULTITASK_KINDS.includes(kind)) throw new RangeError(`MultitaskModel: kind must be one of ${MULTITASK_KINDS.join(', ')}, got ${String(kind)}`);
  const energyScale = c.energyScale ?? { mean: 0, std: 1 };
  if (!Number.isFinite(energyScale.mean) || !(energyScale.std > 0)) throw new RangeError('MultitaskModel: energyScale needs a finite mean and std > 0');
  if (!Number.isInteger(c.seed) || c.seed < 0) throw new RangeError(`MultitaskModel: seed must be a non-negative integer, got ${c.seed}`);
  return {
    inputDim: c.inputDim, latentDim: c.latentDim, nClasses: c.nClasses, encoderHidden: [...c.encoderHidden], pepHidden: [...(c.pepHidden ?? [16, 16])],
    decoderHidden: [...(c.decoderHidden ?? [...c.encoderHidden].reverse())], activation: c.activation ?? 'tanh', kind, inputNormalization: c.inputNormalization,
    energyScale: { ...energyScale }, seed: c.seed,
  };
}

/**
 * The multitask network of Sun et al. (Fig. 1): encoder x -> xi (layers narrowing to the latent width),
 * a purely linear softmax classifier g(xi) (so xi is a monotonic transformation of the basin probability,
 * Sec. II C) and a potential-energy predictor h(xi). Baselines (`kind`) carry only the heads they train.
 * Built from lib/nn Mlps; call `dispose()` to free the tensors.
 */
export class MultitaskModel {
  readonly config: ReturnType<typeof checkConfig>;
  readonly encoder: Mlp;
  readonly classifier?: Mlp;
  readonly pep?: Mlp;
  readonly decoder?: Mlp;

  constructor(config: MultitaskConfig, weights?: Omit<MultitaskJson, 'format' | 'version' | 'config'>) {
    const c = checkConfig(config);
    this.config = c;
    const act = c.activation;
    const build = (json: MlpJson | undefined, layers: number[], seed: number, extra: { normalization?: { mean: number[]; std: number[] } } = {}) =>
      json ? Mlp.fromJSON(json) : new Mlp({ layers, activation: act, outputActivation: 'linear', seed, ...extra });
    this.encoder = build(weights?.encoder, [c.inputDim, ...c.encoderHidden, c.latentDim], c.seed, { normalization: c.inputNormalization });
    if (c.kind === 'multitask' || c.kind === 'classifier') this.classifier = build(weights?.classifier, [c.latentDim, c.nClasses], c.seed + 1);
    if (c.kind === 'multitask' || c.kind === 'pep') this.pep = build(weights?.pep, [c.latentDim, ...c.pepHidden, 1], c.seed + 2);
    if (c.kind === 'autoencoder') this.decoder = build(weights?.decoder, [c.latentDim, ...c.decoderHidden, c.inputDim], c.seed + 3);
    for (const [name, net, inp, out] of [['encoder', this.encoder, c.inputDim, c.latentDim], ['classifier', this.classifier, c.latentDim, c.nClasses], ['pep', this.pep, c.latentDim, 1], ['decoder', this.decoder, c.latentDim, c.inputDim]] as const) {
      if (net && (net.inputDim !== inp || net.outputDim !== out)) throw new RangeError(`MultitaskModel: saved ${name} maps ${net.inputDim} -> ${net.outputDim}, the config needs ${inp} -> ${out}`);
    }
  }

  get kind(): MultitaskKind { return this.config.kind; }
  /** Every trainable variable of every head. */
  get variables(): TF.Variable[] {
    return [this.encoder, this.classifier, this.pep, this.decoder].flatMap((n) => (n ? n.variables : []));
  }

  /** Input standardised as inside the encoder (the autoencoder reconstructs this), tensor [b, d]. */
  standardized(x: TF.Tensor2D): TF.Tensor2D {
    const nz = this.config.inputNormalization;
    if (!nz) return x;
    return tf.div(tf.sub(x, tf.tensor1d(nz.mean)), tf.tensor1d(nz.std)) as TF.Tensor2D;
  }

  /** PEP output converted to eV, [b]. */
  energyTensor(xi: TF.Tensor2D): TF.Tensor1D {
    const { mean, std } = this.config.energyScale;
    return tf.add(tf.mul(tf.reshape(this.pep!.forward(xi), [-1]), std), mean) as TF.Tensor1D;
  }

  /** Latent coordinates, class probabilities and predicted energies (eV) of n configurations x [n][inputDim]. */
  predict(x: ArrayLike<number>, n: number, batchSize = 4096): MultitaskPrediction {
    const c = this.config;
    checkInputs('MultitaskModel.predict', x, n, c.inputDim);
    const xi = new Float64Array(n * c.latentDim);
    const probabilities = this.classifier ? new Float64Array(n * c.nClasses) : undefined;
    const energies = this.pep ? new Float64Array(n) : undefined;
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize), b = e - s;
      const xs = Float32Array.from({ length: b * c.inputDim }, (_, i) => x[s * c.inputDim + i]);
      const outs = tf.tidy(() => {
        const z = this.encoder.forward(tf.tensor2d(xs, [b, c.inputDim]));
        return [z, this.classifier ? tf.softmax(this.classifier.forward(z)) : undefined, this.pep ? this.energyTensor(z) : undefined];
      });
      xi.set(outs[0]!.dataSync(), s * c.latentDim);
      if (probabilities) probabilities.set(outs[1]!.dataSync(), s * c.nClasses);
      if (energies) energies.set(outs[2]!.dataSync(), s);
      tf.dispose(outs.filter((t) => t) as TF.Tensor[]);
    }
    let labels: Int32Array | undefined;
    if (probabilities) {
      labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let k = 1; k < c.nClasses; k++) if (probabilities[i * c.nClasses + k] > probabilities[i * c.nClasses + best]) best = k;
        labels[i] = best;
      }
    }
    return { xi, probabilities, labels, energies };
  }

  /** The heads evaluated on given latent points xi [n][latentDim] (e.g. a grid for maps of Fig. 4): probabilities and energies (eV). */
  headsOnLatent(xi: ArrayLike<number>, n: number): { probabilities?: Float64Array; energies?: Float64Array } {
    const c = this.config;
    checkInputs('MultitaskModel.headsOnLatent', xi, n, c.latentDim);
    let probabilities: Float64Array | undefined, energies: Float64Array | undefined;
    if (this.classifier) {
      const logits = this.classifier.predict(xi, n);
      probabilities = new Float64Array(n * c.nClasses);
      for (let i = 0; i < n; i++) {
        let mx = -Infinity, z = 0;
        for (let k = 0; k < c.nClasses; k++) mx = Math.max(mx, logits[i * c.nClasses + k]);
        for (let k = 0; k < c.nClasses; k++) z += Math.exp(logits[i * c.nClasses + k] - mx);
        for (let k = 0; k < c.nClasses; k++) probabilities[i * c.nClasses + k] = Math.exp(logits[i * c.nClasses + k] - mx) / z;
      }
    }
    if (this.pep) {
      const { mean, std } = c.energyScale;
      energies = this.pep.predict(xi, n).map((v) => v * std + mean);
    }
    return { probabilities, energies };
  }

  toJSON(): MultitaskJson {
    return { format: 'rarelab.multitask', version: 1, config: JSON.parse(JSON.stringify(this.config)), encoder: this.encoder.toJSON(), classifier: this.classifier?.toJSON(), pep: this.pep?.toJSON(), decoder: this.decoder?.toJSON() };
  }

  static fromJSON(json: MultitaskJson): MultitaskModel {
    if (!json || json.format !== 'rarelab.multitask' || json.version !== 1) throw new RangeError(`MultitaskModel.fromJSON: not a rarelab.multitask v1 model (format ${String(json?.format)}, version ${String(json?.version)})`);
    return new MultitaskModel(json.config, json);
  }

  /** Writes the model as JSON (atomically). */
  save(path: string): void {
    writeJson(path, this.toJSON());
  }

  static load(path: string): MultitaskModel {
    return MultitaskModel.fromJSON(readJson(path, 'MultitaskModel.load') as MultitaskJson);
  }

  /** The encoder alone as a saved network: the CV xi for umbrella sampling (lib/enhanced networkCv). */
  encoderJson(): MlpJson {
    return this.encoder.toJSON();
  }

  dispose(): void {
    for (const n of [this.encoder, this.classifier, this.pep, this.decoder]) n?.dispose();
  }
}
