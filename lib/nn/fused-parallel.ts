import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { libraryRoot, projectRoot } from '../project/root.js';
import { compiledKernels, type FusedNet, type FusedNetConfig } from './fused.js';
import { CTRL, sharedBytes, sharedLayout, type WorkerInit } from './fused-worker.js';
import type { LossName } from './losses.js';

/** Longest wait for the worker's part of one step (its first step includes loading the library). */
const TIMEOUT_MS = 120_000;

/**
 * The Trainer's side of data-parallel training (lib/nn/fused-worker.ts): one worker thread with its own
 * kernel instance computes the loss and gradient of part of each minibatch while the Trainer's thread
 * does the rest.
 */
export class GradientWorker {
  private readonly worker: Worker;
  private readonly sh: ReturnType<typeof sharedLayout>;
  private seq = 0;
  private running = false;

  constructor(net: FusedNetConfig, loss: LossName, size: number, readonly maxRows: number, readonly targetDim: number) {
    const shared = new SharedArrayBuffer(sharedBytes(size, maxRows, net.layers[0], targetDim));
    this.sh = sharedLayout(shared, size, maxRows, net.layers[0], targetDim);
    const init: WorkerInit = { kernels: compiledKernels(), net: { ...net, layers: [...net.layers] }, loss, size, maxRows, shared };
    this.worker = new Worker(join(libraryRoot() ?? projectRoot(), 'lib', 'nn', 'fused-worker-entry.mjs'), { workerData: init });
    this.worker.unref(); // an undisposed Trainer must not keep the process alive
  }

  /** The rows the worker reads: write `rows` input rows (raw, unstandardised) and targets here. */
  get input(): Float32Array { return this.sh.input; }
  get target(): Float32Array { return this.sh.target; }

  /** Starts the worker on its `rows` rows of a minibatch of `b`, with the current parameters. */
  start(params: Float32Array, rows: number, b: number): void {
    if (rows > this.maxRows) throw new RangeError(`GradientWorker: ${rows} rows, room for ${this.maxRows}`);
    this.sh.params.set(params);
    this.sh.ctrl[CTRL.rows] = rows;
    this.sh.ctrl[CTRL.batch] = b;
    this.running = true;
    Atomics.store(this.sh.ctrl, CTRL.request, ++this.seq);
    Atomics.notify(this.sh.ctrl, CTRL.request);
  }

  /** Waits for the worker, adds its gradient into `eng`'s and returns its part of the batch loss. */
  finish(eng: FusedNet): number {
    const t0 = Date.now();
    while (Atomics.load(this.sh.ctrl, CTRL.done) !== this.seq) {
      if (Atomics.wait(this.sh.ctrl, CTRL.done, this.seq - 1, 1000) === 'timed-out' && Date.now() - t0 > TIMEOUT_MS) {
        throw new Error(`Trainer (threads: 2): the training worker did not answer within ${TIMEOUT_MS / 1000} s`);
      }
    }
    this.running = false;
    if (this.sh.ctrl[CTRL.failed]) throw new Error('Trainer (threads: 2): the training worker failed (its error is printed above)');
    eng.addGrad(this.sh.grads);
    return this.sh.loss[0];
  }

  /** Ends the worker thread. */
  close(): void {
    if (this.running) this.finish = () => 0; // a step in flight is abandoned with the worker
    Atomics.store(this.sh.ctrl, CTRL.request, -1);
    Atomics.notify(this.sh.ctrl, CTRL.request);
    void this.worker.terminate();
  }
}
