/// <reference lib="dom" /> // WebAssembly types: tslab compiles notebooks without the DOM lib
import { workerData } from 'node:worker_threads';
import { FusedNet, useCompiledKernels, type FusedNetConfig, type WasmModule } from './fused.js';
import { builtinLoss, type LossName } from './losses.js';

/**
 * Data-parallel training on two cores (issue 14): the Trainer's thread and one worker each take part of
 * every minibatch, run the fused forward and backward pass on it, and the worker's gradient is added to
 * the Trainer's before the one optimiser update, so the step is the single-thread step up to the float
 * rounding of that sum. The threads share one SharedArrayBuffer (layout in `sharedLayout`); the Trainer
 * blocks in Atomics.wait for the worker (Node only: a browser page's main thread may not block).
 */
export interface WorkerInit {
  kernels: { module: WasmModule; variant: 'relaxed-simd' | 'simd' };
  net: FusedNetConfig;
  loss: LossName;
  size: number;
  maxRows: number;
  shared: SharedArrayBuffer;
}

/** Control words (Int32) at the start of the shared buffer. */
export const CTRL = { request: 0, done: 1, rows: 2, batch: 3, failed: 4 } as const;

/** Views of the shared buffer: control words, the loss part (float64), parameters, gradient, rows. */
export function sharedLayout(shared: SharedArrayBuffer, size: number, maxRows: number, inDim: number, targetDim: number) {
  const ctrl = new Int32Array(shared, 0, 8);
  const loss = new Float64Array(shared, 32, 1);
  let off = 48;
  const take = (n: number) => {
    const v = new Float32Array(shared, off, n);
    off += 4 * n;
    return v;
  };
  return { ctrl, loss, params: take(size), grads: take(size), input: take(maxRows * inDim), target: take(maxRows * targetDim) };
}

/** Bytes of the shared buffer for these sizes. */
export function sharedBytes(size: number, maxRows: number, inDim: number, targetDim: number): number {
  return 48 + 4 * (2 * size + maxRows * (inDim + targetDim));
}

export function workerMain(): void {
  const init = workerData as WorkerInit;
  useCompiledKernels(init.kernels.module, init.kernels.variant);
  const net = new FusedNet(init.net);
  const loss = builtinLoss(init.loss);
  const L = init.net.layers;
  const outDim = L[L.length - 1];
  const targetDim = loss.targetDim(outDim);
  const sh = sharedLayout(init.shared, init.size, init.maxRows, L[0], targetDim);
  let seen = 0;
  for (;;) {
    Atomics.wait(sh.ctrl, CTRL.request, seen);
    const request = Atomics.load(sh.ctrl, CTRL.request);
    if (request < 0) return; // the Trainer was disposed
    seen = request;
    try {
      const rows = sh.ctrl[CTRL.rows], b = sh.ctrl[CTRL.batch];
      net.paramView().set(sh.params);
      net.setInput(sh.input, rows);
      const out = net.forward(rows);
      sh.loss[0] = loss.valueAndGrad(out, sh.target.subarray(0, rows * targetDim), b, net.outputGradView(rows));
      net.backward(rows, true, false);
      sh.grads.set(net.gradView());
    } catch (e) {
      sh.ctrl[CTRL.failed] = 1;
      console.error(`rarelab/nn training worker: ${(e as Error).stack ?? e}`);
    }
    Atomics.store(sh.ctrl, CTRL.done, request);
    Atomics.notify(sh.ctrl, CTRL.done);
  }
}
