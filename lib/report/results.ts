import { writeFileAtomic } from '../files/atomic-write.js';
import { join } from 'node:path';
import { displayData, formatNumber, htmlTable, textTable, withDisplayLine } from './display.js';
import { mode, type RunMode } from './mode.js';
import { figuresDir } from './notebook.js';

/**
 * One line of a notebook's paper-vs-ours table, as written to figures/<notebook>/results.json.
 * `pass` is true/false for a check and null for information (timings, context numbers): an
 * information row is never counted as passing. `source` says where the paper value stands
 * ("Fig. 3C caption", "Methods A") or, when it is not from the paper, what it is instead
 * ("reference: OpenMM 7.7 Reference", "criterion: ours", "information").
 */
export interface ResultRow {
  quantity: string;
  paper: number | string | null;
  ours: number | string | null;
  tolerance: number | string | null;
  pass: boolean | null;
  source: string;
}

/** Where a row's reference value comes from; required on every row. */
export interface RowSource {
  source: string;
  /** What the paper reports, when the check's limit is not itself the paper's number. */
  paper?: number | string | null;
}

/** Counts of a table: checks (pass true/false), how many passed, information rows. */
export interface ResultsSummary {
  checks: number;
  passed: number;
  info: number;
}

/** The file a run writes: results.json in quick mode, results-full.json in full mode. */
export function resultsFileName(m: RunMode = mode()): string {
  return m === 'full' ? 'results-full.json' : 'results.json';
}

/** "k of n checks pass, m information rows": the summary line notebooks and `npm run reproduce` print. */
export function summaryLine(s: ResultsSummary): string {
  return `${s.passed} of ${s.checks} checks pass, ${s.info} information row${s.info === 1 ? '' : 's'}`;
}

/** Counts the rows of a results file's `rows` (or a table's). */
export function summarize(rows: readonly Pick<ResultRow, 'pass'>[]): ResultsSummary {
  let checks = 0;
  let passed = 0;
  let info = 0;
  for (const r of rows) {
    if (r.pass === null) info++;
    else { checks++; if (r.pass === true) passed++; }
  }
  return { checks, passed, info };
}

function requireNumber(x: number, where: string, what: string): void {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new TypeError(`${where}: ${what} must be a number, got ${x}`);
}

function requireSource(s: RowSource | undefined, where: string): RowSource {
  if (!s || typeof s.source !== 'string' || s.source.trim() === '') {
    throw new TypeError(`${where}: source must say where the paper value stands ("Fig. 3C caption") or what it is instead ("criterion: ours")`);
  }
  return s;
}

const HEADERS = ['quantity', 'paper', 'ours', 'tolerance', 'pass', 'source'];

/**
 * The paper-vs-ours table every notebook ends with. Checks record whether they passed (a NaN result
 * fails, it is never dropped); information rows (`info`, `timing`) carry pass = null and are never
 * counted as passing. `write()` produces `{"mode", "rows": [{quantity, paper, ours, tolerance, pass,
 * source}]}` in results.json (quick) or results-full.json (full). Timing rows are shown but not
 * written, so that a re-run leaves the committed file unchanged.
 */
export class ResultsTable {
  readonly rows: ResultRow[] = [];
  private readonly volatile = new Set<ResultRow>();

  /** Passes when |ours - paper| ≤ tolerance. */
  close(quantity: string, paper: number, ours: number, tolerance: number, where: RowSource): ResultRow {
    const s = requireSource(where, `close(${quantity})`);
    requireNumber(paper, `close(${quantity})`, 'paper');
    requireNumber(tolerance, `close(${quantity})`, 'tolerance');
    if (!(tolerance >= 0)) throw new RangeError(`close(${quantity}): tolerance must be ≥ 0, got ${tolerance}`);
    return this.add({ quantity, paper, ours, tolerance, pass: Math.abs(ours - paper) <= tolerance, source: s.source });
  }

  /** Passes when ours ≤ limit; `paper` is what the paper reports, if anything. */
  atMost(quantity: string, ours: number, limit: number, where: RowSource): ResultRow {
    const s = requireSource(where, `atMost(${quantity})`);
    requireNumber(limit, `atMost(${quantity})`, 'limit');
    return this.add({ quantity, paper: s.paper ?? null, ours, tolerance: `≤ ${formatNumber(limit)}`, pass: ours <= limit, source: s.source });
  }

  /** Passes when ours ≥ limit. */
  atLeast(quantity: string, ours: number, limit: number, where: RowSource): ResultRow {
    const s = requireSource(where, `atLeast(${quantity})`);
    requireNumber(limit, `atLeast(${quantity})`, 'limit');
    return this.add({ quantity, paper: s.paper ?? null, ours, tolerance: `≥ ${formatNumber(limit)}`, pass: ours >= limit, source: s.source });
  }

  /** An information row (pass = null): a number worth showing that is not a check. */
  info(quantity: string, ours: number | string | null, where: RowSource): ResultRow {
    const s = requireSource(where, `info(${quantity})`);
    return this.add({ quantity, paper: s.paper ?? null, ours, tolerance: null, pass: null, source: s.source });
  }

  /** A wall-clock row (information, shown but not written to the results file). */
  timing(quantity: string, seconds: number): ResultRow {
    requireNumber(seconds, `timing(${quantity})`, 'seconds');
    const row = this.add({ quantity, paper: null, ours: Number(seconds.toFixed(1)), tolerance: null, pass: null, source: 'timing: this machine' });
    this.volatile.add(row);
    return row;
  }

  /** A row whose pass/fail the caller decided (e.g. a qualitative check), or null for information. */
  add(row: ResultRow): ResultRow {
    if (typeof row.quantity !== 'string' || row.quantity === '') throw new TypeError('ResultsTable: quantity must be a non-empty string');
    if (row.pass !== null && typeof row.pass !== 'boolean') throw new TypeError(`ResultsTable(${row.quantity}): pass must be true, false or null (information)`);
    requireSource(row, `ResultsTable(${row.quantity})`);
    const clean = (v: number | string | null) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
    const failedValue = row.ours === null || (typeof row.ours === 'number' && !Number.isFinite(row.ours));
    const r: ResultRow = {
      quantity: row.quantity, paper: clean(row.paper), ours: clean(row.ours), tolerance: clean(row.tolerance),
      pass: row.pass === null ? null : row.pass && !failedValue, source: row.source,
    };
    this.rows.push(r);
    // a cell ending in `table.close(...)` shows the row in one line, not its fields
    const num = (v: number | string | null) => (typeof v === 'number' ? formatNumber(v) : String(v));
    const beside = [r.paper === null ? '' : `paper ${num(r.paper)}`, r.tolerance === null ? '' : `tolerance ${num(r.tolerance)}`].filter(Boolean).join(', ');
    return withDisplayLine(r, `${r.pass === null ? 'info' : r.pass ? 'pass' : 'FAIL'}: ${r.quantity} = ${num(r.ours)}${beside ? ` (${beside})` : ''}`);
  }

  /** True when every check passes (information rows do not count either way). */
  get allPass(): boolean {
    return this.rows.every((r) => r.pass !== false);
  }

  summary(): ResultsSummary {
    return summarize(this.rows);
  }

  private cells(): unknown[][] {
    return this.rows.map((r) => [r.quantity, r.paper, r.ours, r.tolerance, r.pass === null ? 'info' : r.pass ? 'pass' : 'FAIL', r.source]);
  }

  private footer(): string {
    return `${summaryLine(this.summary())} (${mode()} mode)`;
  }

  text(): string {
    return `${textTable(HEADERS, this.cells())}\n${this.footer()}`;
  }

  html(): string {
    const style = (i: number) => (this.rows[i].pass === false ? 'background:#fdd' : this.rows[i].pass === null ? 'color:#555' : undefined);
    return htmlTable(HEADERS, this.cells(), style) + `<p>${this.footer()}</p>`;
  }

  /** Displays the table (HTML in a notebook, text elsewhere). */
  show(): void {
    displayData({ 'text/html': this.html(), 'text/plain': this.text() });
  }

  /**
   * Writes results.json (quick) or results-full.json (full) into dir (default figures/<notebook>/)
   * and returns its path. Timing rows are left out: they differ on every run.
   */
  write(options: { dir?: string } = {}): string {
    const path = join(options.dir ?? figuresDir(), resultsFileName());
    const rows = this.rows.filter((r) => !this.volatile.has(r));
    writeFileAtomic(path, JSON.stringify({ mode: mode(), rows }, null, 1) + '\n');
    return path;
  }
}

export function resultsTable(): ResultsTable {
  return new ResultsTable();
}
