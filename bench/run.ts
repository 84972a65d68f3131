// `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or those named, `nn` for nn.bench.ts, or
// whose file name contains one of the given names) and prints one table. Each bench file exports `run(): Promise<BenchResult[]>`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../lib/project/root.js';
import { textTable } from '../lib/report/display.js';
import type { BenchResult } from './dynamics.bench.js';

const filters = process.argv.slice(2);
const dir = join(projectRoot(), 'bench');
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
// a name that is a whole bench (`nn` for nn.bench.ts) selects just that one, else any file containing it
const matches = (f: string, n: string) => (all.includes(`${n}.bench.ts`) ? f === `${n}.bench.ts` : f.includes(n));
const files = all.filter((f) => filters.length === 0 || filters.some((n) => matches(f, n)));
if (files.length === 0) {
  console.error(`bench: no bench/*.bench.ts matches ${filters.join(', ')}`);
  process.exit(2);
}

const rows: unknown[][] = [];
let failed = 0;
for (const f of files) {
  console.error(`bench: ${f} ...`);
  try {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run?: () => Promise<BenchResult[]> };
    if (typeof mod.run !== 'function') throw new Error(`${f} exports no run()`);
    for (const r of await mod.run()) {
      const ratio = r.referenceValue ? r.value / r.referenceValue : null;
      rows.push([r.benchmark, r.value, r.unit, r.reference ?? '', r.referenceValue ?? null, ratio]);
    }
  } catch (e) {
    failed++;
    console.error(`bench: ${f} failed: ${(e as Error).stack ?? e}`);
    rows.push([`${f} (failed)`, null, '', '', null, null]);
  }
}
console.log(textTable(['benchmark', 'value', 'unit', 'reference', 'reference value', 'ratio'], rows));
// Exit explicitly: worker pools or the tfjs backend may keep the event loop alive.
process.exit(failed > 0 ? 1 : 0);
