import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { libraryRoot, projectRoot } from '../project/root.js';
import { ForceField } from './forcefield.js';
import type { ForceFieldOptions } from './forcefield.js';
import { readGro, readPdb, CoordinateFileError } from './coordinates.js';
import type { AtomRecord, Structure } from './coordinates.js';
import { readTopology } from './topology.js';
import type { ReadTopologyOptions, Topology } from './topology.js';

/** A force field with a starting structure (positions in nm). */
export interface MolecularSystem {
  name: string;
  topology: Topology;
  forceField: ForceField;
  /** Atom records for writing coordinate files (names and residues from the topology). */
  atoms: AtomRecord[];
  /** Positions of the structure, `[nAtoms * 3]` nm. */
  positions: Float64Array;
  /** Box vectors of the structure file (row-major, nm), or null. */
  box: Float64Array | null;
}

/** Atom records (for .gro/.pdb writing) from a topology. */
export function topologyAtomRecords(topology: Topology): AtomRecord[] {
  return topology.atoms.map((a) => {
    const t = topology.atomTypes.get(a.type);
    const el = t && t.atomicNumber > 0 ? (ELEMENTS[t.atomicNumber] ?? '') : '';
    return { resNr: a.resNr, resName: a.resName, name: a.name, element: el, chain: '' };
  });
}

const ELEMENTS: Record<number, string> = { 1: 'H', 6: 'C', 7: 'N', 8: 'O', 9: 'F', 11: 'NA', 12: 'MG', 15: 'P', 16: 'S', 17: 'CL', 19: 'K', 20: 'CA', 35: 'BR', 53: 'I' };

/**
 * Positions of frame `frame` of a structure, checked against a topology: the atom count must match
 * and, unless `checkNames` is false, every atom's name and residue name, and the residue numbering
 * within each molecule (a coordinate file in another atom order would silently scramble the molecule;
 * atom names alone miss swapped lines of same-named atoms, such as the ACE and NME methyl carbons).
 * Residue numbers are compared as steps between consecutive atoms of a molecule, not as absolute
 * values: a topology numbers residues per molecule type (every water is residue 1) while coordinate
 * files number them through the system, and .gro/.pdb wrap them at 100000/10000.
 */
export function coordinatesForTopology(topology: Topology, structure: Structure, frame = 0, checkNames = true): Float64Array {
  const n = topology.atoms.length;
  if (structure.atoms.length !== n) {
    throw new CoordinateFileError(`atom-count mismatch: the coordinates have ${structure.atoms.length} atoms, the topology ${n}`);
  }
  if (!Number.isInteger(frame) || frame < 0 || frame >= structure.frames.length) throw new RangeError(`frame ${frame} out of range 0..${structure.frames.length - 1}`);
  if (checkNames) checkAtomOrder(topology, structure.atoms);
  const x = structure.frames[frame];
  for (let k = 0; k < x.length; k++) if (!Number.isFinite(x[k])) throw new CoordinateFileError(`coordinate ${'xyz'[k % 3]} of atom ${Math.floor(k / 3) + 1} is ${x[k]} (not finite)`);
  return Float64Array.from(x);
}

/** Residue numbers wrap in coordinate files (.gro at 100000, PDB at 10000); steps are compared modulo 10000. */
const RESNR_WRAP = 10000;

function checkAtomOrder(topology: Topology, atoms: AtomRecord[]): void {
  const where = (r: { resName: string; resNr: number }) => `residue ${r.resNr} ${r.resName}`;
  for (let a = 0; a < atoms.length; a++) {
    const c = atoms[a], t = topology.atoms[a];
    if (c.name !== t.name) {
      throw new CoordinateFileError(`atom ${a + 1} is ${c.name} in the coordinates but ${t.name} in the topology (atom order differs)`);
    }
    // .gro keeps 5 characters of a residue name
    if (c.resName !== t.resName && c.resName !== t.resName.slice(0, 5)) {
      throw new CoordinateFileError(`atom ${a + 1} (${c.name}) is in ${where(c)} in the coordinates but in ${where(t)} in the topology (atom order differs)`);
    }
    const p = a - 1;
    if (p < 0 || topology.atoms[p].molecule !== t.molecule) continue;
    const step = (c.resNr - atoms[p].resNr) % RESNR_WRAP, topStep = (t.resNr - topology.atoms[p].resNr) % RESNR_WRAP;
    if ((step - topStep) % RESNR_WRAP !== 0) {
      throw new CoordinateFileError(
        `atoms ${p + 1} (${atoms[p].name}) and ${a + 1} (${c.name}) are in ${where(atoms[p])} and ${where(c)} in the coordinates but in ${where(topology.atoms[p])} and ${where(t)} in the topology (atom order differs)`,
      );
    }
  }
}

/** Reads a structure file by extension (.gro or .pdb). */
export function readStructure(path: string): Structure {
  if (/\.gro$/i.test(path)) return readGro(path);
  if (/\.pdb$/i.test(path)) return readPdb(path);
  throw new CoordinateFileError(`${path}: unknown structure format (expected .gro or .pdb)`);
}

/** Loads a GROMACS topology and a .gro/.pdb structure as a force field with positions. */
export function loadMolecularSystem(topPath: string, structurePath: string, options: ReadTopologyOptions & ForceFieldOptions = {}): MolecularSystem {
  const topology = readTopology(topPath, options);
  const s = readStructure(structurePath);
  const positions = coordinatesForTopology(topology, s);
  const forceField = new ForceField(topology, options);
  return { name: forceField.name, topology, forceField, atoms: topologyAtomRecords(topology), positions, box: s.boxes[0] };
}

/** Systems shipped in data/ (amber99sb-ildn, vacuum, minimised). */
export const SHIPPED_SYSTEMS = ['alanine-dipeptide', 'vgvapg', 'vgvapg-capped'] as const;

/**
 * A shipped system from data/<name>/ (topol.top + minimised.gro): 'alanine-dipeptide' (ACE-ALA-NME,
 * 22 atoms), 'vgvapg' (zwitterionic VGVAPG, 73 atoms) or 'vgvapg-capped' (ACE-VGVAPG-NME, neutral, 82 atoms).
 */
export function loadShippedSystem(name: (typeof SHIPPED_SYSTEMS)[number] | string, options: ForceFieldOptions = {}): MolecularSystem {
  const dir = join(libraryRoot() ?? projectRoot(), 'data', name);
  if (!existsSync(join(dir, 'topol.top'))) throw new Error(`loadShippedSystem: no data/${name}/topol.top; shipped systems: ${SHIPPED_SYSTEMS.join(', ')}`);
  return loadMolecularSystem(join(dir, 'topol.top'), join(dir, 'minimised.gro'), { name, ...options });
}
