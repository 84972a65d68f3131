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
 *
 * A second reference, when Debian's python3-simtk (OpenMM 7.7) is installed: OpenMM on the same system
 * (bench/openmm_peptide.py: NoCutoff, HBonds or no constraints, LangevinMiddleIntegrator, one thread),
 * on its Reference platform and, with libopenmm-plugins, its CPU platform. A reference that cannot run
 * (e.g. Debian's GROMACS 2022 `mdrun` dies on CPUs without rdtscp) is reported as unavailable, with
 * the reason, and rarelab's numbers are still measured.
 *
 * RARELAB_BENCH_PS (simulated ps per measurement, default 50) and RARELAB_BENCH_REPEATS (default 3)
 * shorten a run, e.g. to check the bench works on a busy machine; such numbers are noisier.
 */
const KB = 0.00831446261815324;
const PS = positiveEnv('RARELAB_BENCH_PS', 50); // simulated time per measurement
const REPEATS = Math.round(positiveEnv('RARELAB_BENCH_REPEATS', 3));

function positiveEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return x;
}

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

/** The first informative line of a failed command's output (GROMACS prints its reason between banners). */
export function failureReason(e: unknown): string {
  const err = e as { stderr?: Buffer | string; stdout?: Buffer | string; message?: string; code?: string };
  if (err.code === 'ENOENT') return 'not installed';
  const text = `${err.stderr ?? ''}\n${err.stdout ?? ''}`;
  // GROMACS: "Program: gmx mdrun ... Fatal error:\n<reason paragraph>\n\n<where to get help>".
  const fatal = /Fatal error:[ \t]*\n([\s\S]*?)(?:\n[ \t]*\n|$)/.exec(text);
  if (fatal) return fatal[1].replace(/\s+/g, ' ').trim();
  const line = text.split('\n').map((l) => l.trim()).find((l) => /error|not supported|illegal|cannot|failed/i.test(l));
  return line ?? String(err.message ?? e).split('\n')[0];
}

/** Runs a command, its output kept for failureReason. */
function runCommand(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(cmd, args, { ...options, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
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
    runCommand('gmx', ['grompp', '-f', 'run.mdp', '-c', join(data, 'alanine-dipeptide', 'minimised.gro'), '-p', join(data, 'alanine-dipeptide', 'topol.top'), '-o', 'run.tpr', '-po', 'out.mdp'], { cwd: dir, env });
    runCommand('gmx', ['mdrun', '-nt', '1', '-pin', 'off', '-s', 'run.tpr', '-deffnm', 'run'], { cwd: dir, env });
    const log = readFileSync(join(dir, 'run.log'), 'utf8');
    const m = /Performance:\s+([\d.]+)/.exec(log);
    const c = /Time:\s+([\d.]+)\s+([\d.]+)/.exec(log);
    if (!m || !c) throw new Error('gmx mdrun log has no Performance / Time lines');
    return { wall: Number(m[1]), cpu: (PS / 1000 / Number(c[1])) * 86400 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface OpenmmSpeed { platform: string; wall?: number; cpu?: number; error?: string }

/** OpenMM's ns/day per platform on the same system (bench/openmm_peptide.py), via Debian's python. */
function openmmNsPerDay(dt: number, constrained: boolean): OpenmmSpeed[] {
  const out = runCommand('/usr/bin/python3', [join(projectRoot(), 'bench', 'openmm_peptide.py'), String(dt), constrained ? '1' : '0', String(PS), String(REPEATS)], { cwd: projectRoot() });
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as OpenmmSpeed);
}

/** A reference engine: measured while it works; after its first failure, unavailable with the reason. */
export class Reference<T> {
  reason: string | null = null;
  constructor(readonly name: string, private readonly measure: () => T) {}
  /** The measurement, or null once the engine has failed (the reason printed the first time). */
  tryMeasure(): T | null {
    if (this.reason !== null) return null;
    try {
      return this.measure();
    } catch (e) {
      this.reason = failureReason(e);
      console.log(`peptide bench: ${this.name} reference unavailable: ${this.reason}`);
      return null;
    }
  }
}

/** 5 ps (or RARELAB_BENCH_PS if shorter) alanine dipeptide trajectories (2 fs, H-bond constraints) per second through the batch API. */
async function batchTrajectories(): Promise<BenchResult[]> {
  const s = loadShippedSystem('alanine-dipeptide');
  const kernel = libRef('langevinKernel', {
    system: libRef('loadShippedSystem', 'alanine-dipeptide'),
    integrator: { kind: 'baoab', dt: 0.002, kT: KB * 300, friction: 1, bondConstraints: 'h-bonds' },
  });
  const tasks: TrajectoryTask[] = Array.from({ length: 24 }, () => ({ x0: Float64Array.from(s.positions), nSteps: Math.round(Math.min(5, PS) / 0.002) }));
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
    { benchmark: `batch API, ${Math.min(5, PS)} ps alanine dipeptide trajectories (2 fs, H-bonds), 1 worker`, value: one, unit: 'trajectories/s' },
    { benchmark: `batch API, ${Math.min(5, PS)} ps alanine dipeptide trajectories (2 fs, H-bonds), 2 workers`, value: two, unit: 'trajectories/s', reference: '1 worker', referenceValue: one },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const settings: Array<readonly [string, number, boolean]> = [['2 fs, H-bond constraints', 0.002, true], ['1 fs, no constraints', 0.001, false]];
  let dt = 0, constrained = false;
  const gromacs = new Reference('GROMACS', () => gromacsNsPerDay(dt, constrained));
  const openmm = new Reference('OpenMM', () => openmmNsPerDay(dt, constrained));
  for (const [label, dtSetting, constrainedSetting] of settings) {
    dt = dtSetting;
    constrained = constrainedSetting;
    // Best of REPEATS runs each, interleaved with GROMACS, so that both engines see the same machine load.
    const ours: Speed = { wall: 0, cpu: 0 }, gmx: Speed = { wall: 0, cpu: 0 };
    for (let r = 0; r < REPEATS; r++) {
      const a = rarelabNsPerDay(dt, constrained);
      ours.wall = Math.max(ours.wall, a.wall);
      ours.cpu = Math.max(ours.cpu, a.cpu);
      const b = gromacs.tryMeasure();
      if (b) {
        gmx.wall = Math.max(gmx.wall, b.wall);
        gmx.cpu = Math.max(gmx.cpu, b.cpu);
      }
    }
    // OpenMM takes the best of REPEATS runs itself (one start-up of the python process per setting).
    const omm = (openmm.tryMeasure() ?? []).filter((p) => {
      if (p.error) console.log(`peptide bench: OpenMM ${p.platform} platform unavailable: ${p.error}`);
      return !p.error;
    });
    for (const kind of ['wall', 'cpu'] as const) {
      const what = `alanine dipeptide vacuum Langevin 300 K, ${label}, 1 thread (${kind === 'wall' ? 'wall clock' : 'CPU time'})`;
      const refs: Array<[string, number | undefined]> = [];
      refs.push(gromacs.reason === null ? ['GROMACS 2022 gmx mdrun -nt 1 (sd)', gmx[kind]] : [`GROMACS unavailable: ${gromacs.reason}`, undefined]);
      if (openmm.reason !== null) refs.push([`OpenMM unavailable: ${openmm.reason}`, undefined]);
      for (const p of omm) refs.push([`OpenMM 7.7 ${p.platform} platform (LangevinMiddle)`, p[kind]]);
      for (const [reference, referenceValue] of refs) {
        out.push({ benchmark: what, value: ours[kind], unit: 'ns/day', reference, referenceValue });
        if (referenceValue !== undefined) console.log(`peptide bench: ${label} (${kind === 'wall' ? 'wall clock' : 'CPU time'}): rarelab ${ours[kind].toFixed(0)} ns/day, ${reference} ${referenceValue.toFixed(0)} ns/day, ratio ${(ours[kind] / referenceValue).toFixed(2)}`);
      }
    }
  }
  out.push(...(await batchTrajectories()));
  return out;
}

// Runnable on its own: node --import tsx bench/peptide.bench.ts
if (process.argv[1] && /peptide\.bench\.ts$/.test(process.argv[1])) {
  run().then((r) => console.table(r), (e) => { console.error(e); process.exitCode = 1; });
}
