import type { ModuleRef } from '../sampling/module-ref.js';
import type { TaskKernel, TaskRunner } from '../sampling/runner.js';
import { committorNLL, type ShotCounts } from '../tps/likelihood.js';
import { SymbolicModel, SymbolicRegressor, type SymbolicRegressorOptions } from './regressor.js';

/**
 * The paper's symbolic-regression protocol (Jung et al., SI IV and Table II): every complexity penalty
 * lambda of a sweep, each repeated with independent restarts, fitted to shooting outcomes (Eq. 3); one
 * task per (lambda, restart) so that the fits run in parallel on a WorkerPool. The expression kept is
 * the one with the lowest loss per shot on held-out validation outcomes (the fitness itself is not
 * comparable across lambda).
 */
export interface SymbolicSweepConfig {
  variables: string[];
  /** Training points [n][variables] and their shooting outcomes. */
  z: ArrayLike<number>;
  n: number;
  counts: { nA: ArrayLike<number>; nB: ArrayLike<number> };
  /** Regressor settings shared by every fit (generations, offspring, nodes, ...). */
  regressor?: Omit<SymbolicRegressorOptions, 'seed' | 'lambda' | 'restarts' | 'variables' | 'onProgress'>;
}

export interface SymbolicSweepTask { lambda: number; restart: number }

export interface SymbolicFit { lambda: number; restart: number; expression: string; loss: number; complexity: number }

/** Task kernel for one (lambda, restart) fit; build with `libRef('symbolicSweepKernel', config)`. */
export function symbolicSweepKernel(config: SymbolicSweepConfig): TaskKernel<SymbolicSweepTask, SymbolicFit> {
  const z = Float64Array.from(config.z);
  const counts: ShotCounts = { nA: Float64Array.from(config.counts.nA), nB: Float64Array.from(config.counts.nB) };
  return (task, rng) => {
    const m = new SymbolicRegressor({ ...config.regressor, variables: config.variables, lambda: task.lambda, restarts: 1, seed: rng.seedInt() }).fit(z, config.n, { kind: 'nll', counts });
    return { lambda: task.lambda, restart: task.restart, expression: m.expression, loss: m.loss, complexity: m.complexity };
  };
}

export interface SymbolicSweepResult {
  /** Every fit with its validation loss per shot. */
  fits: (SymbolicFit & { validationLoss: number })[];
  /** The fit with the lowest validation loss. */
  best: SymbolicModel;
  bestFit: SymbolicFit & { validationLoss: number };
}

/**
 * Runs the sweep lambdas x restarts on `runner` (seeded per task: the same fits for any worker count)
 * and picks the expression with the lowest validation loss per shot.
 * @param kernel a symbolicSweepKernel ModuleRef holding the training data.
 * @param validation held-out points [m][variables] and their outcomes.
 */
export async function symbolicSweep(runner: TaskRunner, kernel: ModuleRef, options: { lambdas: readonly number[]; restarts: number; seed: number; variables: string[]; validation: { z: ArrayLike<number>; n: number; counts: ShotCounts }; progress?: string }): Promise<SymbolicSweepResult> {
  const { lambdas, restarts, validation } = options;
  if (lambdas.length < 1 || lambdas.some((l) => !(l >= 0))) throw new RangeError(`symbolicSweep: lambdas must be a non-empty list of values >= 0, got [${lambdas.join(', ')}]`);
  if (!Number.isInteger(restarts) || restarts < 1) throw new RangeError(`symbolicSweep: restarts must be a positive integer, got ${restarts}`);
  if (validation.z.length !== validation.n * options.variables.length) throw new RangeError(`symbolicSweep: ${validation.z.length} validation values are not ${validation.n} points x ${options.variables.length} variables`);
  const tasks: SymbolicSweepTask[] = lambdas.flatMap((lambda) => Array.from({ length: restarts }, (_, restart) => ({ lambda, restart })));
  const fits = await runner.run<SymbolicSweepTask, SymbolicFit>(kernel, tasks, { seed: options.seed, progress: options.progress });
  const scored = fits.map((f) => {
    const model = new SymbolicModel(f.expression, options.variables);
    return { ...f, validationLoss: committorNLL(model.predict(validation.z, validation.n), validation.counts, { perShot: true }) };
  });
  // a non-finite validation loss (an expression overflowing off the training data) never wins
  let k = -1;
  scored.forEach((f, i) => { if (Number.isFinite(f.validationLoss) && (k < 0 || f.validationLoss < scored[k].validationLoss)) k = i; });
  if (k < 0) throw new Error('symbolicSweep: no expression has a finite validation loss');
  const b = scored[k];
  return { fits: scored, best: new SymbolicModel(b.expression, options.variables, b.loss, b.complexity), bestFit: b };
}
