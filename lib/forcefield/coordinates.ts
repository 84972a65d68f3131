import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files/atomic-write.js';

/**
 * Coordinate files: GROMACS .gro (read/write, multi-frame, any number of decimals), PDB (read/write,
 * MODEL/ENDMDL for trajectories) and CHARMM/NAMD DCD (read/write, the binary format mdtraj and VMD
 * read). In memory, coordinates are nm, one Float64Array `[nAtoms * 3]` per frame; boxes are the
 * three box vectors a, b, c as a row-major Float64Array(9) in nm (null when the file has none).
 * PDB and DCD store Å; conversion happens here.
 */
export interface AtomRecord {
  /** Residue number as written in the file. */
  resNr: number;
  resName: string;
  name: string;
  /** Element symbol when the file gives one (PDB columns 77-78), else ''. */
  element: string;
  /** PDB chain identifier ('' for .gro). */
  chain: string;
}

export interface Structure {
  title: string;
  atoms: AtomRecord[];
  /** Positions per frame (nm), each `[nAtoms * 3]`. */
  frames: Float64Array[];
  /** Box vectors per frame, row-major [a; b; c] (nm), or null. */
  boxes: (Float64Array | null)[];
  /** Velocities per frame (nm/ps) when a .gro file has them. */
  velocities?: Float64Array[];
}

export class CoordinateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CoordinateFileError';
  }
}

const NM_PER_A = 0.1;

// ------------------------------------------------------------------ GRO

/** Parses a .gro file with one or more frames; the field width comes from the decimal points, as GROMACS reads it. */
export function parseGro(text: string, fileName = '<gro>'): Structure {
  const lines = text.split(/\r?\n/);
  const s: Structure = { title: '', atoms: [], frames: [], boxes: [] };
  let n0 = -1;
  let i = 0;
  const vel: Float64Array[] = [];
  while (i < lines.length && lines[i].trim() !== '') {
    const title = lines[i];
    const nLine = lines[i + 1];
    const n = Number((nLine ?? '').trim());
    if (!Number.isInteger(n) || n < 1) throw new CoordinateFileError(`${fileName}:${i + 2}: expected the number of atoms, got "${nLine ?? '(end of file)'}"`);
    if (n0 >= 0 && n !== n0) throw new CoordinateFileError(`${fileName}:${i + 2}: frame ${s.frames.length} has ${n} atoms, the first frame ${n0}`);
    if (i + 2 + n >= lines.length) throw new CoordinateFileError(`${fileName}: frame ${s.frames.length} is truncated (needs ${n} atom lines and a box line)`);
    const first = lines[i + 2];
    const p1 = first.indexOf('.', 20);
    const p2 = first.indexOf('.', p1 + 1);
    if (p1 < 0 || p2 < 0) throw new CoordinateFileError(`${fileName}:${i + 3}: cannot find the coordinate fields in "${first}"`);
    const w = p2 - p1;
    const xyz = new Float64Array(3 * n);
    let v: Float64Array | null = first.length >= 20 + 6 * w ? new Float64Array(3 * n) : null;
    for (let a = 0; a < n; a++) {
      const l = lines[i + 2 + a];
      for (let k = 0; k < 3; k++) {
        const val = Number(l.slice(20 + k * w, 20 + (k + 1) * w));
        if (!Number.isFinite(val) || l.length < 20 + (k + 1) * w) throw new CoordinateFileError(`${fileName}:${i + 3 + a}: atom ${a + 1} coordinate ${'xyz'[k]} is not a number in "${l}"`);
        xyz[3 * a + k] = val;
      }
      if (v) {
        for (let k = 0; k < 3; k++) {
          const val = Number(l.slice(20 + (3 + k) * w, 20 + (4 + k) * w));
          if (!Number.isFinite(val)) {
            v = null;
            break;
          }
          v[3 * a + k] = val;
        }
      }
      if (s.frames.length === 0) {
        s.atoms.push({ resNr: Number(l.slice(0, 5)), resName: l.slice(5, 10).trim(), name: l.slice(10, 15).trim(), element: '', chain: '' });
      }
    }
    const boxVals = lines[i + 2 + n].trim().split(/\s+/).map(Number);
    if (!(boxVals.length === 3 || boxVals.length === 9) || boxVals.some((b) => !Number.isFinite(b))) {
      throw new CoordinateFileError(`${fileName}:${i + 3 + n}: box line needs 3 or 9 numbers, got "${lines[i + 2 + n]}"`);
    }
    const box = new Float64Array(9);
    // gro order: v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y)
    box[0] = boxVals[0]; box[4] = boxVals[1]; box[8] = boxVals[2];
    if (boxVals.length === 9) {
      box[1] = boxVals[3]; box[2] = boxVals[4]; box[3] = boxVals[5]; box[5] = boxVals[6]; box[6] = boxVals[7]; box[7] = boxVals[8];
    }
    if (s.frames.length === 0) s.title = title;
    s.frames.push(xyz);
    s.boxes.push(box.every((b) => b === 0) ? null : box);
    if (v) vel.push(v);
    n0 = n;
    i += n + 3;
  }
  if (s.frames.length === 0) throw new CoordinateFileError(`${fileName}: no frames`);
  if (vel.length === s.frames.length) s.velocities = vel;
  return s;
}

export function readGro(path: string): Structure {
  return parseGro(readFileSync(path, 'utf8'), path);
}

export interface WriteOptions {
  title?: string;
  /** Box vectors (row-major 3x3, nm) for every frame, or one per frame. */
  box?: Float64Array | (Float64Array | null)[] | null;
  /** .gro only: decimals of the coordinates (default 3, GROMACS's standard format). */
  decimals?: number;
  /** PDB only: a value per atom for the B-factor column (e.g. per-atom contributions for colouring), default 0. */
  bFactors?: ArrayLike<number>;
}

function checkFrames(atoms: AtomRecord[], frames: Float64Array[], what: string): void {
  if (frames.length === 0) throw new CoordinateFileError(`${what}: no frames to write`);
  frames.forEach((f, k) => {
    if (f.length !== 3 * atoms.length) throw new CoordinateFileError(`${what}: frame ${k} has ${f.length} coordinates, expected ${atoms.length} atoms x 3`);
    for (let q = 0; q < f.length; q++) if (!Number.isFinite(f[q])) throw new CoordinateFileError(`${what}: frame ${k}, atom ${Math.floor(q / 3) + 1} coordinate ${'xyz'[q % 3]} is ${f[q]}`);
  });
}

function boxOf(opt: WriteOptions['box'], k: number): Float64Array | null {
  if (!opt) return null;
  if (opt instanceof Float64Array) return opt;
  return opt[k] ?? null;
}

/** Formats frames as a .gro file (one block per frame). */
export function formatGro(atoms: AtomRecord[], frames: Float64Array[], options: WriteOptions = {}): string {
  checkFrames(atoms, frames, 'formatGro');
  const dec = options.decimals ?? 3;
  const w = dec + 5;
  const out: string[] = [];
  frames.forEach((xyz, k) => {
    out.push(options.title ?? 'written by rarelab', String(atoms.length).padStart(5));
    for (let a = 0; a < atoms.length; a++) {
      const at = atoms[a];
      out.push(
        String(at.resNr % 100000).padStart(5) + at.resName.slice(0, 5).padEnd(5) + at.name.slice(0, 5).padStart(5) + String((a + 1) % 100000).padStart(5) +
          [0, 1, 2].map((q) => xyz[3 * a + q].toFixed(dec).padStart(w)).join(''),
      );
    }
    const b = boxOf(options.box, k) ?? new Float64Array(9);
    const tri = b[1] !== 0 || b[2] !== 0 || b[3] !== 0 || b[5] !== 0 || b[6] !== 0 || b[7] !== 0;
    const vals = tri ? [b[0], b[4], b[8], b[1], b[2], b[3], b[5], b[6], b[7]] : [b[0], b[4], b[8]];
    out.push(vals.map((v) => v.toFixed(5).padStart(10)).join(''));
  });
  return out.join('\n') + '\n';
}

export function writeGro(path: string, atoms: AtomRecord[], frames: Float64Array[], options: WriteOptions = {}): void {
  writeFileAtomic(path, formatGro(atoms, frames, options));
}

// ------------------------------------------------------------------ PDB

/** Box vectors (row-major, nm) from cell lengths (nm) and angles (degrees), a along x, b in the xy plane. */
export function boxFromCell(a: number, b: number, c: number, alpha: number, beta: number, gamma: number): Float64Array {
  const r = Math.PI / 180;
  const ca = Math.cos(alpha * r), cb = Math.cos(beta * r), cg = Math.cos(gamma * r), sg = Math.sin(gamma * r);
  const round = (v: number) => (Math.abs(v) < 1e-12 ? 0 : v);
  const cx = c * cb, cy = (c * (ca - cb * cg)) / sg;
  return Float64Array.from([a, 0, 0, round(b * cg), round(b * sg), 0, round(cx), round(cy), Math.sqrt(Math.max(c * c - cx * cx - cy * cy, 0))]);
}

/** Cell lengths (nm) and angles (degrees) of row-major box vectors. */
export function cellFromBox(box: Float64Array): [number, number, number, number, number, number] {
  const len = (k: number) => Math.hypot(box[3 * k], box[3 * k + 1], box[3 * k + 2]);
  const ang = (p: number, q: number) => (Math.acos((box[3 * p] * box[3 * q] + box[3 * p + 1] * box[3 * q + 1] + box[3 * p + 2] * box[3 * q + 2]) / (len(p) * len(q))) * 180) / Math.PI;
  return [len(0), len(1), len(2), ang(1, 2), ang(0, 2), ang(0, 1)];
}

/** Parses ATOM/HETATM records; MODEL/ENDMDL blocks become frames (all must have the same atoms). */
export function parsePdb(text: string, fileName = '<pdb>'): Structure {
  const s: Structure = { title: '', atoms: [], frames: [], boxes: [] };
  let cur: number[] = [];
  let box: Float64Array | null = null;
  let inModel = false;
  const lines = text.split(/\r?\n/);
  const finish = (ln: number) => {
    if (cur.length === 0) return;
    if (s.frames.length > 0 && cur.length !== 3 * s.atoms.length) {
      throw new CoordinateFileError(`${fileName}:${ln}: model ${s.frames.length + 1} has ${cur.length / 3} atoms, the first model ${s.atoms.length}`);
    }
    s.frames.push(Float64Array.from(cur));
    s.boxes.push(box);
    cur = [];
  };
  lines.forEach((l, k) => {
    const rec = l.slice(0, 6).trim();
    if (rec === 'TITLE' || rec === 'HEADER') s.title = s.title ? s.title : l.slice(10).trim();
    else if (rec === 'CRYST1') {
      const v = [l.slice(6, 15), l.slice(15, 24), l.slice(24, 33), l.slice(33, 40), l.slice(40, 47), l.slice(47, 54)].map(Number);
      if (v.some((q) => !Number.isFinite(q))) throw new CoordinateFileError(`${fileName}:${k + 1}: malformed CRYST1 record`);
      box = v[0] > 1.5 || v[1] > 1.5 || v[2] > 1.5 ? boxFromCell(v[0] * NM_PER_A, v[1] * NM_PER_A, v[2] * NM_PER_A, v[3], v[4], v[5]) : null; // 1 1 1 = no cell
    } else if (rec === 'MODEL') {
      finish(k + 1);
      inModel = true;
    } else if (rec === 'ENDMDL') {
      finish(k + 1);
      inModel = false;
    } else if (rec === 'ATOM' || rec === 'HETATM') {
      const xyz = [l.slice(30, 38), l.slice(38, 46), l.slice(46, 54)].map(Number);
      if (l.length < 54 || xyz.some((q) => !Number.isFinite(q) || l.slice(30, 54).trim() === '')) {
        throw new CoordinateFileError(`${fileName}:${k + 1}: ${rec} record without valid coordinates: "${l}"`);
      }
      if (s.frames.length === 0) {
        s.atoms.push({ name: l.slice(12, 16).trim(), resName: l.slice(17, 21).trim(), chain: l.slice(21, 22).trim(), resNr: Number(l.slice(22, 26)), element: l.slice(76, 78).trim() });
      }
      for (const q of xyz) cur.push(q * NM_PER_A);
    } else if (rec === 'END' && !inModel) finish(k + 1);
  });
  finish(lines.length);
  if (s.frames.length === 0) throw new CoordinateFileError(`${fileName}: no ATOM/HETATM records`);
  return s;
}

export function readPdb(path: string): Structure {
  return parsePdb(readFileSync(path, 'utf8'), path);
}

function pdbName(name: string, element: string): string {
  if (name.length >= 4) return name.slice(0, 4);
  // names start in column 14 unless the element symbol has two letters (PDB convention)
  return element.length === 2 ? name.padEnd(4) : (' ' + name).padEnd(4);
}

/** Formats frames as PDB (Å, 3 decimals); more than one frame is written as MODEL/ENDMDL blocks. */
export function formatPdb(atoms: AtomRecord[], frames: Float64Array[], options: WriteOptions = {}): string {
  checkFrames(atoms, frames, 'formatPdb');
  const out: string[] = [];
  if (options.title) out.push(`TITLE     ${options.title}`);
  const b0 = boxOf(options.box, 0);
  if (b0) {
    const [a, b, c, al, be, ga] = cellFromBox(b0);
    out.push(`CRYST1${(a * 10).toFixed(3).padStart(9)}${(b * 10).toFixed(3).padStart(9)}${(c * 10).toFixed(3).padStart(9)}${al.toFixed(2).padStart(7)}${be.toFixed(2).padStart(7)}${ga.toFixed(2).padStart(7)} P 1           1`);
  }
  const bf = options.bFactors;
  if (bf) {
    if (bf.length !== atoms.length) throw new CoordinateFileError(`formatPdb: ${bf.length} B-factors for ${atoms.length} atoms`);
    for (let a = 0; a < bf.length; a++) if (!Number.isFinite(bf[a]) || bf[a].toFixed(2).length > 6) throw new CoordinateFileError(`formatPdb: B-factor of atom ${a + 1} is ${bf[a]} (must be finite and fit 6 columns)`);
  }
  const multi = frames.length > 1;
  frames.forEach((xyz, k) => {
    if (multi) out.push(`MODEL     ${String(k + 1).padStart(4)}`);
    for (let a = 0; a < atoms.length; a++) {
      const at = atoms[a];
      const el = at.element || at.name.replace(/[^A-Za-z]/g, '').slice(0, 1);
      const coords = [0, 1, 2].map((q) => {
        const v = xyz[3 * a + q] * 10;
        if (v <= -1000 || v >= 10000) throw new CoordinateFileError(`formatPdb: frame ${k}, atom ${a + 1} coordinate ${v.toFixed(1)} Å does not fit the PDB format`);
        return v.toFixed(3).padStart(8);
      });
      out.push(
        'ATOM  ' + String((a + 1) % 100000).padStart(5) + ' ' + pdbName(at.name, el) + ' ' + at.resName.slice(0, 3).padStart(3) + ' ' + (at.chain || 'A').slice(0, 1) +
          String(at.resNr % 10000).padStart(4) + '    ' + coords.join('') + '  1.00' + (bf ? bf[a] : 0).toFixed(2).padStart(6) + '          ' + el.padStart(2),
      );
    }
    if (multi) out.push('ENDMDL');
  });
  out.push('END');
  return out.join('\n') + '\n';
}

export function writePdb(path: string, atoms: AtomRecord[], frames: Float64Array[], options: WriteOptions = {}): void {
  writeFileAtomic(path, formatPdb(atoms, frames, options));
}

// ------------------------------------------------------------------ DCD

export interface DcdTrajectory {
  nAtoms: number;
  /** Positions per frame (nm). */
  frames: Float64Array[];
  /** Box per frame (row-major vectors, nm) when the file has unit cells, else null. */
  boxes: (Float64Array | null)[];
  /** Time step in the header's units (AKMA for CHARMM files; rarelab writes ps). */
  timestep: number;
  title: string;
  /**
   * Null when the file ends after a complete frame. Otherwise the file ends inside frame
   * `completeFrames` (an interrupted write): `frames` holds the complete ones and this says what was cut.
   */
  truncated: DcdTruncation | null;
}

/** What a DCD cut mid-frame lost. */
export interface DcdTruncation {
  /** Complete frames read (all kept in `frames`). */
  completeFrames: number;
  /** Frames the header announces (NSET; writers that never update it leave 0). */
  headerFrames: number;
  /** Bytes of the partial frame present, and the bytes one frame needs. */
  partialBytes: number;
  frameBytes: number;
  message: string;
}

export interface ReadDcdOptions {
  /**
   * A file cut mid-frame: 'warn' (default) keeps the complete frames, sets `truncated` and prints a
   * warning; 'error' throws a CoordinateFileError; 'ignore' keeps the frames and sets `truncated` only.
   */
  onTruncated?: 'warn' | 'error' | 'ignore';
}

/**
 * Encodes a CHARMM-format DCD (little-endian, Fortran records, float32 coordinates in Å; CHARMM
 * version 24 flag; unit cell block [a, gamma, b, beta, alpha, c] in Å and degrees when boxes are given).
 */
export function formatDcd(frames: Float64Array[], options: { box?: WriteOptions['box']; timestep?: number; title?: string } = {}): Uint8Array {
  if (frames.length === 0) throw new CoordinateFileError('formatDcd: no frames to write');
  const nAtoms = frames[0].length / 3;
  if (!Number.isInteger(nAtoms) || nAtoms < 1) throw new CoordinateFileError(`formatDcd: frame 0 has ${frames[0].length} coordinates, not a multiple of 3`);
  frames.forEach((f, k) => {
    if (f.length !== 3 * nAtoms) throw new CoordinateFileError(`formatDcd: frame ${k} has ${f.length} coordinates, frame 0 ${3 * nAtoms}`);
    for (let q = 0; q < f.length; q++) if (!Number.isFinite(f[q])) throw new CoordinateFileError(`formatDcd: frame ${k}, atom ${Math.floor(q / 3) + 1} coordinate ${'xyz'[q % 3]} is ${f[q]}`);
  });
  const hasCell = !!options.box;
  const title = (options.title ?? 'Created by rarelab').slice(0, 80).padEnd(80);
  const frameBytes = (hasCell ? 56 : 0) + 3 * (8 + 4 * nAtoms);
  const size = 92 + (8 + 4 + 80) + 12 + frames.length * frameBytes;
  const buf = new ArrayBuffer(size);
  const dv = new DataView(buf);
  let p = 0;
  const i32 = (v: number) => { dv.setInt32(p, v, true); p += 4; };
  const f32 = (v: number) => { dv.setFloat32(p, v, true); p += 4; };
  const f64 = (v: number) => { dv.setFloat64(p, v, true); p += 8; };
  // record 1: 'CORD' + 20 control words
  i32(84);
  for (const ch of 'CORD') dv.setUint8(p++, ch.charCodeAt(0));
  const ctl = new Int32Array(20);
  ctl[0] = frames.length; // NSET
  ctl[1] = 0; // ISTART
  ctl[2] = 1; // NSAVC
  ctl[3] = frames.length; // NSTEP
  ctl[7] = 3 * nAtoms; // degrees of freedom (informational)
  ctl[10] = hasCell ? 1 : 0;
  ctl[19] = 24; // CHARMM version: marks the CHARMM flavour
  for (let k = 0; k < 20; k++) {
    if (k === 9) f32(options.timestep ?? 1); // DELTA
    else i32(ctl[k]);
  }
  i32(84);
  // record 2: titles
  i32(84);
  i32(1);
  for (let k = 0; k < 80; k++) dv.setUint8(p++, title.charCodeAt(k) & 0x7f);
  i32(84);
  // record 3: number of atoms
  i32(4);
  i32(nAtoms);
  i32(4);
  frames.forEach((xyz, k) => {
    if (hasCell) {
      const b = boxOf(options.box, k);
      if (!b) throw new CoordinateFileError(`formatDcd: frame ${k} has no box but the file has unit cells`);
      const [a, bb, c, al, be, ga] = cellFromBox(b);
      i32(48);
      f64(a * 10); f64(ga); f64(bb * 10); f64(be); f64(al); f64(c * 10);
      i32(48);
    }
    for (let q = 0; q < 3; q++) {
      i32(4 * nAtoms);
      for (let a = 0; a < nAtoms; a++) f32(xyz[3 * a + q] * 10);
      i32(4 * nAtoms);
    }
  });
  return new Uint8Array(buf);
}

export function writeDcd(path: string, frames: Float64Array[], options: { box?: WriteOptions['box']; timestep?: number; title?: string } = {}): void {
  writeFileAtomic(path, formatDcd(frames, options));
}

/**
 * Decodes a CHARMM/NAMD DCD (either byte order; 3-D, no fixed atoms). A file cut inside a frame gives
 * the complete frames before the cut and says what was cut (see ReadDcdOptions).
 */
export function parseDcd(bytes: Uint8Array, fileName = '<dcd>', options: ReadDcdOptions = {}): DcdTrajectory {
  const onTruncated = options.onTruncated ?? 'warn';
  if (!['warn', 'error', 'ignore'].includes(onTruncated)) throw new RangeError(`parseDcd: onTruncated must be 'warn', 'error' or 'ignore', got ${String(onTruncated)}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 100) throw new CoordinateFileError(`${fileName}: too short to be a DCD file (${bytes.byteLength} bytes)`);
  let le = true;
  if (dv.getInt32(0, true) !== 84) {
    if (dv.getInt32(0, false) === 84) le = false;
    else throw new CoordinateFileError(`${fileName}: not a DCD file (first record marker is not 84)`);
  }
  const tag = String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]);
  if (tag !== 'CORD') throw new CoordinateFileError(`${fileName}: not a coordinate DCD (header tag "${tag}", expected CORD)`);
  let p = 8;
  const ctl: number[] = [];
  for (let k = 0; k < 20; k++, p += 4) ctl.push(dv.getInt32(p, le));
  const charmm = ctl[19] !== 0;
  const timestep = charmm ? dv.getFloat32(8 + 36, le) : dv.getFloat64(8 + 36, le);
  p = 92;
  const rec = (): [number, number] => {
    const len = dv.getInt32(p, le);
    const start = p + 4;
    if (len < 0 || start + len + 4 > bytes.byteLength || dv.getInt32(start + len, le) !== len) throw new CoordinateFileError(`${fileName}: corrupt Fortran record at byte ${p}`);
    p = start + len + 4;
    return [start, len];
  };
  const [ts, tl] = rec();
  const nTitle = dv.getInt32(ts, le);
  let title = '';
  for (let k = 0; k < Math.min(nTitle * 80, tl - 4); k++) title += String.fromCharCode(bytes[ts + 4 + k]);
  const [ns, nl] = rec();
  if (nl !== 4) throw new CoordinateFileError(`${fileName}: the atom-count record has ${nl} bytes, expected 4`);
  const nAtoms = dv.getInt32(ns, le);
  if (nAtoms < 1) throw new CoordinateFileError(`${fileName}: the header gives ${nAtoms} atoms; a DCD file needs at least one (corrupt header?)`);
  const nFixed = ctl[8];
  if (nFixed !== 0) throw new CoordinateFileError(`${fileName}: DCD files with ${nFixed} fixed atoms are not supported`);
  if (charmm && ctl[11] !== 0) throw new CoordinateFileError(`${fileName}: 4-D DCD files are not supported`);
  const hasCell = charmm && ctl[10] !== 0;
  const frames: Float64Array[] = [];
  const boxes: (Float64Array | null)[] = [];
  // every frame has the same size: [unit cell record] + x, y, z records (4-byte markers around each)
  const frameBytes = (hasCell ? 56 : 0) + 3 * (8 + 4 * nAtoms);
  let truncated: DcdTruncation | null = null;
  while (p < bytes.byteLength) {
    const partialBytes = bytes.byteLength - p;
    if (partialBytes < frameBytes) {
      const headerFrames = ctl[0];
      const announced = headerFrames > frames.length ? `; the header announces ${headerFrames} frames` : '';
      const message = `${fileName}: the file ends inside frame ${frames.length} (${partialBytes} of its ${frameBytes} bytes present), so it was cut (an interrupted write?); read the ${frames.length} complete frames before the cut${announced}`;
      truncated = { completeFrames: frames.length, headerFrames, partialBytes, frameBytes, message };
      if (onTruncated === 'error') throw new CoordinateFileError(message);
      if (onTruncated === 'warn') console.warn(`rarelab: ${message}`);
      break;
    }
    let box: Float64Array | null = null;
    if (hasCell) {
      const [cs, cl] = rec();
      if (cl !== 48) throw new CoordinateFileError(`${fileName}: unit-cell record of ${cl} bytes, expected 48`);
      const c = [0, 1, 2, 3, 4, 5].map((k) => dv.getFloat64(cs + 8 * k, le));
      // [a, gamma, b, beta, alpha, c]; angles stored either in degrees or as cosines
      const ang = (v: number) => (Math.abs(v) <= 1 ? 90 - (Math.asin(v) * 180) / Math.PI : v);
      box = boxFromCell(c[0] * NM_PER_A, c[2] * NM_PER_A, c[5] * NM_PER_A, ang(c[4]), ang(c[3]), ang(c[1]));
    }
    const xyz = new Float64Array(3 * nAtoms);
    for (let q = 0; q < 3; q++) {
      const [s, l] = rec();
      if (l !== 4 * nAtoms) throw new CoordinateFileError(`${fileName}: frame ${frames.length} coordinate record has ${l} bytes, expected ${4 * nAtoms}`);
      for (let a = 0; a < nAtoms; a++) xyz[3 * a + q] = dv.getFloat32(s + 4 * a, le) * NM_PER_A;
    }
    frames.push(xyz);
    boxes.push(box);
  }
  return { nAtoms, frames, boxes, timestep, title: title.trim(), truncated };
}

export function readDcd(path: string, options: ReadDcdOptions = {}): DcdTrajectory {
  const b = readFileSync(path);
  return parseDcd(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), path, options);
}
