import type { ShotRecord } from './shooting.js';

/**
 * Length in frames of the current transition path after each TPS move: the trial path when the move
 * was accepted, else the path before it. This is the Markov chain whose average is the transition-path
 * ensemble average (a rejected move counts the old path again); averaging accepted paths only would
 * weight each path by its acceptance, not by the ensemble.
 */
export function currentPathFrames(records: readonly ShotRecord[], initialFrames: number): Float64Array {
  if (!Number.isInteger(initialFrames) || initialFrames < 2) throw new RangeError(`currentPathFrames: initialFrames must be an integer >= 2, got ${initialFrames}`);
  const out = new Float64Array(records.length);
  let current = initialFrames;
  records.forEach((r, i) => {
    if (r.accepted) {
      if (!Number.isInteger(r.trialFrames) || r.trialFrames < 2) throw new RangeError(`currentPathFrames: accepted move ${i} has trialFrames ${r.trialFrames}`);
      current = r.trialFrames;
    }
    out[i] = current;
  });
  return out;
}

/** Running transition-path time of a TPS chain (AIMMD SI Fig. 3, right). */
export interface PathTimeConvergence {
  /** Accepted paths after each move. */
  accepted: Float64Array;
  /** Duration of the current path after each move, (frames - 1) * frameTime. */
  time: Float64Array;
  /** Running mean of `time` over moves 1..i+1. */
  runningMean: Float64Array;
}

/**
 * t_TP of the current path after each move and its running average over the chain. frameTime is the
 * time between stored frames (e.g. stride * dt); a path of n frames, from its last frame in the state
 * it leaves to its first frame in the state it reaches, lasts (n - 1) * frameTime.
 */
export function pathTimeConvergence(records: readonly ShotRecord[], options: { initialFrames: number; frameTime: number }): PathTimeConvergence {
  if (!(options.frameTime > 0)) throw new RangeError(`pathTimeConvergence: frameTime must be positive, got ${options.frameTime}`);
  const frames = currentPathFrames(records, options.initialFrames);
  const accepted = new Float64Array(records.length), time = new Float64Array(records.length), runningMean = new Float64Array(records.length);
  let a = 0, sum = 0;
  records.forEach((r, i) => {
    if (r.accepted) a++;
    accepted[i] = a;
    time[i] = (frames[i] - 1) * options.frameTime;
    sum += time[i];
    runningMean[i] = sum / (i + 1);
  });
  return { accepted, time, runningMean };
}
