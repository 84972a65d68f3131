import { Rng } from '../dynamics/rng.js';
import { committorNLL, type ShotCounts } from './likelihood.js';

/** Any reaction-coordinate model: q for n input vectors x [n][dim] (float64 in, float64 out). */
export type RCPredictor = (x: Float64Array, n: number) => Float64Array;

export interface RelevanceResult {
  /** Loss (Eq. 3, per committed shooting point) of the unperturbed model. */
  baseLoss: number;
  /** Loss with input j resampled, [dim]. */
  perturbedLoss: Float64Array;
  /** r(x_j) = perturbedLoss_j - baseLoss, [dim]. */
  relevance: Float64Array;
  /** relevance / max relevance (the paper's normalised input relevance), [dim]. */
  normalized: Float64Array;
  /** Input indices sorted by decreasing relevance. */
  ranking: Int32Array;
}

/**
 * Input relevance by resampling (Jung et al., Materials & Methods C): replace input j of every training
 * point by a value uniform between that input's minimum and maximum over the training set, and measure
 * the increase of the loss (Eq. 3). Normalised by the largest increase. `repeats` independent resamplings
 * are averaged to reduce the noise of one draw.
 */
export function inputRelevance(predict: RCPredictor, x: Float64Array, n: number, dim: number, counts: ShotCounts, options: { seed: number; repeats?: number }): RelevanceResult {
  if (x.length !== n * dim) throw new RangeError(`inputRelevance: x has length ${x.length}, expected ${n} points x ${dim} inputs`);
  const repeats = options.repeats ?? 1;
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`inputRelevance: repeats must be a positive integer, got ${repeats}`);
  const lossOf = (xs: Float64Array) => committorNLL(predict(xs, n), counts, { perShot: true });
  const baseLoss = lossOf(x);
  const lo = new Float64Array(dim).fill(Infinity), hi = new Float64Array(dim).fill(-Infinity);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) {
    const v = x[i * dim + j];
    if (!Number.isFinite(v)) throw new RangeError(`inputRelevance: input ${j} of training point ${i} is ${v}`);
    if (v < lo[j]) lo[j] = v;
    if (v > hi[j]) hi[j] = v;
  }
  const rng = new Rng(options.seed);
  const perturbedLoss = new Float64Array(dim);
  const xs = Float64Array.from(x);
  for (let j = 0; j < dim; j++) {
    let s = 0;
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < n; i++) xs[i * dim + j] = rng.uniform(lo[j], hi[j]);
      s += lossOf(xs);
    }
    for (let i = 0; i < n; i++) xs[i * dim + j] = x[i * dim + j];
    perturbedLoss[j] = s / repeats;
  }
  const relevance = perturbedLoss.map((l) => l - baseLoss);
  let max = 0;
  for (const r of relevance) if (r > max) max = r;
  if (!(max > 0)) throw new Error('inputRelevance: no input increases the loss when resampled; the model ignores its inputs (untrained?)');
  const normalized = relevance.map((r) => r / max);
  const ranking = Int32Array.from(Array.from({ length: dim }, (_, j) => j).sort((a, b) => relevance[b] - relevance[a]));
  return { baseLoss, perturbedLoss, relevance, normalized, ranking };
}
