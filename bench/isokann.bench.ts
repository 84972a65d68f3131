import { performance } from 'node:perf_hooks';
import { loadShippedSystem } from '../lib/forcefield/index.js';
import { PairwiseDistances } from '../lib/features/pairwise-distances.js';
import { initBackend } from '../lib/nn/index.js';
import { IsokannLearner } from '../lib/isokann/learner.js';
import { runBursts, type BurstData } from '../lib/isokann/data.js';
import { featurizeBursts } from '../lib/isokann/featurized.js';
import { WorkerPool, libRef } from '../lib/sampling/index.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * One ISOKANN round on alanine dipeptide in vacuum as notebooks/amore-md.ipynb runs it (800 K, BAOAB,
 * 2 fs, H-bonds constrained; 3 bursts of tau = 5 ps per start point; chi on the 45 heavy-atom
 * distances): the bursts of 100 start points on a worker pool of 1 and 2 workers, and 20 ISOKANN
 * iterations of training on them. Wall clock on a shared machine: compare numbers from the same run.
 */
const POINTS = 100;

export async function run(): Promise<BenchResult[]> {
  await initBackend();
  const sys = loadShippedSystem('alanine-dipeptide');
  const dim = sys.forceField.dim;
  const x = new Float64Array(POINTS * dim);
  for (let i = 0; i < POINTS; i++) x.set(sys.positions, i * dim);
  const options = {
    system: libRef('loadShippedSystem', 'alanine-dipeptide'),
    integrator: { kind: 'baoab' as const, dt: 0.002, kT: 0.00831446261815324 * 800, friction: 1, bondConstraints: 'h-bonds' as const },
    lag: 5, bursts: 3,
  };
  const out: BenchResult[] = [];
  let data: BurstData | undefined;
  let oneWorker = 0;
  for (const workers of [1, 2]) {
    const pool = new WorkerPool({ workers });
    await runBursts(pool, x.subarray(0, 2 * dim), 2, { ...options, seed: 0 }); // start workers, warm up
    const t0 = performance.now();
    data = await runBursts(pool, x, POINTS, { ...options, seed: 1 });
    const s = (performance.now() - t0) / 1000;
    await pool.close();
    if (workers === 1) oneWorker = s;
    out.push({ benchmark: `ISOKANN round on alanine: bursts of ${POINTS} points x 3 x 5 ps, ${workers} worker${workers > 1 ? 's' : ''}`, value: s, unit: 's', ...(workers > 1 ? { reference: '1 worker', referenceValue: oneWorker } : {}) });
  }
  const feat = new PairwiseDistances(sys.atoms.length, { atoms: sys.atoms.map((a, i) => (a.element === 'H' ? -1 : i)).filter((i) => i >= 0) });
  const learner = new IsokannLearner({ hidden: [30, 15], optimizer: 'adam', iterations: 20, epochs: 2, seed: 1 });
  const t0 = performance.now();
  const model = learner.fit(featurizeBursts(data!, feat));
  const s = (performance.now() - t0) / 1000;
  model.dispose();
  out.push({ benchmark: `ISOKANN round on alanine: training, 20 iterations on ${POINTS} points (45 distances)`, value: s, unit: 's' });
  return out;
}
