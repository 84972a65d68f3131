import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project/root.js';
import { loadSolvatedSystem } from '../forcefield/solvated.js';
import type { PeriodicOptions } from '../forcefield/periodic.js';
import { runNpt } from '../dynamics/npt.js';
import type { NptResult } from '../dynamics/npt.js';
import { radialDistribution, rdfFirstPeak } from '../features/rdf.js';
import { blockAverage } from '../stats/block-average.js';

/**
 * TIP3P water at 300 K and 1 bar, rarelab against OpenMM (issue 13, "verified, not assumed"): both
 * engines continue from data/tip3p-box/npt-start.gro (348 waters after 50 ps of OpenMM NPT) with the
 * same settings (PME r_c 1 nm, tolerance 5e-4, dispersion correction, rigid water, Langevin 2 fs,
 * friction 1/ps, Monte-Carlo barostat every 25 steps), the density sampled every 0.1 ps and the
 * oxygens stored every 1 ps for the O-O g(r) (0-1 nm, 0.005 nm bins). Errors are block standard errors
 * over 10 contiguous blocks (lib/stats/block-average.ts), the same on both sides
 * (data/water_reference.py computes OpenMM's).
 */
export const WATER_DIR = 'tip3p-box';
export const WATER_BLOCKS = 10;
export const WATER_RDF = { rMax: 1.0, binWidth: 0.005 } as const;

export interface WaterNptSummary {
  engine: string;
  ps: number;
  density: { mean: number; standardError: number; blocks: number[]; series: Float64Array; everyPs: number };
  rdf: { r: Float64Array; g: Float64Array; frames: number; firstPeak: { r: number; g: number; rStandardError: number; gStandardError: number } };
  /** Fraction of accepted barostat moves (rarelab runs only). */
  acceptance?: number;
}

/** OpenMM's reference (data/tip3p-box/npt-reference.json, written by data/water_reference.py npt). */
export function loadWaterNptReference(): WaterNptSummary {
  const file = join(projectRoot(), 'data', WATER_DIR, 'npt-reference.json');
  if (!existsSync(file)) throw new Error(`loadWaterNptReference: no ${file}; make it with /usr/bin/python3 data/water_reference.py npt (data/README.md)`);
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const p = j.rdf.firstPeak;
  return {
    engine: j.engine, ps: j.settings.productionPs,
    density: { mean: j.density.mean, standardError: j.density.standardError, blocks: j.density.blocks, series: Float64Array.from(j.density.kgPerM3), everyPs: j.density.everyPs },
    rdf: { r: Float64Array.from(j.rdf.r), g: Float64Array.from(j.rdf.g), frames: j.rdf.frames, firstPeak: { r: p.r, g: p.g, rStandardError: p.rStandardError, gStandardError: p.gStandardError } },
  };
}

/**
 * A saved rarelab summary (scripts/water-npt.ts OUT.json; default data/tip3p-box/npt-rarelab.json, the
 * committed 100 ps run), so a notebook can show the full-length comparison without the ~80 min run.
 */
export function loadWaterNptRun(file = join(projectRoot(), 'data', WATER_DIR, 'npt-rarelab.json')): WaterNptSummary {
  if (!existsSync(file)) throw new Error(`loadWaterNptRun: no ${file}; write one with npx tsx scripts/water-npt.ts PS CHECKPOINT OUT.json`);
  const j = JSON.parse(readFileSync(file, 'utf8'));
  if (!j.density?.series || !j.rdf?.g) throw new Error(`loadWaterNptRun: ${file} is not a water-npt summary (no density series or g(r))`);
  return { ...j, density: { ...j.density, series: Float64Array.from(j.density.series) }, rdf: { ...j.rdf, r: Float64Array.from(j.rdf.r), g: Float64Array.from(j.rdf.g) } };
}

/** Density and O-O g(r) with block errors from a runNpt result whose frames hold the oxygens. */
export function summariseWaterNpt(run: NptResult, nOxygens: number, ps: number, everyPs = 0.1, engine = 'rarelab'): WaterNptSummary {
  const d = blockAverage(run.densities, (b) => b.reduce((s, v) => s + v, 0) / b.length, { blocks: WATER_BLOCKS });
  const all = Array.from({ length: nOxygens }, (_, i) => i);
  const rdf = radialDistribution(run.frames, nOxygens, run.boxes, { a: all, ...WATER_RDF });
  const peak = rdfFirstPeak(rdf.r, rdf.g);
  const nf = rdf.frames, per = Math.floor(nf / WATER_BLOCKS), stride = 3 * nOxygens;
  const pr: number[] = [], pg: number[] = [];
  for (let k = 0; k < WATER_BLOCKS && per > 0; k++) {
    const b = radialDistribution(run.frames.subarray(k * per * stride, (k + 1) * per * stride), nOxygens, run.boxes.subarray(3 * k * per, 3 * (k + 1) * per), { a: all, ...WATER_RDF });
    const p = rdfFirstPeak(b.r, b.g);
    pr.push(p.r);
    pg.push(p.g);
  }
  const se = (v: number[]) => {
    if (v.length < 2) return NaN;
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1) / v.length);
  };
  return {
    engine, ps,
    density: { mean: d.mean, standardError: d.standardError, blocks: Array.from(d.estimates), series: run.densities, everyPs },
    rdf: { r: rdf.r, g: rdf.g, frames: nf, firstPeak: { ...peak, rStandardError: se(pr), gStandardError: se(pg) } },
    acceptance: run.acceptance,
  };
}

export interface WaterNptOptions {
  /** Production length (ps), whole ps. */
  ps: number;
  /** Seed of the thermostat and barostat; default 1. */
  seed?: number;
  /** Checkpoint file for exact resume (runNpt); default none. */
  checkpoint?: string;
  /** Checkpoint interval (ps); default 10. */
  checkpointEveryPs?: number;
  onProgress?: (psDone: number, density: number) => void;
  /** Force-field options on top of the reference settings (e.g. a cut-off modifier); default none. */
  forceField?: Partial<PeriodicOptions>;
}

/**
 * rarelab's side of the comparison: NPT from data/tip3p-box/npt-start.gro with the reference settings
 * (BAOAB for OpenMM's LangevinMiddleIntegrator, SETTLE), then summariseWaterNpt. About 1044 atoms x
 * 500 steps per ps: ~20-40 s per ps on one core; use a checkpoint for long runs.
 */
export function runWaterNpt(options: WaterNptOptions): WaterNptSummary {
  const dir = join(projectRoot(), 'data', WATER_DIR);
  const s = loadSolvatedSystem(join(dir, 'topol.top'), join(dir, 'npt-start.gro'), { cutoff: 1.0, ewaldErrorTolerance: 5e-4, ...options.forceField });
  const oxygens = s.topology.atoms.flatMap((a, i) => (a.name.startsWith('O') ? [i] : []));
  const run = runNpt(
    { forceField: s.forceField, constraints: s.constraints, molecules: s.topology.atoms.map((a) => a.molecule), positions: s.positions, velocities: s.velocities },
    { ps: options.ps, seed: options.seed ?? 1, dt: 0.002, temperature: 300, pressure: 1, friction: 1, barostatEvery: 25, sampleEveryPs: 0.1, frameEveryPs: 1, frameAtoms: oxygens, checkpoint: options.checkpoint, checkpointEveryPs: options.checkpointEveryPs, onProgress: options.onProgress },
  );
  return summariseWaterNpt(run, oxygens.length, options.ps);
}

export interface WaterComparison {
  /** (rarelab - OpenMM) / OpenMM mean density, and its combined standard error (relative). */
  densityRelativeDifference: number;
  densityRelativeError: number;
  /** Issue 13: within 1 %. */
  densityWithin1Percent: boolean;
  peakRDifference: number;
  peakRError: number;
  peakGDifference: number;
  peakGError: number;
}

/** Differences rarelab - OpenMM with combined standard errors sqrt(se_a^2 + se_b^2). */
export function compareWaterNpt(run: WaterNptSummary, ref: WaterNptSummary): WaterComparison {
  const dRel = run.density.mean / ref.density.mean - 1;
  const eRel = Math.hypot(run.density.standardError, ref.density.standardError) / ref.density.mean;
  const a = run.rdf.firstPeak, b = ref.rdf.firstPeak;
  return {
    densityRelativeDifference: dRel, densityRelativeError: eRel, densityWithin1Percent: Math.abs(dRel) <= 0.01,
    peakRDifference: a.r - b.r, peakRError: Math.hypot(a.rStandardError, b.rStandardError),
    peakGDifference: a.g - b.g, peakGError: Math.hypot(a.gStandardError, b.gStandardError),
  };
}
