import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files/atomic-write.js';
import { checkSameSettings, toJson } from '../files/checkpoint.js';
import { sep } from 'node:path';
import { Rng } from '../dynamics/rng.js';
import { projectRoot } from '../project/root.js';
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
  /**
   * Write a checkpoint to `path` every `every` moves (a positive integer, default 10) and at the end of
   * each `run` call, atomically; resume with AimmdRun.resume.
   */
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
    const g = options.gamma ?? 1;
    if (!(g > 0) || !Number.isFinite(g)) throw new RangeError(`AimmdRun: gamma must be positive and finite, got ${g}`);
    const cp = options.checkpoint;
    if (cp) {
      if (typeof cp.path !== 'string' || cp.path === '') throw new RangeError(`AimmdRun: checkpoint.path must be a file path, got ${JSON.stringify(cp.path)}`);
      const every = cp.every ?? 10;
      if (!Number.isInteger(every) || every < 1) throw new RangeError(`AimmdRun: checkpoint.every must be a positive integer (moves between checkpoints), got ${every}`);
    }
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

  /** Writes the full state (settings, path, records, learner) to a JSON file atomically. */
  async save(path: string): Promise<void> {
    const state: AimmdState = {
      format: 'rarelab.aimmd-run', version: 2, seed: this.options.seed,
      settings: runSettings(this.options, this.path.dim),
      path: { frames: Array.from(this.path.frames), nFrames: this.path.nFrames, dim: this.path.dim },
      records: this.records.map((r) => ({ ...r, xsp: Array.from(r.xsp) })),
      learner: this.options.learner ? await this.options.learner.getState() : undefined,
    };
    writeFileAtomic(path, JSON.stringify(state));
  }

  /**
   * Continues a run from its checkpoint: the same options (the learner, if any, is rebuilt from the
   * checkpoint and replaces `options.learner`'s state). With no checkpoint file, starts fresh from
   * `initialPath`. The resumed run produces exactly what an uninterrupted run would have, bit for bit (the
   * learner's network, optimiser and data, the current path and every record), also after a kill -9: moves
   * after the last checkpoint are redone with the same random streams (move i draws from fork(i)).
   * The settings that decide the run (seed, gamma, path dimension, the learner's options, the shooting's
   * kT, masses, maxSteps, stride and kernel) must equal the checkpoint's, else CheckpointMismatchError
   * names the first that differs. Function-valued options (features, velocities) cannot be compared:
   * only whether a custom one is given is.
   */
  static async resume(path: string, initialPath: Path, options: AimmdOptions): Promise<AimmdRun> {
    if (!existsSync(path)) return new AimmdRun(initialPath, options);
    let s: AimmdState;
    try {
      s = JSON.parse(readFileSync(path, 'utf8')) as AimmdState;
    } catch (e) {
      throw new Error(`AimmdRun.resume: ${path} is not a readable checkpoint: ${(e as Error).message}`);
    }
    if (s?.format !== 'rarelab.aimmd-run') throw new TypeError(`AimmdRun.resume: ${path} is not a rarelab.aimmd-run checkpoint`);
    if (s.version !== 2) throw new TypeError(`AimmdRun.resume: ${path} is a version ${s.version} checkpoint (this rarelab reads version 2, which records the run's settings); delete it to start the run afresh`);
    if (s.seed !== options.seed) throw new RangeError(`AimmdRun.resume: checkpoint seed ${s.seed} differs from options.seed ${options.seed}`);
    if (!!s.learner !== !!options.learner) throw new RangeError(`AimmdRun.resume: checkpoint ${s.learner ? 'has' : 'has no'} committor learner but options ${options.learner ? 'give' : 'give none'}`);
    checkSameSettings(`AimmdRun.resume: ${path}`, s.settings, runSettings(options, initialPath.dim));
    checkSavedPath(path, s);
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

/**
 * What decides an AIMMD run besides its random seed, as recorded in its checkpoint. Paths inside the
 * kernel (modules, data files) are kept relative to the rarelab folder when under it, so a moved checkout
 * still resumes.
 */
function runSettings(o: AimmdOptions, dim: number): unknown {
  const sh = o.shooting.options;
  return toJson({
    seed: o.seed,
    gamma: o.gamma ?? 1,
    pathDim: dim,
    features: o.features ? 'custom' : 'identity',
    learner: o.learner?.options,
    shooting: { kT: sh.kT, masses: sh.masses, maxSteps: sh.maxSteps, stride: sh.stride ?? 1, velocities: sh.velocities ? 'custom' : 'Maxwell-Boltzmann (kT, masses)', kernel: portableRef(sh.kernel) },
  });
}

function portableRef(ref: unknown): unknown {
  const json = toJson(ref);
  let root: string;
  try {
    root = projectRoot();
  } catch {
    return json; // outside a rarelab folder: compare absolute paths
  }
  const inside = root + sep;
  return JSON.parse(JSON.stringify(json, (_k, v) => (typeof v === 'string' && v.startsWith(inside) ? `<rarelab>/${v.slice(inside.length).split(sep).join('/')}` : v)));
}

/** The saved path and records must be whole: a checkpoint cut or edited by hand fails here, not later. */
function checkSavedPath(file: string, s: AimmdState): void {
  const p = s.path;
  if (!p || !Number.isInteger(p.dim) || p.dim < 1 || !Number.isInteger(p.nFrames) || p.nFrames < 2 || !Array.isArray(p.frames) || p.frames.length !== p.nFrames * p.dim) {
    throw new RangeError(`AimmdRun.resume: ${file}: the saved path is truncated (${p?.frames?.length} values for ${p?.nFrames} frames of dim ${p?.dim})`);
  }
  if (!Array.isArray(s.records)) throw new RangeError(`AimmdRun.resume: ${file}: no records`);
  s.records.forEach((r, i) => {
    if (r.move !== i || !Array.isArray(r.xsp) || r.xsp.length !== p.dim) throw new RangeError(`AimmdRun.resume: ${file}: record ${i} is damaged (move ${r.move}, ${r.xsp?.length} shooting-point values for dim ${p.dim})`);
  });
}

interface AimmdState {
  format: 'rarelab.aimmd-run';
  version: 2;
  seed: number;
  settings: unknown;
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
