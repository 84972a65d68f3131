import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Rng } from '../dynamics/rng.js';
import { CommittorLearner, type CommittorLearnerState } from './committor.js';
import { lorentzianSelection, uniformSelection, type SelectionRule } from './selection.js';
import type { Path, ShotRecord, TwoWayShooting } from './shooting.js';

/** Maps n configurations [n][dim] to the committor network's inputs [n][inputs]. */
export type Featurizer = (frames: Float64Array, n: number) => Float64Array;

export interface AimmdOptions {
  /** The shooting move (states, engine, runner: the two halves run in parallel on the runner). */
  shooting: TwoWayShooting;
  /** The committor learner for AI-guided TPS; omit for standard TPS with uniform selection. */
  learner?: CommittorLearner;
  /** Configuration -> network inputs; default identity (the configuration itself). */
  features?: Featurizer;
  /** Scale of the Cauchy-Lorentz selection, Eq. 4; default 1. */
  gamma?: number;
  /** Root seed: move i draws from new Rng(seed).fork(i), so runs are reproducible and resumable. */
  seed: number;
  /** Write a checkpoint to `path` every `every` moves (atomic rename); resume with AimmdRun.resume. */
  checkpoint?: { path: string; every?: number };
}

/** Progress after each move. */
export interface AimmdProgress { move: number; total: number; generated: number; accepted: number; loss: number }

/**
 * The AI-guided TPS loop of AIMMD (Jung et al., Fig. 2): (1) shoot from x_sp with fresh velocities,
 * record (x_sp, n_A, n_B); (2) accept a new transition path by the Metropolis-Hastings rule; (3) update
 * the committor network on all outcomes; (4) select the next x_sp on the last accepted path by the
 * Cauchy-Lorentz rule Eq. 4 around the learned TSE (q = 0). The first move, with an untrained network,
 * selects uniformly (the paper's "randomly select the first shooting configuration"). Without a learner it
 * is standard TPS with uniform selection: the control of Fig. 3A.
 */
export class AimmdRun {
  path: Path;
  readonly records: ShotRecord[] = [];
  private readonly features: Featurizer;

  constructor(initialPath: Path, readonly options: AimmdOptions) {
    if (!(initialPath.nFrames >= 2) || initialPath.frames.length !== initialPath.nFrames * initialPath.dim) throw new RangeError(`AimmdRun: the initial path must have nFrames >= 2 frames of dim ${initialPath.dim}`);
    this.path = initialPath;
    this.features = options.features ?? ((f) => f);
    if (!Number.isInteger(options.seed) || options.seed < 0) throw new RangeError(`AimmdRun: seed must be a non-negative integer, got ${options.seed}`);
  }

  get moves(): number { return this.records.length; }

  /** The selection rule of the next move. */
  selection(): SelectionRule {
    const l = this.options.learner;
    if (!l || this.records.length === 0) return uniformSelection;
    const f = this.features;
    return lorentzianSelection((frames, n) => l.q(f(frames, n), n), this.options.gamma ?? 1);
  }

  /** Runs `moves` more shooting moves. */
  async run(moves: number, options: { onProgress?: (p: AimmdProgress) => void } = {}): Promise<ShotRecord[]> {
    if (!Number.isInteger(moves) || moves < 0) throw new RangeError(`AimmdRun.run: moves must be a non-negative integer, got ${moves}`);
    const root = new Rng(this.options.seed);
    const target = this.records.length + moves;
    const out: ShotRecord[] = [];
    let generated = this.records.filter((r) => r.transition).length, accepted = this.records.filter((r) => r.accepted).length;
    while (this.records.length < target) {
      const i = this.records.length;
      const { path, record } = await this.options.shooting.step(this.path, this.selection(), root.fork(i));
      record.move = i; // the move number is the run's, not the shooting object's (resumable)
      this.path = path;
      this.records.push(record);
      out.push(record);
      if (record.transition) generated++;
      if (record.accepted) accepted++;
      let loss = NaN;
      const l = this.options.learner;
      if (l) {
        l.add(this.features(record.xsp, 1), [record.nA], [record.nB]);
        loss = l.update().loss;
      }
      const cp = this.options.checkpoint;
      if (cp && ((i + 1) % (cp.every ?? 10) === 0 || this.records.length === target)) await this.save(cp.path);
      options.onProgress?.({ move: i + 1, total: target, generated, accepted, loss });
    }
    return out;
  }

  /** Writes the full state (path, records, learner) to a JSON file atomically. */
  async save(path: string): Promise<void> {
    const state: AimmdState = {
      format: 'rarelab.aimmd-run', version: 1, seed: this.options.seed,
      path: { frames: Array.from(this.path.frames), nFrames: this.path.nFrames, dim: this.path.dim },
      records: this.records.map((r) => ({ ...r, xsp: Array.from(r.xsp) })),
      learner: this.options.learner ? await this.options.learner.getState() : undefined,
    };
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, path);
  }

  /**
   * Continues a run from its checkpoint: the same options (the learner, if any, is rebuilt from the
   * checkpoint and replaces `options.learner`'s state). With no checkpoint file, starts fresh from
   * `initialPath`. The resumed run produces exactly what an uninterrupted run would have.
   */
  static async resume(path: string, initialPath: Path, options: AimmdOptions): Promise<AimmdRun> {
    if (!existsSync(path)) return new AimmdRun(initialPath, options);
    let s: AimmdState;
    try {
      s = JSON.parse(readFileSync(path, 'utf8')) as AimmdState;
    } catch (e) {
      throw new Error(`AimmdRun.resume: ${path} is not a readable checkpoint: ${(e as Error).message}`);
    }
    if (s.format !== 'rarelab.aimmd-run') throw new TypeError(`AimmdRun.resume: ${path} is not a rarelab.aimmd-run checkpoint`);
    if (s.seed !== options.seed) throw new RangeError(`AimmdRun.resume: checkpoint seed ${s.seed} differs from options.seed ${options.seed}`);
    if (!!s.learner !== !!options.learner) throw new RangeError(`AimmdRun.resume: checkpoint ${s.learner ? 'has' : 'has no'} committor learner but options ${options.learner ? 'give' : 'give none'}`);
    let learner = options.learner;
    if (s.learner) {
      options.learner!.dispose();
      learner = await CommittorLearner.fromState(s.learner);
    }
    const run = new AimmdRun({ frames: Float64Array.from(s.path.frames), nFrames: s.path.nFrames, dim: s.path.dim }, { ...options, learner });
    for (const r of s.records) run.records.push({ ...r, xsp: Float64Array.from(r.xsp) });
    return run;
  }
}

interface AimmdState {
  format: 'rarelab.aimmd-run';
  version: 1;
  seed: number;
  path: { frames: number[]; nFrames: number; dim: number };
  records: (Omit<ShotRecord, 'xsp'> & { xsp: number[] })[];
  learner?: CommittorLearnerState;
}

/** Cumulative generated and accepted transition paths after each move (Fig. 3A). */
export function cumulativeCounts(records: readonly ShotRecord[]): { generated: Float64Array; accepted: Float64Array } {
  const generated = new Float64Array(records.length), accepted = new Float64Array(records.length);
  let g = 0, a = 0;
  records.forEach((r, i) => {
    if (r.transition) g++;
    if (r.accepted) a++;
    generated[i] = g;
    accepted[i] = a;
  });
  return { generated, accepted };
}

/**
 * Length in frames of the chain's current path after each move: the accepted trial path, or the previous
 * path when the move was rejected. Averages over it weigh every path by the number of moves the chain
 * keeps it, i.e. they are averages over the sampled transition-path ensemble (how the authors measure
 * <t_TP>), not over the distinct accepted paths.
 * @param acceptedFrames per move, the frames of the accepted path, 0 when rejected (TpsExperimentResult.acceptedFrames).
 * @param initialFrames frames of the initial path (the current path before the first acceptance).
 */
export function chainPathFrames(acceptedFrames: ArrayLike<number>, initialFrames: number): Int32Array {
  if (!Number.isInteger(initialFrames) || initialFrames < 2) throw new RangeError(`chainPathFrames: initialFrames must be an integer >= 2, got ${initialFrames}`);
  const out = new Int32Array(acceptedFrames.length);
  let current = initialFrames;
  for (let i = 0; i < acceptedFrames.length; i++) {
    const f = acceptedFrames[i];
    if (f !== 0 && !(Number.isInteger(f) && f >= 2)) throw new RangeError(`chainPathFrames: move ${i} has ${f} accepted frames; expected 0 (rejected) or an integer >= 2`);
    if (f !== 0) current = f;
    out[i] = current;
  }
  return out;
}
