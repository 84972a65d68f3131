import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { extname, isAbsolute, join, relative } from 'node:path';
import { projectRoot } from '../project/root.js';

/** Output data keyed by MIME type, e.g. `{ 'text/html': '<b>x</b>', 'text/plain': 'x' }`. */
export type MimeBundle = Record<string, string>;

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type WriteDisplayData = (msg: DisplayMessage, update: boolean) => void;

/**
 * tslab's display channel. tslab's public `display` sends one MIME type per message; we need several
 * (an image with its text fallback) in one output, so we use the function tslab's kernel — and
 * scripts/notebook/execute.ts — installs for the cell being run. It is only looked up in the module
 * cache: outside a notebook tslab (and its TypeScript compiler) is never loaded.
 */
function writer(): WriteDisplayData | null {
  try {
    const req = createRequire(join(projectRoot(), 'package.json'));
    const mod = req.cache[req.resolve('tslab/dist/jupyter.js')];
    const write = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    return typeof write === 'function' ? (write as WriteDisplayData) : null;
  } catch {
    return null;
  }
}

/** True inside a running tslab notebook (Jupyter or `npm run reproduce`). */
export function inNotebook(): boolean {
  return writer() !== null;
}

/** A fresh id for displayData's `id`, to update one output in place. */
export function newDisplayId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Shows a MIME bundle as the output of the current cell. With `id`, later calls with the same id and
 * `update: true` replace that output instead of adding one. Outside a notebook, prints text/plain.
 */
export function displayData(data: MimeBundle, options: { id?: string; update?: boolean; metadata?: Record<string, unknown> } = {}): void {
  const write = writer();
  if (!write) {
    if (data['text/plain'] !== undefined) console.log(data['text/plain']);
    return;
  }
  write({ data, metadata: options.metadata ?? {}, transient: options.id ? { display_id: options.id } : {} }, options.update === true);
}

/**
 * Gives a value that is returned for its data (file paths, a table row) a one-line form for people: what
 * tslab prints when a notebook cell ends with it (`await rl.exportFigure(fig)`), instead of echoing the
 * object's fields after the call. Non-enumerable, so JSON, Object.keys and equality checks are unaffected.
 */
export function withDisplayLine<T extends object>(value: T, line: string): T {
  Object.defineProperty(value, Symbol.for('nodejs.util.inspect.custom'), { value: () => line, enumerable: false, configurable: true });
  return value;
}

/**
 * withDisplayLine for an object of written files (e.g. { html, svg, png } of one base name): shows as
 * "<label>: figures/nb/x.html, .svg, .png".
 */
export function withFilesLine<T extends object>(files: T, label: string): T {
  const [first, ...rest] = Object.values(files).filter((p): p is string => typeof p === 'string');
  return withDisplayLine(files, `${label}: ${[first === undefined ? '(no files)' : displayPath(first), ...rest.map((p) => extname(p))].join(', ')}`);
}

/** A path as a notebook user reads it: relative to the working folder (the project) when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Numbers for people: 4 significant digits, exponent form for very large or small magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

/** A plain HTML table; `rowStyle` may colour a row (e.g. failed checks). */
export function htmlTable(headers: string[], rows: unknown[][], rowStyle?: (i: number) => string | undefined): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r, i) => {
    const style = rowStyle?.(i);
    return `<tr${style ? ` style="${escapeHtml(style)}"` : ''}>${r.map((v) => `<td>${escapeHtml(cellText(v))}</td>`).join('')}</tr>`;
  }).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The same table as aligned plain text. */
export function textTable(headers: string[], rows: unknown[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(cellText))];
  const widths = headers.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]) => r.map((c, j) => (c ?? '').padEnd(widths[j])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
