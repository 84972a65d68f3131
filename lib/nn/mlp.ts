import type * as TF from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files/atomic-write.js';
import { Rng } from '../dynamics/rng.js';
import { fusedActive, nextSeed, requireBackend, tf } from './backend.js';
import type { FusedNet } from './fused.js';
import { fusedNetFor, loadWeights } from './fused-train.js';

/** Element-wise activations available for hidden and output layers. */
export type Activation = 'linear' | 'tanh' | 'sigmoid' | 'selu' | 'relu' | 'elu' | 'softplus' | 'swish';
/** Weight initialisers (biases start at zero). */
export type Initializer = 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'lecunNormal';

const ACTIVATIONS: readonly Activation[] = ['linear', 'tanh', 'sigmoid', 'selu', 'relu', 'elu', 'softplus', 'swish'];
const INITIALIZERS: readonly Initializer[] = ['glorotUniform', 'glorotNormal', 'heNormal', 'lecunNormal'];
let uid = 0; // unique tfjs variable names

/**
 * A fully connected network, `layers[0]` inputs -> hidden layers -> `layers[last]` outputs.
 * Like a tfjs-layers config: every field but `layers` has a documented default.
 */
export interface MlpConfig {
  /** Layer widths including input and output, e.g. [2, 20, 20, 1]; at least two entries. */
  layers: number[];
  /** Activation of every hidden layer; default 'tanh'. */
  activation?: Activation;
  /** Activation of the output layer; default 'linear'. */
  outputActivation?: Activation;
  /** Weight initialiser; default 'lecunNormal' for selu, else 'glorotUniform' (the tfjs/Flux default). */
  initializer?: Initializer;
  /** Dropout rate after hidden activations, used only while training; default 0 (none). */
  dropout?: number;
  /** Which hidden layers dropout follows: 'all' (default) or only the 'last' (as AIMMD's committor net). */
  dropoutLayers?: 'all' | 'last';
  /**
   * 'standard' (default) zeroes units and rescales by 1/(1-rate); 'alpha' is the alpha dropout of
   * self-normalising networks (Klambauer et al. 2017), which keeps SELU activations at zero mean, unit
   * variance by setting dropped units to -lambda*alpha and applying the matching affine correction.
   */
  dropoutKind?: 'standard' | 'alpha';
  /**
   * Input standardisation applied inside the network, x -> (x - mean) / std, per input coordinate.
   * Part of the model (saved with it, included in input gradients); default none.
   */
  normalization?: { mean: number[]; std: number[] };
  /** Seed of the weight initialisation (our Rng, so identical on every backend); default from the global seed. */
  seed?: number;
}

/** The config with every default filled in (as stored in saved files). */
export type ResolvedMlpConfig = Required<Omit<MlpConfig, 'normalization'>> & Pick<MlpConfig, 'normalization'>;

/** JSON form of a network: the resolved config plus weights as plain number arrays (float32 values). */
export interface MlpJson {
  format: 'rarelab.mlp';
  version: 1;
  config: ResolvedMlpConfig;
  /** Per layer: kernel [in][out] row-major and bias [out]. */
  weights: { kernel: number[]; bias: number[] }[];
}

function resolveConfig(c: MlpConfig): ResolvedMlpConfig {
  if (!c || !Array.isArray(c.layers) || c.layers.length < 2) throw new RangeError(`Mlp: layers must list at least input and output widths, got ${JSON.stringify(c?.layers)}`);
  c.layers.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1) throw new RangeError(`Mlp: layers[${i}] must be a positive integer, got ${w}`);
  });
  const activation = c.activation ?? 'tanh';
  const outputActivation = c.outputActivation ?? 'linear';
  if (!ACTIVATIONS.includes(activation)) throw new RangeError(`Mlp: unknown activation '${activation}' (use one of ${ACTIVATIONS.join(', ')})`);
  if (!ACTIVATIONS.includes(outputActivation)) throw new RangeError(`Mlp: unknown outputActivation '${outputActivation}' (use one of ${ACTIVATIONS.join(', ')})`);
  const initializer = c.initializer ?? (activation === 'selu' ? 'lecunNormal' : 'glorotUniform');
  if (!INITIALIZERS.includes(initializer)) throw new RangeError(`Mlp: unknown initializer '${initializer}' (use one of ${INITIALIZERS.join(', ')})`);
  const dropout = c.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`Mlp: dropout must be in [0, 1), got ${dropout}`);
  const seed = c.seed ?? nextSeed();
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`Mlp: seed must be a non-negative integer, got ${seed}`);
  let normalization: MlpConfig['normalization'];
  if (c.normalization) {
    const { mean, std } = c.normalization;
    const d = c.layers[0];
    if (mean?.length !== d || std?.length !== d) throw new RangeError(`Mlp: normalization mean and std must have length ${d} (the input width)`);
    for (let k = 0; k < d; k++) {
      if (!Number.isFinite(mean[k])) throw new RangeError(`Mlp: normalization.mean[${k}] is ${mean[k]} (not finite)`);
      if (!(std[k] > 0) || !Number.isFinite(std[k])) throw new RangeError(`Mlp: normalization.std[${k}] must be positive and finite, got ${std[k]}`);
    }
    normalization = { mean: Array.from(mean), std: Array.from(std) };
  }
  const dropoutLayers = c.dropoutLayers ?? 'all';
  if (dropoutLayers !== 'all' && dropoutLayers !== 'last') throw new RangeError(`Mlp: dropoutLayers must be 'all' or 'last', got ${String(dropoutLayers)}`);
  const dropoutKind = c.dropoutKind ?? 'standard';
  if (dropoutKind !== 'standard' && dropoutKind !== 'alpha') throw new RangeError(`Mlp: dropoutKind must be 'standard' or 'alpha', got ${String(dropoutKind)}`);
  return { layers: [...c.layers], activation, outputActivation, initializer, dropout, dropoutLayers, dropoutKind, seed, normalization };
}

function activate(x: TF.Tensor, a: Activation): TF.Tensor {
  switch (a) {
    case 'linear': return x;
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'selu': return tf.selu(x);
    case 'relu': return tf.relu(x);
    case 'elu': return tf.elu(x);
    case 'softplus': return tf.softplus(x);
    case 'swish': return tf.mul(x, tf.sigmoid(x));
  }
}

/** Alpha dropout (Klambauer et al. 2017, Eq. 12 ff.): keeps mean 0 / variance 1 of SELU activations. */
function alphaDropout(x: TF.Tensor, rate: number, seed: number): TF.Tensor {
  const alphaP = -1.7580993408473766; // -lambda * alpha of SELU
  const keep = 1 - rate;
  const a = 1 / Math.sqrt(keep * (1 + rate * alphaP * alphaP));
  const b = -a * alphaP * rate;
  const mask = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), rate), 'float32');
  return tf.add(tf.mul(tf.add(tf.mul(x, mask), tf.mul(tf.sub(1, mask), alphaP)), a), b);
}

/**
 * Dense layer x W + b with a hand-written gradient that transposes explicitly: the wasm backend's
 * matMul with a transpose flag is ~5x slower than transpose + plain matMul (measured, tfjs 4.22), and
 * the default gradient of matMul uses the flags. Used for both training and input gradients.
 */
type DenseOp = (x: TF.Tensor, w: TF.Tensor, b: TF.Tensor) => TF.Tensor2D;
let denseOp: DenseOp | undefined; // built on first use: tfjs is loaded by initBackend, not at import
function dense(x: TF.Tensor, w: TF.Tensor, b: TF.Tensor): TF.Tensor2D {
  denseOp ??= tf.customGrad(((x: TF.Tensor2D, w: TF.Tensor2D, b: TF.Tensor1D, save: TF.GradSaveFunc) => {
    save([x, w]);
    return {
      value: tf.add(tf.matMul(x, w), b),
      gradFunc: (dy: TF.Tensor2D, saved: TF.Tensor[]) => {
        const [xs, ws] = saved as TF.Tensor2D[];
        return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as DenseOp;
  return denseOp(x, w, b);
}

function initialWeights(cfg: ResolvedMlpConfig): { kernel: Float32Array; bias: Float32Array }[] {
  const rng = new Rng(cfg.seed);
  const out: { kernel: Float32Array; bias: Float32Array }[] = [];
  for (let l = 0; l + 1 < cfg.layers.length; l++) {
    const fanIn = cfg.layers[l], fanOut = cfg.layers[l + 1];
    const kernel = new Float32Array(fanIn * fanOut);
    const init = cfg.initializer;
    if (init === 'glorotUniform') {
      const lim = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < kernel.length; i++) kernel[i] = rng.uniform(-lim, lim);
    } else {
      const std = init === 'glorotNormal' ? Math.sqrt(2 / (fanIn + fanOut)) : init === 'heNormal' ? Math.sqrt(2 / fanIn) : Math.sqrt(1 / fanIn);
      // truncated at 2 standard deviations, as Keras/tfjs do
      for (let i = 0; i < kernel.length; i++) {
        let z: number;
        do z = rng.normal(); while (Math.abs(z) > 2);
        kernel[i] = std * z / 0.8796256610342398; // rescale so the truncated normal has the nominal std
      }
    }
    out.push({ kernel, bias: new Float32Array(fanOut) });
  }
  return out;
}

/** Throws a clear error naming the first non-finite input coordinate. */
export function checkInputs(what: string, x: ArrayLike<number>, n: number, dim: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what}: n must be a non-negative integer, got ${n}`);
  if (x.length !== n * dim) throw new RangeError(`${what}: inputs have length ${x.length}, expected ${n} points x ${dim} coordinates = ${n * dim}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`${what}: input point ${Math.floor(i / dim)}, coordinate ${i % dim} is ${x[i]} (not finite)`);
  }
}

export interface PredictOptions {
  /** Rows per tfjs call; default 4096. */
  batchSize?: number;
  /** Run in training mode (dropout active) with this seed; default: inference mode. */
  dropoutSeed?: number;
}

/**
 * A multilayer perceptron held in tfjs variables. Inputs and outputs are flattened row-major typed arrays,
 * `x[i * inputDim + k]`; outputs `[n][outputDim]` as Float64Array (computed in float32).
 * The network is mutable only through a Trainer (lib/nn/train.ts); call `dispose()` to free its tensors.
 */
export class Mlp {
  readonly config: Readonly<ResolvedMlpConfig>;
  /** Per layer kernel [in, out] and bias [out], trainable. */
  readonly kernels: TF.Variable[] = [];
  readonly biases: TF.Variable[] = [];
  private readonly shift?: TF.Tensor;
  private readonly invScale?: TF.Tensor;
  private disposed = false;
  private fusedEngine?: FusedNet; // predict / inputGrad on the fused kernels (backend.ts, fusedActive)

  constructor(config: MlpConfig, weights?: { kernel: ArrayLike<number>; bias: ArrayLike<number> }[]) {
    requireBackend('Mlp');
    const cfg = resolveConfig(config);
    this.config = cfg;
    const L = cfg.layers;
    const w = weights ?? initialWeights(cfg);
    if (w.length !== L.length - 1) throw new RangeError(`Mlp: expected ${L.length - 1} weight layers, got ${w.length}`);
    for (let l = 0; l + 1 < L.length; l++) {
      const { kernel, bias } = w[l];
      if (kernel.length !== L[l] * L[l + 1] || bias.length !== L[l + 1]) {
        throw new RangeError(`Mlp: layer ${l} weights have sizes ${kernel.length}/${bias.length}, expected ${L[l] * L[l + 1]}/${L[l + 1]}`);
      }
      for (let i = 0; i < kernel.length; i++) if (!Number.isFinite(kernel[i])) throw new RangeError(`Mlp: layer ${l} kernel[${i}] is ${kernel[i]} (not finite)`);
      for (let i = 0; i < bias.length; i++) if (!Number.isFinite(bias[i])) throw new RangeError(`Mlp: layer ${l} bias[${i}] is ${bias[i]} (not finite)`);
    }
    // Validate everything above before creating tensors, so a bad layer leaks nothing.
    for (let l = 0; l + 1 < L.length; l++) {
      const { kernel, bias } = w[l];
      // tf.variable shares the initial tensor's data and adds a reference, so the initial tensors must
      // be disposed here or they outlive the network.
      const k0 = tf.tensor2d(Float32Array.from(kernel), [L[l], L[l + 1]]);
      const b0 = tf.tensor1d(Float32Array.from(bias));
      this.kernels.push(tf.variable(k0, true, `mlp_k${l}_${uid}`));
      this.biases.push(tf.variable(b0, true, `mlp_b${l}_${uid}`));
      k0.dispose();
      b0.dispose();
      uid++;
    }
    if (cfg.normalization) {
      this.shift = tf.tensor1d(cfg.normalization.mean);
      this.invScale = tf.tensor1d(cfg.normalization.std.map((s) => 1 / s));
    }
  }

  get inputDim(): number { return this.config.layers[0]; }
  get outputDim(): number { return this.config.layers[this.config.layers.length - 1]; }
  /** Number of trainable parameters. */
  get numParams(): number {
    let s = 0;
    const L = this.config.layers;
    for (let l = 0; l + 1 < L.length; l++) s += L[l] * L[l + 1] + L[l + 1];
    return s;
  }
  /** All trainable variables (kernels and biases, layer by layer). */
  get variables(): TF.Variable[] {
    const v: TF.Variable[] = [];
    for (let l = 0; l < this.kernels.length; l++) v.push(this.kernels[l], this.biases[l]);
    return v;
  }

  private alive(what: string): void {
    if (this.disposed) throw new Error(`Mlp.${what}: the network has been disposed`);
  }

  /**
   * Forward pass on a [n, inputDim] tensor (for use inside tf.tidy / gradient closures). With
   * `dropoutSeed` given and dropout > 0, applies dropout (training mode).
   */
  forward(x: TF.Tensor2D, dropoutSeed?: number): TF.Tensor2D {
    this.alive('forward');
    let h: TF.Tensor = x;
    if (this.shift) h = tf.mul(tf.sub(h, this.shift), this.invScale!);
    const last = this.kernels.length - 1;
    for (let l = 0; l <= last; l++) {
      h = dense(h, this.kernels[l], this.biases[l]);
      if (l < last) {
        h = activate(h, this.config.activation);
        if (dropoutSeed !== undefined && this.config.dropout > 0 && (this.config.dropoutLayers !== 'last' || l === last - 1)) {
          h = this.config.dropoutKind === 'alpha' ? alphaDropout(h, this.config.dropout, dropoutSeed + l) : tf.dropout(h, this.config.dropout, undefined, dropoutSeed + l);
        }
      } else {
        h = activate(h, this.config.outputActivation);
      }
    }
    return h as TF.Tensor2D;
  }

  /**
   * Network outputs for n points, Float64Array [n][outputDim]; evaluated in chunks of `batchSize` rows
   * (default 4096; a number as third argument is the batch size). Dropout is off (inference mode) unless
   * `dropoutSeed` is given: then the network runs in training mode with that dropout seed (Monte-Carlo
   * dropout), each chunk with seed dropoutSeed + 1000 * chunk index.
   */
  predict(x: ArrayLike<number>, n: number, options: number | PredictOptions = {}): Float64Array {
    this.alive('predict');
    const d = this.inputDim, m = this.outputDim;
    const o: PredictOptions = typeof options === 'number' ? { batchSize: options } : options;
    const batchSize = o.batchSize ?? 4096;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`Mlp.predict: batchSize must be a positive integer, got ${batchSize}`);
    if (o.dropoutSeed !== undefined && (!Number.isInteger(o.dropoutSeed) || o.dropoutSeed < 0)) throw new RangeError(`Mlp.predict: dropoutSeed must be a non-negative integer, got ${o.dropoutSeed}`);
    checkInputs('Mlp.predict', x, n, d);
    const out = new Float64Array(n * m);
    const eng = o.dropoutSeed === undefined ? this.fused() : undefined;
    if (eng) {
      for (let s = 0; s < n; s += batchSize) {
        const b = Math.min(n, s + batchSize) - s;
        eng.setInput(x, b, s);
        out.set(eng.forward(b), s * m);
      }
      return out;
    }
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const xs = Float32Array.from({ length: (e - s) * d }, (_, i) => x[s * d + i]);
      const seed = o.dropoutSeed === undefined ? undefined : o.dropoutSeed + 1000 * (s / batchSize);
      const y = tf.tidy(() => this.forward(tf.tensor2d(xs, [e - s, d]), seed));
      out.set(y.dataSync(), s * m);
      y.dispose();
    }
    return out;
  }

  /**
   * Gradient of output `output` (default 0) with respect to the inputs, by reverse-mode autodiff
   * (tf.grad) through the whole network including the input normalisation. Float64Array [n][inputDim].
   */
  inputGrad(x: ArrayLike<number>, n: number, options: { output?: number; batchSize?: number } = {}): Float64Array {
    this.alive('inputGrad');
    const d = this.inputDim, m = this.outputDim;
    const k = options.output ?? 0;
    const batchSize = options.batchSize ?? 4096;
    if (!Number.isInteger(k) || k < 0 || k >= m) throw new RangeError(`Mlp.inputGrad: output must be an integer in [0, ${m}), got ${k}`);
    checkInputs('Mlp.inputGrad', x, n, d);
    const out = new Float64Array(n * d);
    const eng = this.fused();
    if (eng) {
      for (let s = 0; s < n; s += batchSize) {
        const b = Math.min(n, s + batchSize) - s;
        eng.setInput(x, b, s);
        eng.forward(b);
        const dy = eng.outputGradView(b);
        dy.fill(0);
        for (let i = 0; i < b; i++) dy[i * m + k] = 1;
        out.set(eng.backward(b, false, true)!, s * d);
      }
      return out;
    }
    const mask = m > 1 ? tf.tidy(() => tf.oneHot(k, m).toFloat().reshape([1, m])) : undefined;
    // Rows are independent, so the gradient of the summed output gives every row's own gradient.
    const f = (xt: TF.Tensor) => {
      const y = this.forward(xt as TF.Tensor2D);
      return tf.sum(mask ? tf.mul(y, mask) : y);
    };
    const g = tf.grad(f);
    try {
      for (let s = 0; s < n; s += batchSize) {
        const e = Math.min(n, s + batchSize);
        const xs = Float32Array.from({ length: (e - s) * d }, (_, i) => x[s * d + i]);
        const gt = tf.tidy(() => g(tf.tensor2d(xs, [e - s, d])));
        out.set(gt.dataSync(), s * d);
        gt.dispose();
      }
    } finally {
      mask?.dispose();
    }
    return out;
  }

  /** The fused-kernel engine holding the current weights, or undefined when the fused path is off. */
  private fused(): FusedNet | undefined {
    if (!fusedActive()) return undefined;
    this.fusedEngine ??= fusedNetFor(this);
    loadWeights(this, this.fusedEngine); // the tfjs variables own the weights (a Trainer may have moved them)
    return this.fusedEngine;
  }

  /** Current weights as float32 arrays (copies). */
  getWeights(): { kernel: Float32Array; bias: Float32Array }[] {
    this.alive('getWeights');
    return this.kernels.map((k, l) => ({ kernel: k.dataSync() as Float32Array, bias: this.biases[l].dataSync() as Float32Array })).map((w) => ({ kernel: Float32Array.from(w.kernel), bias: Float32Array.from(w.bias) }));
  }

  /** JSON form (config + weights as number arrays); restores exactly with `Mlp.fromJSON`. */
  toJSON(): MlpJson {
    return {
      format: 'rarelab.mlp',
      version: 1,
      config: { ...this.config, layers: [...this.config.layers] },
      weights: this.getWeights().map((w) => ({ kernel: Array.from(w.kernel), bias: Array.from(w.bias) })),
    };
  }

  static fromJSON(json: MlpJson): Mlp {
    if (!json || json.format !== 'rarelab.mlp') throw new TypeError(`Mlp.fromJSON: not a rarelab.mlp object (format ${JSON.stringify(json?.format)})`);
    if (json.version !== 1) throw new TypeError(`Mlp.fromJSON: unsupported version ${json.version}`);
    return new Mlp(json.config, json.weights);
  }

  /** An independent copy with the same weights. */
  clone(): Mlp {
    return Mlp.fromJSON(this.toJSON());
  }

  /** Writes the network to a JSON file atomically (no tfjs-node file IO needed). */
  save(path: string): void {
    writeJson(path, this.toJSON());
  }

  /** Reads a network written by `save`. */
  static load(path: string): Mlp {
    return Mlp.fromJSON(readJson(path, 'Mlp.load') as MlpJson);
  }

  /** Frees the network's tensors; the object is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.fusedEngine = undefined;
    for (const v of this.variables) v.dispose();
    this.shift?.dispose();
    this.invScale?.dispose();
  }
}

/** Builds a network (alias of `new Mlp(config)`). Needs `await initBackend()` first. */
export function buildMlp(config: MlpConfig): Mlp {
  return new Mlp(config);
}

/** Reads and parses a JSON file with an error naming the file. */
export function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${what}: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Writes a value as JSON, atomically (an interrupted save leaves the previous file whole). */
export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value));
}
