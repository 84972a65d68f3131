import type { Potential } from '../systems/potential.js';
import type { Rng } from '../dynamics/rng.js';
import { instantiate, libRef, type ModuleRef } from '../sampling/module-ref.js';
import { buildIntegrator, type IntegratorSpec } from '../sampling/langevin-kernel.js';
import { BAOAB, type EulerMaruyama } from '../dynamics/langevin.js';
import type { TaskKernel, TaskRunner, RunOptions } from '../sampling/runner.js';
import type { CollectiveVariable } from './cv.js';
import { EnhancedSamplingError } from './errors.js';

/** One harmonic umbrella window U_k(x) = kappa/2 (s(x) - center)^2; kappa in energy units of the system per CV unit squared. */
export interface UmbrellaWindow {
  center: number;
  kappa: number;
}

/** Throws EnhancedSamplingError unless every window has a finite centre and a finite kappa > 0. */
export function checkWindows(windows: readonly UmbrellaWindow[], where: string): void {
  if (windows.length < 1) throw new EnhancedSamplingError(`${where}: no umbrella windows`);
  windows.forEach((w, k) => {
    if (!Number.isFinite(w.center)) throw new EnhancedSamplingError(`${where}: window ${k} has centre ${w.center} (not finite)`);
    if (!(w.kappa > 0) || !Number.isFinite(w.kappa)) throw new EnhancedSamplingError(`${where}: window ${k} has kappa ${w.kappa}; it must be a finite number > 0`);
  });
}

/** Equally spaced windows from `from` to `to` (inclusive), all with the same kappa. */
export function harmonicWindows(from: number, to: number, count: number, kappa: number): UmbrellaWindow[] {
  if (!Number.isInteger(count) || count < 2) throw new EnhancedSamplingError(`harmonicWindows: count must be an integer ≥ 2, got ${count}`);
  const ws = Array.from({ length: count }, (_, k) => ({ center: from + ((to - from) * k) / (count - 1), kappa }));
  checkWindows(ws, 'harmonicWindows');
  return ws;
}

/**
 * The system's potential plus one umbrella bias along a CV: V(x) + kappa/2 (s(x) - s_k)^2. The bias
 * force -kappa (s - s_k) grad s is added to the system's forces; energies include the bias.
 */
export class BiasedPotential implements Potential {
  readonly dim: number;
  readonly name: string;
  private grad: Float64Array;
  constructor(readonly system: Potential, readonly cv: CollectiveVariable, readonly window: UmbrellaWindow) {
    if (cv.dim !== system.dim) throw new EnhancedSamplingError(`BiasedPotential: the CV takes ${cv.dim} coordinates but ${system.name} has ${system.dim}`);
    checkWindows([window], 'BiasedPotential');
    this.dim = system.dim;
    this.name = `${system.name} + umbrella(${window.center}, kappa ${window.kappa})`;
    this.grad = new Float64Array(this.dim);
  }

  energy(x: ArrayLike<number>, offset = 0): number {
    const xx = Float64Array.from({ length: this.dim }, (_, k) => x[offset + k]);
    const s = this.cv.evaluate(xx, 1)[0];
    return this.system.energy(x, offset) + 0.5 * this.window.kappa * (s - this.window.center) ** 2;
  }

  forces(x: Float64Array, f: Float64Array, n: number, energies?: Float64Array): void {
    this.system.forces(x, f, n, energies);
    const d = this.dim;
    if (this.grad.length !== n * d) this.grad = new Float64Array(n * d);
    const s = this.cv.evaluate(x.length === n * d ? x : x.subarray(0, n * d), n, this.grad);
    const { kappa, center } = this.window;
    for (let w = 0; w < n; w++) {
      const ds = s[w] - center;
      if (!Number.isFinite(ds)) throw new EnhancedSamplingError(`BiasedPotential: the CV of walker ${w} is ${s[w]}`);
      for (let k = 0; k < d; k++) f[w * d + k] -= kappa * ds * this.grad[w * d + k];
      if (energies) energies[w] += 0.5 * kappa * ds * ds;
    }
  }
}

/** ModuleRef factory: the biased potential for one window, e.g. `libRef('biasedSystem', libRef('DoubleWell'), libRef('coordinateCv', 1, 0), {center: 0, kappa: 50})`. */
export async function biasedSystem(system: ModuleRef, cv: ModuleRef, window: UmbrellaWindow): Promise<BiasedPotential> {
  const [p, c] = await Promise.all([instantiate<Potential>(system), instantiate<CollectiveVariable>(cv)]);
  return new BiasedPotential(p, c, window);
}

export interface UmbrellaKernelConfig {
  /** Builds the Potential (a rarelab system). */
  system: ModuleRef;
  /** Builds the CollectiveVariable (ChiField), e.g. `libRef('coordinateCv', 1, 0)` or a saved model's loader. */
  cv: ModuleRef;
  integrator: IntegratorSpec;
}

export interface UmbrellaTask {
  window: UmbrellaWindow;
  /** Start configuration, length dim. */
  x0: Float64Array;
  /** Steps discarded before sampling. */
  equilibrationSteps: number;
  /** Production steps; the CV is recorded every `saveEvery` steps (first record after `saveEvery` steps). */
  nSteps: number;
  saveEvery: number;
  /** Also return the recorded configurations (default false). */
  keepFrames?: boolean;
}

export interface UmbrellaTaskResult {
  /** CV values of the recorded frames, in time order. */
  cv: Float64Array;
  /** Recorded configurations [frames][dim] when keepFrames. */
  frames?: Float64Array;
  /** Final configuration. */
  final: Float64Array;
}

/**
 * Task kernel running one umbrella window with Langevin dynamics on the biased potential; built in
 * each worker from `libRef('umbrellaKernel', config)`. The system and CV are built once per worker.
 */
export async function umbrellaKernel(config: UmbrellaKernelConfig): Promise<TaskKernel<UmbrellaTask, UmbrellaTaskResult>> {
  const [system, cv] = await Promise.all([instantiate<Potential>(config.system), instantiate<CollectiveVariable>(config.cv)]);
  if (typeof system.forces !== 'function') throw new EnhancedSamplingError('umbrellaKernel: the system ModuleRef did not build a Potential');
  if (typeof cv.evaluate !== 'function') throw new EnhancedSamplingError('umbrellaKernel: the cv ModuleRef did not build a CollectiveVariable (no evaluate)');
  if (cv.dim !== system.dim) throw new EnhancedSamplingError(`umbrellaKernel: the CV takes ${cv.dim} coordinates but ${system.name} has ${system.dim}`);
  return (task: UmbrellaTask, rng: Rng): UmbrellaTaskResult => {
    const d = system.dim;
    if (!(task.x0 instanceof Float64Array) || task.x0.length !== d) throw new EnhancedSamplingError(`umbrellaKernel: x0 must be a Float64Array of length ${d}`);
    for (const [k, v] of [['equilibrationSteps', task.equilibrationSteps], ['nSteps', task.nSteps], ['saveEvery', task.saveEvery]] as const) {
      if (!Number.isInteger(v) || v < (k === 'equilibrationSteps' ? 0 : 1)) throw new EnhancedSamplingError(`umbrellaKernel: ${k} must be a ${k === 'equilibrationSteps' ? 'non-negative' : 'positive'} integer, got ${v}`);
    }
    const biased = new BiasedPotential(system, cv, task.window);
    const { integrator, constraints } = buildIntegrator(biased, config.integrator);
    const x = Float64Array.from(task.x0);
    if (constraints) constraints.apply(x, 1);
    const v = integrator instanceof BAOAB ? integrator.maxwellBoltzmann(1, rng, undefined, x) : undefined;
    const advance = (n: number) => {
      if (n === 0) return;
      if (v) (integrator as BAOAB).run(x, v, 1, n, rng);
      else (integrator as EulerMaruyama).run(x, 1, n, rng);
    };
    advance(task.equilibrationSteps);
    const nFrames = Math.floor(task.nSteps / task.saveEvery);
    const frames = new Float64Array(nFrames * d);
    for (let i = 0; i < nFrames; i++) {
      advance(task.saveEvery);
      frames.set(x, i * d);
    }
    const s = cv.evaluate(frames, nFrames);
    return { cv: s, frames: task.keepFrames ? frames : undefined, final: x };
  };
}

/** Umbrella-sampling output: the windows and, per window, the recorded CV values in time order. */
export interface UmbrellaData {
  windows: UmbrellaWindow[];
  samples: Float64Array[];
  /** kT in the system's energy units, the temperature the windows were run at. */
  kT: number;
}

export interface UmbrellaRunOptions extends UmbrellaKernelConfig {
  windows: UmbrellaWindow[];
  /** One start configuration for all windows, or one per window. */
  starts: ArrayLike<number> | readonly ArrayLike<number>[];
  equilibrationSteps: number;
  nSteps: number;
  saveEvery: number;
}

/**
 * Runs all windows as independent tasks on `runner` (InlineRunner or WorkerPool; window k draws from
 * `new Rng(seed).fork(k)`, so the samples do not depend on the runner or its worker count).
 */
export async function runUmbrella(runner: TaskRunner, options: UmbrellaRunOptions, run: RunOptions): Promise<UmbrellaData> {
  checkWindows(options.windows, 'runUmbrella');
  const K = options.windows.length;
  const list = options.starts as readonly ArrayLike<number>[];
  const perWindow = list.length > 0 && typeof list[0] !== 'number';
  if (perWindow && list.length !== K) throw new EnhancedSamplingError(`runUmbrella: ${list.length} start configurations for ${K} windows`);
  const start = (k: number) => Float64Array.from(perWindow ? list[k] : (options.starts as ArrayLike<number>));
  const tasks: UmbrellaTask[] = options.windows.map((w, k) => ({ window: w, x0: start(k), equilibrationSteps: options.equilibrationSteps, nSteps: options.nSteps, saveEvery: options.saveEvery }));
  const kernel = libRef('umbrellaKernel', { system: options.system, cv: options.cv, integrator: options.integrator });
  const results = await runner.run<UmbrellaTask, UmbrellaTaskResult>(kernel, tasks, run);
  return { windows: options.windows.map((w) => ({ ...w })), samples: results.map((r) => r.cv), kT: options.integrator.kT };
}
