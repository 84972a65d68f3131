// Long unbiased reference runs of capped VGVAPG (ACE-VGVAPG-NME, data/vgvapg-capped) in vacuum, the
// reference of AMORE-MD Figure 3 (notebooks/src/amore-md-vgvapg.part.txt; data/README.md):
//   npx tsx scripts/vgvapg-reference.ts [ns per run = 8] [temperature K = 400]
// Two runs from the minimised structure (BAOAB, 2 fs, friction 1/ps, bonds to H constrained), one per
// worker, in chunks of 250 ps. After every chunk the state (positions, velocities, data so far) goes to
// a checkpoint under $TMPDIR; re-running the same command resumes exactly (chunk k of run r always uses
// the stream fork(r) of seed 400000 + k and starts from the previous chunk's positions and velocities,
// so an interrupted run gives the same numbers as an uninterrupted one).
// Writes data/vgvapg-capped/langevin-<T>K.json (all backbone phi/psi every 0.5 ps; read it with
// readDihedralSeries, lib/features/dihedral-series.ts) and langevin-<T>K.dcd (coordinates every 10 ps, run 0 then run 1).
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadShippedSystem, writeDcd } from '../lib/forcefield/index.js';
import { backboneDihedrals, dihedral } from '../lib/features/observables.js';
import { encodeDihedralRun } from '../lib/features/dihedral-series.js';
import { WorkerPool, libRef } from '../lib/sampling/index.js';
import type { TrajectoryTask, TrajectoryResult } from '../lib/sampling/index.js';
import { writeFileAtomic } from '../lib/files/atomic-write.js';
import { projectRoot } from '../lib/project/root.js';
import { checkSameSettings } from '../lib/files/checkpoint.js';

const ns = Number(process.argv[2] ?? 8), T = Number(process.argv[3] ?? 400);
if (!(ns > 0)) throw new RangeError(`vgvapg-reference: ns per run must be positive, got ${process.argv[2]}`);
if (!(T > 0)) throw new RangeError(`vgvapg-reference: temperature must be positive (K), got ${process.argv[3]}`);
const NAME = 'vgvapg-capped', RUNS = 2, DT = 0.002, SAVE = 250 /* steps: 0.5 ps */, KEEP = 20 /* every 10 ps */, CHUNK_PS = 250;
const chunks = Math.round((ns * 1000) / CHUNK_PS);
const sys = loadShippedSystem(NAME);
const dim = sys.forceField.dim;
const { phi, psi } = backboneDihedrals(sys.topology.atoms);
const dihedrals = [...phi.map((d) => ({ name: `phi ${d.resName}${d.resNr}`, atoms: d.atoms })), ...psi.map((d) => ({ name: `psi ${d.resName}${d.resNr}`, atoms: d.atoms }))];
const integrator = { kind: 'baoab' as const, dt: DT, kT: 0.00831446261815324 * T, friction: 1, bondConstraints: 'h-bonds' as const };
const settings = { system: NAME, integrator, runs: RUNS, saveEverySteps: SAVE, keepEvery: KEEP, chunkPs: CHUNK_PS, seedBase: 400000 };
const dir = join(process.env.TMPDIR ?? tmpdir(), 'rarelab-vgvapg-reference');
mkdirSync(dir, { recursive: true });
const ckpt = join(dir, `checkpoint-${T}K.json`);

interface RunState { x: number[]; v: number[] | null; angles: number[]; kept: number[][] }
let done = 0;
let runs: RunState[] = Array.from({ length: RUNS }, () => ({ x: Array.from(sys.positions), v: null, angles: [], kept: [] }));
if (existsSync(ckpt)) {
  const c = JSON.parse(readFileSync(ckpt, 'utf8'));
  checkSameSettings(ckpt, c.settings, settings);
  done = Math.min(c.done, chunks);
  runs = c.runs;
  console.log(`resuming ${ckpt} after chunk ${done} of ${chunks}`);
}
const pool = new WorkerPool({ workers: RUNS });
const kernel = libRef('langevinKernel', { system: libRef('loadShippedSystem', NAME), integrator });
const steps = Math.round(CHUNK_PS / DT);
const t0 = Date.now();
try {
  for (let k = done; k < chunks; k++) {
    const tasks: TrajectoryTask[] = runs.map((r) => ({ x0: Float64Array.from(r.x), v0: r.v ? Float64Array.from(r.v) : undefined, nSteps: steps, saveEvery: SAVE }));
    const res = await pool.run<TrajectoryTask, TrajectoryResult>(kernel, tasks, { seed: settings.seedBase + k });
    res.forEach((out, r) => {
      const f = out.frames!, n = f.length / dim;
      // frame 0 of a chunk is its start (the previous chunk's last frame): skip it after the first chunk
      for (let i = k === 0 ? 0 : 1; i < n; i++) {
        for (const d of dihedrals) runs[r].angles.push(Math.round((dihedral(f, ...d.atoms, i * dim) * 18000) / Math.PI));
        const index = runs[r].angles.length / dihedrals.length - 1;
        if (index % KEEP === 0) runs[r].kept.push(Array.from(f.subarray(i * dim, (i + 1) * dim)));
      }
      runs[r].x = Array.from(out.final);
      runs[r].v = Array.from(out.velocities!);
    });
    writeFileAtomic(ckpt, JSON.stringify({ settings, done: k + 1, runs }));
    const el = (Date.now() - t0) / 1000;
    console.log(`chunk ${k + 1}/${chunks}: ${(((k + 1) * CHUNK_PS) / 1000).toFixed(2)} ns per run, ${el.toFixed(0)} s this session`);
  }
} finally {
  await pool.close();
}
const out = join(projectRoot(), 'data', NAME);
const frames = runs[0].angles.length / dihedrals.length;
writeFileAtomic(join(out, `langevin-${T}K.json`), JSON.stringify({
  about: `ACE-VGVAPG-NME (AMBER99SB-ILDN, vacuum), ${RUNS} BAOAB runs of ${ns} ns from minimised.gro at ${T} K; backbone phi/psi every ${SAVE * DT} ps (frame 0 = the start), int16 little-endian in units of 0.01 deg, base64; made by scripts/vgvapg-reference.ts`,
  settings, temperature: T, framePs: SAVE * DT, framesPerRun: frames,
  dihedrals: dihedrals.map((d) => ({ name: d.name, atoms: d.atoms })),
  runs: runs.map((r) => encodeDihedralRun(r.angles.map((a) => a * 0.01))), // the checkpoint keeps 0.01-degree integers
  dcd: { file: `langevin-${T}K.dcd`, everyFrames: KEEP, framesPerRun: runs[0].kept.length },
}));
writeDcd(join(out, `langevin-${T}K.dcd`), runs.flatMap((r) => r.kept.map((x) => Float64Array.from(x))), { timestep: KEEP * SAVE * DT, title: `ACE-VGVAPG-NME ${T} K reference, every ${KEEP * SAVE * DT} ps` });
console.log(`wrote ${out}/langevin-${T}K.json (${RUNS} x ${frames} frames) and .dcd (${RUNS} x ${runs[0].kept.length} frames)`);
