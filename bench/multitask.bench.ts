import { performance } from 'node:perf_hooks';
import { initBackend } from '../lib/nn/index.js';
import { InlineRunner, libRef } from '../lib/sampling/index.js';
import { harmonicWindows, runUmbrella } from '../lib/enhanced/index.js';
import { MultitaskModel, trainMultitask, fiveDData, fiveDMep, embedFiveD, KT_300K_EV } from '../lib/multitask/index.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * notebooks/multitask-cv.ipynb's two costs: multitask training epochs per second (5-D Müller-Brown data,
 * encoder 5-32-16-8-1, PEP 1-16-16-1, batch 256) and umbrella-sampling windows per second (10,000 BAOAB
 * steps each) along the true path CV and along a network CV (the encoder, float64 engine), one thread.
 */
export async function run(): Promise<BenchResult[]> {
  await initBackend();
  const runner = new InlineRunner();
  const data = await fiveDData(runner, { kind: 'muller-brown', sectors: 8, parity: 0, basinRuns: 10, basinSteps: 1500, saveEvery: 10, shootingChains: 4, shootingMoves: 5, maxSteps: 4000, stride: 5 }, 1);
  const m = new MultitaskModel({ inputDim: 5, latentDim: 1, nClasses: 2, encoderHidden: [32, 16, 8], pepHidden: [16, 16], seed: 1, inputNormalization: { mean: [0, 0, 0, 0, 0], std: [1.4, 1.4, 1.1, 1.1, 100] }, energyScale: { mean: -1, std: 0.2 } });
  trainMultitask(m, data, { epochs: 1, batchSize: 256, seed: 1 }); // warm up
  const epochs = 5;
  let t0 = performance.now();
  trainMultitask(m, data, { epochs, batchSize: 256, seed: 2 });
  const eps = epochs / ((performance.now() - t0) / 1000);
  const out: BenchResult[] = [{ benchmark: `multitask training, 5-D MB, ${data.n} configurations, batch 256`, value: eps, unit: 'epochs/s' }];
  const mep = fiveDMep('muller-brown', 0, 1), n = mep.length / 2;
  const windows = harmonicWindows(0, 1, 8, 150);
  const starts = windows.map((w) => { const k = Math.round(w.center * (n - 1)); return embedFiveD(mep[2 * k], mep[2 * k + 1], 0.5, 1, 0); });
  const integrator = { kind: 'baoab' as const, dt: 0.01, kT: KT_300K_EV, friction: 5, masses: 1 };
  for (const [name, cv] of [['path CV', libRef('fiveDPathCv', 'muller-brown', 0, 1)], ['encoder CV (float64)', libRef('networkCv', m.encoderJson(), { output: 0 })]] as const) {
    t0 = performance.now();
    await runUmbrella(runner, { system: libRef('fiveDModel', 'muller-brown'), cv, integrator, windows, starts, equilibrationSteps: 0, nSteps: 10000, saveEvery: 10 }, { seed: 1 });
    out.push({ benchmark: `umbrella windows along the ${name}, 5-D MB, 10,000 steps each`, value: windows.length / ((performance.now() - t0) / 1000), unit: 'windows/s' });
  }
  m.dispose();
  return out;
}
