import { writeFileAtomic } from '../files/atomic-write.js';
import { join } from 'node:path';
import { figuresDir } from './notebook.js';
import { withFilesLine } from './display.js';

export type DataValue = number | string | boolean | null;
/** One object per row, or one array (plain or typed) per column. */
export type TableData = Array<Record<string, DataValue | undefined>> | Record<string, ArrayLike<DataValue>>;

/** Column names and row values of either input form, checked for a consistent shape. */
export function normalizeTable(data: TableData, where = 'table'): { columns: string[]; rows: DataValue[][] } {
  if (Array.isArray(data)) {
    const columns: string[] = [];
    const seen = new Set<string>();
    for (const row of data) {
      if (row === null || typeof row !== 'object') throw new TypeError(`${where}: every row must be an object`);
      for (const k of Object.keys(row)) if (!seen.has(k)) { seen.add(k); columns.push(k); }
    }
    return { columns, rows: data.map((r) => columns.map((c) => r[c] ?? null)) };
  }
  if (data === null || typeof data !== 'object') throw new TypeError(`${where}: expected rows (an array of objects) or columns (an object of arrays)`);
  const columns = Object.keys(data);
  if (columns.length === 0) return { columns, rows: [] };
  const n = data[columns[0]].length;
  for (const c of columns) {
    const col = data[c];
    if (col === null || typeof col !== 'object' || typeof col.length !== 'number') throw new TypeError(`${where}: column "${c}" is not an array`);
    if (col.length !== n) throw new Error(`${where}: column "${c}" has ${col.length} values, column "${columns[0]}" has ${n}`);
  }
  const rows: DataValue[][] = [];
  for (let i = 0; i < n; i++) rows.push(columns.map((c) => data[c][i] ?? null));
  return { columns, rows };
}

function csvField(v: DataValue): string {
  if (v === null) return '';
  const s = String(v); // numbers: shortest text that parses back to the same double
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(data: TableData): string {
  const { columns, rows } = normalizeTable(data, 'toCsv');
  return [columns.map(csvField), ...rows.map((r) => r.map(csvField))].map((r) => r.join(',')).join('\n') + '\n';
}

/**
 * Writes a table beside the notebook's figures: <dir>/<name>.csv and <dir>/<name>.json (an array of
 * row objects; non-finite numbers become null). dir defaults to figures/<notebook>/.
 */
export function writeData(name: string, data: TableData, options: { dir?: string } = {}): { csv: string; json: string } {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`writeData: "${name}" is not a usable file name (letters, digits, . _ -)`);
  const { columns, rows } = normalizeTable(data, `writeData(${name})`);
  const dir = options.dir ?? figuresDir();
  const csv = join(dir, `${name}.csv`);
  const json = join(dir, `${name}.json`);
  writeFileAtomic(csv, toCsv(data));
  const objects = rows.map((r) => Object.fromEntries(columns.map((c, j) => [c, r[j]])));
  writeFileAtomic(json, JSON.stringify(objects, null, 1) + '\n');
  return withFilesLine({ csv, json }, `data ${name}`);
}
