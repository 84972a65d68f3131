import { Rng } from '../dynamics/rng.js';
import type { Featurization } from '../features/featurization.js';
import { checkBurstData, type BurstData } from './data.js';
import { featurizeBursts } from './featurized.js';
import type { IsokannLearner } from './learner.js';
import type { IsokannModel } from './model.js';

/**
 * Adaptive sampling for ISOKANN (the "iterative enhanced sampling" of AMORE-MD; ISOKANN.jl's
 * stratified resampling): new start points are taken from the burst end points so that their chi values
 * cover [min chi, max chi] evenly. Uniform start points leave the transition region (intermediate chi)
 * thinly sampled; stratifying along chi fills it, where chi and grad chi matter for paths and saliency.
 */

/**
 * Indices of `nNew` distinct candidates whose chi values are spread evenly over the candidates' chi
 * range: level k targets chi = lo + (k + u_k) (hi - lo) / nNew with u_k uniform in [0, 1) (stratified),
 * and takes the unused candidate nearest to it.
 */
export function stratifiedByChi(chi: ArrayLike<number>, nNew: number, seed: number): Int32Array {
  const m = chi.length;
  if (!Number.isInteger(nNew) || nNew < 1) throw new RangeError(`stratifiedByChi: nNew must be a positive integer, got ${nNew}`);
  if (nNew > m) throw new RangeError(`stratifiedByChi: cannot pick ${nNew} distinct points from ${m} candidates`);
  for (let i = 0; i < m; i++) if (!Number.isFinite(chi[i])) throw new RangeError(`stratifiedByChi: chi of candidate ${i} is ${chi[i]} (not finite)`);
  const order = Int32Array.from({ length: m }, (_, i) => i).sort((a, b) => chi[a] - chi[b]);
  const sorted = Float64Array.from(order, (i) => chi[i]);
  const lo = sorted[0], hi = sorted[m - 1];
  const used = new Uint8Array(m);
  const rng = new Rng(seed);
  const out = new Int32Array(nNew);
  for (let k = 0; k < nNew; k++) {
    const target = lo + ((k + rng.next()) * (hi - lo)) / nNew;
    // first sorted position with chi >= target, then walk outwards to the nearest unused candidate
    let a = 0, b = m;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (sorted[mid] < target) a = mid + 1; else b = mid;
    }
    let left = a - 1, right = a;
    while (left >= 0 && used[left]) left--;
    while (right < m && used[right]) right++;
    const pick = left < 0 ? right : right >= m ? left : target - sorted[left] <= sorted[right] - target ? left : right;
    used[pick] = 1;
    out[k] = order[pick];
  }
  return out;
}

/** Concatenates two burst data sets of the same dimension, bursts per point and lag. */
export function mergeBursts(a: BurstData, b: BurstData): BurstData {
  checkBurstData(a, 'mergeBursts (first)');
  checkBurstData(b, 'mergeBursts (second)');
  if (a.dim !== b.dim || a.bursts !== b.bursts) throw new RangeError(`mergeBursts: data have dim/bursts ${a.dim}/${a.bursts} and ${b.dim}/${b.bursts}`);
  if (a.lag !== b.lag) throw new RangeError(`mergeBursts: lag times differ (${a.lag} and ${b.lag})`);
  const x = new Float64Array(a.x.length + b.x.length), y = new Float64Array(a.y.length + b.y.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  y.set(a.y);
  y.set(b.y, a.y.length);
  return { x, y, n: a.n + b.n, bursts: a.bursts, dim: a.dim, lag: a.lag };
}

/** Runs bursts from new start points x [n][dim] (sampleBursts in this thread, runBursts on a pool, ...). */
export type BurstSampler = (x: Float64Array, n: number, seed: number) => BurstData | Promise<BurstData>;

export interface AdaptiveOptions {
  /** Rounds of resampling after the initial fit. */
  generations: number;
  /** New start points per round, stratified along chi among the current burst end points. */
  newPoints: number;
  /** Root seed of the stratification and of the samplers' seeds. */
  seed: number;
  /** Outer ISOKANN iterations after each round (warm start); default the learner's `iterations`. */
  iterations?: number;
  /**
   * Molecules: the bursts (and `data`, and what `sample` returns) stay Cartesian; chi is trained on and
   * evaluated at `featurization.transform(x)`, so the model's inputs are the features.
   */
  featurization?: Featurization;
  /**
   * Called after the initial fit (generation 0) and after each round, with the Koopman check of the
   * model on all data so far (K chi ≈ a chi + b; its rms residual is the convergence monitor) and the
   * chi values of the start points (coverage of the level sets).
   */
  onGeneration?: (info: { generation: number; model: IsokannModel; data: BurstData; koopman: ReturnType<IsokannModel['koopman']> }) => void;
}

/**
 * ISOKANN with adaptive sampling: fit on `data`, then `generations` times pick `newPoints` burst end
 * points stratified along chi, sample bursts from them, append them to the data and continue training
 * from the current network. Returns the final model and the enlarged data (earlier models are disposed).
 */
export async function fitAdaptive(learner: IsokannLearner, data: BurstData, sample: BurstSampler, options: AdaptiveOptions): Promise<{ model: IsokannModel; data: BurstData }> {
  const { generations, newPoints, seed } = options;
  if (!Number.isInteger(generations) || generations < 0) throw new RangeError(`fitAdaptive: generations must be a non-negative integer, got ${generations}`);
  if (!Number.isInteger(newPoints) || newPoints < 1) throw new RangeError(`fitAdaptive: newPoints must be a positive integer, got ${newPoints}`);
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`fitAdaptive: seed must be a non-negative integer, got ${seed}`);
  const later = options.iterations === undefined ? learner : learner.with({ iterations: options.iterations });
  const root = new Rng(seed);
  const feat = options.featurization;
  const trainingData = (d: BurstData) => (feat ? featurizeBursts(d, feat) : d);
  // the featurised data of the current generation, computed once for training and for the report
  let train = trainingData(data);
  const report = (generation: number) => {
    if (!options.onGeneration) return;
    options.onGeneration({ generation, model, data, koopman: model.koopman(train) });
  };
  let model = learner.fit(train);
  report(0);
  for (let g = 1; g <= generations; g++) {
    try {
      const ends = data.y;
      const m = data.n * data.bursts;
      const chi = model.predict(feat ? feat.transform(ends, m) : ends, m);
      const pick = stratifiedByChi(chi, newPoints, root.fork(2 * g).seedInt());
      const x = new Float64Array(newPoints * data.dim);
      pick.forEach((p, k) => x.set(ends.subarray(p * data.dim, (p + 1) * data.dim), k * data.dim));
      const fresh = await sample(x, newPoints, root.fork(2 * g + 1).seedInt());
      data = mergeBursts(data, fresh);
      train = trainingData(data);
      const next = later.fit(train, { init: model });
      model.dispose();
      model = next;
    } catch (e) {
      model.dispose();
      throw e;
    }
    report(g);
  }
  return { model, data };
}
