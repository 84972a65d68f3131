import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { loadShippedSolvatedSystem } from '../lib/forcefield/index.js';
import { BAOAB } from '../lib/dynamics/langevin.js';
import { Rng } from '../lib/dynamics/rng.js';
import { WorkerPool, libRef, type TrajectoryResult, type TrajectoryTask } from '../lib/sampling/index.js';
import { projectRoot } from '../lib/project/root.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * Alanine dipeptide in 543 TIP3P (data/alanine-dipeptide-tip3p, equilibrated), Langevin 300 K, friction
 * 1/ps, 2 fs, X-H bonds by SHAKE/RATTLE and waters by SETTLE, PME (tolerance 5e-4, r_c 1 nm, order 5):
 * rarelab's BAOAB in one thread, and as 2 independent trajectories on a 2-worker WorkerPool (aggregate
 * ns/day), against OpenMM 7.7 (Debian build, whose CPU platform has no PME plugin: the mesh runs on
 * the Reference code, see shared/REFERENCE-TOOLS.md) with LangevinMiddleIntegrator and the same
 * settings on its Reference platform and its CPU platform with 1 and 2 threads. The machine is shared:
 * the engines run back to back (ours, OpenMM, ours on 2 workers) and the load average is printed;
 * compare ratios of one run. CPU-time rates count all threads of the process (aggregate per CPU second).
 */
const KB = 0.00831446261815324;
const STEPS = Number(process.env.RARELAB_BENCH_SOLVENT_STEPS ?? 250); // 0.5 ps after warm-up
const DT = 0.002;
const SYSTEM = 'alanine-dipeptide-tip3p';
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
interface Speed { wall: number; cpu: number }
const nsPerDay = (ns: number, wall: number, cpu: number): Speed => ({ wall: (ns / wall) * 86400, cpu: (ns / cpu) * 86400 });

function singleThread(): Speed {
  const s = loadShippedSolvatedSystem(SYSTEM);
  const integ = new BAOAB(s.forceField, { dt: DT, kT: KB * 300, friction: 1, masses: s.forceField.massesPerCoordinate(), constraints: s.constraints });
  const x = Float64Array.from(s.positions);
  s.constraints.apply(x, 1);
  const rng = new Rng(1);
  const v = integ.maxwellBoltzmann(1, rng, undefined, x);
  integ.run(x, v, 1, 20, rng); // warm up the JIT
  const t0 = performance.now(), c0 = cpuSeconds();
  integ.run(x, v, 1, STEPS, rng);
  return nsPerDay((STEPS * DT) / 1000, (performance.now() - t0) / 1000, cpuSeconds() - c0);
}

/** Two independent trajectories of STEPS steps at once on a 2-worker pool: aggregate ns/day. */
async function twoWorkers(): Promise<Speed> {
  const s = loadShippedSolvatedSystem(SYSTEM);
  const kernel = libRef('langevinKernel', {
    system: libRef('loadShippedSolvatedSystem', SYSTEM),
    integrator: { kind: 'baoab', dt: DT, kT: KB * 300, friction: 1, bondConstraints: 'system' },
  });
  const pool = new WorkerPool({ workers: 2 });
  try {
    const task = (nSteps: number): TrajectoryTask => ({ x0: s.positions, nSteps });
    await pool.run<TrajectoryTask, TrajectoryResult>(kernel, [task(20), task(20)], { seed: 0 }); // start both workers, warm up
    const t0 = performance.now(), c0 = cpuSeconds();
    await pool.run<TrajectoryTask, TrajectoryResult>(kernel, [task(STEPS), task(STEPS)], { seed: 1 });
    return nsPerDay((2 * STEPS * DT) / 1000, (performance.now() - t0) / 1000, cpuSeconds() - c0);
  } finally {
    await pool.close();
  }
}

function openmm(): Record<string, Speed> {
  const dir = join(projectRoot(), 'data', SYSTEM);
  try {
    const out = execFileSync('/usr/bin/python3', [join(projectRoot(), 'bench', 'openmm_solvent.py'), join(dir, 'topol.top'), join(dir, 'equilibrated.gro'), join(projectRoot(), 'data', 'forcefields'), '0.1', '1'], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    console.error(`solvent bench: OpenMM not available (${(e as Error).message.split('\n')[0]})`);
    return {};
  }
}

export async function run(): Promise<BenchResult[]> {
  const load0 = loadavg()[0];
  const one = singleThread();
  const omm = openmm();
  const two = await twoWorkers();
  const load1 = loadavg()[0];
  const loadNote = `load average ${load0.toFixed(1)} -> ${load1.toFixed(1)} on ${availableParallelism()} cores`;
  console.error(`solvent bench: ${loadNote}`);
  const rows: BenchResult[] = [];
  const names = Object.keys(omm);
  for (const kind of ['wall', 'cpu'] as const) {
    const clock = kind === 'wall' ? 'wall clock' : 'CPU time';
    const ours = [
      { label: `alanine dipeptide + 543 TIP3P, PME, 2 fs, 1 thread (${clock}; ${loadNote})`, speed: one[kind], refs: names },
      { label: `alanine dipeptide + 543 TIP3P, PME, 2 fs, 2 workers, independent trajectories, aggregate (${clock})`, speed: two[kind], refs: names.filter((n) => n.startsWith('CPU')) },
    ];
    for (const o of ours) {
      if (o.refs.length === 0) rows.push({ benchmark: o.label, value: o.speed, unit: 'ns/day' });
      for (const n of o.refs) rows.push({ benchmark: o.label, value: o.speed, unit: 'ns/day', reference: `OpenMM 7.7 ${n}`, referenceValue: omm[n][kind] });
    }
  }
  return rows;
}
