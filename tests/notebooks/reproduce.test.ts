import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectRoot } from '../../lib/project/root.js';

// `npm run reproduce` as a user runs it, on copies of fixture notebooks (a passing notebook is saved in
// place): cells that end the process, await forever or block the thread must fail their notebook by
// name, with a non-zero exit and the summary, while later notebooks still run.
const root = projectRoot();
const fixtures = join(root, 'tests', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'rarelab-reproduce-test-'));

test('process.exit, a promise that never settles, a blocking cell: each named, later notebooks run, exit 1; no Chromium: stale images removed and said so', () => {
  const names = ['process-exit', 'never-settles', 'busy-loop', 'stale-figure'];
  for (const n of names) copyFileSync(join(fixtures, `${n}.ipynb`), join(tmp, `${n}.ipynb`));
  const figures = join(tmp, 'figures', 'stale-figure');
  mkdirSync(figures, { recursive: true });
  writeFileSync(join(figures, 'stale.png'), 'a PNG of an earlier run');
  const paths = names.map((n) => join(tmp, `${n}.ipynb`));
  // the timeout leaves room for the first import of lib/plot under load; the blocking cell is killed 10 s after it
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'reproduce.ts'), '--cell-timeout', '20', ...paths], {
    cwd: root, encoding: 'utf8', env: { ...process.env, TMPDIR: tmp, RARELAB_CHROMIUM: join(tmp, 'no-chromium'), RARELAB_TEST_FIGURES: figures },
  });
  const row = (n: string) => run.stdout.split('\n').find((l) => l.startsWith(`${n} `)) ?? `(no summary row for ${n})\n${run.stdout}\n${run.stderr}`;
  assert.is(run.status, 1, run.stderr);
  assert.match(row('process-exit'), /^process-exit +FAILED +2 .*\(process\.exit; saved: /);
  assert.match(row('never-settles'), /^never-settles +FAILED +2 .*\(never settles; saved: /);
  assert.match(row('busy-loop'), /^busy-loop +FAILED +1 .*\(timeout; not saved\)/);
  assert.match(row('stale-figure'), /^stale-figure +ok +1 /);
  assert.match(run.stdout, /\n1 notebook\(s\) ran, 3 failed;/);
  assert.match(run.stderr, /\[busy-loop\] FAILED at cell 1\/2 \(timeout\): cell 1\/2 was still running 30 s after it started \(cell timeout 20 s\) and could not be interrupted/);
  // without a browser the old PNG would sit next to the new HTML as if it matched: removed, and the summary says so
  assert.equal([existsSync(join(figures, 'stale.html')), existsSync(join(figures, 'stale.png'))], [true, false]);
  assert.match(run.stdout, new RegExp(`\\nfigures: HTML only for stale-figure: no Chromium at ${join(tmp, 'no-chromium')} .*; no PNG/SVG was rendered\\n`));
  assert.match(run.stdout, /\nfigures: removed 1 PNG\/SVG file\(s\) of an earlier run that no longer match this run's data/);
  // the partial runs keep what ran, and the runner's reason in the failing cell
  const saved = JSON.parse(readFileSync(join(tmp, 'rarelab-reproduce', 'never-settles.ipynb'), 'utf8'));
  assert.equal(saved.cells[0].outputs, [{ output_type: 'stream', name: 'stdout', text: ['before the wait\n'] }]);
  assert.match(saved.cells[1].outputs.at(-1).text.join(''), /^rarelab runner: the cell awaits a promise that never settles/);
  assert.is(JSON.parse(readFileSync(join(tmp, 'stale-figure.ipynb'), 'utf8')).cells[0].execution_count, 1, 'the last notebook ran and was saved in place');
});

test('--cell-timeout needs a positive number', () => {
  for (const bad of [['--cell-timeout'], ['--cell-timeout', '0'], ['--cell-timeout=abc']]) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'reproduce.ts'), ...bad, join(tmp, 'none.ipynb')], { cwd: root, encoding: 'utf8' });
    assert.is(run.status, 2);
    assert.match(run.stderr, /--cell-timeout needs a positive number of seconds/);
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
