import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files/atomic-write.js';

/**
 * Dihedral time series of long reference runs, stored compactly: per run, frame-major
 * [frame][dihedral] int16 little-endian in units of 0.01 degree (the 0.005-degree rounding is far below
 * any grid or histogram used on them), base64 in a JSON file with the dihedrals' names and atoms
 * (made by scripts/vgvapg-reference.ts; data/README.md).
 */

/** Dihedrals of several runs, degrees in [-180, 180]. */
export interface DihedralSeries {
  /** Dihedral names, e.g. 'psi VAL4'. */
  names: string[];
  /** The four atoms (0-based) of each dihedral. */
  atoms: [number, number, number, number][];
  /** Time between frames (ps). */
  framePs: number;
  /** runs[r][d]: dihedral d of run r, one value per frame (degrees). */
  runs: Float64Array[][];
  /** Everything else the file holds (settings, provenance). */
  meta: Record<string, unknown>;
}

const UNIT = 0.01; // degrees per stored integer

/** int16 base64 (0.01 degree) of one run's [frame][dihedral] values in degrees. */
export function encodeDihedralRun(degrees: ArrayLike<number>): string {
  const out = new Int16Array(degrees.length);
  for (let i = 0; i < degrees.length; i++) {
    const d = degrees[i];
    if (!(Math.abs(d) <= 180)) throw new RangeError(`encodeDihedralRun: value ${i} is ${d}, outside [-180, 180] degrees`);
    out[i] = Math.round(d / UNIT);
  }
  const bytes = new Uint8Array(out.length * 2);
  const view = new DataView(bytes.buffer);
  out.forEach((v, i) => view.setInt16(2 * i, v, true));
  return Buffer.from(bytes).toString('base64');
}

/** Decodes one run of `nDihedrals` dihedrals into per-dihedral arrays (degrees). */
export function decodeDihedralRun(base64: string, nDihedrals: number): Float64Array[] {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % (2 * nDihedrals) !== 0) throw new RangeError(`decodeDihedralRun: ${bytes.length} bytes is not a whole number of frames of ${nDihedrals} int16 dihedrals`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames = bytes.length / (2 * nDihedrals);
  const out = Array.from({ length: nDihedrals }, () => new Float64Array(frames));
  for (let f = 0; f < frames; f++) for (let d = 0; d < nDihedrals; d++) out[d][f] = view.getInt16(2 * (f * nDihedrals + d), true) * UNIT;
  return out;
}

/** Writes a DihedralSeries as JSON (runs given per dihedral, like readDihedralSeries returns them). */
export function writeDihedralSeries(path: string, series: DihedralSeries): void {
  const n = series.names.length;
  if (series.atoms.length !== n) throw new RangeError(`writeDihedralSeries: ${n} names but ${series.atoms.length} atom quadruples`);
  const runs = series.runs.map((run, r) => {
    if (run.length !== n) throw new RangeError(`writeDihedralSeries: run ${r} has ${run.length} dihedrals, expected ${n}`);
    const frames = run[0]?.length ?? 0;
    const flat = new Float64Array(frames * n);
    run.forEach((values, d) => {
      if (values.length !== frames) throw new RangeError(`writeDihedralSeries: run ${r}, dihedral ${d} has ${values.length} frames, expected ${frames}`);
      for (let f = 0; f < frames; f++) flat[f * n + d] = values[f];
    });
    return encodeDihedralRun(flat);
  });
  writeFileAtomic(path, JSON.stringify({ ...series.meta, framePs: series.framePs, dihedrals: series.names.map((name, d) => ({ name, atoms: series.atoms[d] })), runs }));
}

/** Reads a dihedral-series JSON file (see the module comment). */
export function readDihedralSeries(path: string): DihedralSeries {
  const j = JSON.parse(readFileSync(path, 'utf8')) as { framePs?: number; dihedrals?: { name: string; atoms: number[] }[]; runs?: string[] } & Record<string, unknown>;
  if (!Array.isArray(j.dihedrals) || !Array.isArray(j.runs) || !(Number(j.framePs) > 0)) throw new Error(`readDihedralSeries: ${path} lacks dihedrals, runs or a positive framePs`);
  const { dihedrals, runs, framePs, ...meta } = j;
  const n = dihedrals.length;
  return {
    names: dihedrals.map((d) => d.name),
    atoms: dihedrals.map((d, k) => {
      if (!Array.isArray(d.atoms) || d.atoms.length !== 4) throw new Error(`readDihedralSeries: ${path}: dihedral ${k} (${d.name}) does not have 4 atoms`);
      return d.atoms as [number, number, number, number];
    }),
    framePs: Number(framePs),
    runs: runs.map((b) => decodeDihedralRun(b, n)),
    meta,
  };
}
