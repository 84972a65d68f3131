import { performance } from 'node:perf_hooks';
import { BAOAB } from '../lib/dynamics/langevin.js';
import { Rng } from '../lib/dynamics/rng.js';
import { MullerBrown } from '../lib/systems/muller-brown.js';
import { InlineRunner, WorkerPool, libRef, type TaskRunner, type TrajectoryTask } from '../lib/sampling/index.js';

export interface BenchResult {
  benchmark: string;
  value: number;
  unit: string;
  reference?: string;
  referenceValue?: number;
}

/** Walker-steps per second of BAOAB on Müller-Brown, 1000 walkers vectorised in one thread. */
function baoabMullerBrown(): BenchResult {
  const n = 1000, steps = 2000;
  const integ = new BAOAB(new MullerBrown(), { dt: 1e-4, kT: 15, friction: 10 });
  const rng = new Rng(1);
  const x = new Float64Array(n * 2);
  for (let w = 0; w < n; w++) { x[2 * w] = 0.623; x[2 * w + 1] = 0.028; }
  const v = integ.maxwellBoltzmann(n, rng);
  integ.run(x, v, n, 200, rng); // warm up the JIT
  const t0 = performance.now();
  integ.run(x, v, n, steps, rng);
  const s = (performance.now() - t0) / 1000;
  return { benchmark: 'BAOAB on Müller-Brown (1000 walkers, 1 thread)', value: (n * steps) / s, unit: 'walker-steps/s' };
}

/** Short Müller-Brown trajectories per second through the batch API, 1 vs 2 workers. */
async function batchTrajectories(): Promise<BenchResult[]> {
  const kernel = libRef('langevinKernel', { system: libRef('MullerBrown'), integrator: { kind: 'baoab', dt: 1e-4, kT: 15, friction: 10 } });
  const tasks: TrajectoryTask[] = Array.from({ length: 400 }, () => ({ x0: Float64Array.from([0.623, 0.028]), nSteps: 5000 }));
  const out: BenchResult[] = [];
  const time = async (runner: TaskRunner) => {
    await runner.run(kernel, tasks.slice(0, 8), { seed: 0 }); // start workers, warm up
    const t0 = performance.now();
    await runner.run(kernel, tasks, { seed: 1 });
    const s = (performance.now() - t0) / 1000;
    await runner.close();
    return tasks.length / s;
  };
  const inline = await time(new InlineRunner());
  out.push({ benchmark: 'batch API, 5000-step MB trajectories, inline', value: inline, unit: 'trajectories/s' });
  for (const w of [1, 2]) {
    out.push({ benchmark: `batch API, 5000-step MB trajectories, ${w} worker${w > 1 ? 's' : ''}`, value: await time(new WorkerPool({ workers: w })), unit: 'trajectories/s', reference: 'inline', referenceValue: inline });
  }
  return out;
}

export async function run(): Promise<BenchResult[]> {
  return [baoabMullerBrown(), ...(await batchTrajectories())];
}
