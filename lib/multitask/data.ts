import type { Potential } from '../systems/potential.js';
import type { Region } from '../systems/regions.js';
import { Rng } from '../dynamics/rng.js';
import type { ModuleRef } from '../sampling/module-ref.js';
import type { TaskRunner } from '../sampling/runner.js';
import type { TrajectoryResult, TrajectoryTask } from '../sampling/langevin-kernel.js';
import { TwoWayShooting, type Path, type ShootingOptions } from '../tps/shooting.js';
import type { SelectionRule } from '../tps/selection.js';
import type { MultitaskData } from './train.js';

/** Labelled configurations with their origin: 0 basin MD, 1 TPS shooting (a relaxation half). */
export interface LabelledData extends MultitaskData {
  source: Uint8Array;
}

function energiesOf(potential: Potential, frames: Float64Array, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => potential.energy(frames, i * potential.dim));
}

/** Concatenates labelled sets (e.g. basin MD and shooting data, or several shooting chains). */
export function concatLabelled(parts: readonly LabelledData[]): LabelledData {
  const n = parts.reduce((s, p) => s + p.n, 0);
  if (parts.length === 0) throw new RangeError('concatLabelled: no data sets');
  const d = parts[0].x.length / Math.max(1, parts[0].n);
  const out: LabelledData = { x: new Float64Array(n * d), n, labels: new Int32Array(n), energies: new Float64Array(n), source: new Uint8Array(n) };
  let o = 0;
  for (const p of parts) {
    if (p.n > 0 && p.x.length / p.n !== d) throw new RangeError(`concatLabelled: sets of ${d} and ${p.x.length / p.n} coordinates`);
    out.x.set(p.x, o * d);
    out.labels.set(p.labels, o);
    out.energies.set(p.energies, o);
    out.source.set(p.source, o);
    o += p.n;
  }
  return out;
}

export interface BasinMdOptions {
  /** Builds the langevinKernel (system + BAOAB integrator); `potential` gives the energies of the frames. */
  kernel: ModuleRef;
  potential: Potential;
  /** One trajectory per start, labelled with its basin. */
  starts: { x: ArrayLike<number>; label: number }[];
  /** Steps per trajectory (short enough that no transition happens: basin-confined MD). */
  nSteps: number;
  saveEvery: number;
  /** Frames before this step are dropped (relaxation from the start); default 0. */
  skipSteps?: number;
}

/**
 * Short unbiased MD trajectories trapped in their basins (Sun et al., Sec. II C): every frame is labelled
 * by the basin the trajectory started in and carries its potential energy.
 */
export async function basinTrajectories(runner: TaskRunner, o: BasinMdOptions, seed: number): Promise<LabelledData> {
  if (o.starts.length < 1) throw new RangeError('basinTrajectories: no starts');
  if (!Number.isInteger(o.saveEvery) || o.saveEvery < 1 || !Number.isInteger(o.nSteps) || o.nSteps < o.saveEvery) throw new RangeError(`basinTrajectories: need integers 1 ≤ saveEvery ≤ nSteps, got ${o.saveEvery}, ${o.nSteps}`);
  const d = o.potential.dim;
  const tasks: TrajectoryTask[] = o.starts.map((s) => {
    if (s.x.length !== d) throw new RangeError(`basinTrajectories: a start has ${s.x.length} coordinates, ${o.potential.name} has ${d}`);
    return { x0: Float64Array.from(s.x), nSteps: o.nSteps, saveEvery: o.saveEvery };
  });
  const res = await runner.run<TrajectoryTask, TrajectoryResult>(o.kernel, tasks, { seed });
  const skip = Math.ceil((o.skipSteps ?? 0) / o.saveEvery);
  const parts: LabelledData[] = res.map((r, t) => {
    const all = r.frames!.length / d;
    const n = Math.max(0, all - 1 - skip); // frame 0 is the start itself
    const x = r.frames!.slice((all - n) * d);
    return { x, n, labels: new Int32Array(n).fill(o.starts[t].label), energies: energiesOf(o.potential, x, n), source: new Uint8Array(n) };
  });
  return concatLabelled(parts);
}

/** Two-way shooting between states A and B as in lib/tps (kernel = langevinKernel with these states), plus the labelling. */
export interface ShootingDataOptions extends ShootingOptions {
  potential: Potential;
  /** Basin labels of states A and B. */
  labelA: number;
  labelB: number;
  /** A first transition path (e.g. a string-method path), its ends in A and B. */
  initialPath: Path;
  moves: number;
  selection: SelectionRule;
}

/**
 * Relaxation trajectories from transition path sampling (Sun et al., Sec. II C): every two-way shooting
 * move gives two halves from the shooting point; each half that commits to a state labels all its
 * frames (shooting point to end) with that state's basin, so configurations near the transition state
 * are labelled statistically, by the fraction of halves that relax to each side. Uncommitted halves are
 * dropped; the shooting point goes with the forward half. Accepted paths continue the TPS chain.
 */
export async function shootingData(o: ShootingDataOptions, seed: number): Promise<{ data: LabelledData; accepted: number; transitions: number }> {
  const shooting = new TwoWayShooting(o);
  const rng = new Rng(seed);
  const d = o.potential.dim;
  let path = o.initialPath, accepted = 0, transitions = 0;
  const xs: number[] = [], labels: number[] = [];
  const labelOf = (x: Float64Array, off: number): number | undefined => (o.A(x, off) ? o.labelA : o.B(x, off) ? o.labelB : undefined);
  for (let m = 0; m < o.moves; m++) {
    const { path: next, record, trial, shootingIndex: sp } = await shooting.step(path, o.selection, rng);
    if (record.accepted) accepted++;
    if (record.transition) transitions++;
    path = next;
    const f = trial.frames, nf = trial.nFrames;
    const back = labelOf(f, 0), fwd = labelOf(f, (nf - 1) * d);
    if (back !== undefined) for (let i = 0; i < sp; i++) { for (let k = 0; k < d; k++) xs.push(f[i * d + k]); labels.push(back); }
    if (fwd !== undefined) for (let i = sp; i < nf; i++) { for (let k = 0; k < d; k++) xs.push(f[i * d + k]); labels.push(fwd); }
  }
  const n = labels.length, x = Float64Array.from(xs);
  return { data: { x, n, labels: Int32Array.from(labels), energies: energiesOf(o.potential, x, n), source: new Uint8Array(n).fill(1) }, accepted, transitions };
}
