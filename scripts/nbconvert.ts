// `npm run nbconvert -- notebooks/x.ipynb [--full] [--timeout S]`: runs one notebook under real Jupyter
// (jupyter nbconvert --execute with the rarelab kernel) and exits non-zero if any cell fails.
import { runNbconvert } from './notebook/nbconvert.js';

const args = process.argv.slice(2);
let mode: 'quick' | 'full' = 'quick';
let timeout: number | undefined;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--full') mode = 'full';
  else if (a === '--quick') mode = 'quick';
  else if (a === '--timeout') timeout = Number(args[++i]);
  else if (a.startsWith('-')) { console.error(`nbconvert: unknown option ${a}`); process.exit(2); }
  else files.push(a);
}
if (files.length !== 1 || (timeout !== undefined && !Number.isFinite(timeout))) {
  console.error('usage: npm run nbconvert -- <notebook.ipynb> [--full] [--timeout seconds]');
  process.exit(2);
}
const res = await runNbconvert(files[0], { mode, timeout });
if (res.ok) {
  console.log(`nbconvert ${files[0]}: ok (executed notebook: ${res.output})`);
} else {
  console.error(`nbconvert ${files[0]}: FAILED — ${res.reason}`);
  for (const f of res.failures) for (const l of f.text.split('\n').slice(0, 20)) console.error(`    ${l}`);
  if (res.failures.length > 0) console.error(`executed notebook with the error: ${res.output}`);
}
process.exit(res.ok ? 0 : 1);
