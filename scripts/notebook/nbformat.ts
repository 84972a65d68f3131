import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/files/atomic-write.js';

/** The parts of nbformat 4 that rarelab reads and writes. */
export type MultilineString = string | string[];

export interface StreamOutput { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString }
export interface DisplayDataOutput { output_type: 'display_data'; data: Record<string, MultilineString>; metadata: Record<string, unknown> }
export interface ExecuteResultOutput { output_type: 'execute_result'; data: Record<string, MultilineString>; metadata: Record<string, unknown>; execution_count: number | null }
export interface ErrorOutput { output_type: 'error'; ename: string; evalue: string; traceback: string[] }
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell { cell_type: 'code'; id?: string; metadata: Record<string, unknown>; source: MultilineString; outputs: Output[]; execution_count: number | null }
export interface OtherCell { cell_type: 'markdown' | 'raw'; id?: string; metadata: Record<string, unknown>; source: MultilineString; attachments?: unknown }
export type Cell = CodeCell | OtherCell;

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export function joinText(s: MultilineString): string {
  return Array.isArray(s) ? s.join('') : s;
}

/** Splits text into lines that keep their "\n", the form Jupyter writes. */
export function splitLines(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function readNotebook(path: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
  } catch (e) {
    throw new Error(`${path}: not a readable notebook (${(e as Error).message})`);
  }
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells)) throw new Error(`${path}: expected an nbformat 4 notebook`);
  return nb;
}

/**
 * Writes the notebook as Jupyter does (1-space indent, multi-line strings as line lists, trailing
 * newline), so that saving it from JupyterLab afterwards gives a small diff.
 */
export function writeNotebook(path: string, nb: Notebook): void {
  const lines = (s: MultilineString) => splitLines(joinText(s));
  const cells = nb.cells.map((c) => {
    const base = { ...c, source: lines(c.source) };
    if (c.cell_type !== 'code') return base;
    return {
      ...base,
      outputs: c.outputs.map((o) => {
        if (o.output_type === 'stream') return { ...o, text: lines(o.text) };
        if (o.output_type === 'display_data' || o.output_type === 'execute_result') {
          // Images stay one base64 string; text-like MIME types become line lists.
          const data = Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, k.startsWith('image/') && k !== 'image/svg+xml' ? joinText(v) : lines(v)]));
          return { ...o, data };
        }
        return o;
      }),
    };
  });
  writeFileAtomic(path, JSON.stringify({ ...nb, cells }, null, 1) + '\n');
}
