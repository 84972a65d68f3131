import { performance } from 'node:perf_hooks';
import { initBackend, Mlp } from '../lib/nn/index.js';
import { Rng } from '../lib/dynamics/rng.js';
import { EulerMaruyama } from '../lib/dynamics/langevin.js';
import { FourWell1D } from '../lib/systems/four-well.js';
import { MdnPropagator } from '../lib/lss/mdn.js';
import { CwganDecoder } from '../lib/lss/cwgan.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * Latent space simulator throughput against the dynamics it replaces (notebooks/lss.ipynb, Figure 2
 * setup): frames per second of the four-well BD (one frame = one lag = 100 Euler-Maruyama steps,
 * dt = 5e-4) and of the MDN propagator (C = 8, two hidden layers of 100 ReLU; one frame = one sample);
 * and of the cWGAN decoder at the paper's size (3 x 200 Swish, d = 50) decoding a 2-D latent space to
 * 22 atoms (alanine dipeptide, 66 coordinates). Untrained weights: the cost does not depend on them.
 */
export async function run(): Promise<BenchResult[]> {
  await initBackend();
  const frames = 20000;
  const fw = new FourWell1D();
  const em = new EulerMaruyama(fw, { dt: 5e-4, kT: 1, mobility: 1 });
  const rng = new Rng(1), x = Float64Array.of(0.25);
  let t0 = performance.now();
  for (let f = 0; f < frames; f++) em.run(x, 1, 100, rng);
  const bd = frames / ((performance.now() - t0) / 1000);
  const mdn = new MdnPropagator(new Mlp({ layers: [1, 100, 100, 8 * 3], activation: 'relu', seed: 1 }), 1, 1e-4, Float64Array.of(-1.25), Float64Array.of(1.25));
  t0 = performance.now();
  mdn.generate([0.25], frames, { seed: 2 });
  const lss = frames / ((performance.now() - t0) / 1000);
  mdn.dispose();
  const dec = new CwganDecoder(new Mlp({ layers: [2 + 50, 200, 200, 200, 66], activation: 'swish', seed: 3 }), 50, Float64Array.of(0, 0), Float64Array.of(1, 1), new Float64Array(66), new Float64Array(66).fill(0.1));
  const psi = new Float64Array(2 * 5000).map((_, i) => Math.sin(i));
  dec.decode(psi.subarray(0, 200), 100, 1); // warm-up
  t0 = performance.now();
  dec.decode(psi, 5000, 4);
  const decode = 5000 / ((performance.now() - t0) / 1000);
  dec.dispose();
  return [
    { benchmark: 'four-well BD, frames of one lag (100 steps) per second', value: bd, unit: 'frames/s' },
    { benchmark: 'four-well LSS: MDN propagator (C = 8, 2 x 100 ReLU), frames per second', value: lss, unit: 'frames/s', reference: 'BD frames/s', referenceValue: bd },
    { benchmark: 'cWGAN decoder (3 x 200 Swish, d = 50) to 66 coordinates, frames per second', value: decode, unit: 'frames/s' },
  ];
}
