import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import { closeBrowser } from '../../lib/plot/render.js';
import { projectRoot } from '../../lib/project/root.js';
import { cellFailure, type CellFailure } from './failures.js';
import { joinText, readNotebook, writeNotebook, type CodeCell, type DisplayDataOutput, type Notebook } from './nbformat.js';

// The slice of tslab's internals we drive (tslab/dist/{converter,executor,jupyter}.js, tslab 1.0.x).
interface Converter { close(): void }
interface Executor { execute(src: string): Promise<boolean>; interrupt(): void; close(): void }
interface DisplayMessage { data: Record<string, string>; metadata: Record<string, unknown>; transient?: { display_id?: string } }
interface TslabJupyter { lastWriteDisplayData: ((msg: DisplayMessage, update: boolean) => void) | null }

export interface ExecuteOptions {
  /** RARELAB_MODE for the run; default 'quick'. */
  mode?: 'quick' | 'full';
  /**
   * Where to save the executed notebook. Default: over the notebook itself when every cell passed,
   * else <tmpdir>/rarelab-reproduce/<name>.ipynb (the committed notebook is left alone). null: not saved.
   */
  output?: string | null;
  /** Project folder (the working directory of the cells); default projectRoot(). */
  root?: string;
  /** Progress lines; default: written to stderr. */
  log?: (line: string) => void;
  /**
   * Seconds a cell may run; past it the cell is interrupted and fails ('timeout'). Only a cell that
   * awaits can be interrupted here; one that blocks synchronously is stopped by the process running
   * it (runNotebookIsolated). Default: no limit.
   */
  cellTimeout?: number;
  /** Called as each code cell starts (ordinal from 1 among the code cells). */
  onCellStart?: (cell: { ordinal: number; total: number; index: number; head: string }) => void;
}

export interface CellResult {
  /** Index among all cells. */
  index: number;
  seconds: number;
  ok: boolean;
}

export interface NotebookResult {
  path: string;
  name: string;
  ok: boolean;
  seconds: number;
  /** The code cells that ran, in order (execution stops at the first failure). */
  cells: CellResult[];
  failure?: CellFailure;
  savedTo?: string;
  notebook: Notebook;
}

const RUN_ENV = ['RARELAB_MODE', 'RARELAB_NOTEBOOK', 'RARELAB_FIGURES'] as const;

/**
 * Runs a tslab notebook headless with tslab's own converter and executor (no Jupyter, no Python):
 * cells are type-checked and run in order in this process with the project folder as working
 * directory — the same compile as the rarelab Jupyter kernel. stdout/stderr and display data are
 * captured into the notebook's outputs. A cell fails when tslab reports failure, when its stderr holds
 * a compile or runtime error (see failures.ts), or on an unhandled rejection/exception while it runs;
 * execution stops there.
 */
export async function executeNotebook(path: string, options: ExecuteOptions = {}): Promise<NotebookResult> {
  const abs = resolve(path);
  const root = options.root ?? projectRoot();
  const name = basename(abs).replace(/\.ipynb$/, '');
  const stderrWrite = process.stderr.write.bind(process.stderr);
  const log = options.log ?? ((line: string) => void stderrWrite(line + '\n'));
  const nb = readNotebook(abs);
  const code = nb.cells.map((c, i) => [c, i] as const).filter(([c]) => c.cell_type === 'code') as Array<readonly [CodeCell, number]>;
  for (const [c] of code) { c.outputs = []; c.execution_count = null; }

  const req = createRequire(join(root, 'package.json'));
  (req(join(root, 'scripts', 'notebook', 'no-file-watch.cjs')) as { disableFileWatching(root: string): void }).disableFileWatching(root);
  const { cellErrorText, cellErrorPrinter } = req(join(root, 'scripts', 'notebook', 'cell-errors.cjs')) as {
    cellErrorText(err: unknown, root: string): string; cellErrorPrinter(root: string): (...a: unknown[]) => void;
  };
  const { createConverter } = req('tslab/dist/converter.js') as { createConverter(o: { isJS: boolean; isBrowser: boolean }): Converter };
  const { createExecutor } = req('tslab/dist/executor.js') as { createExecutor(root: string, convs: unknown, con: { log: (...a: unknown[]) => void; error: (...a: unknown[]) => void }): Executor };
  const jupyter = req('tslab/dist/jupyter.js') as TslabJupyter;

  const saved = {
    cwd: process.cwd(),
    env: Object.fromEntries(RUN_ENV.map((k) => [k, process.env[k]])),
    stdout: process.stdout.write,
    stderr: process.stderr.write,
    exit: process.exit,
    display: jupyter.lastWriteDisplayData,
  };
  let current: CodeCell | null = null;
  const displays = new Map<string, DisplayDataOutput>();
  let lastEcho = -Infinity;

  const writeStream = (stream: 'stdout' | 'stderr', text: string) => {
    if (!current || text === '') return;
    const last = current.outputs[current.outputs.length - 1];
    if (last && last.output_type === 'stream' && last.name === stream) last.text = joinText(last.text) + text;
    else current.outputs.push({ output_type: 'stream', name: stream, text });
  };
  const hook = (stream: 'stdout' | 'stderr') => ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
    writeStream(stream, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }) as typeof process.stdout.write;
  const onDisplay = (msg: DisplayMessage, update: boolean) => {
    const id = msg.transient?.display_id;
    if (update && id) {
      const out = displays.get(id);
      if (out) { out.data = { ...msg.data }; out.metadata = { ...msg.metadata }; }
    } else if (current) {
      const out: DisplayDataOutput = { output_type: 'display_data', data: { ...msg.data }, metadata: { ...msg.metadata } };
      current.outputs.push(out);
      if (id) displays.set(id, out);
    }
    // Echo progress lines (lib/report progress) to the terminal now and then.
    const now = performance.now();
    if (msg.metadata?.rarelab === 'progress' && now - lastEcho > 5000) {
      lastEcho = now;
      log(`[${name}]     ${msg.data['text/plain'] ?? ''}`);
    }
  };
  const errorText = (e: unknown) => (e instanceof Error ? cellErrorText(e, root) : inspect(e));
  const onRejection = (reason: unknown) => writeStream('stderr', `UnhandledPromiseRejection: ${errorText(reason)}\n`);
  const onException = (err: unknown) => writeStream('stderr', `UncaughtException: ${errorText(err)}\n`);
  // Only our handler may see unhandled rejections while notebooks run: tfjs-backend-wasm's emscripten
  // glue, once initialised, adds one that rethrows (and an uncaughtException one that rethrows again),
  // which would kill this process on the first failing promise of a later cell.
  const foreignRejectionHandlers = process.listeners('unhandledRejection');
  const dropForeignHandlers = () => {
    for (const l of process.listeners('unhandledRejection')) if (l !== onRejection) process.off('unhandledRejection', l);
  };

  // Each notebook starts its own run of figures: a fresh browser, and the no-browser notice in its own output.
  await closeBrowser();
  const cellTimeout = options.cellTimeout;
  if (cellTimeout !== undefined && !(Number.isFinite(cellTimeout) && cellTimeout > 0)) {
    throw new RangeError(`executeNotebook: cellTimeout must be a positive number of seconds, got ${cellTimeout}`);
  }
  // Faults a cell can cause that tslab does not see: set while it runs, they end it (see runCell).
  let stop: { kind: string; text: string } | null = null;
  const stopCell = (kind: string, text: string) => {
    stop ??= { kind, text };
    executor?.interrupt();
  };
  // process.exit in a cell would end the whole run without a summary: it throws in the cell instead.
  const fakeExit = ((code?: number | string | null) => {
    const call = `process.exit(${code ?? ''})`;
    stop ??= { kind: 'process.exit', text: `the cell called ${call}; the runner does not let a notebook end the process (later cells and notebooks, and the summary, would be lost)` };
    throw new Error(`${call} called by a cell`);
  }) as typeof process.exit;
  // A cell awaiting a promise that nothing can settle any more: Node would exit (code 13, no message).
  const onBeforeExit = () => stopCell('never settles', 'the cell awaits a promise that never settles: nothing was left to run (no timer, I/O or worker) that could settle it');

  const t0 = performance.now();
  const cells: CellResult[] = [];
  let failure: CellFailure | undefined;
  let executor: Executor | null = null;
  let converter: Converter | null = null;
  try {
    process.chdir(root);
    process.env.RARELAB_MODE = options.mode ?? 'quick';
    process.env.RARELAB_NOTEBOOK = name;
    process.env.RARELAB_FIGURES = 'static';
    dropForeignHandlers();
    process.on('unhandledRejection', onRejection);
    // Takes uncaught exceptions before any 'uncaughtException' listener (emscripten's rethrows).
    process.setUncaughtExceptionCaptureCallback(onException);
    jupyter.lastWriteDisplayData = onDisplay;
    // tslab's converter takes the working directory as its rootDir, hence chdir first.
    converter = createConverter({ isJS: false, isBrowser: false });
    const conv = converter;
    executor = createExecutor(root, { node: conv, get browser(): Converter { throw new Error('browser-mode cells are not supported'); }, close: () => conv.close() }, { log: console.log, error: cellErrorPrinter(root) });

    let count = 0;
    for (const [cell, index] of code) {
      const src = joinText(cell.source);
      const head = src.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 70) ?? '';
      log(`[${name}] cell ${cells.length + 1}/${code.length} (${((performance.now() - t0) / 1000).toFixed(1)} s): ${head}`);
      options.onCellStart?.({ ordinal: cells.length + 1, total: code.length, index, head });
      cell.execution_count = ++count;
      current = cell;
      const tc = performance.now();
      process.stdout.write = hook('stdout');
      process.stderr.write = hook('stderr');
      let ok: boolean;
      stop = null;
      const timer = cellTimeout === undefined ? null : setTimeout(() => stopCell('timeout', `the cell ran longer than the cell timeout of ${cellTimeout} s and was interrupted`), cellTimeout * 1000);
      timer?.unref(); // must not keep the process alive by itself: a cell that never settles is found sooner
      process.exit = fakeExit;
      process.on('beforeExit', onBeforeExit);
      try {
        ok = await executor.execute(src);
        await new Promise((r) => setImmediate(r)); // let unhandled rejections of this cell surface
      } finally {
        if (timer) clearTimeout(timer);
        process.off('beforeExit', onBeforeExit);
        process.exit = saved.exit;
        dropForeignHandlers();
        process.stdout.write = saved.stdout;
        process.stderr.write = saved.stderr;
      }
      const found = cellFailure(cell, index);
      const halted = stop as { kind: string; text: string } | null;
      if (halted) {
        // the runner's own account first, then what the cell printed (tslab's "Interrupted asynchronously", ...)
        failure = { cell: index, kind: halted.kind, text: [halted.text, found?.text].filter(Boolean).join('\n') };
        cell.outputs.push({ output_type: 'stream', name: 'stderr', text: `rarelab runner: ${halted.text}\n` });
        ok = false;
      } else if (!ok || found) {
        failure = found ?? { cell: index, kind: 'tslab reported failure', text: '' };
        ok = false;
      }
      cells.push({ index, seconds: (performance.now() - tc) / 1000, ok });
      if (!ok) break;
    }
  } finally {
    current = null;
    process.exit = saved.exit;
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    executor?.close();
    await closeBrowser().catch((e: unknown) => log(`[${name}] closing the figure browser failed: ${String(e)}`));
    jupyter.lastWriteDisplayData = saved.display;
    process.off('unhandledRejection', onRejection);
    process.setUncaughtExceptionCaptureCallback(null);
    for (const l of foreignRejectionHandlers) process.on('unhandledRejection', l);
    for (const k of RUN_ENV) {
      if (saved.env[k] === undefined) delete process.env[k];
      else process.env[k] = saved.env[k];
    }
    process.chdir(saved.cwd);
  }
  const seconds = (performance.now() - t0) / 1000;
  const ok = failure === undefined;
  let savedTo: string | undefined;
  if (options.output !== null) {
    if (options.output !== undefined) savedTo = resolve(saved.cwd, options.output);
    else if (ok) savedTo = abs;
    else {
      mkdirSync(join(tmpdir(), 'rarelab-reproduce'), { recursive: true });
      savedTo = join(tmpdir(), 'rarelab-reproduce', `${name}.ipynb`);
    }
    writeNotebook(savedTo, nb);
  }
  if (failure) {
    log(`[${name}] FAILED at cell ${cells.length}/${code.length} (${failure.kind}):`);
    for (const l of (failure.text || '(no message)').split('\n').slice(0, 30)) log(`    ${l}`);
  } else {
    log(`[${name}] ok: ${code.length} cells in ${seconds.toFixed(1)} s`);
  }
  return { path: abs, name, ok, seconds, cells, failure, savedTo, notebook: nb };
}
