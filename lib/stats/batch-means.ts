/** Mean of a correlated series (a Markov chain) and its standard error by batch means. */
export interface BatchMeans {
  mean: number;
  /** sd(batch means) / sqrt(batches): valid when a batch is much longer than the correlation time. */
  stderr: number;
  batches: number;
  /** Values per batch (the first length mod batches values are left out). */
  batchLength: number;
}

/**
 * Batch-means estimate (Flyvbjerg & Petersen 1989; Geyer 1992): the series is cut into `batches`
 * consecutive blocks of equal length, and the spread of the block means gives the standard error of the
 * mean without modelling the autocorrelation. The leading length mod batches values are dropped so that
 * the most recent (best equilibrated) values all count.
 */
export function batchMeans(values: ArrayLike<number>, batches = 10): BatchMeans {
  if (!Number.isInteger(batches) || batches < 2) throw new RangeError(`batchMeans: batches must be an integer >= 2, got ${batches}`);
  const n = values.length;
  const len = Math.floor(n / batches);
  if (len < 1) throw new RangeError(`batchMeans: ${n} values are too few for ${batches} batches`);
  const skip = n - len * batches;
  const means = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    let s = 0;
    for (let i = skip + b * len; i < skip + (b + 1) * len; i++) {
      if (!Number.isFinite(values[i])) throw new RangeError(`batchMeans: value ${i} is not finite (${values[i]})`);
      s += values[i];
    }
    means[b] = s / len;
  }
  const mean = means.reduce((a, m) => a + m, 0) / batches;
  const variance = means.reduce((a, m) => a + (m - mean) ** 2, 0) / (batches - 1);
  return { mean, stderr: Math.sqrt(variance / batches), batches, batchLength: len };
}
