import { Rng } from '../dynamics/rng.js';
import { backendName, requireBackend } from './backend.js';
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
}

export interface TrainingBenchResult {
  backend: string;
  layers: number[];
  batchSize: number;
  steps: number;
  /** Optimiser steps per second (each step: forward, backward, update, loss read-back). */
  stepsPerSecond: number;
  msPerStep: number;
}

/**
 * Measures training throughput of an MLP on random data (one minibatch per step, fixed data so only
 * the network work is timed). For bench files: `await initBackend(); benchmarkTraining()`.
 */
export function benchmarkTraining(options: TrainingBenchOptions = {}): TrainingBenchResult {
  requireBackend('benchmarkTraining');
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
  const trainer = new Trainer(net, { optimizer: options.optimizer ?? 'adam', batchSize, seed });
  try {
    trainer.fit(x, y, batchSize, { epochs: warmup });
    const t0 = performance.now();
    trainer.fit(x, y, batchSize, { epochs: steps });
    const ms = (performance.now() - t0) / steps;
    return { backend: backendName() ?? 'unknown', layers, batchSize, steps, stepsPerSecond: 1000 / ms, msPerStep: ms };
  } finally {
    trainer.dispose();
    net.dispose();
  }
}
