import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { projectRoot } from '../project/root.js';
import { readTopology } from './topology.js';
import type { ReadTopologyOptions, Topology } from './topology.js';
import { readStructure, coordinatesForTopology, topologyAtomRecords } from './systems.js';
import type { AtomRecord } from './coordinates.js';
import { PeriodicForceField, PeriodicBoxError } from './periodic.js';
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

/** Loads a topology and a .gro with a box as a PeriodicForceField (options as PeriodicOptions, box from the file unless given). */
export function loadSolvatedSystem(topPath: string, groPath: string, options: Partial<PeriodicOptions> & ReadTopologyOptions = {}): SolvatedSystem {
  const topology = readTopology(topPath, options);
  const s = readStructure(groPath);
  const positions = coordinatesForTopology(topology, s);
  const box = options.box ?? s.boxes[0];
  if (!box) throw new PeriodicBoxError(`${groPath}: no box in the structure file; a periodic system needs one`);
  const forceField = new PeriodicForceField(topology, { ...options, box });
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
