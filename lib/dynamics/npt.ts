import { existsSync, readFileSync } from 'node:fs';
import { BAOAB } from './langevin.js';
import { MonteCarloBarostat } from './barostat.js';
import { Rng } from './rng.js';
import type { RngState } from './rng.js';
import { maxwellBoltzmann } from './velocities.js';
import type { Constraints } from './constraints.js';
import type { PeriodicForceField } from '../forcefield/periodic.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { checkSameSettings } from '../files/checkpoint.js';

/**
 * Constant-pressure sampling of a periodic system: BAOAB Langevin dynamics with constraints and the
 * Monte-Carlo barostat every `barostatEvery` steps (OpenMM's LangevinMiddleIntegrator +
 * MonteCarloBarostat setup of data/water_reference.py), recording the mass density every
 * `sampleEveryPs` and the positions of chosen atoms with the box every `frameEveryPs` (for g(r)).
 *
 * Long runs: `checkpoint` names a JSON file written (atomically) every `checkpointEveryPs`; a run
 * given the same settings and checkpoint continues from it and ends bit for bit where an uninterrupted
 * run ends (the neighbour lists are rebuilt at every checkpoint boundary, written or not, so a resumed
 * run sums its pairs in the same order). Units: ps, K, bar, nm, kg/m^3.
 */
export interface NptSystem {
  forceField: PeriodicForceField;
  constraints: Constraints;
  /** Molecule index of every atom (Topology atoms' `molecule`): the barostat scales molecule centres. */
  molecules: ArrayLike<number>;
  /** Start positions (nm), 3 per atom. */
  positions: Float64Array;
  /** Start velocities (nm/ps); Maxwell-Boltzmann at the temperature (seeded) when null. */
  velocities: Float64Array | null;
}

export interface NptOptions {
  /** Simulated time (ps), a whole number of frame intervals. */
  ps: number;
  /** Seed of the thermostat noise, barostat moves and (if needed) start velocities. */
  seed: number;
  /** Time step (ps); default 0.002. */
  dt?: number;
  /** Temperature (K); default 300. */
  temperature?: number;
  /** Pressure (bar); default 1. */
  pressure?: number;
  /** Friction (1/ps); default 1. */
  friction?: number;
  /** Steps between barostat moves; default 25. */
  barostatEvery?: number;
  /** Interval of density samples (ps); default 0.1. */
  sampleEveryPs?: number;
  /** Interval of stored frames (ps); default 1. */
  frameEveryPs?: number;
  /** Atoms whose positions are stored in each frame; default none. */
  frameAtoms?: ArrayLike<number>;
  /** Checkpoint file for exact resume; default none. */
  checkpoint?: string;
  /** Checkpoint interval (ps), a whole number of frame intervals; default 10. */
  checkpointEveryPs?: number;
  /** Called after every frame interval with the time done (ps) and the current density (kg/m^3). */
  onProgress?: (psDone: number, density: number) => void;
}

export interface NptResult {
  /** Density (kg/m^3) after every sample interval. */
  densities: Float64Array;
  /** Stored positions of frameAtoms, `[frame][atom * 3 + xyz]` (nm). */
  frames: Float64Array;
  /** Box of every frame, `[frame][3]` (nm). */
  boxes: Float64Array;
  /** Fraction of accepted barostat moves. */
  acceptance: number;
  /** Final positions and velocities. */
  positions: Float64Array;
  velocities: Float64Array;
  /** Picoseconds simulated by this call (the rest came from the checkpoint). */
  psRun: number;
}

export const BOLTZMANN_KJ_PER_MOL_K = 0.00831446261815324;
/** 1 amu/nm^3 in kg/m^3. */
export const AMU_PER_NM3_IN_KG_PER_M3 = 1.6605390666;

interface NptCheckpoint {
  format: 'rarelab.npt';
  settings: unknown;
  intervals: number;
  x: number[];
  v: number[];
  box: number[];
  rng: RngState;
  barostat: { volumeScale: number; attempted: number; accepted: number; totalAttempted: number; totalAccepted: number };
  densities: number[];
  frames: number[];
  boxes: number[];
}

export function runNpt(system: NptSystem, options: NptOptions): NptResult {
  const ff = system.forceField, n = ff.nAtoms;
  const dt = options.dt ?? 0.002, T = options.temperature ?? 300, P = options.pressure ?? 1, gamma = options.friction ?? 1;
  const every = options.barostatEvery ?? 25, sampleEveryPs = options.sampleEveryPs ?? 0.1, frameEveryPs = options.frameEveryPs ?? 1;
  const steps = (ps: number, what: string) => {
    const s = Math.round(ps / dt);
    if (!(s > 0) || Math.abs(s * dt - ps) > 1e-9 * ps) throw new RangeError(`runNpt: ${what} ${ps} ps is not a positive whole number of ${dt} ps steps`);
    return s;
  };
  const sampleSteps = steps(sampleEveryPs, 'sampleEveryPs'), frameSteps = steps(frameEveryPs, 'frameEveryPs');
  if (!Number.isInteger(every) || every < 1 || sampleSteps % every || frameSteps % sampleSteps) {
    throw new RangeError(`runNpt: the sample interval (${sampleSteps} steps) must be a multiple of barostatEvery (${every}) and the frame interval (${frameSteps}) a multiple of the sample interval`);
  }
  const intervals = Math.round(options.ps / frameEveryPs);
  if (!(intervals > 0) || Math.abs(intervals * frameEveryPs - options.ps) > 1e-9 * options.ps) throw new RangeError(`runNpt: ps ${options.ps} must be a positive whole number of frame intervals (${frameEveryPs} ps)`);
  const ckEvery = Math.round((options.checkpointEveryPs ?? 10) / frameEveryPs);
  if (!(ckEvery >= 1)) throw new RangeError(`runNpt: checkpointEveryPs must be at least one frame interval (${frameEveryPs} ps)`);
  const frameAtoms = Int32Array.from(options.frameAtoms ?? []);
  for (const a of frameAtoms) if (!(a >= 0 && a < n)) throw new RangeError(`runNpt: frame atom ${a} outside 0..${n - 1}`);
  if (system.positions.length !== 3 * n) throw new RangeError(`runNpt: ${system.positions.length} start coordinates for ${n} atoms`);
  const kT = BOLTZMANN_KJ_PER_MOL_K * T;
  const masses = ff.massesPerCoordinate();
  const settings = { dt, temperature: T, pressure: P, friction: gamma, barostatEvery: every, sampleEveryPs, frameEveryPs, checkpointEveryPs: ckEvery * frameEveryPs, seed: options.seed, frameAtoms, nAtoms: n, startBox: Array.from(ff.box), start: Array.from(system.positions.subarray(0, 6)) };

  const integ = new BAOAB(ff, { dt, kT, friction: gamma, masses, constraints: system.constraints });
  const baro = new MonteCarloBarostat(ff, { pressure: P, kT, molecules: system.molecules });
  let x: Float64Array, v: Float64Array, rng: Rng, done = 0;
  const densities: number[] = [], frames: number[] = [], boxes: number[] = [];
  const ck = options.checkpoint;
  if (ck && existsSync(ck)) {
    const c = JSON.parse(readFileSync(ck, 'utf8')) as NptCheckpoint;
    if (c.format !== 'rarelab.npt') throw new Error(`runNpt: ${ck} is not an NPT checkpoint`);
    checkSameSettings(ck, c.settings, settings);
    x = Float64Array.from(c.x);
    v = Float64Array.from(c.v);
    ff.setBox(c.box);
    rng = Rng.fromState(c.rng);
    Object.assign(baro, c.barostat);
    densities.push(...c.densities);
    frames.push(...c.frames);
    boxes.push(...c.boxes);
    done = c.intervals;
  } else {
    rng = new Rng(options.seed);
    x = Float64Array.from(system.positions);
    system.constraints.apply(x, 1);
    v = system.velocities ? Float64Array.from(system.velocities) : maxwellBoltzmann(masses, kT, 1, rng, { constraints: system.constraints, positions: x });
    system.constraints.rattle(x, v, 1);
  }
  const totalMass = ff.masses.reduce((s, m) => s + m, 0);
  const density = () => (totalMass * AMU_PER_NM3_IN_KG_PER_M3) / ff.volume;
  const startDone = done;
  for (let k = done; k < intervals; k++) {
    if (k % ckEvery === 0) ff.resetNeighborLists(); // same pair order whether resumed here or not
    for (let s = 0; s < frameSteps; s += every) {
      integ.run(x, v, 1, every, rng);
      baro.step(x, rng);
      if ((s + every) % sampleSteps === 0) densities.push(density());
    }
    for (const a of frameAtoms) frames.push(x[3 * a], x[3 * a + 1], x[3 * a + 2]);
    boxes.push(ff.box[0], ff.box[1], ff.box[2]);
    done = k + 1;
    if (ck && done % ckEvery === 0 && done < intervals) {
      const c: NptCheckpoint = {
        format: 'rarelab.npt', settings: JSON.parse(JSON.stringify(settings, (_k, val) => (ArrayBuffer.isView(val) ? Array.from(val as Int32Array) : val))), intervals: done,
        x: Array.from(x), v: Array.from(v), box: Array.from(ff.box), rng: rng.getState(),
        barostat: { volumeScale: baro.volumeScale, attempted: baro.attempted, accepted: baro.accepted, totalAttempted: baro.totalAttempted, totalAccepted: baro.totalAccepted },
        densities, frames, boxes,
      };
      writeFileAtomic(ck, JSON.stringify(c));
    }
    options.onProgress?.(done * frameEveryPs, densities[densities.length - 1]);
  }
  return {
    densities: Float64Array.from(densities), frames: Float64Array.from(frames), boxes: Float64Array.from(boxes),
    acceptance: baro.totalAttempted ? baro.totalAccepted / baro.totalAttempted : 0, positions: x, velocities: v, psRun: (done - startDone) * frameEveryPs,
  };
}
