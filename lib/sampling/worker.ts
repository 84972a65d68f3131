import { parentPort } from 'node:worker_threads';
import { Rng } from '../dynamics/rng.js';
import { instantiate } from './module-ref.js';
import type { FromWorker, TaskKernel, ToWorker } from './runner.js';

/** Worker side of WorkerPool: builds each kernel once, then runs tasks with the task's own stream. */
export function workerMain(): void {
  const port = parentPort;
  if (!port) throw new Error('sampling worker: must run inside a worker thread');
  const kernels = new Map<string, Promise<TaskKernel<unknown, unknown>>>();
  port.on('message', async (m: ToWorker) => {
    try {
      const key = JSON.stringify(m.kernel);
      if (!kernels.has(key)) kernels.set(key, instantiate<TaskKernel<unknown, unknown>>(m.kernel));
      const kernel = await kernels.get(key)!;
      port.postMessage({ type: 'started', id: m.id } satisfies FromWorker);
      const result = await kernel(m.task, new Rng(m.seed).fork(m.index));
      port.postMessage({ type: 'result', id: m.id, result } satisfies FromWorker);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', id: m.id, name: err.name, message: err.message, stack: err.stack } satisfies FromWorker);
    }
  });
}
