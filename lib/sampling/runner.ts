import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../dynamics/rng.js';
import { projectRoot } from '../project/root.js';
import { instantiate, type ModuleRef } from './module-ref.js';

/**
 * A task kernel runs one task with its own random stream. It is built in each worker from a
 * ModuleRef (a factory returning the kernel), so tasks and results must be structured-cloneable.
 */
/** A task function; it may return a promise (e.g. a kernel that trains a network with tfjs). */
export type TaskKernel<T, R> = (task: T, rng: Rng) => R | Promise<R>;

export interface RunOptions {
  /** Root seed: task i draws from `new Rng(seed).fork(i)`, so results do not depend on the worker count. */
  seed: number;
  /** Called after each finished task. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Anything that runs a batch of independent tasks: in this thread, on a worker_threads pool, or (later)
 * on several machines. Results come back in task order.
 */
export interface TaskRunner {
  run<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions): Promise<R[]>;
  close(): Promise<void>;
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`TaskRunner: seed must be a non-negative integer, got ${seed}`);
}

/** Runs tasks one after another in the calling thread (debugging, tiny batches, reference for tests). */
export class InlineRunner implements TaskRunner {
  private readonly kernels = new Map<string, Promise<TaskKernel<unknown, unknown>>>();

  async run<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions): Promise<R[]> {
    checkSeed(options.seed);
    const key = JSON.stringify(kernel);
    if (!this.kernels.has(key)) this.kernels.set(key, instantiate<TaskKernel<unknown, unknown>>(kernel));
    const fn = (await this.kernels.get(key)!) as TaskKernel<T, R>;
    const root = new Rng(options.seed);
    const out: R[] = [];
    for (let i = 0; i < tasks.length; i++) {
      out.push(await fn(tasks[i], root.fork(i)));
      options.onProgress?.(i + 1, tasks.length);
    }
    return out;
  }

  async close(): Promise<void> {
    this.kernels.clear();
  }
}

interface Pending {
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
}

/** Messages between the pool and its workers (see worker.ts). */
export type ToWorker = { type: 'task'; id: number; kernel: ModuleRef; task: unknown; seed: number; index: number };
export type FromWorker = { type: 'result'; id: number; result: unknown } | { type: 'error'; id: number; message: string; stack?: string };

/**
 * A pool of worker threads, each with its own copy of the kernel (and of any tfjs backend it loads).
 * Tasks are dealt out dynamically (a free worker takes the next task), results are returned in order.
 */
export class WorkerPool implements TaskRunner {
  readonly size: number;
  private workers: Worker[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(options: { workers?: number } = {}) {
    const n = options.workers ?? Math.max(1, availableParallelism());
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`WorkerPool: workers must be a positive integer, got ${n}`);
    this.size = n;
  }

  private start(): void {
    if (this.workers.length) return;
    const entry = join(projectRoot(), 'lib', 'sampling', 'worker-entry.mjs');
    for (let i = 0; i < this.size; i++) {
      const w = new Worker(entry);
      w.on('message', (m: FromWorker) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.type === 'result') p.resolve(m.result);
        else {
          const e = new Error(m.message);
          if (m.stack) e.stack = m.stack;
          p.reject(e);
        }
      });
      w.on('error', (e) => this.failAll(e));
      w.unref();
      this.workers.push(w);
    }
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private send(w: Worker, msg: Omit<ToWorker, 'id' | 'type'>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ type: 'task', id, ...msg } satisfies ToWorker);
    });
  }

  async run<T, R>(kernel: ModuleRef, tasks: readonly T[], options: RunOptions): Promise<R[]> {
    checkSeed(options.seed);
    this.start();
    const out = new Array<R>(tasks.length);
    let next = 0;
    let done = 0;
    // Each worker pulls the next task when it finishes one: dynamic load balancing for uneven tasks
    // (TPS shooting lengths vary by orders of magnitude).
    const lane = async (w: Worker) => {
      while (next < tasks.length) {
        const index = next++;
        out[index] = (await this.send(w, { kernel, task: tasks[index], seed: options.seed, index })) as R;
        options.onProgress?.(++done, tasks.length);
      }
    };
    for (const w of this.workers) w.ref();
    try {
      await Promise.all(this.workers.map(lane));
    } finally {
      for (const w of this.workers) w.unref();
    }
    return out;
  }

  async close(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

/** A runner for `workers` threads: inline when 0, a worker pool otherwise. */
export function createRunner(workers: number): TaskRunner {
  return workers === 0 ? new InlineRunner() : new WorkerPool({ workers });
}
