import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { projectRoot } from '../project/root.js';
import { readTopology } from './topology.js';
import type { ReadTopologyOptions, Topology } from './topology.js';
import { readStructure, coordinatesForTopology, topologyAtomRecords } from './systems.js';
import type { AtomRecord } from './coordinates.js';
import { PeriodicForceField, PeriodicBoxError, rectangularBox } from './periodic.js';
import { NeighborList } from './neighbor-list.js';
import type { PeriodicOptions } from './periodic.js';
import { BondConstraints, CombinedConstraints } from '../dynamics/constraints.js';
import type { Constraints } from '../dynamics/constraints.js';
import { SettleConstraints } from '../dynamics/settle.js';

/** A periodic (solvated) system: force field, box, positions and the usual constraints. */
export interface SolvatedSystem {
  name: string;
  topology: Topology;
  forceField: PeriodicForceField;
  atoms: AtomRecord[];
  /** Positions (nm), `[nAtoms * 3]`. */
  positions: Float64Array;
  /** Velocities (nm/ps) when the .gro file has them. */
  velocities: Float64Array | null;
  /** Box edge lengths (nm). */
  box: Float64Array;
  /** SHAKE/RATTLE for bonds to hydrogen and SETTLE for [ settles ] waters (as OpenMM's HBonds + rigidWater). */
  constraints: Constraints;
}

/** Atoms of different molecules closer than this (nm) make a structure overlapping (checkMoleculeOverlaps). */
export const MIN_MOLECULE_DISTANCE = 0.1;

/** Raised when atoms of two different molecules sit closer than a physical contact allows. */
export class OverlappingMoleculesError extends RangeError {
  constructor(message: string, readonly atoms: [number, number], readonly distance: number) {
    super(message);
    this.name = 'OverlappingMoleculesError';
  }
}

/**
 * Throws OverlappingMoleculesError when two atoms of different molecules are closer than `minDistance`
 * (nm, minimum image): waters placed over the solute or over each other by a solvation step (a
 * hydrogen bond's H...O is ~0.18 nm, so 0.1 nm is no real contact). Such a start would not fail at
 * once: PeriodicForceField only refuses pairs closer than 0.01 nm, and the first steps explode.
 */
export function checkMoleculeOverlaps(topology: Topology, positions: Float64Array, box: ArrayLike<number>, minDistance = MIN_MOLECULE_DISTANCE, source = 'structure'): void {
  if (!(minDistance > 0)) throw new RangeError(`checkMoleculeOverlaps: minDistance must be positive (nm), got ${minDistance}`);
  const n = topology.atoms.length;
  if (positions.length !== 3 * n) throw new RangeError(`checkMoleculeOverlaps: ${positions.length} coordinates for ${n} atoms`);
  const L = rectangularBox(box, source);
  const list = new NeighborList(n, minDistance, 0, topology.exclusions);
  list.update(positions, 0, L);
  let best = Infinity, bi = -1, bj = -1;
  for (let rec = 0; rec < list.count; rec++) {
    const i = list.recordAtom[rec];
    for (let p = list.recordStart[rec]; p < list.recordStart[rec + 1]; p++) {
      const j = list.pairs[p];
      if (topology.atoms[i].molecule === topology.atoms[j].molecule) continue;
      const d = [0, 1, 2].map((k) => {
        const dx = positions[3 * i + k] - positions[3 * j + k];
        return dx - L[k] * Math.round(dx / L[k]);
      });
      const r = Math.hypot(d[0], d[1], d[2]);
      if (r < best) [best, bi, bj] = [r, i, j];
    }
  }
  if (bi < 0) return;
  const at = topology.atoms;
  const name = (a: number) => `atom ${a + 1} (${at[a].resName}${at[a].residueIndex + 1} ${at[a].name})`;
  throw new OverlappingMoleculesError(
    `${source}: ${name(bi)} and ${name(bj)} belong to different molecules but are ${best.toFixed(4)} nm apart (minimum image), closer than ${minDistance} nm: overlapping molecules (solvent placed over the solute or over other solvent? re-run the solvation with a larger exclusion radius, or remove one of them)`,
    [bi, bj], best,
  );
}

/** Loads a topology and a .gro with a box as a PeriodicForceField (options as PeriodicOptions, box from the file unless given). */
export function loadSolvatedSystem(topPath: string, groPath: string, options: Partial<PeriodicOptions> & ReadTopologyOptions & { minMoleculeDistance?: number } = {}): SolvatedSystem {
  const topology = readTopology(topPath, options);
  const s = readStructure(groPath);
  const positions = coordinatesForTopology(topology, s);
  const box = options.box ?? s.boxes[0];
  if (!box) throw new PeriodicBoxError(`${groPath}: no box in the structure file; a periodic system needs one`);
  const forceField = new PeriodicForceField(topology, { ...options, box });
  checkMoleculeOverlaps(topology, positions, forceField.box, options.minMoleculeDistance, groPath);
  const hb = forceField.bonded.hydrogenBonds;
  const parts: Constraints[] = [];
  if (hb.lengths.length) parts.push(new BondConstraints(hb.pairs, hb.lengths, forceField.masses));
  if (topology.settles.length) parts.push(new SettleConstraints(topology.settles, forceField.masses));
  if (!parts.length) throw new RangeError(`${forceField.name}: no constraints (no bonds to hydrogen and no [ settles ] waters)`);
  return {
    name: forceField.name, topology, forceField, atoms: topologyAtomRecords(topology), positions,
    velocities: s.velocities ? Float64Array.from(s.velocities[0]) : null, box: Float64Array.from(forceField.box),
    constraints: parts.length === 1 ? parts[0] : new CombinedConstraints(parts),
  };
}

/** Solvated systems shipped in data/ (see data/README.md). */
export const SHIPPED_SOLVATED_SYSTEMS = ['alanine-dipeptide-tip3p', 'licl-1m'] as const;

/** A shipped solvated system, minimised and equilibrated (data/<name>/equilibrated.gro, with velocities). */
export function loadShippedSolvatedSystem(name: (typeof SHIPPED_SOLVATED_SYSTEMS)[number] | string, options: Partial<PeriodicOptions> = {}): SolvatedSystem {
  const dir = join(projectRoot(), 'data', name);
  if (!existsSync(join(dir, 'equilibrated.gro'))) throw new Error(`loadShippedSolvatedSystem: no data/${name}/equilibrated.gro; shipped solvated systems: ${SHIPPED_SOLVATED_SYSTEMS.join(', ')}`);
  return loadSolvatedSystem(join(dir, 'topol.top'), join(dir, 'equilibrated.gro'), { name, ...options });
}
