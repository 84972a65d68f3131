import { fork } from 'node:child_process';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../../lib/project/root.js';
import type { CellFailure } from './failures.js';
import type { CellResult, NotebookResult } from './execute.js';

/**
 * Seconds past the cell timeout before the notebook's process is killed: executeNotebook interrupts an
 * awaiting cell at the timeout itself; only a cell that blocks the thread is still running after this.
 */
export const KILL_GRACE_SECONDS = 10;

export interface ChildOptions {
  mode?: 'quick' | 'full';
  cellTimeout?: number;
}

export interface ImagesReport {
  /** Why figures were written without PNG/SVG (no or broken Chromium), or null. */
  unavailable: string | null;
  /** PNG/SVG files of an earlier run removed because this run could not render them. */
  staleRemoved: string[];
}

export type ChildMessage =
  | { type: 'cell'; ordinal: number; total: number; index: number; head: string }
  | { type: 'result'; result: Omit<NotebookResult, 'notebook'>; images: ImagesReport };

export interface IsolatedResult extends Omit<NotebookResult, 'notebook'> {
  images: ImagesReport;
}

export interface IsolatedOptions extends ChildOptions {
  /** Project folder; default projectRoot(). */
  root?: string;
  /** Runner lines; default: written to stderr (the notebook's own progress lines go there too). */
  log?: (line: string) => void;
}

/**
 * Runs a notebook with executeNotebook in a process of its own, so that nothing a cell does can take the
 * caller down or silence it: a cell that ends the process (process.exit, a native crash, running out of
 * memory) or blocks it past the cell timeout fails that notebook with a named reason, and the caller goes
 * on with the next one. The executed notebook is saved as executeNotebook saves it; a run whose process
 * died is not saved.
 */
export function runNotebookIsolated(path: string, options: IsolatedOptions = {}): Promise<IsolatedResult> {
  const abs = resolve(path);
  const root = options.root ?? projectRoot();
  const name = basename(abs).replace(/\.ipynb$/, '');
  const log = options.log ?? ((line: string) => void process.stderr.write(line + '\n'));
  const { cellTimeout } = options;
  if (cellTimeout !== undefined && !(Number.isFinite(cellTimeout) && cellTimeout > 0)) {
    return Promise.reject(new RangeError(`runNotebookIsolated: cellTimeout must be a positive number of seconds, got ${cellTimeout}`));
  }
  const childOptions: ChildOptions = { mode: options.mode, cellTimeout };
  const t0 = performance.now();
  const child = fork(join(root, 'scripts', 'notebook', 'child.ts'), [abs, JSON.stringify(childOptions)], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const started: Array<{ ordinal: number; total: number; index: number; at: number }> = [];
  let result: IsolatedResult | null = null;
  let killedAfter: number | null = null;
  let watchdog: ReturnType<typeof setTimeout> | null = null;
  child.on('message', (m: ChildMessage) => {
    if (m.type === 'result') { result = { ...m.result, images: m.images }; return; }
    started.push({ ordinal: m.ordinal, total: m.total, index: m.index, at: performance.now() });
    if (cellTimeout === undefined) return;
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      killedAfter = cellTimeout + KILL_GRACE_SECONDS;
      child.kill('SIGKILL');
    }, (cellTimeout + KILL_GRACE_SECONDS) * 1000);
  });
  return new Promise<IsolatedResult>((done, fail) => {
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (watchdog) clearTimeout(watchdog);
      if (result) { done(result); return; }
      const now = performance.now();
      const last = started[started.length - 1];
      const where = last ? `cell ${last.ordinal}/${last.total}` : 'start-up, before any cell';
      let failure: CellFailure;
      if (killedAfter !== null) {
        failure = { cell: last?.index ?? -1, kind: 'timeout', text: `${where} was still running ${killedAfter} s after it started (cell timeout ${cellTimeout} s) and could not be interrupted: it blocks the thread (a synchronous loop?); its process was killed` };
      } else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const hint = code === 13 ? " (Node's code for an await that never settles)" : code === 0 ? ' (process.exit outside a cell\'s own call, e.g. from a callback?)' : '';
        failure = { cell: last?.index ?? -1, kind: 'process ended', text: `the notebook's process ${how}${hint} during ${where}` };
      }
      const cells: CellResult[] = started.map((c, k) => ({ index: c.index, seconds: ((started[k + 1]?.at ?? now) - c.at) / 1000, ok: k < started.length - 1 }));
      log(`[${name}] FAILED at ${where} (${failure.kind}): ${failure.text}; the partial run is not saved`);
      done({ path: abs, name, ok: false, seconds: (now - t0) / 1000, cells, failure, images: { unavailable: null, staleRemoved: [] } });
    });
  });
}
