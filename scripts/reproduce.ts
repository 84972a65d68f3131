// `npm run reproduce [-- --full] [-- --cell-timeout SECONDS] [-- notebooks/x.ipynb ...]`: executes the
// notebooks headless, in order (all of notebooks/*.ipynb by default), each in a process of its own,
// saving each executed notebook in place with its outputs and its figures in figures/<notebook>/. Exits
// non-zero if any cell of any notebook fails, times out or ends its process; later notebooks still run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../lib/project/root.js';
import { runNotebookIsolated, type IsolatedResult } from './notebook/isolated.js';

const args = process.argv.slice(2);
let mode: 'quick' | 'full' = 'quick';
let cellTimeout: number | undefined;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--full') mode = 'full';
  else if (a === '--quick') mode = 'quick';
  else if (a === '--cell-timeout' || a.startsWith('--cell-timeout=')) {
    const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
    cellTimeout = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(cellTimeout) || cellTimeout <= 0) {
      console.error(`reproduce: --cell-timeout needs a positive number of seconds, got ${v === undefined ? 'nothing' : `"${v}"`}`);
      process.exit(2);
    }
  } else if (a.startsWith('-')) { console.error(`reproduce: unknown option ${a} (use --full, --quick, --cell-timeout SECONDS, and notebook paths)`); process.exit(2); }
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

console.error(`reproduce: ${files.length} notebook(s), ${mode} mode`);
const results: IsolatedResult[] = [];
for (const f of files) results.push(await runNotebookIsolated(f, { mode, cellTimeout }));

console.log('\nnotebook                       result   cells  seconds');
for (const r of results) {
  const ran = r.cells.length;
  console.log(`${r.name.padEnd(30)} ${(r.ok ? 'ok' : 'FAILED').padEnd(8)} ${String(ran).padStart(5)}  ${r.seconds.toFixed(1).padStart(7)}${r.ok ? '' : `  (${r.failure?.kind ?? 'failed'}; ${r.savedTo ? `saved: ${r.savedTo}` : 'not saved'})`}`);
}
for (const line of imagesSummary(results)) console.log(line);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} notebook(s) passed, ${failed} failed`);
// Exit explicitly: a notebook may leave timers or worker threads behind.
process.exit(failed > 0 ? 1 : 0);

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
