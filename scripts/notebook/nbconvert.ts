import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { projectRoot } from '../../lib/project/root.js';
import { notebookFailures, type CellFailure } from './failures.js';
import { findJupyter, jupyterDataDir, KERNEL_NAME } from './kernelspec.js';
import { readNotebook } from './nbformat.js';

export interface NbconvertOptions {
  mode?: 'quick' | 'full';
  /** Seconds per cell; default 900 (quick) or none (full). */
  timeout?: number;
  /** Folder for the executed notebook; default <tmpdir>/rarelab-nbconvert. */
  outputDir?: string;
  /** Extra environment for Jupyter and the kernel (e.g. JUPYTER_DATA_DIR). */
  env?: Record<string, string>;
  /** Lines of Jupyter's own output; default: to stderr. */
  log?: (line: string) => void;
}

export interface NbconvertResult {
  ok: boolean;
  /** nbconvert's exit code. */
  exitCode: number | null;
  output: string;
  failures: CellFailure[];
  /** Why it failed, in one line, when it did. */
  reason?: string;
}

/**
 * Executes a notebook under real Jupyter: `jupyter nbconvert --to notebook --execute` with the rarelab
 * kernel, then fails if nbconvert failed or any cell failed. Cells are run with --allow-errors so the
 * saved notebook keeps the failing cell's message; failures are then read from the outputs (tslab's
 * error text on stderr, and the cell mark set by scripts/nbconvert_config.py).
 */
export async function runNbconvert(notebook: string, options: NbconvertOptions = {}): Promise<NbconvertResult> {
  const jupyter = findJupyter();
  const abs = resolve(notebook);
  const name = basename(abs).replace(/\.ipynb$/, '');
  const outputDir = options.outputDir ?? join(tmpdir(), 'rarelab-nbconvert');
  const output = join(outputDir, `${name}.ipynb`);
  const fail = (reason: string, exitCode: number | null = null): NbconvertResult => ({ ok: false, exitCode, output, failures: [], reason });
  if (!jupyter) return fail('jupyter is not installed (Debian: apt-get install jupyter-notebook python3-nbconvert jupyter-nbconvert jupyter-client)');
  const env = { ...process.env, ...options.env };
  const dataDir = jupyterDataDir(env);
  if (!existsSync(join(dataDir, 'kernels', KERNEL_NAME, 'kernel.json'))) return fail(`the ${KERNEL_NAME} kernel is not installed in ${dataDir}; run npm run kernel`);
  mkdirSync(outputDir, { recursive: true });
  const mode = options.mode ?? 'quick';
  const timeout = options.timeout ?? (mode === 'full' ? -1 : 900);
  const args = [
    'nbconvert', '--to', 'notebook', '--execute', '--allow-errors',
    `--config=${join(projectRoot(), 'scripts', 'nbconvert_config.py')}`,
    `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`, `--ExecutePreprocessor.timeout=${timeout}`,
    '--output-dir', outputDir, '--output', name, abs,
  ];
  const log = options.log ?? ((l: string) => void process.stderr.write(l + '\n'));
  const exitCode = await new Promise<number | null>((done, reject) => {
    const child = spawn(jupyter, args, {
      env: { ...env, RARELAB_MODE: mode, RARELAB_NOTEBOOK: name, RARELAB_FIGURES: 'static', PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (!/Debugger warning|frozen modules|PYDEVD_DISABLE_FILE_VALIDATION|^\s*$/.test(l)) log(`[nbconvert ${name}] ${l}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => { if (buf) log(`[nbconvert ${name}] ${buf}`); done(code); });
  });
  if (exitCode !== 0) return fail(`jupyter nbconvert exited with ${exitCode}`, exitCode);
  if (!existsSync(output)) return fail(`jupyter nbconvert wrote no ${output}`, exitCode);
  const failures = notebookFailures(readNotebook(output));
  if (failures.length > 0) {
    const f = failures[0];
    return { ok: false, exitCode, output, failures, reason: `cell ${f.cell} failed (${f.kind}): ${f.text.split('\n')[0]}` };
  }
  return { ok: true, exitCode, output, failures };
}
