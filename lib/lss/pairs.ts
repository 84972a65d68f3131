/**
 * Time-lagged pairs (x_t, x_{t+lag}) of featurised trajectories [frames][dim] (flattened), the training
 * data of the SRV encoder and the MDN propagator, and the contiguous train/validation split used for
 * their early stopping: the last `validationFraction` of every trajectory is held out, so validation
 * frames are never time-correlated neighbours of training frames inside the same stretch.
 */
export interface LaggedPairs {
  dim: number;
  lag: number;
  n: number;
  /** x_t, [n][dim]. */
  x0: Float64Array;
  /** x_{t+lag}, [n][dim]. */
  x1: Float64Array;
}

function checkTrajectories(what: string, trajectories: readonly Float64Array[], dim: number): void {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`${what}: dim must be a positive integer, got ${dim}`);
  if (!Array.isArray(trajectories) || trajectories.length === 0) throw new RangeError(`${what}: no trajectories`);
  trajectories.forEach((x, t) => {
    if (x.length % dim !== 0) throw new RangeError(`${what}: trajectory ${t} has ${x.length} values, not a multiple of dim ${dim}`);
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new RangeError(`${what}: trajectory ${t}, frame ${Math.floor(i / dim)}, feature ${i % dim} is ${x[i]}`);
  });
}

/** Every pair (x_t, x_{t+lag}) within each trajectory (sliding window, stride 1). */
export function laggedPairs(trajectories: readonly Float64Array[], dim: number, lag: number): LaggedPairs {
  checkTrajectories('laggedPairs', trajectories, dim);
  if (!Number.isInteger(lag) || lag < 1) throw new RangeError(`laggedPairs: lag must be a positive whole number of frames, got ${lag}`);
  let n = 0;
  for (const x of trajectories) n += Math.max(0, x.length / dim - lag);
  if (n < 1) throw new RangeError(`laggedPairs: no pair at lag ${lag}; the trajectories are too short`);
  const x0 = new Float64Array(n * dim), x1 = new Float64Array(n * dim);
  let o = 0;
  for (const x of trajectories) {
    const frames = x.length / dim;
    for (let f = 0; f + lag < frames; f++, o++) {
      x0.set(x.subarray(f * dim, (f + 1) * dim), o * dim);
      x1.set(x.subarray((f + lag) * dim, (f + lag + 1) * dim), o * dim);
    }
  }
  return { dim, lag, n, x0, x1 };
}

/**
 * Splits every trajectory into a leading training part and a trailing validation part holding
 * `validationFraction` of its frames (rounded down). Both parts must keep more than `lag` frames in at
 * least one trajectory, else a RangeError says so.
 */
export function splitTrajectories(trajectories: readonly Float64Array[], dim: number, validationFraction: number, lag: number): { train: Float64Array[]; validation: Float64Array[] } {
  checkTrajectories('splitTrajectories', trajectories, dim);
  if (!(validationFraction > 0 && validationFraction < 1)) throw new RangeError(`splitTrajectories: validationFraction must be in (0, 1), got ${validationFraction}`);
  const train: Float64Array[] = [], validation: Float64Array[] = [];
  for (const x of trajectories) {
    const frames = x.length / dim;
    const nv = Math.floor(frames * validationFraction);
    train.push(x.subarray(0, (frames - nv) * dim));
    validation.push(x.subarray((frames - nv) * dim));
  }
  const enough = (parts: Float64Array[]) => parts.some((p) => p.length / dim > lag);
  if (!enough(train) || !enough(validation)) throw new RangeError(`splitTrajectories: with validationFraction ${validationFraction}, the training or validation part has no trajectory longer than the lag (${lag} frames)`);
  return { train, validation };
}
