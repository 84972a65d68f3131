import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { libraryRoot } from '../project/root.js';
import { preprocessTopology, preprocessTopologyFile, TopologyError } from './preprocess.js';
import type { PreprocessOptions, SourceLine } from './preprocess.js';

/**
 * GROMACS topology (.top/.itp) reader for the AMBER family of force fields, following grompp's rules.
 *
 * Supported: [ defaults ] (nbfunc 1 = Lennard-Jones, combination rules 1, 2, 3, gen-pairs, fudgeLJ,
 * fudgeQQ), [ atomtypes ], [ bondtypes ], [ constrainttypes ] (read, not used), [ angletypes ],
 * [ dihedraltypes ] (2- or 4-type lines, wildcard X, func 9 multi-term blocks on adjacent lines),
 * [ pairtypes ], [ moleculetype ] (nrexcl), [ atoms ], [ bonds ] func 1, [ pairs ] func 1,
 * [ angles ] func 1, [ dihedrals ] func 1/9 (periodic proper) and 4 (periodic improper),
 * [ exclusions ], [ settles ] (rigid water), [ system ], [ molecules ]. Every other directive or function type is a
 * TopologyError naming the directive, the file and the line; nothing is silently skipped.
 *
 * Parameter lookup (as grompp's push_bond/defaultInteractionsOfType): bonded parameters are matched on
 * the atoms' bonded types; bonds and angles match the exact type sequence forwards or backwards, a
 * later duplicate overwriting an earlier one; dihedrals take the first [ dihedraltypes ] entry (in file
 * order, each tried forwards then backwards) with the most non-wildcard matches; for func 9 every term
 * of that entry's block of adjacent lines with identical types applies.
 *
 * Units as in GROMACS: nm, degrees (converted to radians only by the ForceField), kJ/mol, e, amu.
 */

export interface TopologyDefaults {
  nbfunc: number;
  combRule: number;
  genPairs: boolean;
  fudgeLJ: number;
  fudgeQQ: number;
}

export interface AtomType {
  name: string;
  bondType: string;
  /** Atomic number, -1 when the atomtype line does not give it. */
  atomicNumber: number;
  mass: number;
  charge: number;
  ptype: string;
  /** sigma (nm) for combination rules 2 and 3, C6 (kJ/mol nm^6) for rule 1. */
  v: number;
  /** epsilon (kJ/mol) for combination rules 2 and 3, C12 (kJ/mol nm^12) for rule 1. */
  w: number;
}

export interface TopologyAtom {
  /** Atom type name. */
  type: string;
  resNr: number;
  resName: string;
  name: string;
  charge: number;
  mass: number;
  /** Global 0-based residue index (a new residue starts when resNr or resName changes, or a new molecule starts). */
  residueIndex: number;
  /** 0-based index of the molecule instance the atom belongs to. */
  molecule: number;
}

export interface TopologyBond {
  i: number;
  j: number;
  /** Equilibrium length (nm). */
  b0: number;
  /** Force constant (kJ/mol/nm^2), V = kb/2 (r - b0)^2. */
  kb: number;
}

export interface TopologyAngle {
  i: number;
  j: number;
  k: number;
  /** Equilibrium angle (degrees). */
  theta0: number;
  /** Force constant (kJ/mol/rad^2), V = k/2 (theta - theta0)^2. */
  kTheta: number;
}

/** One cosine term V = k (1 + cos(mult phi - phase)); a func 9 dihedral contributes several. */
export interface TopologyDihedral {
  i: number;
  j: number;
  k: number;
  l: number;
  /** Phase (degrees). */
  phase: number;
  /** Force constant (kJ/mol). */
  kPhi: number;
  mult: number;
  /** true for func 4 (periodic improper), false for func 1/9 (proper). */
  improper: boolean;
}

export interface TopologyPair {
  i: number;
  j: number;
  /** Lennard-Jones C6 (kJ/mol nm^6) and C12 (kJ/mol nm^12) of the 1-4 interaction (fudgeLJ included). */
  c6: number;
  c12: number;
}

/**
 * A rigid three-site water from [ settles ] (func 1): oxygen o and its hydrogens o + 1, o + 2 (GROMACS
 * requires this atom order), O-H distance dOH and H-H distance dHH (nm).
 */
export interface TopologySettle {
  o: number;
  h1: number;
  h2: number;
  dOH: number;
  dHH: number;
}

export interface MoleculeBlock {
  name: string;
  count: number;
  /** Index of the first atom of the first copy; copies follow each other. */
  firstAtom: number;
  atomsPerMolecule: number;
}

export interface Topology {
  /** Title from [ system ]. */
  systemName: string;
  defaults: TopologyDefaults;
  atomTypes: Map<string, AtomType>;
  molecules: MoleculeBlock[];
  atoms: TopologyAtom[];
  bonds: TopologyBond[];
  angles: TopologyAngle[];
  dihedrals: TopologyDihedral[];
  pairs: TopologyPair[];
  /** Rigid waters ([ settles ]); their intramolecular exclusions come from the molecule's [ exclusions ]. */
  settles: TopologySettle[];
  /** Excluded non-bonded pairs (i < j, sorted): within nrexcl bonds, [ exclusions ], and the atom itself never. */
  exclusions: [number, number][];
  /** Files read, in order (the top file first). */
  files: string[];
}

export interface ReadTopologyOptions extends PreprocessOptions {
  /**
   * Add rarelab's shipped force fields (data/forcefields of the rarelab folder the library is loaded
   * from, wherever the working directory is) to the include search path, last; default true.
   */
  shippedForceFields?: boolean;
  /**
   * Folders to search as GROMACS's GMXLIB environment variable does: a colon-separated list, searched
   * after `includeDirs` and before the shipped force fields (GROMACS likewise searches GMXLIB before its
   * own share/top). Default: the environment's GMXLIB; '' ignores it.
   */
  gmxlib?: string;
}

/** The shipped force-field folder, or why there is none (for messages). */
function shippedForceFields(): { dir: string } | { reason: string } {
  const root = libraryRoot();
  if (!root) return { reason: "rarelab's own folder could not be found from the library's file location" };
  const dir = join(root, 'data', 'forcefields');
  return existsSync(dir) ? { dir } : { reason: `${dir} does not exist in the rarelab folder the library was loaded from` };
}

/** The shipped force-field folder (data/forcefields next to the library's own code), or undefined if absent. */
export function shippedForceFieldDir(): string | undefined {
  const s = shippedForceFields();
  return 'dir' in s ? s.dir : undefined;
}

/**
 * The #include search path after the including file's folder: includeDirs, GMXLIB entries (empty ones
 * skipped, repeats dropped, relative ones taken from the working directory, as GROMACS does), then
 * the shipped force fields; with where each folder comes from and, when the shipped folder is not
 * among them, why.
 */
export function includeSearchPath(options: ReadTopologyOptions = {}): { dirs: string[]; sources: string[]; note?: string } {
  const dirs: string[] = [], sources: string[] = [];
  const add = (d: string, source: string) => {
    const abs = resolve(d);
    if (dirs.includes(abs)) return;
    dirs.push(abs);
    sources.push(existsSync(abs) ? source : `${source}; does not exist`);
  };
  for (const d of options.includeDirs ?? []) add(d, 'includeDirs');
  const gmxlib = options.gmxlib ?? process.env.GMXLIB ?? '';
  for (const d of gmxlib.split(':')) if (d.trim()) add(d.trim(), 'GMXLIB');
  let note: string | undefined;
  if (options.shippedForceFields === false) note = "rarelab's shipped force fields were not searched because shippedForceFields is false";
  else {
    const s = shippedForceFields();
    if ('dir' in s) add(s.dir, "rarelab's shipped force fields");
    else note = `rarelab's shipped force fields were not searched: ${s.reason}`;
  }
  return { dirs, sources, note };
}

function searchOptions(options: ReadTopologyOptions): PreprocessOptions {
  const { dirs, sources, note } = includeSearchPath(options);
  return { ...options, includeDirs: dirs, includeDirSources: sources, includeNote: note };
}

/** Reads a .top file (with #include resolution: the file's folder, includeDirs, GMXLIB, then the shipped force fields). */
export function readTopology(path: string, options: ReadTopologyOptions = {}): Topology {
  const lines = preprocessTopologyFile(path, searchOptions(options));
  return buildTopology(lines);
}

/**
 * Parses topology text. Relative #includes are searched in the folder of `fileName` (default: the
 * working directory), then `includeDirs`, GMXLIB, then the shipped force fields.
 */
export function parseTopology(text: string, fileName = resolve('<string>.top'), options: ReadTopologyOptions = {}): Topology {
  const lines = preprocessTopology(text, fileName, searchOptions(options));
  return buildTopology(lines);
}

// ---------------------------------------------------------------------------------------------

interface DihTerm {
  phase: number;
  k: number;
  mult: number;
}

interface DihType {
  /** Bonded types, null for the wildcard X. */
  types: (string | null)[];
  terms: DihTerm[];
  func: number;
}

interface MolAtom {
  type: string;
  resNr: number;
  resName: string;
  name: string;
  charge: number;
  mass: number;
}

interface MolInteraction {
  atoms: number[];
  func: number;
  params: number[];
  src: SourceLine;
}

interface MoleculeType {
  name: string;
  nrexcl: number;
  atoms: MolAtom[];
  bonds: MolInteraction[];
  pairs: MolInteraction[];
  angles: MolInteraction[];
  dihedrals: MolInteraction[];
  exclusions: number[][];
  settles: { o: number; dOH: number; dHH: number }[];
  src: SourceLine;
}

const UNSUPPORTED: Record<string, string> = {
  cmap: 'CMAP correction maps are not supported',
  cmaptypes: 'CMAP correction maps are not supported',
  nonbond_params: 'pair-specific non-bonded parameters (NBFIX) are not supported',
  constraints: 'constraints in the topology are not supported (rarelab applies constraints in the integrator)',
  position_restraints: 'position restraints are not supported (leave POSRES undefined)',
  distance_restraints: 'distance restraints are not supported',
  dihedral_restraints: 'dihedral restraints are not supported',
  orientation_restraints: 'orientation restraints are not supported',
  angle_restraints: 'angle restraints are not supported',
  angle_restraints_z: 'angle restraints are not supported',
  virtual_sites1: 'virtual sites are not supported',
  virtual_sites2: 'virtual sites are not supported',
  virtual_sites3: 'virtual sites are not supported',
  virtual_sites4: 'virtual sites are not supported',
  virtual_sitesn: 'virtual sites are not supported',
  dummies2: 'virtual sites are not supported',
  dummies3: 'virtual sites are not supported',
  dummies4: 'virtual sites are not supported',
  polarization: 'polarization (shells) is not supported',
  water_polarization: 'polarization (shells) is not supported',
  thole_polarization: 'polarization (shells) is not supported',
  implicit_genborn_params: 'implicit-solvent parameters are not supported',
  implicit_surface_params: 'implicit-solvent parameters are not supported',
  intermolecular_interactions: 'intermolecular interactions are not supported',
};

const KNOWN = new Set([
  'defaults', 'atomtypes', 'bondtypes', 'constrainttypes', 'angletypes', 'dihedraltypes', 'pairtypes',
  'moleculetype', 'atoms', 'bonds', 'pairs', 'angles', 'dihedrals', 'exclusions', 'settles', 'system', 'molecules',
]);

function err(src: SourceLine, msg: string): TopologyError {
  return new TopologyError(msg, src.file, src.line);
}

function num(tok: string | undefined, what: string, src: SourceLine, directive: string): number {
  const v = tok === undefined ? NaN : Number(tok);
  if (!Number.isFinite(v)) throw err(src, `[ ${directive} ]: ${what} must be a number, got "${tok ?? '(missing)'}" in "${src.text}"`);
  return v;
}

function int(tok: string | undefined, what: string, src: SourceLine, directive: string): number {
  const v = num(tok, what, src, directive);
  if (!Number.isInteger(v)) throw err(src, `[ ${directive} ]: ${what} must be an integer, got "${tok}"`);
  return v;
}

const isInt = (s: string) => /^[+-]?\d+$/.test(s);

/** Builds the topology from preprocessed lines. */
function buildTopology(lines: SourceLine[]): Topology {
  let defaults: TopologyDefaults | undefined;
  const atomTypes = new Map<string, AtomType>();
  const bondTypes = new Map<string, number[]>(); // "func|a|b" both orientations
  const angleTypes = new Map<string, number[]>(); // "func|a|b|c" both orientations
  const constraintTypes = new Map<string, number[]>();
  const pairTypes = new Map<string, number[]>(); // "a|b" by atom type name, both orientations
  const dihTypes: { proper: DihType[]; improper: DihType[] } = { proper: [], improper: [] };
  const molTypes = new Map<string, MoleculeType>();
  const molecules: { name: string; count: number; src: SourceLine }[] = [];
  let systemName = '';
  let directive = '';
  let mol: MoleculeType | undefined;
  const files: string[] = [];
  const bondedType = (t: string, src: SourceLine): string => {
    const at = atomTypes.get(t);
    if (!at) throw err(src, `unknown atom type "${t}"`);
    return at.bondType;
  };
  let lastDihKey: DihType | undefined;
  // func 2/3/5/... dihedral types seen while parsing (only reported when a dihedral needs them)
  const unsupportedDihTypes = new Map<string, SourceLine>();

  for (const src of lines) {
    if (!files.includes(src.file)) files.push(src.file);
    const hm = /^\[\s*([\w]+)\s*\]$/.exec(src.text);
    if (hm) {
      directive = hm[1].toLowerCase();
      if (UNSUPPORTED[directive]) throw err(src, `[ ${directive} ]: ${UNSUPPORTED[directive]}`);
      if (!KNOWN.has(directive)) throw err(src, `unsupported or unknown directive [ ${directive} ]`);
      if (['atoms', 'bonds', 'pairs', 'angles', 'dihedrals', 'exclusions', 'settles'].includes(directive) && !mol) {
        throw err(src, `[ ${directive} ] before any [ moleculetype ]`);
      }
      if (['atomtypes', 'bondtypes', 'angletypes', 'dihedraltypes', 'pairtypes', 'constrainttypes', 'moleculetype'].includes(directive) && !defaults) {
        throw err(src, `[ ${directive} ] before [ defaults ]`);
      }
      continue;
    }
    if (src.text.startsWith('[')) throw err(src, `malformed directive line "${src.text}"`);
    if (!directive) {
      // grompp ignores text before the first directive; the force fields use it for a '*' banner
      if (src.text.startsWith('*')) continue;
      throw err(src, `data line before any [ directive ]: "${src.text}"`);
    }
    const t = src.text.split(/\s+/);
    const d = directive;
    switch (d) {
      case 'defaults': {
        if (defaults) throw err(src, '[ defaults ] given twice');
        const nbfunc = int(t[0], 'nbfunc', src, d);
        const combRule = int(t[1], 'comb-rule', src, d);
        if (nbfunc !== 1) throw err(src, `[ defaults ]: nbfunc ${nbfunc} is not supported (only 1, Lennard-Jones)`);
        if (combRule < 1 || combRule > 3) throw err(src, `[ defaults ]: combination rule ${combRule} is not supported (1, 2 or 3)`);
        const gp = (t[2] ?? 'no').toLowerCase();
        if (!['yes', 'no'].includes(gp)) throw err(src, `[ defaults ]: gen-pairs must be yes or no, got "${t[2]}"`);
        defaults = {
          nbfunc, combRule, genPairs: gp === 'yes',
          fudgeLJ: t[3] !== undefined ? num(t[3], 'fudgeLJ', src, d) : 1,
          fudgeQQ: t[4] !== undefined ? num(t[4], 'fudgeQQ', src, d) : 1,
        };
        break;
      }
      case 'atomtypes': {
        const p = t.length - 3;
        if (p < 3 || p > 5 || !/^[ASVDB]$/.test(t[p])) {
          throw err(src, `[ atomtypes ]: expected "name [bondtype] [at.num] mass charge ptype V W", got "${src.text}"`);
        }
        let bondType = t[0];
        let atomicNumber = -1;
        if (p === 5) {
          bondType = t[1];
          atomicNumber = int(t[2], 'atomic number', src, d);
        } else if (p === 4) {
          if (isInt(t[1])) atomicNumber = Number(t[1]);
          else bondType = t[1];
        }
        atomTypes.set(t[0], {
          name: t[0], bondType, atomicNumber,
          mass: num(t[p - 2], 'mass', src, d), charge: num(t[p - 1], 'charge', src, d), ptype: t[p],
          v: num(t[p + 1], 'sigma/C6', src, d), w: num(t[p + 2], 'epsilon/C12', src, d),
        });
        break;
      }
      case 'bondtypes':
      case 'constrainttypes': {
        const func = int(t[2], 'function type', src, d);
        const params = t.slice(3).map((v, k) => num(v, `parameter ${k + 1}`, src, d));
        const map = d === 'bondtypes' ? bondTypes : constraintTypes;
        map.set(`${func}|${t[0]}|${t[1]}`, params);
        map.set(`${func}|${t[1]}|${t[0]}`, params);
        break;
      }
      case 'angletypes': {
        const func = int(t[3], 'function type', src, d);
        const params = t.slice(4).map((v, k) => num(v, `parameter ${k + 1}`, src, d));
        angleTypes.set(`${func}|${t[0]}|${t[1]}|${t[2]}`, params);
        angleTypes.set(`${func}|${t[2]}|${t[1]}|${t[0]}`, params);
        break;
      }
      case 'pairtypes': {
        const func = int(t[2], 'function type', src, d);
        if (func !== 1) throw err(src, `[ pairtypes ]: function type ${func} is not supported (only 1)`);
        const params = [num(t[3], 'V', src, d), num(t[4], 'W', src, d)];
        pairTypes.set(`${t[0]}|${t[1]}`, params);
        pairTypes.set(`${t[1]}|${t[0]}`, params);
        break;
      }
      case 'dihedraltypes': {
        let types: string[];
        let func: number;
        let rest: string[];
        if (t.length >= 3 && /^\d$/.test(t[2])) {
          func = Number(t[2]);
          // 2-type format: for impropers (func 2, 4) the two types are atoms 1 and 4, otherwise 2 and 3
          types = func === 2 || func === 4 ? [t[0], 'X', 'X', t[1]] : ['X', t[0], t[1], 'X'];
          rest = t.slice(3);
        } else if (t.length >= 5 && /^\d+$/.test(t[4])) {
          func = Number(t[4]);
          types = t.slice(0, 4);
          rest = t.slice(5);
        } else {
          throw err(src, `[ dihedraltypes ]: expected 2 or 4 atom types followed by the function type, got "${src.text}"`);
        }
        if (![1, 4, 9].includes(func)) {
          // other functional forms (RB, harmonic improper, ...): defining them is harmless; a dihedral
          // that would need one fails at lookup with a message pointing here.
          lastDihKey = undefined;
          unsupportedDihTypes.set(types.join('|'), src);
          break;
        }
        if (rest.length !== 3) throw err(src, `[ dihedraltypes ]: func ${func} needs 3 parameters (phase, k, multiplicity), got ${rest.length}`);
        const term: DihTerm = { phase: num(rest[0], 'phase', src, d), k: num(rest[1], 'k', src, d), mult: int(rest[2], 'multiplicity', src, d) };
        const list = func === 4 ? dihTypes.improper : dihTypes.proper;
        const key: (string | null)[] = types.map((s) => (s === 'X' ? null : s));
        for (const s of key) if (s !== null && ![...atomTypes.values()].some((a) => a.bondType === s)) throw err(src, `[ dihedraltypes ]: unknown bonded type "${s}"`);
        const same = (a: (string | null)[], b: (string | null)[]) => a.every((v, k) => v === b[k]);
        const either = (a: (string | null)[], b: (string | null)[]) => same(a, b) || same(a, [...b].reverse());
        if (func === 9) {
          const last = list[list.length - 1];
          const continuation = last !== undefined && last === lastDihKey && same(last.types, key);
          const earlier = list.filter((e) => either(e.types, key));
          const identical = earlier.some((e) => e.terms.some((x) => x.phase === term.phase && x.k === term.k && x.mult === term.mult));
          if (identical) break;
          if (continuation) {
            last.terms.push(term);
            break;
          }
          if (earlier.length) {
            throw err(src, '[ dihedraltypes ]: a second block of func 9 parameters for the same atom types (grompp rejects this too); repeated types must be on adjacent lines');
          }
          const e: DihType = { types: key, terms: [term], func };
          list.push(e);
          lastDihKey = e;
        } else {
          const existing = list.find((e) => either(e.types, key));
          if (existing) existing.terms = [term]; // grompp overwrites with a warning
          else list.push({ types: key, terms: [term], func });
          lastDihKey = undefined;
        }
        break;
      }
      case 'moleculetype': {
        const name = t[0];
        const nrexcl = int(t[1], 'nrexcl', src, d);
        if (molTypes.has(name)) throw err(src, `[ moleculetype ] ${name} defined twice`);
        mol = { name, nrexcl, atoms: [], bonds: [], pairs: [], angles: [], dihedrals: [], exclusions: [], settles: [], src };
        molTypes.set(name, mol);
        break;
      }
      case 'atoms': {
        const m = mol!;
        const nr = int(t[0], 'atom number', src, d);
        if (nr !== m.atoms.length + 1) throw err(src, `[ atoms ]: atoms must be numbered consecutively from 1; expected ${m.atoms.length + 1}, got ${nr}`);
        if (t.length < 6) throw err(src, `[ atoms ]: expected "nr type resnr residue atom cgnr [charge [mass]]", got "${src.text}"`);
        if (t.length > 8) throw err(src, `[ atoms ]: B-state (free-energy) parameters are not supported: "${src.text}"`);
        const at = atomTypes.get(t[1]);
        if (!at) throw err(src, `[ atoms ]: unknown atom type "${t[1]}" for atom ${nr} (${t[4]})`);
        if (at.ptype !== 'A') throw err(src, `[ atoms ]: atom ${nr} (${t[4]}) has type ${t[1]} of particle type ${at.ptype}; only A (atoms) is supported, not virtual sites or shells`);
        m.atoms.push({
          type: t[1], resNr: int(t[2].replace(/[A-Za-z]$/, ''), 'residue number', src, d), resName: t[3], name: t[4],
          charge: t.length > 6 ? num(t[6], 'charge', src, d) : at.charge,
          mass: t.length > 7 ? num(t[7], 'mass', src, d) : at.mass,
        });
        break;
      }
      case 'bonds':
      case 'pairs':
      case 'angles':
      case 'dihedrals': {
        const m = mol!;
        const nral = d === 'angles' ? 3 : d === 'dihedrals' ? 4 : 2;
        const atoms: number[] = [];
        for (let k = 0; k < nral; k++) {
          const a = int(t[k], `atom ${k + 1}`, src, d);
          if (a < 1 || a > m.atoms.length) throw err(src, `[ ${d} ]: atom index ${a} out of range 1..${m.atoms.length} of molecule ${m.name}`);
          atoms.push(a - 1);
        }
        if (new Set(atoms).size !== nral) throw err(src, `[ ${d} ]: duplicate atom index in "${src.text}"`);
        const func = int(t[nral], 'function type', src, d);
        const params = t.slice(nral + 1).map((v, k) => num(v, `parameter ${k + 1}`, src, d));
        const ok = d === 'dihedrals' ? [1, 4, 9].includes(func) : func === 1;
        if (!ok) {
          throw err(src, `[ ${d} ]: function type ${func} is not supported (supported: ${d === 'dihedrals' ? '1, 9 proper and 4 improper periodic' : '1'})`);
        }
        const list = d === 'bonds' ? m.bonds : d === 'pairs' ? m.pairs : d === 'angles' ? m.angles : m.dihedrals;
        list.push({ atoms, func, params, src });
        break;
      }
      case 'exclusions': {
        const m = mol!;
        const idx = t.map((v, k) => int(v, `atom ${k + 1}`, src, d) - 1);
        for (const a of idx) if (a < 0 || a >= m.atoms.length) throw err(src, `[ exclusions ]: atom index ${a + 1} out of range 1..${m.atoms.length}`);
        m.exclusions.push(idx);
        break;
      }
      case 'settles': {
        const m = mol!;
        const oi = int(t[0], 'oxygen atom', src, d);
        const func = int(t[1], 'function type', src, d);
        if (func !== 1) throw err(src, `[ settles ]: function type ${func} is not supported (only 1)`);
        if (t.length !== 4) throw err(src, `[ settles ]: expected "OW funct doh dhh", got "${src.text}"`);
        if (oi < 1 || oi + 2 > m.atoms.length) throw err(src, `[ settles ]: oxygen ${oi} needs atoms ${oi}..${oi + 2} in molecule ${m.name}, which has ${m.atoms.length}`);
        const dOH = num(t[2], 'doh', src, d), dHH = num(t[3], 'dhh', src, d);
        if (!(dOH > 0) || !(dHH > 0) || dHH >= 2 * dOH) throw err(src, `[ settles ]: distances doh ${dOH}, dhh ${dHH} do not form a triangle (need 0 < dhh < 2 doh)`);
        m.settles.push({ o: oi - 1, dOH, dHH });
        break;
      }
      case 'system':
        systemName = systemName ? `${systemName} ${src.text}` : src.text;
        break;
      case 'molecules': {
        const count = int(t[1], 'molecule count', src, d);
        if (!molTypes.has(t[0])) throw err(src, `[ molecules ]: unknown molecule type "${t[0]}"`);
        if (count < 0) throw err(src, `[ molecules ]: negative count ${count}`);
        molecules.push({ name: t[0], count, src });
        break;
      }
    }
  }
  if (!defaults) throw new TopologyError('no [ defaults ] directive (is the force field #included?)');
  if (!molecules.length) throw new TopologyError('no [ molecules ] directive: the topology defines no system');
  const dfl = defaults;

  // -- resolve parameters per molecule type, then replicate --------------------------------------
  const lj = (a: AtomType, b: AtomType, scale: number): [number, number] => {
    if (dfl.combRule === 1) return [scale * Math.sqrt(a.v * b.v), scale * Math.sqrt(a.w * b.w)];
    const sigma = dfl.combRule === 2 ? 0.5 * (a.v + b.v) : Math.sqrt(a.v * b.v);
    const eps = scale * Math.sqrt(a.w * b.w);
    const s6 = sigma ** 6;
    return [4 * eps * s6, 4 * eps * s6 * s6];
  };
  const vwToC = (v: number, w: number): [number, number] => {
    if (dfl.combRule === 1) return [v, w];
    const s6 = v ** 6;
    return [4 * w * s6, 4 * w * s6 * s6];
  };

  interface Resolved {
    bonds: TopologyBond[];
    angles: TopologyAngle[];
    dihedrals: TopologyDihedral[];
    pairs: TopologyPair[];
    exclusions: [number, number][];
    settles: { o: number; dOH: number; dHH: number }[];
  }
  const resolved = new Map<string, Resolved>();
  const resolve1 = (m: MoleculeType): Resolved => {
    const bt = (a: number, src: SourceLine) => bondedType(m.atoms[a].type, src);
    // func 1 of [ bonds ] and [ angles ]: the line's own two parameters, else those of its bonded types
    const twoParams = (e: MolInteraction, directive: string, table: string, types: Map<string, number[]>, names: string): number[] => {
      let p = e.params;
      if (p.length === 0) {
        const t = e.atoms.map((a) => bt(a, e.src));
        const found = types.get(`1|${t.join('|')}`);
        if (!found) throw err(e.src, `[ ${directive} ]: no [ ${table} ] parameters for bonded types ${t.join('-')} (atoms ${e.atoms.map((a) => a + 1).join(' ')})`);
        p = found;
      }
      if (p.length !== 2) throw err(e.src, `[ ${directive} ]: func 1 needs 2 parameters (${names}), got ${p.length}`);
      return p;
    };
    const bonds = m.bonds.map((b): TopologyBond => {
      const [b0, kb] = twoParams(b, 'bonds', 'bondtypes', bondTypes, 'b0, kb');
      return { i: b.atoms[0], j: b.atoms[1], b0, kb };
    });
    const angles = m.angles.map((a): TopologyAngle => {
      const [theta0, kTheta] = twoParams(a, 'angles', 'angletypes', angleTypes, 'theta0, k');
      return { i: a.atoms[0], j: a.atoms[1], k: a.atoms[2], theta0, kTheta };
    });
    const dihedrals: TopologyDihedral[] = [];
    for (const dh of m.dihedrals) {
      const improper = dh.func === 4;
      const [i, j, k, l] = dh.atoms;
      let terms: DihTerm[];
      if (dh.params.length > 0) {
        if (dh.params.length !== 3) throw err(dh.src, `[ dihedrals ]: func ${dh.func} needs 3 parameters (phase, k, multiplicity), got ${dh.params.length}`);
        if (!Number.isInteger(dh.params[2])) throw err(dh.src, `[ dihedrals ]: multiplicity must be an integer, got ${dh.params[2]}`);
        terms = [{ phase: dh.params[0], k: dh.params[1], mult: dh.params[2] }];
      } else {
        const types = dh.atoms.map((x) => bt(x, dh.src));
        const list = improper ? dihTypes.improper : dihTypes.proper;
        let best: DihType | undefined;
        let bestScore = -1;
        for (const e of list) {
          for (const order of [types, [...types].reverse()]) {
            let score = 0;
            let match = true;
            for (let q = 0; q < 4; q++) {
              const want = e.types[q];
              if (want === null) continue;
              if (want !== order[q]) {
                match = false;
                break;
              }
              score++;
            }
            if (match && score > bestScore) {
              best = e;
              bestScore = score;
            }
          }
          if (bestScore === 4) break;
        }
        if (!best) {
          const key = types.join('|');
          const alt = unsupportedDihTypes.get(key) ?? unsupportedDihTypes.get([...types].reverse().join('|'));
          throw err(dh.src, `[ dihedrals ]: no [ dihedraltypes ] func ${improper ? 4 : '1/9'} parameters for bonded types ${types.join('-')} (atoms ${dh.atoms.map((x) => x + 1).join(' ')})` + (alt ? `; ${alt.file}:${alt.line} defines them with an unsupported function type` : ''));
        }
        terms = dh.func === 9 ? best.terms : [best.terms[0]];
      }
      for (const term of terms) dihedrals.push({ i, j, k, l, phase: term.phase, kPhi: term.k, mult: term.mult, improper });
    }
    const pairs = m.pairs.map((p): TopologyPair => {
      const [i, j] = p.atoms;
      let c: [number, number];
      if (p.params.length === 2) c = vwToC(p.params[0], p.params[1]);
      else if (p.params.length === 0) {
        const ti = m.atoms[i].type, tj = m.atoms[j].type;
        const pt = pairTypes.get(`${ti}|${tj}`);
        if (pt) c = vwToC(pt[0], pt[1]);
        else if (dfl.genPairs) c = lj(atomTypes.get(ti)!, atomTypes.get(tj)!, dfl.fudgeLJ);
        else throw err(p.src, `[ pairs ]: no [ pairtypes ] for ${ti}-${tj} and gen-pairs is no`);
      } else throw err(p.src, `[ pairs ]: func 1 needs 0 or 2 parameters, got ${p.params.length}`);
      return { i, j, c6: c[0], c12: c[1] };
    });
    // exclusions: atoms within nrexcl bonds, plus [ exclusions ]
    const n = m.atoms.length;
    const adj: number[][] = Array.from({ length: n }, () => []);
    for (const b of bonds) {
      adj[b.i].push(b.j);
      adj[b.j].push(b.i);
    }
    const ex = new Set<number>();
    const add = (a: number, b: number) => {
      if (a !== b) ex.add(a < b ? a * n + b : b * n + a);
    };
    const dist = new Int32Array(n);
    for (let s = 0; s < n; s++) {
      dist.fill(-1);
      dist[s] = 0;
      let frontier = [s];
      for (let depth = 1; depth <= m.nrexcl && frontier.length; depth++) {
        const next: number[] = [];
        for (const a of frontier) for (const b of adj[a]) if (dist[b] < 0) {
          dist[b] = depth;
          next.push(b);
          add(s, b);
        }
        frontier = next;
      }
    }
    for (const row of m.exclusions) for (let q = 1; q < row.length; q++) add(row[0], row[q]);
    const exclusions = [...ex].sort((a, b) => a - b).map((v): [number, number] => [Math.floor(v / n), v % n]);
    return { bonds, angles, dihedrals, pairs, exclusions, settles: m.settles };
  };

  const atoms: TopologyAtom[] = [];
  const out: Topology = {
    systemName, defaults: dfl, atomTypes, molecules: [], atoms,
    bonds: [], angles: [], dihedrals: [], pairs: [], settles: [], exclusions: [], files,
  };
  let residue = -1;
  let molIndex = 0;
  for (const entry of molecules) {
    const m = molTypes.get(entry.name)!;
    if (m.atoms.length === 0) throw err(m.src, `[ moleculetype ] ${m.name} has no atoms`);
    let r = resolved.get(m.name);
    if (!r) {
      r = resolve1(m);
      resolved.set(m.name, r);
    }
    out.molecules.push({ name: m.name, count: entry.count, firstAtom: atoms.length, atomsPerMolecule: m.atoms.length });
    for (let c = 0; c < entry.count; c++, molIndex++) {
      const o = atoms.length;
      let prevKey = '';
      for (const a of m.atoms) {
        const key = `${a.resNr}|${a.resName}`;
        if (key !== prevKey) residue++;
        prevKey = key;
        atoms.push({ ...a, residueIndex: residue, molecule: molIndex });
      }
      for (const b of r.bonds) out.bonds.push({ ...b, i: b.i + o, j: b.j + o });
      for (const a of r.angles) out.angles.push({ ...a, i: a.i + o, j: a.j + o, k: a.k + o });
      for (const dh of r.dihedrals) out.dihedrals.push({ ...dh, i: dh.i + o, j: dh.j + o, k: dh.k + o, l: dh.l + o });
      for (const p of r.pairs) out.pairs.push({ ...p, i: p.i + o, j: p.j + o });
      for (const [a, b] of r.exclusions) out.exclusions.push([a + o, b + o]);
      for (const w of r.settles) out.settles.push({ o: w.o + o, h1: w.o + o + 1, h2: w.o + o + 2, dOH: w.dOH, dHH: w.dHH });
    }
  }
  if (atoms.length === 0) throw new TopologyError('[ molecules ] lists no atoms');
  return out;
}
