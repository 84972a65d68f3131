import { writeFileAtomic } from '../files/atomic-write.js';
import { join } from 'node:path';
import { displayData, formatNumber, htmlTable, textTable } from './display.js';
import { mode } from './mode.js';
import { figuresDir } from './notebook.js';

/** One line of a notebook's paper-vs-ours table, as written to figures/<notebook>/results.json. */
export interface ResultRow {
  quantity: string;
  paper: number | string | null;
  ours: number | string | null;
  tolerance: number | string | null;
  pass: boolean;
}

const HEADERS = ['quantity', 'paper', 'ours', 'tolerance', 'pass'];

function requireNumber(x: number, where: string, what: string): void {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new TypeError(`${where}: ${what} must be a number, got ${x}`);
}

/**
 * The paper-vs-ours table every notebook ends with. Each check records whether it passed; a NaN
 * result fails (it is never silently dropped). `write()` produces
 * `{"mode": "quick"|"full", "rows": [{quantity, paper, ours, tolerance, pass}]}`.
 */
export class ResultsTable {
  readonly rows: ResultRow[] = [];

  /** Passes when |ours - paper| ≤ tolerance. */
  close(quantity: string, paper: number, ours: number, tolerance: number): ResultRow {
    requireNumber(paper, `close(${quantity})`, 'paper');
    requireNumber(tolerance, `close(${quantity})`, 'tolerance');
    if (!(tolerance >= 0)) throw new RangeError(`close(${quantity}): tolerance must be ≥ 0, got ${tolerance}`);
    return this.add({ quantity, paper, ours, tolerance, pass: Math.abs(ours - paper) <= tolerance });
  }

  /** Passes when ours ≤ limit; `paper` is what the paper reports, if anything. */
  atMost(quantity: string, ours: number, limit: number, paper: number | string | null = null): ResultRow {
    requireNumber(limit, `atMost(${quantity})`, 'limit');
    return this.add({ quantity, paper, ours, tolerance: `≤ ${formatNumber(limit)}`, pass: ours <= limit });
  }

  /** Passes when ours ≥ limit. */
  atLeast(quantity: string, ours: number, limit: number, paper: number | string | null = null): ResultRow {
    requireNumber(limit, `atLeast(${quantity})`, 'limit');
    return this.add({ quantity, paper, ours, tolerance: `≥ ${formatNumber(limit)}`, pass: ours >= limit });
  }

  /** A row whose pass/fail the caller decided (e.g. a qualitative check). */
  add(row: ResultRow): ResultRow {
    if (typeof row.quantity !== 'string' || row.quantity === '') throw new TypeError('ResultsTable: quantity must be a non-empty string');
    if (typeof row.pass !== 'boolean') throw new TypeError(`ResultsTable(${row.quantity}): pass must be true or false`);
    const clean = (v: number | string | null) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
    const r: ResultRow = { quantity: row.quantity, paper: clean(row.paper), ours: clean(row.ours), tolerance: clean(row.tolerance), pass: row.pass && row.ours !== null && !(typeof row.ours === 'number' && Number.isNaN(row.ours)) };
    this.rows.push(r);
    return r;
  }

  get allPass(): boolean {
    return this.rows.every((r) => r.pass);
  }

  private cells(): unknown[][] {
    return this.rows.map((r) => [r.quantity, r.paper, r.ours, r.tolerance, r.pass ? 'pass' : 'FAIL']);
  }

  text(): string {
    const passed = this.rows.filter((r) => r.pass).length;
    return `${textTable(HEADERS, this.cells())}\n${passed}/${this.rows.length} pass (${mode()} mode)`;
  }

  html(): string {
    const passed = this.rows.filter((r) => r.pass).length;
    return htmlTable(HEADERS, this.cells(), (i) => (this.rows[i].pass ? undefined : 'background:#fdd')) +
      `<p>${passed}/${this.rows.length} pass (${mode()} mode)</p>`;
  }

  /** Displays the table (HTML in a notebook, text elsewhere). */
  show(): void {
    displayData({ 'text/html': this.html(), 'text/plain': this.text() });
  }

  /** Writes results.json into dir (default figures/<notebook>/) and returns its path. */
  write(options: { dir?: string } = {}): string {
    const path = join(options.dir ?? figuresDir(), 'results.json');
    writeFileAtomic(path, JSON.stringify({ mode: mode(), rows: this.rows }, null, 1) + '\n');
    return path;
  }
}

export function resultsTable(): ResultsTable {
  return new ResultsTable();
}
