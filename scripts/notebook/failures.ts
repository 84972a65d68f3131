import { joinText, type Cell, type Notebook } from './nbformat.js';

/**
 * tslab reports a failed cell only as text on stderr (no "error" output), so a failed cell is recognised
 * by what tslab prints:
 *  - type/compile diagnostics: "[file ]line:col - message" (tslab's printDiagnostics);
 *  - a thrown Error: its stack ("    at ..." lines), or Node's "evalmachine.<anonymous>:N" header;
 *  - "UnhandledPromiseRejection:" / "UncaughtException:" (tslab's kernel handlers, and our runner's).
 * Any stack trace on stderr counts as a failure, even from an error a cell caught and logged.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/^(?:\S+ )?\d+:\d+ - \S/m, 'compile error'],
  [/^(?:UnhandledPromiseRejection|UncaughtException):/m, 'unhandled error'],
  [/^evalmachine\.<anonymous>:\d+/m, 'runtime error'],
  [/^\s+at \S.*(?:\(.*:\d+:\d+\)|:\d+:\d+)$/m, 'runtime error'],
];

export function classifyStderr(text: string): string | null {
  for (const [re, kind] of PATTERNS) if (re.test(text)) return kind;
  return null;
}

export interface CellFailure {
  /** Index among all cells of the notebook. */
  cell: number;
  kind: string;
  text: string;
}

/** Why a code cell failed, judged from its saved outputs and metadata; null if it did not. */
export function cellFailure(cell: Cell, index: number): CellFailure | null {
  if (cell.cell_type !== 'code') return null;
  const stderr = cell.outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => joinText((o as { text: string | string[] }).text)).join('');
  const err = cell.outputs.find((o) => o.output_type === 'error');
  if (err && err.output_type === 'error') return { cell: index, kind: 'error output', text: `${err.ename}: ${err.evalue}\n${err.traceback.join('\n')}` };
  // scripts/nbconvert_config.py marks cells whose execute_reply had status "error".
  const marked = (cell.metadata.rarelab as { status?: string } | undefined)?.status === 'error';
  const kind = classifyStderr(stderr) ?? (marked ? 'kernel reported error' : null);
  return kind ? { cell: index, kind, text: stderr.trim() } : null;
}

export function notebookFailures(nb: Notebook): CellFailure[] {
  return nb.cells.map(cellFailure).filter((f): f is CellFailure => f !== null);
}
