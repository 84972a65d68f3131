import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readTopology, readGro, PeriodicForceField } from '../lib/forcefield/index.js';
import { BondConstraints, CombinedConstraints } from '../lib/dynamics/constraints.js';
import { SettleConstraints } from '../lib/dynamics/settle.js';
import { BAOAB } from '../lib/dynamics/langevin.js';
import { Rng } from '../lib/dynamics/rng.js';
import { projectRoot } from '../lib/project/root.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * Alanine dipeptide in 543 TIP3P (data/alanine-dipeptide-tip3p, equilibrated.gro when present),
 * Langevin 300 K, friction 1/ps, 2 fs, X-H bonds by SHAKE/RATTLE and waters by SETTLE, PME (tolerance
 * 5e-4, r_c 1 nm, order 5), single thread: rarelab's BAOAB against OpenMM 7.7 (Debian build, whose
 * CPU platform has no PME plugin: the mesh runs on the Reference code, see shared/REFERENCE-TOOLS.md)
 * with LangevinMiddleIntegrator and the same settings on its Reference platform and its CPU platform
 * with 1 and 2 threads. Wall-clock and CPU-time ns/day on a shared machine; compare numbers of one run.
 */
const KB = 0.00831446261815324;
const STEPS = 100; // 0.2 ps after 10 warm-up steps
const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

export async function run(): Promise<BenchResult[]> {
  const dir = join(projectRoot(), 'data', 'alanine-dipeptide-tip3p');
  const gro = existsSync(join(dir, 'equilibrated.gro')) ? join(dir, 'equilibrated.gro') : join(dir, 'conf.gro');
  const top = readTopology(join(dir, 'topol.top'));
  const s = readGro(gro);
  const ff = new PeriodicForceField(top, { box: s.boxes[0]! });
  const hb = ff.bonded.hydrogenBonds;
  const cons = new CombinedConstraints([new BondConstraints(hb.pairs, hb.lengths, ff.masses), new SettleConstraints(top.settles, ff.masses)]);
  const integ = new BAOAB(ff, { dt: 0.002, kT: KB * 300, friction: 1, masses: ff.massesPerCoordinate(), constraints: cons });
  const x = Float64Array.from(s.frames[0]);
  cons.apply(x, 1);
  const rng = new Rng(1);
  const v = integ.maxwellBoltzmann(1, rng, undefined, x);
  integ.run(x, v, 1, 10, rng);
  const t0 = performance.now(), c0 = cpuSeconds();
  integ.run(x, v, 1, STEPS, rng);
  const ns = (STEPS * 0.002) / 1000;
  const ours = { wall: (ns / ((performance.now() - t0) / 1000)) * 86400, cpu: (ns / (cpuSeconds() - c0)) * 86400 };
  let omm: Record<string, { wall: number; cpu: number }> = {};
  try {
    const out = execFileSync('/usr/bin/python3', [join(projectRoot(), 'bench', 'openmm_solvent.py'), join(dir, 'topol.top'), gro, join(projectRoot(), 'data', 'forcefields'), '0.1', '1'], { encoding: 'utf8' });
    omm = JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    console.error(`solvent bench: OpenMM not available (${(e as Error).message.split('\n')[0]})`);
  }
  const rows: BenchResult[] = [];
  for (const kind of ['wall', 'cpu'] as const) {
    const label = `alanine dipeptide + 543 TIP3P, PME, 2 fs, 1 thread (${kind === 'wall' ? 'wall clock' : 'CPU time'})`;
    const names = Object.keys(omm);
    if (names.length === 0) rows.push({ benchmark: label, value: ours[kind], unit: 'ns/day' });
    for (const n of names) rows.push({ benchmark: label, value: ours[kind], unit: 'ns/day', reference: `OpenMM 7.7 ${n}`, referenceValue: omm[n][kind] });
  }
  return rows;
}
