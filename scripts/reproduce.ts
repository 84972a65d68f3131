// `npm run reproduce [-- --full] [-- --strict] [-- --cell-timeout SECONDS] [-- notebooks/x.ipynb ...]`:
// executes the notebooks headless, in order (all of notebooks/*.ipynb by default), each in a process of
// its own, saving each executed notebook in place with its outputs and its figures in
// figures/<notebook>/. Prints each notebook's results summary ("k of n checks pass, m information rows").
// Exits non-zero if any cell of any notebook fails, times out or ends its process (later notebooks still
// run); with --strict, also when a check in a results table fails or a notebook wrote no results table.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../lib/project/root.js';
import { resultsFileName, summarize, summaryLine, type ResultRow, type ResultsSummary } from '../lib/report/results.js';
import { runNotebookIsolated, type IsolatedResult } from './notebook/isolated.js';

const args = process.argv.slice(2);
let mode: 'quick' | 'full' = 'quick';
let strict = false;
let cellTimeout: number | undefined;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--full') mode = 'full';
  else if (a === '--quick') mode = 'quick';
  else if (a === '--strict') strict = true;
  else if (a === '--cell-timeout' || a.startsWith('--cell-timeout=')) {
    const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
    cellTimeout = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(cellTimeout) || cellTimeout <= 0) {
      console.error(`reproduce: --cell-timeout needs a positive number of seconds, got ${v === undefined ? 'nothing' : `"${v}"`}`);
      process.exit(2);
    }
  } else if (a.startsWith('-')) { console.error(`reproduce: unknown option ${a} (use --full, --quick, --strict, --cell-timeout SECONDS and notebook paths)`); process.exit(2); }
  else files.push(a);
}
const root = projectRoot();
if (files.length === 0) {
  const dir = join(root, 'notebooks');
  let names: string[] = [];
  try { names = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort(); } catch { /* no notebooks folder yet */ }
  files.push(...names.map((f) => join(dir, f)));
}
if (files.length === 0) {
  console.log('reproduce: no notebooks in notebooks/');
  process.exit(0);
}

/** The results table a notebook wrote during this run (written after `since`), or why there is none. */
function readSummary(name: string, since: number): { summary: ResultsSummary } | { missing: string } {
  const path = join(root, 'figures', name, resultsFileName(mode));
  if (!existsSync(path)) return { missing: `no ${resultsFileName(mode)}` };
  if (statSync(path).mtimeMs < since) return { missing: `${resultsFileName(mode)} not rewritten by this run` };
  const rows = (JSON.parse(readFileSync(path, 'utf8')) as { rows: ResultRow[] }).rows;
  return { summary: summarize(rows) };
}

console.error(`reproduce: ${files.length} notebook(s), ${mode} mode${strict ? ', strict' : ''}`);
const results: { run: IsolatedResult; table: ReturnType<typeof readSummary> }[] = [];
for (const f of files) {
  const since = Date.now() - 1000;
  const run = await runNotebookIsolated(f, { mode, cellTimeout });
  results.push({ run, table: readSummary(run.name, since) });
}

console.log('\nnotebook                       result   cells  seconds  results table');
let failedChecks = 0;
for (const { run: r, table } of results) {
  const ran = r.cells.length;
  let tableText: string;
  if ('summary' in table) {
    tableText = summaryLine(table.summary);
    failedChecks += table.summary.checks - table.summary.passed;
  } else {
    tableText = table.missing;
    if (r.ok) failedChecks++;
  }
  console.log(`${r.name.padEnd(30)} ${(r.ok ? 'ok' : 'FAILED').padEnd(8)} ${String(ran).padStart(5)}  ${r.seconds.toFixed(1).padStart(7)}  ${tableText}${r.ok ? '' : `  (${r.failure?.kind ?? 'failed'}; ${r.savedTo ? `saved: ${r.savedTo}` : 'not saved'})`}`);
}
for (const line of imagesSummary(results.map((r) => r.run))) console.log(line);
const failed = results.filter((r) => !r.run.ok).length;
console.log(`${results.length - failed} notebook(s) ran, ${failed} failed; ${failedChecks} failed check(s) or missing table(s)${strict ? ' (strict)' : ''}`);
// Exit explicitly: a notebook may leave timers or worker threads behind.
process.exit(failed > 0 || (strict && failedChecks > 0) ? 1 : 0);

/** What the summary says about figure images when some notebook could not render them (else nothing). */
function imagesSummary(rs: IsolatedResult[]): string[] {
  const without = rs.filter((r) => r.images.unavailable !== null);
  if (without.length === 0) return [];
  const stale = rs.flatMap((r) => r.images.staleRemoved);
  return [
    `figures: HTML only for ${without.map((r) => r.name).join(', ')}: ${without[0].images.unavailable}; no PNG/SVG was rendered`,
    stale.length > 0
      ? `figures: removed ${stale.length} PNG/SVG file(s) of an earlier run that no longer match this run's data (git checkout -- figures/ restores them)`
      : 'figures: no PNG/SVG of an earlier run was left next to them',
  ];
}
