import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../lib/files/atomic-write.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadShippedSystem } from '../lib/forcefield/index.js';
import { BondConstraints } from '../lib/dynamics/constraints.js';
import { BAOAB } from '../lib/dynamics/langevin.js';
import { Rng } from '../lib/dynamics/rng.js';
import { projectRoot } from '../lib/project/root.js';
import { WorkerPool, libRef, type TaskRunner, type TrajectoryTask } from '../lib/sampling/index.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * Alanine dipeptide in vacuum (data/alanine-dipeptide: AMBER99SB-ILDN, minimised), Langevin at 300 K
 * with friction 1/ps, single thread, started from the minimised structure with 300 K Maxwell-Boltzmann
 * velocities: rarelab's BAOAB (no cut-off; SHAKE/RATTLE to 1e-10 for H-bonds) against GROMACS
 * `gmx mdrun -nt 1` with the sd integrator (tau-t = 1 ps), the same step and number of steps, and the
 * vacuum settings of data/mdp/vacuum-common.mdp (12 nm box, 5 nm plain cut-offs covering every pair:
 * the no-cut-off energy, see data/README.md); LINCS (order 4, 1 iteration) for h-bonds. GROMACS's
 * number is the "Performance" line of its log (the MD loop, without start-up), like ours (timed after
 * a JIT warm-up). Wall-clock times on a shared machine: each number is the best of 3 interleaved
 * runs; compare numbers taken in the same run.
 */
const KB = 0.00831446261815324;
const PS = 50; // simulated time per measurement
const REPEATS = 3;

interface Speed {
  /** ns/day from wall-clock time. */
  wall: number;
  /** ns/day from the CPU time of the process (less sensitive to other jobs on a shared machine). */
  cpu: number;
}

const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

function rarelabNsPerDay(dt: number, constrained: boolean): Speed {
  const s = loadShippedSystem('alanine-dipeptide');
  const ff = s.forceField;
  const cons = constrained ? new BondConstraints(ff.hydrogenBonds.pairs, ff.hydrogenBonds.lengths, ff.masses) : undefined;
  const integ = new BAOAB(ff, { dt, kT: KB * 300, friction: 1, masses: ff.massesPerCoordinate(), constraints: cons });
  const x = Float64Array.from(s.positions);
  cons?.apply(x, 1);
  const rng = new Rng(1);
  const v = integ.maxwellBoltzmann(1, rng, undefined, x);
  integ.run(x, v, 1, 5000, rng); // JIT warm-up
  const steps = Math.round(PS / dt);
  const t0 = performance.now(), c0 = cpuSeconds();
  integ.run(x, v, 1, steps, rng);
  const seconds = (performance.now() - t0) / 1000, cpu = cpuSeconds() - c0;
  const ns = (steps * dt) / 1000;
  return { wall: (ns / seconds) * 86400, cpu: (ns / cpu) * 86400 };
}

function hasGmx(): boolean {
  try {
    execFileSync('gmx', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** ns/day from GROMACS's log (its "Performance" line, and from its core time), same system and settings. */
function gromacsNsPerDay(dt: number, constrained: boolean): Speed {
  const data = join(projectRoot(), 'data');
  const dir = mkdtempSync(join(tmpdir(), 'rarelab-gmx-bench-'));
  try {
    const common = readFileSync(join(data, 'mdp', 'vacuum-common.mdp'), 'utf8').replace(/^constraints\s*=.*$/m, '');
    const mdp = `${common}
integrator           = sd
dt                   = ${dt}
nsteps               = ${Math.round(PS / dt)}
tc-grps              = System
tau-t                = 1.0
ref-t                = 300
gen-vel              = yes
gen-temp             = 300
gen-seed             = 1
ld-seed              = 1
constraints          = ${constrained ? 'h-bonds' : 'none'}
constraint-algorithm = lincs
comm-mode            = none
nstcalcenergy        = 1000
nstenergy            = 1000
nstlog               = 0
nstxout              = 0
nstvout              = 0
nstfout              = 0
`;
    writeFileAtomic(join(dir, 'run.mdp'), mdp);
    const env = { ...process.env, GMXLIB: join(data, 'forcefields') };
    execFileSync('gmx', ['grompp', '-f', 'run.mdp', '-c', join(data, 'alanine-dipeptide', 'minimised.gro'), '-p', join(data, 'alanine-dipeptide', 'topol.top'), '-o', 'run.tpr', '-po', 'out.mdp'], { cwd: dir, env, stdio: 'ignore' });
    execFileSync('gmx', ['mdrun', '-nt', '1', '-pin', 'off', '-s', 'run.tpr', '-deffnm', 'run'], { cwd: dir, env, stdio: 'ignore' });
    const log = readFileSync(join(dir, 'run.log'), 'utf8');
    const m = /Performance:\s+([\d.]+)/.exec(log);
    const c = /Time:\s+([\d.]+)\s+([\d.]+)/.exec(log);
    if (!m || !c) throw new Error('gmx mdrun log has no Performance / Time lines');
    return { wall: Number(m[1]), cpu: (PS / 1000 / Number(c[1])) * 86400 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 5 ps alanine dipeptide trajectories (2 fs, H-bond constraints) per second through the batch API. */
async function batchTrajectories(): Promise<BenchResult[]> {
  const s = loadShippedSystem('alanine-dipeptide');
  const kernel = libRef('langevinKernel', {
    system: libRef('loadShippedSystem', 'alanine-dipeptide'),
    integrator: { kind: 'baoab', dt: 0.002, kT: KB * 300, friction: 1, bondConstraints: 'h-bonds' },
  });
  const tasks: TrajectoryTask[] = Array.from({ length: 24 }, () => ({ x0: Float64Array.from(s.positions), nSteps: 2500 }));
  const time = async (runner: TaskRunner) => {
    await runner.run(kernel, tasks.slice(0, 4), { seed: 0 }); // start the workers, warm up
    const t0 = performance.now();
    await runner.run(kernel, tasks, { seed: 1 });
    const seconds = (performance.now() - t0) / 1000;
    await runner.close();
    return tasks.length / seconds;
  };
  const one = await time(new WorkerPool({ workers: 1 }));
  const two = await time(new WorkerPool({ workers: 2 }));
  return [
    { benchmark: 'batch API, 5 ps alanine dipeptide trajectories (2 fs, H-bonds), 1 worker', value: one, unit: 'trajectories/s' },
    { benchmark: 'batch API, 5 ps alanine dipeptide trajectories (2 fs, H-bonds), 2 workers', value: two, unit: 'trajectories/s', reference: '1 worker', referenceValue: one },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const gmx = hasGmx();
  if (!gmx) console.log('peptide bench: gmx not found, GROMACS rows skipped (Debian package gromacs)');
  for (const [label, dt, constrained] of [['2 fs, H-bond constraints', 0.002, true], ['1 fs, no constraints', 0.001, false]] as const) {
    // Best of REPEATS runs each, interleaved, so that both engines see the same machine load.
    const ours: Speed = { wall: 0, cpu: 0 }, ref: Speed = { wall: 0, cpu: 0 };
    for (let r = 0; r < REPEATS; r++) {
      const a = rarelabNsPerDay(dt, constrained);
      ours.wall = Math.max(ours.wall, a.wall);
      ours.cpu = Math.max(ours.cpu, a.cpu);
      if (gmx) {
        const b = gromacsNsPerDay(dt, constrained);
        ref.wall = Math.max(ref.wall, b.wall);
        ref.cpu = Math.max(ref.cpu, b.cpu);
      }
    }
    for (const kind of ['wall', 'cpu'] as const) {
      const row: BenchResult = { benchmark: `alanine dipeptide vacuum Langevin 300 K, ${label}, 1 thread (${kind === 'wall' ? 'wall clock' : 'CPU time'})`, value: ours[kind], unit: 'ns/day' };
      if (gmx) {
        row.reference = 'GROMACS 2022 gmx mdrun -nt 1 (sd)';
        row.referenceValue = ref[kind];
        console.log(`peptide bench: ${label} (${kind === 'wall' ? 'wall clock' : 'CPU time'}): rarelab ${ours[kind].toFixed(0)} ns/day, GROMACS ${ref[kind].toFixed(0)} ns/day, ratio ${(ours[kind] / ref[kind]).toFixed(2)}`);
      }
      out.push(row);
    }
  }
  out.push(...(await batchTrajectories()));
  return out;
}

// Runnable on its own: node --import tsx bench/peptide.bench.ts
if (process.argv[1] && /peptide\.bench\.ts$/.test(process.argv[1])) {
  run().then((r) => console.table(r), (e) => { console.error(e); process.exitCode = 1; });
}
