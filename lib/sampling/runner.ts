import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../dynamics/rng.js';
import { projectRoot } from '../project/root.js';
import { instantiate, type ModuleRef } from './module-ref.js';
import { RunTracker, type RunProgress } from './run-progress.js';

/**
 * A task kernel runs one task with its own random stream. It is built in each worker from a
 * ModuleRef (a factory returning the kernel), so tasks and results must be structured-cloneable.
 * It may return a promise (e.g. a kernel that trains a network with tfjs).
 */
export type TaskKernel<T, R> = (task: T, rng: Rng) => R | Promise<R>;

export interface RunOptions {
  /** Root seed: task i draws from `new Rng(seed).fork(i)`, so results do not depend on the worker count. */
  seed: number;
  /** Called once at the start (0 done) and after each finished or failed task. */
  onProgress?: (done: number, total: number, info: RunProgress) => void;
  /** Label of a progress line (lib/report `progress`) shown from the start: tasks done, workers, time left. */
  progress?: string;
  /**
   * Wall-clock limit per task, in seconds (WorkerPool only), counted from when the task starts in its
   * worker (after the kernel is built). A task over it fails with reason 'timeout'; its worker is
   * terminated and replaced.
   */
  taskTimeoutSeconds?: number;
}

/** Why a task failed: its kernel threw, its worker died under it, it ran out of time, or the runner was closed. */
export type TaskFailureReason = 'error' | 'worker-exit' | 'timeout' | 'closed';

/** A failed task: `task <index>: <cause's message>`, with the cause (e.g. the worker's error and stack). */
export class TaskError extends Error {
  constructor(readonly index: number, readonly reason: TaskFailureReason, cause: Error) {
    super(`task ${index}: ${cause.message}`, { cause });
    this.name = 'TaskError';
    // Keep the frames where the task failed (in the worker), not where the pool noticed.
    const frames = cause.stack?.indexOf('\n    at ') ?? -1;
    if (frames >= 0) this.stack = `${this.name}: ${this.message}${cause.stack!.slice(frames)}`;
  }
}

/** Outcome of `runSettled`: every task's result or failure. */
export interface SettledRun<R> {
  /** The result of each task, in task order; undefined for a failed task. */
  results: (R | undefined)[];
  /** The failed tasks, in task order. */
  failures: TaskError[];
}

/**
 * Anything that runs a batch of independent tasks: in this thread, on a worker_threads pool, or (later)
 * on several machines. Results come back in task order.
 */
export interface TaskRunner {
  /** Results in task order; rejects with the first TaskError (the batch's other tasks are cancelled). */
  run<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions): Promise<R[]>;
  /** Runs every task whatever others do; failures are returned, not thrown. */
  runSettled<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions): Promise<SettledRun<R>>;
  close(): Promise<void>;
}

function checkOptions(runner: string, options: RunOptions): void {
  const { seed, taskTimeoutSeconds: limit } = options;
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`${runner}: seed must be a non-negative integer, got ${seed}`);
  if (limit !== undefined && !(limit > 0 && Number.isFinite(limit))) throw new RangeError(`${runner}: taskTimeoutSeconds must be a positive number of seconds, got ${limit}`);
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** Runs tasks one after another in the calling thread (debugging, tiny batches, reference for tests). */
export class InlineRunner implements TaskRunner {
  private readonly kernels = new Map<string, Promise<TaskKernel<unknown, unknown>>>();

  async run<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions): Promise<R[]> {
    const { results, failures } = await this.execute<T, R>(kernel, tasks, options, true);
    if (failures.length) throw failures[0];
    return results as R[];
  }

  runSettled<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions): Promise<SettledRun<R>> {
    return this.execute<T, R>(kernel, tasks, options, false);
  }

  private async execute<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions, stopAtFailure: boolean): Promise<SettledRun<R>> {
    checkOptions('InlineRunner', options);
    // A task in this thread cannot be stopped from outside: refuse rather than promise a limit we cannot keep.
    if (options.taskTimeoutSeconds !== undefined) throw new RangeError('InlineRunner: taskTimeoutSeconds needs tasks in worker threads; use a WorkerPool');
    const tracker = new RunTracker(tasks.length, 1, { label: options.progress, onProgress: options.onProgress });
    const results = new Array<R | undefined>(tasks.length);
    const failures: TaskError[] = [];
    try {
      const key = JSON.stringify(kernel);
      if (!this.kernels.has(key)) this.kernels.set(key, instantiate<TaskKernel<unknown, unknown>>(kernel));
      const fn = (await this.kernels.get(key)!) as TaskKernel<T, R>;
      const root = new Rng(options.seed);
      for (let i = 0; i < tasks.length; i++) {
        tracker.start(i);
        try {
          results[i] = await fn(tasks[i], root.fork(i));
          tracker.end(i, true);
        } catch (e) {
          failures.push(new TaskError(i, 'error', asError(e)));
          tracker.end(i, false);
          if (stopAtFailure) break;
        }
      }
    } finally {
      tracker.close();
    }
    return { results, failures };
  }

  async close(): Promise<void> {
    this.kernels.clear();
  }
}

/** Messages between the pool and its workers (see worker.ts). */
export type ToWorker = { type: 'task'; id: number; kernel: ModuleRef; task: unknown; seed: number; index: number };
export type FromWorker = { type: 'started'; id: number } | { type: 'result'; id: number; result: unknown } | { type: 'error'; id: number; name: string; message: string; stack?: string };

/** A worker thread that ended without being asked to (process.exit, an uncaught error); it has been replaced. */
export interface WorkerExit {
  /** Slot of the worker in the pool, 0 … size-1. */
  worker: number;
  exitCode: number;
  /** The uncaught error that ended it, if any. */
  error?: Error;
  /** Index (in its batch) of the task it was running, or, when it died idle, of the last task it ran. */
  task?: number;
  running: boolean;
}

export interface WorkerPoolOptions {
  /** Number of worker threads; default: the machine's available parallelism. */
  workers?: number;
  /** Told about every worker that ended unasked; default: a process warning (WorkerPoolWarning). */
  onWorkerExit?: (exit: WorkerExit) => void;
}

/** One batch on the pool. */
interface Job {
  kernel: ModuleRef;
  tasks: readonly unknown[];
  seed: number;
  timeoutMs?: number;
  stopAtFailure: boolean;
  next: number;
  results: unknown[];
  failures: TaskError[];
  tracker: RunTracker;
  settle: () => void;
  fail: (e: Error) => void;
  over: boolean;
}

interface Running {
  job: Job;
  index: number;
  id: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** A worker thread and what it runs. A slot without a worker gets a fresh one when it is next needed. */
interface Slot {
  worker: Worker | null;
  running: Running | null;
  lastTask?: number;
  crash?: Error;
}

/**
 * A pool of worker threads, each with its own copy of the kernel (and of any tfjs backend it loads).
 * Tasks are dealt out dynamically (a free worker takes the next task; batches run in the order they
 * were started), results are returned in order. A worker that dies (process.exit, an uncaught error)
 * fails the task it was running and is replaced; `taskTimeoutSeconds` stops a task that does not end.
 * Results do not depend on the number of workers or on replacements: task i always draws from
 * `new Rng(seed).fork(i)`.
 */
export class WorkerPool implements TaskRunner {
  readonly size: number;
  private readonly slots: Slot[];
  private readonly jobs: Job[] = [];
  private readonly onWorkerExit: (exit: WorkerExit) => void;
  private nextId = 0;
  private closed = false;

  constructor(options: WorkerPoolOptions = {}) {
    const n = options.workers ?? Math.max(1, availableParallelism());
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`WorkerPool: workers must be a positive integer, got ${n}`);
    this.size = n;
    this.slots = Array.from({ length: n }, () => ({ worker: null, running: null }));
    this.onWorkerExit = options.onWorkerExit ?? ((x) => process.emitWarning(describeExit(x), 'WorkerPoolWarning'));
  }

  run<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions): Promise<R[]> {
    return this.submit(kernel, tasks, options, true).then((r) => r.results as R[]);
  }

  runSettled<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions): Promise<SettledRun<R>> {
    return this.submit(kernel, tasks, options, false) as Promise<SettledRun<R>>;
  }

  /**
   * Stops every worker. A pending `run` is rejected; a pending `runSettled` resolves with what finished
   * and a failure (reason 'closed') for every other task. The pool cannot be used again.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of [...this.jobs]) {
      if (job.stopAtFailure) {
        const left = job.tasks.length - job.tracker.info().done;
        this.finish(job, new Error(`WorkerPool closed with ${left} of ${job.tasks.length} tasks unfinished`));
      } else {
        const failed = new Set(job.failures.map((f) => f.index));
        for (let i = 0; i < job.tasks.length; i++) {
          if (!(i in job.results) && !failed.has(i)) job.failures.push(new TaskError(i, 'closed', new Error('the pool was closed before the task ended')));
        }
        this.finish(job);
      }
    }
    const ws = this.slots.map((s) => this.stop(s)).filter((w): w is Worker => w !== null);
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private submit(kernel: ModuleRef, tasks: readonly unknown[], options: RunOptions, stopAtFailure: boolean): Promise<SettledRun<unknown>> {
    if (this.closed) return Promise.reject(new Error('WorkerPool: the pool is closed'));
    try {
      checkOptions('WorkerPool', options);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      const job: Job = {
        kernel, tasks, seed: options.seed, stopAtFailure, next: 0, results: new Array(tasks.length), failures: [], over: false,
        timeoutMs: options.taskTimeoutSeconds === undefined ? undefined : options.taskTimeoutSeconds * 1000,
        tracker: new RunTracker(tasks.length, this.size, { label: options.progress, onProgress: options.onProgress }),
        settle: () => resolve({ results: job.results, failures: job.failures.sort((a, b) => a.index - b.index) }),
        fail: reject,
      };
      this.jobs.push(job);
      if (tasks.length === 0) this.finish(job);
      else this.pump();
    });
  }

  /** Gives queued tasks to free slots, starting workers where a slot has none. */
  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.running) continue;
      const job = this.jobs.find((j) => j.next < j.tasks.length);
      if (!job) break;
      this.assign(slot, job, job.next++);
    }
  }

  private assign(slot: Slot, job: Job, index: number): void {
    const w = slot.worker ?? this.spawn(slot);
    const run: Running = { job, index, id: this.nextId++ };
    slot.running = run;
    slot.lastTask = index;
    w.ref();
    job.tracker.start(index);
    w.postMessage({ type: 'task', id: run.id, kernel: job.kernel, task: job.tasks[index], seed: job.seed, index } satisfies ToWorker);
  }

  private spawn(slot: Slot): Worker {
    const w = new Worker(join(projectRoot(), 'lib', 'sampling', 'worker-entry.mjs'));
    slot.worker = w;
    slot.crash = undefined;
    w.on('message', (m: FromWorker) => {
      const run = slot.running;
      if (slot.worker !== w || !run || run.id !== m.id) return;
      if (m.type === 'started') {
        if (run.job.timeoutMs !== undefined) run.timer = setTimeout(() => this.timeOut(slot, run), run.job.timeoutMs);
      } else if (m.type === 'result') {
        this.release(slot);
        run.job.results[run.index] = m.result;
        run.job.tracker.end(run.index, true);
        this.after(run.job);
      } else {
        const cause = new Error(m.message);
        cause.name = m.name;
        if (m.stack) cause.stack = m.stack;
        this.release(slot);
        this.taskFailed(run, new TaskError(run.index, 'error', cause));
      }
    });
    // An uncaught error ends the worker; 'exit' follows and does the bookkeeping.
    w.on('error', (e) => {
      if (slot.worker === w) slot.crash = e;
    });
    w.on('exit', (code) => {
      if (slot.worker !== w) return; // stopped on purpose (timeout, cancel, close)
      const run = slot.running;
      const error = slot.crash;
      slot.worker = null;
      if (run) this.release(slot);
      this.onWorkerExit({ worker: this.slots.indexOf(slot), exitCode: code, error, task: slot.lastTask, running: run !== null });
      if (run) {
        const cause = error ?? new Error(`the worker exited with code ${code} (process.exit in the task?)`);
        this.taskFailed(run, new TaskError(run.index, 'worker-exit', error ? new Error(`the worker died: ${error.message}`, { cause: error }) : cause));
      } else {
        this.pump();
      }
    });
    return w;
  }

  /** A task over its time: its worker may be stuck in a loop, so it is terminated (and replaced when needed). */
  private timeOut(slot: Slot, run: Running): void {
    if (slot.running !== run) return;
    this.stop(slot)?.terminate().catch(() => {});
    this.taskFailed(run, new TaskError(run.index, 'timeout', new Error(`no result after ${run.job.timeoutMs! / 1000} s (taskTimeoutSeconds); its worker was terminated`)));
  }

  /** Frees a slot whose task ended (its worker, if alive, stays for the next task). */
  private release(slot: Slot): void {
    const run = slot.running;
    if (run?.timer) clearTimeout(run.timer);
    slot.running = null;
    slot.worker?.unref();
  }

  /** Detaches a slot's worker (so that its exit is not reported) and frees the slot; returns the worker. */
  private stop(slot: Slot): Worker | null {
    const w = slot.worker;
    this.release(slot);
    slot.worker = null;
    return w;
  }

  private taskFailed(run: Running, error: TaskError): void {
    const job = run.job;
    job.failures.push(error);
    job.tracker.end(run.index, false);
    if (job.stopAtFailure) this.finish(job, error);
    else this.after(job);
  }

  /** After a task of `job` ended: completes the job when it was its last, and deals out more work. */
  private after(job: Job): void {
    if (job.tracker.info().done === job.tasks.length) this.finish(job);
    this.pump();
  }

  /** Ends a job: resolves it, or rejects it with `error` and cancels its other tasks (their workers are stopped). */
  private finish(job: Job, error?: Error): void {
    if (job.over) return;
    job.over = true;
    this.jobs.splice(this.jobs.indexOf(job), 1);
    job.tracker.close();
    if (error) {
      job.next = job.tasks.length;
      for (const slot of this.slots) if (slot.running?.job === job) this.stop(slot)?.terminate().catch(() => {});
      job.fail(error);
    } else {
      job.settle();
    }
    this.pump();
  }
}

function describeExit(x: WorkerExit): string {
  const how = x.error ? `died of an uncaught error (${x.error.message})` : `exited with code ${x.exitCode}`;
  const task = x.task === undefined ? '' : x.running ? ` while running task ${x.task}` : ` after task ${x.task}`;
  return `WorkerPool: worker ${x.worker} ${how}${task}; a new worker takes its place`;
}

/** A runner for `workers` threads: inline when 0, a worker pool otherwise. */
export function createRunner(workers: number): TaskRunner {
  return workers === 0 ? new InlineRunner() : new WorkerPool({ workers });
}
