/**
 * Block averaging (LSS paper, Sidky, Chen & Ferguson 2020: "breaking the trajectory into K = 5
 * contiguous blocks of equal length, computing t_i^k over each block, and estimating the error from
 * the standard deviation over the K estimates"). The series [frames][dim] is cut into K contiguous
 * blocks of floor(frames / K) frames (a remainder at the end is left out and reported); `estimate` is
 * evaluated on each block. Returns the K estimates, their mean, their sample standard deviation
 * (K - 1 in the denominator) and the standard error of the mean, std / sqrt(K), which assumes blocks
 * long enough to be independent.
 */
export function blockAverage(
  series: Float64Array,
  estimate: (block: Float64Array, frames: number) => number,
  options: { blocks?: number; dim?: number } = {},
): { estimates: Float64Array; mean: number; std: number; standardError: number; blockFrames: number; leftOut: number } {
  const K = options.blocks ?? 5;
  const dim = options.dim ?? 1;
  if (!Number.isInteger(K) || K < 2) throw new RangeError(`blockAverage: blocks must be an integer ≥ 2, got ${K}`);
  if (!Number.isInteger(dim) || dim < 1 || series.length % dim !== 0) throw new RangeError(`blockAverage: ${series.length} values do not form frames of dim ${dim}`);
  const frames = series.length / dim;
  const blockFrames = Math.floor(frames / K);
  if (blockFrames < 1) throw new RangeError(`blockAverage: ${frames} frames cannot fill ${K} blocks`);
  const estimates = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const v = estimate(series.subarray(k * blockFrames * dim, (k + 1) * blockFrames * dim), blockFrames);
    if (!Number.isFinite(v)) throw new RangeError(`blockAverage: the estimate of block ${k} is ${v}`);
    estimates[k] = v;
  }
  let mean = 0;
  for (const v of estimates) mean += v / K;
  let ss = 0;
  for (const v of estimates) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / (K - 1));
  return { estimates, mean, std, standardError: std / Math.sqrt(K), blockFrames, leftOut: frames - K * blockFrames };
}
