import type { Region } from '../systems/regions.js';
import type { Path } from './shooting.js';

/** One transition in a trajectory: frames start..end (inclusive), start in one state, end in the other. */
export interface TransitionSegment {
  /** Last frame in the state left. */
  start: number;
  /** First frame in the state reached. */
  end: number;
  from: 'A' | 'B';
}

/**
 * Every transition of a trajectory of nFrames frames [frame][dim]: the pieces from the last frame in one
 * state to the first frame in the other, with no frame of either state in between (a reactive segment).
 * States must not overlap; a frame in both is an error.
 */
export function findTransitions(frames: Float64Array, nFrames: number, dim: number, A: Region, B: Region): TransitionSegment[] {
  if (!Number.isInteger(nFrames) || nFrames < 0 || !Number.isInteger(dim) || dim < 1 || frames.length !== nFrames * dim) {
    throw new RangeError(`findTransitions: ${frames.length} values for ${nFrames} frames of dim ${dim}`);
  }
  const out: TransitionSegment[] = [];
  let last: 'A' | 'B' | null = null, lastAt = -1;
  for (let f = 0; f < nFrames; f++) {
    for (let k = f * dim; k < (f + 1) * dim; k++) if (!Number.isFinite(frames[k])) throw new RangeError(`findTransitions: coordinate ${k - f * dim} of frame ${f} is ${frames[k]}`);
    const a = A(frames, f * dim), b = B(frames, f * dim);
    if (a && b) throw new RangeError(`findTransitions: frame ${f} lies in both A and B (the states overlap)`);
    const s = a ? 'A' : b ? 'B' : null;
    if (s === null) continue;
    if (last !== null && s !== last) out.push({ start: lastAt, end: f, from: last });
    last = s;
    lastAt = f;
  }
  return out;
}

/**
 * An initial transition path for TPS cut from a trajectory (e.g. a short high-temperature run): the
 * first transition (`which: 'first'`, default) or the shortest, from the last frame in A to the first
 * frame in B; a B -> A transition is reversed in time (a path and its reverse are equally valid
 * transition paths for a time-reversible dynamics). Returns null when the trajectory has none.
 */
export function transitionFromTrajectory(frames: Float64Array, nFrames: number, dim: number, A: Region, B: Region, options: { which?: 'first' | 'shortest' } = {}): Path | null {
  const which = options.which ?? 'first';
  if (which !== 'first' && which !== 'shortest') throw new RangeError(`transitionFromTrajectory: which must be 'first' or 'shortest', got ${String(which)}`);
  const segs = findTransitions(frames, nFrames, dim, A, B);
  if (segs.length === 0) return null;
  const seg = which === 'first' ? segs[0] : segs.reduce((a, s) => (s.end - s.start < a.end - a.start ? s : a));
  const n = seg.end - seg.start + 1;
  const out = new Float64Array(n * dim);
  for (let j = 0; j < n; j++) {
    const src = seg.from === 'A' ? seg.start + j : seg.end - j;
    out.set(frames.subarray(src * dim, (src + 1) * dim), j * dim);
  }
  return { frames: out, nFrames: n, dim };
}
