import { performance } from 'node:perf_hooks';
import { progress, type Progress } from '../report/progress.js';

/** Where a batch of tasks stands; passed to `RunOptions.onProgress`. */
export interface RunProgress {
  /** Tasks finished, successfully or not. */
  done: number;
  /** Of those, tasks that failed. */
  failed: number;
  total: number;
  /** Tasks running now. */
  running: number;
  /** Threads the runner runs tasks on (1 for an InlineRunner). */
  workers: number;
  elapsedSeconds: number;
  /** Estimated wall-clock seconds until the batch ends; undefined until a task has finished. */
  remainingSeconds?: number;
}

/**
 * Wall-clock seconds until a batch ends when every task takes `meanTaskSeconds`: the running tasks end
 * when they reach that age, and each queued task goes to the worker that frees up first (list
 * scheduling). On W workers this is about queued/W task durations, not queued as a rate over all
 * finished tasks would say while the first W tasks are still running together.
 */
export function estimateRemainingSeconds(meanTaskSeconds: number, runningAges: readonly number[], queued: number, workers: number): number {
  if (!(meanTaskSeconds >= 0) || !Number.isInteger(queued) || queued < 0 || !Number.isInteger(workers) || workers < 1 || runningAges.length > workers) {
    throw new RangeError(`estimateRemainingSeconds: bad arguments (mean ${meanTaskSeconds}, ${runningAges.length} running, ${queued} queued, ${workers} workers)`);
  }
  const free = Array.from({ length: workers }, (_, k) => (k < runningAges.length ? Math.max(0, meanTaskSeconds - runningAges[k]) : 0));
  for (let q = 0; q < queued; q++) {
    let first = 0;
    for (let k = 1; k < workers; k++) if (free[k] < free[first]) first = k;
    free[first] += meanTaskSeconds;
  }
  return runningAges.length + queued === 0 ? 0 : Math.max(...free);
}

/**
 * Bookkeeping of one batch for both runners: start times and durations of tasks, the `onProgress`
 * callback (called at the start with 0 done, then after every task) and, when `label` is given, a
 * progress line (lib/report) shown from the start and refreshed every second while tasks run.
 */
export class RunTracker {
  private readonly t0 = performance.now();
  private readonly started = new Map<number, number>();
  private finished = 0;
  private failed = 0;
  private busySeconds = 0;
  private readonly bar?: Progress;
  private readonly refresh?: ReturnType<typeof setInterval>;

  constructor(
    private readonly total: number,
    private readonly workers: number,
    private readonly options: { label?: string; onProgress?: (done: number, total: number, info: RunProgress) => void },
  ) {
    if (options.label !== undefined) {
      this.bar = progress(options.label, total);
      this.refresh = setInterval(() => this.show(), 1000);
      this.refresh.unref();
    }
    this.report();
  }

  start(index: number): void {
    this.started.set(index, performance.now());
  }

  end(index: number, ok: boolean): void {
    const t = this.started.get(index);
    if (t === undefined) return;
    this.started.delete(index);
    this.busySeconds += (performance.now() - t) / 1000;
    this.finished++;
    if (!ok) this.failed++;
    this.report();
  }

  /** Stops the refresh; shows the final line when the batch completed. */
  close(): void {
    if (this.refresh) clearInterval(this.refresh);
    if (this.finished === this.total) this.bar?.done();
  }

  info(): RunProgress {
    const now = performance.now();
    const ages = Array.from(this.started.values(), (t) => (now - t) / 1000);
    const queued = this.total - this.finished - ages.length;
    return {
      done: this.finished,
      failed: this.failed,
      total: this.total,
      running: ages.length,
      workers: this.workers,
      elapsedSeconds: (now - this.t0) / 1000,
      remainingSeconds: this.finished > 0 ? estimateRemainingSeconds(this.busySeconds / this.finished, ages, queued, this.workers) : undefined,
    };
  }

  private show(): RunProgress {
    const info = this.info();
    const failed = info.failed ? `, ${info.failed} failed` : '';
    this.bar?.set(info.done, { remainingSeconds: info.remainingSeconds, note: `${info.workers} worker${info.workers === 1 ? '' : 's'}${failed}` });
    return info;
  }

  private report(): void {
    const info = this.show();
    this.options.onProgress?.(info.done, info.total, info);
  }
}
