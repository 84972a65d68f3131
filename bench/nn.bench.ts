import { initBackend, benchmarkTraining, benchmarkInference } from '../lib/nn/index.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * Neural-network throughput on the active tfjs backend (tfjs-node when installed, else wasm, which is
 * single-threaded in Node): training of the 66-128-128-1 tanh MLP of issue 3 (batch 256, Adam; each step
 * is forward, backward, update and one loss read-back), and predict / inputGrad of the same network.
 */
export async function run(): Promise<BenchResult[]> {
  const backend = await initBackend();
  const t = benchmarkTraining({ layers: [66, 128, 128, 1], activation: 'tanh', batchSize: 256, optimizer: 'adam', steps: 200, warmup: 20 });
  const inf = benchmarkInference({ layers: [66, 128, 128, 1], activation: 'tanh', points: 16384, repeats: 10 });
  return [
    { benchmark: `MLP 66-128-128-1 tanh training, batch 256, Adam (${backend})`, value: t.stepsPerSecond, unit: 'steps/s' },
    { benchmark: `MLP 66-128-128-1 tanh predict (${backend})`, value: inf.predictPointsPerSecond, unit: 'points/s' },
    { benchmark: `MLP 66-128-128-1 tanh inputGrad (${backend})`, value: inf.inputGradPointsPerSecond, unit: 'points/s' },
  ];
}
