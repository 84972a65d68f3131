import { performance } from 'node:perf_hooks';
import { loadShippedSystem } from '../lib/forcefield/index.js';
import { PairwiseDistances } from '../lib/features/pairwise-distances.js';
import { dihedralBox } from '../lib/features/ramachandran.js';
import { initBackend } from '../lib/nn/index.js';
import { IsokannLearner } from '../lib/isokann/learner.js';
import { runBursts, type BurstData } from '../lib/isokann/data.js';
import { mergeBursts } from '../lib/isokann/adaptive.js';
import { restrictBursts } from '../lib/isokann/restrict.js';
import { featurizeBursts } from '../lib/isokann/featurized.js';
import { WorkerPool, libRef } from '../lib/sampling/index.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * One adaptive ISOKANN round on alanine dipeptide in vacuum as notebooks/amore-md.ipynb runs it in quick
 * mode (800 K, BAOAB, 2 fs, H-bonds constrained; 3 bursts of tau = 5 ps per start point, restricted to
 * trans peptide bonds; chi on the 45 heavy-atom distances, network [45, 30, 15, 1], Adam, 2 epochs per
 * iteration): the bursts of 100 new start points on a worker pool of 1 and of 2 workers, then 300
 * ISOKANN iterations on 400 start points (the data of the notebook's second round), and the round's
 * total with 2 workers. Start points: the ends of 5 ps runs from the minimised structure (untimed).
 * Wall clock on a shared machine: compare numbers from the same run.
 */
const POINTS = 100, TRAIN_POINTS = 400, ITERATIONS = 300;

export async function run(): Promise<BenchResult[]> {
  await initBackend();
  const sys = loadShippedSystem('alanine-dipeptide');
  const dim = sys.forceField.dim;
  const copies = new Float64Array(POINTS * dim);
  for (let i = 0; i < POINTS; i++) copies.set(sys.positions, i * dim);
  const options = {
    system: libRef('loadShippedSystem', 'alanine-dipeptide'),
    integrator: { kind: 'baoab' as const, dt: 0.002, kT: 0.00831446261815324 * 800, friction: 1, bondConstraints: 'h-bonds' as const },
    lag: 5, bursts: 3,
  };
  const trans = dihedralBox([[0, 4, 6, 8], [8, 14, 16, 18]], [[90, 270], [90, 270]]);
  // distinct start points (identical ones give chi nothing to learn): 5 ps at 800 K from the minimum
  const warm = new WorkerPool({ workers: 2 });
  const x = (await runBursts(warm, copies, POINTS, { ...options, bursts: 1, seed: 2 })).y;
  await warm.close();
  const out: BenchResult[] = [];
  let data: BurstData | undefined;
  let oneWorker = 0, twoWorkers = 0;
  for (const workers of [1, 2]) {
    const pool = new WorkerPool({ workers });
    await runBursts(pool, x.subarray(0, 2 * dim), 2, { ...options, seed: 0 }); // start workers, warm up
    const t0 = performance.now();
    data = restrictBursts(await runBursts(pool, x, POINTS, { ...options, seed: 1 }), trans).data;
    const s = (performance.now() - t0) / 1000;
    await pool.close();
    if (workers === 1) oneWorker = s; else twoWorkers = s;
    out.push({ benchmark: `ISOKANN round on alanine: bursts of ${POINTS} points x 3 x 5 ps, ${workers} worker${workers > 1 ? 's' : ''}`, value: s, unit: 's', ...(workers > 1 ? { reference: '1 worker', referenceValue: oneWorker } : {}) });
  }
  const feat = new PairwiseDistances(sys.atoms.length, { atoms: sys.atoms.map((a, i) => (a.element === 'H' ? -1 : i)).filter((i) => i >= 0) });
  let train = data!;
  while (train.n < TRAIN_POINTS) train = mergeBursts(train, data!);
  const learner = new IsokannLearner({ hidden: [30, 15], activation: 'sigmoid', optimizer: 'adam', learningRate: 1e-3, weightDecay: 1e-3, iterations: ITERATIONS, epochs: 2, seed: 1 });
  const t0 = performance.now();
  const model = learner.fit(featurizeBursts(train, feat));
  const s = (performance.now() - t0) / 1000;
  model.dispose();
  out.push({ benchmark: `ISOKANN round on alanine: training, ${ITERATIONS} iterations x 2 epochs on ${train.n} points (45 distances)`, value: s, unit: 's' });
  out.push({ benchmark: 'ISOKANN round on alanine: bursts (2 workers) + training', value: twoWorkers + s, unit: 's' });
  return out;
}
