// `npm run reproduce [-- --full] [-- notebooks/x.ipynb ...]`: executes the notebooks headless, in order
// (all of notebooks/*.ipynb by default), saving each executed notebook in place with its outputs and
// its figures in figures/<notebook>/. Exits non-zero if any cell of any notebook fails.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { closeBrowser } from '../lib/plot/render.js';
import { projectRoot } from '../lib/project/root.js';
import { executeNotebook, type NotebookResult } from './notebook/execute.js';

const args = process.argv.slice(2);
let mode: 'quick' | 'full' = 'quick';
const files: string[] = [];
for (const a of args) {
  if (a === '--full') mode = 'full';
  else if (a === '--quick') mode = 'quick';
  else if (a.startsWith('-')) { console.error(`reproduce: unknown option ${a} (use --full or --quick, and notebook paths)`); process.exit(2); }
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
const results: NotebookResult[] = [];
for (const f of files) results.push(await executeNotebook(f, { mode }));
await closeBrowser();

console.log('\nnotebook                       result   cells  seconds');
for (const r of results) {
  const ran = r.cells.length;
  console.log(`${r.name.padEnd(30)} ${(r.ok ? 'ok' : 'FAILED').padEnd(8)} ${String(ran).padStart(5)}  ${r.seconds.toFixed(1).padStart(7)}${r.ok ? '' : `  (saved: ${r.savedTo})`}`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} notebook(s) passed, ${failed} failed`);
// Exit explicitly: a notebook may leave timers or worker threads behind.
process.exit(failed > 0 ? 1 : 0);
