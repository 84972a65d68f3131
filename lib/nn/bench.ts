import { Rng } from '../dynamics/rng.js';
import { backendName, fusedActive, requireBackend, setFusedKernels } from './backend.js';
import { Mlp, type Activation } from './mlp.js';
import { Trainer } from './train.js';

export interface TrainingBenchOptions {
  /** Layer widths; default [66, 128, 128, 1] (alanine-dipeptide-sized input). */
  layers?: number[];
  /** Hidden activation; default 'tanh'. */
  activation?: Activation;
  /** Minibatch size; default 256. */
  batchSize?: number;
  /** Timed optimiser steps; default 200. */
  steps?: number;
  /** Untimed steps first (kernel compilation, optimiser slots); default 20. */
  warmup?: number;
  optimizer?: 'adam' | 'nesterov' | 'sgd';
  /** Seed of the random data and weights; default 0. */
  seed?: number;
  /** 'tfjs' to time tfjs ops even where the fused kernels are active; default: whatever is active. */
  engine?: 'fused' | 'tfjs';
  /** Trainer threads (2: data-parallel with a worker thread, fused kernels only); default 1. */
  threads?: number;
}

export interface TrainingBenchResult {
  backend: string;
  /** 'fused' (rarelab's WebAssembly kernels) or 'tfjs' (tfjs ops). */
  engine: 'fused' | 'tfjs';
  layers: number[];
  batchSize: number;
  steps: number;
  /** Optimiser steps per second (each step: forward, backward, update, loss read-back). */
  stepsPerSecond: number;
  msPerStep: number;
  /** Steps per second of this process's CPU time (Node; steadier than wall time on a loaded machine). */
  stepsPerCpuSecond?: number;
}

/**
 * Measures training throughput of an MLP on random data (one minibatch per step, fixed data so only
 * the network work is timed). For bench files: `await initBackend(); benchmarkTraining()`.
 */
export function benchmarkTraining(options: TrainingBenchOptions = {}): TrainingBenchResult {
  requireBackend('benchmarkTraining');
  return withEngine(options.engine, () => trainingThroughput(options));
}

/** This process's CPU time in ms (all threads), NaN outside Node. */
function cpuMs(): number {
  if (typeof process === 'undefined' || !process.cpuUsage) return NaN;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `f` with the fused kernels switched off when `engine` is 'tfjs' (restored afterwards). */
function withEngine<T>(engine: 'fused' | 'tfjs' | undefined, f: () => T): T {
  const was = fusedActive();
  if (engine === 'fused' && !was) throw new Error("benchmark: engine 'fused' requested but the fused kernels are not active (tfjs-node backend, or setFusedKernels(false))");
  if (engine === 'tfjs') setFusedKernels(false);
  try {
    return f();
  } finally {
    if (engine === 'tfjs' && was) setFusedKernels(true);
  }
}

function trainingThroughput(options: TrainingBenchOptions): TrainingBenchResult {
  const layers = options.layers ?? [66, 128, 128, 1];
  const batchSize = options.batchSize ?? 256;
  const steps = options.steps ?? 200;
  const warmup = options.warmup ?? 20;
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const d = layers[0], m = layers[layers.length - 1];
  const x = new Float64Array(batchSize * d).map(() => rng.normal());
  const y = new Float64Array(batchSize * m).map(() => rng.normal());
  const net = new Mlp({ layers, activation: options.activation ?? 'tanh', seed });
  const trainer = new Trainer(net, { optimizer: options.optimizer ?? 'adam', batchSize, seed, threads: options.threads ?? 1 });
  try {
    trainer.fit(x, y, batchSize, { epochs: warmup });
    const c0 = cpuMs(), t0 = performance.now();
    trainer.fit(x, y, batchSize, { epochs: steps });
    const ms = (performance.now() - t0) / steps, cpu = (cpuMs() - c0) / steps;
    return { backend: backendName() ?? 'unknown', engine: trainer.engine, layers, batchSize, steps, stepsPerSecond: 1000 / ms, msPerStep: ms, ...(Number.isFinite(cpu) ? { stepsPerCpuSecond: 1000 / cpu } : {}) };
  } finally {
    trainer.dispose();
    net.dispose();
  }
}

export interface InferenceBenchOptions {
  /** Layer widths; default [66, 128, 128, 1]. */
  layers?: number[];
  activation?: Activation;
  /** Points per call; default 16384 (evaluated by Mlp in chunks of 4096). */
  points?: number;
  /** Rows per predict / inputGrad chunk (Mlp's batchSize); default 4096. */
  batchSize?: number;
  /** Timed calls; default 10 (after one untimed call). */
  repeats?: number;
  seed?: number;
  /** As TrainingBenchOptions.engine. */
  engine?: 'fused' | 'tfjs';
}

export interface InferenceBenchResult {
  backend: string;
  engine: 'fused' | 'tfjs';
  layers: number[];
  points: number;
  /** Network outputs per second (Mlp.predict, Float64Array in and out). */
  predictPointsPerSecond: number;
  /** Input gradients per second (Mlp.inputGrad: forward + backward to the inputs). */
  inputGradPointsPerSecond: number;
}

/** Throughput of predict and inputGrad on random inputs, as used by chi evaluation and saliency. */
export function benchmarkInference(options: InferenceBenchOptions = {}): InferenceBenchResult {
  requireBackend('benchmarkInference');
  return withEngine(options.engine, () => inferenceThroughput(options));
}

function inferenceThroughput(options: InferenceBenchOptions): InferenceBenchResult {
  const layers = options.layers ?? [66, 128, 128, 1];
  const n = options.points ?? 16384;
  const repeats = options.repeats ?? 10;
  const rng = new Rng(options.seed ?? 0);
  const x = new Float64Array(n * layers[0]).map(() => rng.normal());
  const net = new Mlp({ layers, activation: options.activation ?? 'tanh', seed: options.seed ?? 0 });
  const time = (f: () => void) => {
    f();
    const t0 = performance.now();
    for (let r = 0; r < repeats; r++) f();
    return (n * repeats) / ((performance.now() - t0) / 1000);
  };
  try {
    return {
      backend: backendName() ?? 'unknown',
      engine: fusedActive() ? 'fused' : 'tfjs',
      layers,
      points: n,
      predictPointsPerSecond: time(() => net.predict(x, n, options.batchSize ?? 4096)),
      inputGradPointsPerSecond: time(() => net.inputGrad(x, n, { batchSize: options.batchSize ?? 4096 })),
    };
  } finally {
    net.dispose();
  }
}
