import { Mlp, MlpFloat64, readJson, writeJson, checkInputs, type MlpJson } from '../nn/index.js';
import { checkBurstData, type BurstData } from './data.js';

/**
 * A differentiable scalar field on configuration space — the contract the chi-MEP code (lib/paths) and
 * saliency analyses consume: values for n points x [n][dim]; when `grad` is given, the gradients are
 * written into it ([n][dim]).
 */
export interface ChiField {
  readonly dim: number;
  evaluate(x: Float64Array, n: number, grad?: Float64Array): Float64Array;
}

/** Saved form of an IsokannModel. */
export interface IsokannModelJson {
  format: 'rarelab.isokann';
  version: 1;
  dim: number;
  /** chi(x) = offset + scale * net(x) (orientation flip: scale -1, offset 1). */
  affine: { scale: number; offset: number };
  net: MlpJson;
  /** Training loss after each outer iteration (mean over its epochs). */
  losses: number[];
  /** Free-form training record (options, system parameters) kept for provenance. */
  meta?: Record<string, unknown>;
}

/**
 * The learned ISOKANN membership function chi: R^dim -> [0, 1] (approximately; values slightly outside
 * are possible away from the training data). Immutable: its network is never trained again.
 * Computations run in float32 on the tfjs backend; results are Float64Array.
 */
export class IsokannModel implements ChiField {
  readonly dim: number;
  readonly losses: Float64Array;
  readonly affine: Readonly<{ scale: number; offset: number }>;
  readonly meta: Readonly<Record<string, unknown>>;
  private f64?: MlpFloat64;

  /** Takes ownership of `net` (usually built by IsokannLearner.fit or IsokannModel.load). */
  constructor(private readonly net: Mlp, affine = { scale: 1, offset: 0 }, losses: ArrayLike<number> = [], meta: Record<string, unknown> = {}) {
    if (net.outputDim !== 1) throw new RangeError(`IsokannModel: the network must have one output, got ${net.outputDim}`);
    if (!Number.isFinite(affine.scale) || affine.scale === 0 || !Number.isFinite(affine.offset)) throw new RangeError(`IsokannModel: invalid affine map ${JSON.stringify(affine)}`);
    this.dim = net.inputDim;
    this.affine = Object.freeze({ ...affine });
    this.losses = Float64Array.from(losses);
    this.meta = Object.freeze({ ...meta });
  }

  /** Network configuration (layer sizes, activation, normalisation, seed). */
  get config(): Mlp['config'] {
    return this.net.config;
  }

  /** chi at n points x [n][dim]; Float64Array [n]. */
  predict(x: ArrayLike<number>, n: number): Float64Array {
    checkInputs('IsokannModel.predict', x, n, this.dim);
    const v = this.net.predict(x, n);
    const { scale, offset } = this.affine;
    for (let i = 0; i < n; i++) v[i] = offset + scale * v[i];
    return v;
  }

  /** grad chi at n points by reverse-mode autodiff of the network w.r.t. its inputs; Float64Array [n][dim]. */
  grad(x: ArrayLike<number>, n: number): Float64Array {
    checkInputs('IsokannModel.grad', x, n, this.dim);
    const g = this.net.inputGrad(x, n);
    const s = this.affine.scale;
    if (s !== 1) for (let i = 0; i < g.length; i++) g[i] *= s;
    return g;
  }

  /**
   * ChiField contract: values for n points; gradients written into `grad` [n][dim] when given.
   * Evaluated in float64 in plain JavaScript from the network's weights (lib/nn MlpFloat64): smooth to
   * float64 rounding, which level-set solvers (chi-MEP) need, and fast for the few-point calls they make.
   * Agrees with `predict` / `grad` (float32 on the tfjs backend, for large batches) to ~1e-7.
   */
  evaluate(x: Float64Array, n: number, grad?: Float64Array): Float64Array {
    if (grad && grad.length !== n * this.dim) throw new RangeError(`IsokannModel.evaluate: grad has length ${grad.length}, expected ${n} x ${this.dim}`);
    checkInputs('IsokannModel.evaluate', x, n, this.dim);
    this.f64 ??= new MlpFloat64(this.net.toJSON());
    const v = this.f64.evaluate(x, n, grad);
    const { scale, offset } = this.affine;
    for (let i = 0; i < n; i++) v[i] = offset + scale * v[i];
    if (grad && scale !== 1) for (let i = 0; i < grad.length; i++) grad[i] *= scale;
    return v;
  }

  /**
   * Koopman consistency on burst data: chi(x_i) and K chi(x_i) = mean_j chi(y_ij). For a converged chi,
   * K chi ≈ a chi + b with a = exp(-tau / t2); returns the least-squares a, b, the implied timescale
   * t2 = -tau / ln a (when data.lag is known and 0 < a < 1), and the rms residual.
   */
  koopman(data: BurstData): { chi: Float64Array; kchi: Float64Array; slope: number; intercept: number; timescale: number; rmsResidual: number } {
    checkBurstData(data, 'IsokannModel.koopman');
    if (data.dim !== this.dim) throw new RangeError(`IsokannModel.koopman: data has dim ${data.dim}, model ${this.dim}`);
    const chi = this.predict(data.x, data.n);
    const cy = this.predict(data.y, data.n * data.bursts);
    const kchi = meanOverBursts(cy, data.n, data.bursts);
    const n = data.n;
    let mx = 0, my = 0;
    for (let i = 0; i < n; i++) { mx += chi[i]; my += kchi[i]; }
    mx /= n; my /= n;
    let sxy = 0, sxx = 0;
    for (let i = 0; i < n; i++) { sxy += (chi[i] - mx) * (kchi[i] - my); sxx += (chi[i] - mx) ** 2; }
    const slope = sxx > 0 ? sxy / sxx : NaN;
    const intercept = my - slope * mx;
    let r2 = 0;
    for (let i = 0; i < n; i++) r2 += (kchi[i] - intercept - slope * chi[i]) ** 2;
    const timescale = data.lag !== undefined && slope > 0 && slope < 1 ? -data.lag / Math.log(slope) : NaN;
    return { chi, kchi, slope, intercept, timescale, rmsResidual: Math.sqrt(r2 / n) };
  }

  /**
   * A copy rescaled so that chi = 0 at `zero` and chi = 1 at `one` (an affine map of this chi, so the
   * level sets are the same). ISOKANN's shift-scale pins the extremes of the training batch, which lie
   * off the basin minima (chi ≈ -0.02 / 0.97 there on Müller-Brown); level-set methods that step chi
   * from 0 to 1 between two minima want the minima at exactly 0 and 1.
   */
  pinned(zero: ArrayLike<number>, one: ArrayLike<number>): IsokannModel {
    if (zero.length !== this.dim || one.length !== this.dim) throw new RangeError(`IsokannModel.pinned: points must have ${this.dim} coordinates, got ${zero.length} and ${one.length}`);
    const [c0, c1] = this.predict(Float64Array.from([...Array.from(zero), ...Array.from(one)]), 2);
    if (!(Math.abs(c1 - c0) > 1e-6)) throw new RangeError(`IsokannModel.pinned: chi is ${c0} and ${c1} at the two points; they must lie in different basins`);
    // chi' = (chi - c0) / (c1 - c0) with chi = offset + scale * net
    const s = 1 / (c1 - c0);
    const affine = { scale: this.affine.scale * s, offset: (this.affine.offset - c0) * s };
    return new IsokannModel(this.net.clone(), affine, this.losses, { ...this.meta, pinned: { zero: Array.from(zero), one: Array.from(one) } });
  }

  toJSON(): IsokannModelJson {
    return { format: 'rarelab.isokann', version: 1, dim: this.dim, affine: { ...this.affine }, net: this.net.toJSON(), losses: Array.from(this.losses), meta: { ...this.meta } };
  }

  static fromJSON(json: IsokannModelJson): IsokannModel {
    if (!json || json.format !== 'rarelab.isokann') throw new TypeError(`IsokannModel.fromJSON: not a rarelab.isokann object (format ${JSON.stringify(json?.format)})`);
    if (json.version !== 1) throw new TypeError(`IsokannModel.fromJSON: unsupported version ${json.version}`);
    const net = Mlp.fromJSON(json.net);
    if (net.inputDim !== json.dim) throw new RangeError(`IsokannModel.fromJSON: network input ${net.inputDim} does not match dim ${json.dim}`);
    return new IsokannModel(net, json.affine, json.losses ?? [], json.meta ?? {});
  }

  /** Writes the model (config, float32 weights as numbers, orientation, loss history) to a JSON file. */
  save(path: string): void {
    writeJson(path, this.toJSON());
  }

  /** Restores a model written by `save` (needs `await initBackend()` first). */
  static load(path: string): IsokannModel {
    return IsokannModel.fromJSON(readJson(path, 'IsokannModel.load') as IsokannModelJson);
  }

  /** Frees the network's tensors. */
  dispose(): void {
    this.net.dispose();
  }
}

/** K chi(x_i) = mean_j values[i * M + j]. */
export function meanOverBursts(values: Float64Array, n: number, M: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < M; j++) s += values[i * M + j];
    out[i] = s / M;
  }
  return out;
}

/** Shift-scale S: maps min -> 0, max -> 1 over the batch (ISOKANN's 1-D target transform). */
export function shiftScale(k: Float64Array): Float64Array {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < k.length; i++) { if (k[i] < lo) lo = k[i]; if (k[i] > hi) hi = k[i]; }
  if (!(hi > lo)) throw new Error(`ISOKANN shift-scale: K chi is constant (${lo}) over the batch — chi has collapsed; check the data spread, lower the learning rate, or change the seed`);
  const out = new Float64Array(k.length);
  const s = 1 / (hi - lo);
  for (let i = 0; i < k.length; i++) out[i] = (k[i] - lo) * s;
  return out;
}
