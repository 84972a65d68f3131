import type { Potential } from '../systems/potential.js';
import { BAOAB, EulerMaruyama } from '../dynamics/langevin.js';
import { BondConstraints, type Constraints } from '../dynamics/constraints.js';
import type { Rng } from '../dynamics/rng.js';
import { instantiate, type ModuleRef } from './module-ref.js';
import type { TaskKernel } from './runner.js';

/** Integrator recipe; units are the potential's (see lib/dynamics/langevin.ts). */
export type IntegratorSpec =
  | {
      kind: 'baoab'; dt: number; kT: number; friction: number;
      /** Default: the system's atom masses when it is a molecule (has massesPerCoordinate()), else 1. */
      masses?: number | Float64Array;
      /**
       * 'h-bonds': constrain bonds to hydrogen (molecules; SHAKE/RATTLE), for 2 fs steps. 'system': the
       * constraints the system comes with (a solvated system's SHAKE for X-H bonds and SETTLE for waters).
       */
      bondConstraints?: 'none' | 'h-bonds' | 'system';
      /** Relative SHAKE/RATTLE tolerance (default BondConstraints' 1e-10). */
      constraintTolerance?: number;
    }
  | { kind: 'euler-maruyama'; dt: number; kT: number; mobility?: number | Float64Array };

/** A state predicate `(x, offset) => boolean` on one configuration, rebuilt in each worker from a ModuleRef. */
export type StatePredicate = (x: Float64Array, offset: number) => boolean; // see lib/systems/regions.ts

/** What a molecular force field (lib/forcefield ForceField) offers beyond the Potential contract. */
interface MolecularPotential extends Potential {
  readonly masses: Float64Array;
  massesPerCoordinate(): Float64Array;
  readonly hydrogenBonds: { pairs: Int32Array; lengths: Float64Array };
}

const isMolecular = (p: Potential): p is MolecularPotential =>
  typeof (p as Partial<MolecularPotential>).massesPerCoordinate === 'function' && (p as Partial<MolecularPotential>).hydrogenBonds !== undefined;

export interface LangevinKernelConfig {
  /**
   * Builds the Potential, or a molecular system `{forceField, ...}` such as
   * `libRef('loadShippedSystem', 'alanine-dipeptide')` (its force field is used).
   */
  system: ModuleRef;
  integrator: IntegratorSpec;
  /** Optional states; a task with `stopAtStates` ends on entering either. */
  states?: { A?: ModuleRef; B?: ModuleRef };
}

export interface TrajectoryTask {
  /** Start configuration, length dim. */
  x0: Float64Array;
  /** Start velocities (BAOAB only); drawn from Maxwell-Boltzmann with the task's stream when absent. */
  v0?: Float64Array;
  /** Independent copies started from x0 (e.g. ISOKANN bursts); default 1. */
  replicas?: number;
  /** Number of steps (the maximum when stopping at states). */
  nSteps: number;
  /** Store a frame every this many steps (replica 0, starting with x0); 0 or absent: no frames. */
  saveEvery?: number;
  /** Stop on entering A or B, checked every `checkEvery` steps (default 1). Needs replicas = 1. */
  stopAtStates?: boolean;
  checkEvery?: number;
}

export interface TrajectoryResult {
  /** Final configurations, [replicas][dim]. */
  final: Float64Array;
  /** Final velocities for BAOAB, [replicas][dim]. */
  velocities?: Float64Array;
  /** Saved frames of replica 0, [nFrames][dim]. */
  frames?: Float64Array;
  /** Steps actually run. */
  steps: number;
  /** The state the trajectory stopped in, or null (ran to nSteps). */
  state: 'A' | 'B' | null;
}

/**
 * The integrator an IntegratorSpec describes for a potential, with molecular defaults: atom masses
 * when the potential is a force field and no masses are given, and H-bond constraints on request
 * (returned too, so that start structures can be put on the constraint surface).
 */
export function buildIntegrator(potential: Potential, spec: IntegratorSpec, systemConstraints?: Constraints): { integrator: BAOAB | EulerMaruyama; constraints?: Constraints } {
  if (spec.kind === 'euler-maruyama') return { integrator: new EulerMaruyama(potential, spec) };
  if (spec.kind !== 'baoab') throw new TypeError(`langevinKernel: unknown integrator kind ${(spec as { kind: string }).kind}`);
  let constraints: Constraints | undefined;
  const bc = spec.bondConstraints ?? 'none';
  if (bc === 'system') {
    if (!systemConstraints) throw new TypeError(`langevinKernel: bondConstraints 'system' needs a system that comes with constraints (e.g. loadShippedSolvatedSystem), but ${potential.name} has none`);
    constraints = systemConstraints;
  } else if (bc !== 'none') {
    if (bc !== 'h-bonds') throw new TypeError(`langevinKernel: unknown bondConstraints "${bc}" (use 'none', 'h-bonds' or 'system')`);
    if (!isMolecular(potential)) throw new TypeError(`langevinKernel: bondConstraints 'h-bonds' needs a molecular force field, but ${potential.name} has no hydrogen bonds`);
    const hb = potential.hydrogenBonds;
    constraints = new BondConstraints(hb.pairs, hb.lengths, potential.masses, { tolerance: spec.constraintTolerance });
  }
  // atom masses for any force field (a PeriodicForceField has them but keeps its bonds in .bonded)
  const perCoordinate = (potential as Partial<MolecularPotential>).massesPerCoordinate;
  const masses = spec.masses ?? (typeof perCoordinate === 'function' ? perCoordinate.call(potential) : undefined);
  return { integrator: new BAOAB(potential, { dt: spec.dt, kT: spec.kT, friction: spec.friction, masses, constraints }), constraints };
}

/**
 * Task kernel for Langevin trajectories on any Potential: bursts, shooting trajectories, long runs.
 * Build with a ModuleRef `{module: <lib/index.ts>, export: 'langevinKernel', args: [config]}`.
 */
export async function langevinKernel(config: LangevinKernelConfig): Promise<TaskKernel<TrajectoryTask, TrajectoryResult>> {
  const built = await instantiate<Potential | { forceField: Potential; constraints?: Constraints }>(config.system);
  const potential: Potential = 'forceField' in built && built.forceField ? built.forceField : (built as Potential);
  if (typeof potential.forces !== 'function' || !Number.isInteger(potential.dim)) {
    throw new TypeError(`langevinKernel: the system ModuleRef ${JSON.stringify(config.system.export)} built neither a Potential nor an object with a forceField`);
  }
  const A = config.states?.A ? await instantiate<StatePredicate>(config.states.A) : undefined;
  const B = config.states?.B ? await instantiate<StatePredicate>(config.states.B) : undefined;
  const spec = config.integrator;
  const { integrator: integ, constraints } = buildIntegrator(potential, spec, 'forceField' in built ? built.constraints : undefined);
  const dim = potential.dim;

  return (task: TrajectoryTask, rng: Rng): TrajectoryResult => {
    const replicas = task.replicas ?? 1;
    if (!(task.x0 instanceof Float64Array) || task.x0.length !== dim) {
      throw new RangeError(`langevinKernel: x0 must be a Float64Array of length ${dim} (${potential.name})`);
    }
    if (!Number.isInteger(task.nSteps) || task.nSteps < 0) throw new RangeError(`langevinKernel: nSteps must be a non-negative integer, got ${task.nSteps}`);
    if (!Number.isInteger(replicas) || replicas < 1) throw new RangeError(`langevinKernel: replicas must be a positive integer, got ${replicas}`);
    if (task.stopAtStates && (!A || !B)) throw new Error('langevinKernel: stopAtStates needs both states A and B in the kernel config');
    if (task.stopAtStates && replicas !== 1) throw new Error('langevinKernel: stopAtStates works on single trajectories (replicas = 1)');
    const x = new Float64Array(replicas * dim);
    for (let r = 0; r < replicas; r++) x.set(task.x0, r * dim);
    // Start on the constraint surface (a no-op for a start taken from a constrained trajectory).
    if (constraints) constraints.apply(x, replicas);
    let v: Float64Array | undefined;
    if (integ instanceof BAOAB) {
      if (task.v0) {
        if (task.v0.length !== dim) throw new RangeError(`langevinKernel: v0 must have length ${dim}`);
        v = new Float64Array(replicas * dim);
        for (let r = 0; r < replicas; r++) v.set(task.v0, r * dim);
      } else {
        v = integ.maxwellBoltzmann(replicas, rng, undefined, x);
      }
    }
    const saveEvery = task.saveEvery ?? 0;
    const checkEvery = task.stopAtStates ? task.checkEvery ?? 1 : 0;
    // Integrate in chunks so frames and state checks happen on a common grid of steps.
    const chunk = Math.max(1, gcdNonZero(saveEvery, checkEvery) || task.nSteps || 1);
    const frames: number[] = [];
    const save = () => { for (let k = 0; k < dim; k++) frames.push(x[k]); };
    if (saveEvery > 0) save();
    let steps = 0;
    let state: 'A' | 'B' | null = null;
    if (task.stopAtStates) state = A!(x, 0) ? 'A' : B!(x, 0) ? 'B' : null;
    while (steps < task.nSteps && state === null) {
      const n = Math.min(chunk, task.nSteps - steps);
      if (v) (integ as BAOAB).run(x, v, replicas, n, rng);
      else (integ as EulerMaruyama).run(x, replicas, n, rng);
      steps += n;
      if (saveEvery > 0 && steps % saveEvery === 0) save();
      if (checkEvery > 0 && steps % checkEvery === 0) state = A!(x, 0) ? 'A' : B!(x, 0) ? 'B' : null;
    }
    return { final: x, velocities: v, frames: saveEvery > 0 ? Float64Array.from(frames) : undefined, steps, state };
  };
}

function gcdNonZero(a: number, b: number): number {
  if (!a) return b;
  if (!b) return a;
  while (b) [a, b] = [b, a % b];
  return a;
}
