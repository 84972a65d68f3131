import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as aq from 'arquero';
import { byMode, figuresDir, mode, notebookName, progress, resultsTable, summaryLine, timer, toCsv, useNotebook, writeData } from '../../lib/report/index.js';
import { projectRoot } from '../../lib/project/root.js';

const tmp = mkdtempSync(join(tmpdir(), 'rarelab-report-'));

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  try { return fn(); } finally {
    for (const [k, v] of Object.entries(old)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}

test('mode comes from RARELAB_MODE, quick by default, and rejects other values', () => {
  withEnv({ RARELAB_MODE: undefined }, () => { assert.is(mode(), 'quick'); assert.is(byMode({ quick: 10, full: 1000 }), 10); });
  withEnv({ RARELAB_MODE: 'full' }, () => { assert.is(mode(), 'full'); assert.is(byMode({ quick: 10, full: 1000 }), 1000); });
  withEnv({ RARELAB_MODE: 'quick' }, () => assert.is(mode(), 'quick'));
  withEnv({ RARELAB_MODE: 'Full' }, () => assert.throws(() => mode(), /RARELAB_MODE must be "quick" or "full", got "Full"/));
});

test('notebook name: RARELAB_NOTEBOOK, then JPY_SESSION_NAME; figures dir under the project root', () => {
  withEnv({ RARELAB_NOTEBOOK: undefined, JPY_SESSION_NAME: undefined }, () => assert.throws(() => notebookName(), /useNotebook/));
  withEnv({ RARELAB_NOTEBOOK: 'amore-md', JPY_SESSION_NAME: undefined }, () => assert.is(notebookName(), 'amore-md'));
  withEnv({ RARELAB_NOTEBOOK: undefined, JPY_SESSION_NAME: '/home/u/rarelab/notebooks/tps.ipynb' }, () => assert.is(notebookName(), 'tps'));
  withEnv({ RARELAB_NOTEBOOK: '../evil' }, () => assert.throws(() => notebookName(), /not a usable notebook name/));
  assert.throws(() => useNotebook('a/b'), /not a usable notebook name/);
  const name = `test-report-${process.pid}`;
  try {
    assert.is(figuresDir(name), join(projectRoot(), 'figures', name));
  } finally {
    rmSync(join(projectRoot(), 'figures', name), { recursive: true, force: true });
  }
});

test('writeData: CSV reads back identically with arquero, JSON holds the rows', () => {
  const x = Float64Array.from([0.1, -2.5e-7, 1 / 3, 123456.789]);
  const label = ['a', 'comma, inside', 'quote "q"', 'plain'];
  const { csv, json } = writeData('columns', { x, label, n: [1, 2, 3, 4] }, { dir: tmp });
  const back = aq.fromCSV(readFileSync(csv, 'utf8'));
  assert.equal(back.columnNames(), ['x', 'label', 'n']);
  assert.equal(back.array('x'), Array.from(x)); // exact doubles
  assert.equal(back.array('label'), label);
  assert.equal(back.array('n'), [1, 2, 3, 4]);
  const rows = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(rows[2], { x: 1 / 3, label: 'quote "q"', n: 3 });
  assert.is(rows.length, 4);

  const r = writeData('rows', [{ a: 1, b: 'u' }, { a: NaN, c: true }], { dir: tmp });
  assert.is(readFileSync(r.csv, 'utf8'), 'a,b,c\n1,u,\nNaN,,true\n');
  assert.equal(JSON.parse(readFileSync(r.json, 'utf8')), [{ a: 1, b: 'u', c: null }, { a: null, b: null, c: true }]);
});

test('writeData rejects ragged columns and bad names', () => {
  assert.throws(() => writeData('bad', { a: [1, 2], b: [1] }, { dir: tmp }), /column "b" has 1 values, column "a" has 2/);
  assert.throws(() => writeData('../x', { a: [1] }, { dir: tmp }), /not a usable file name/);
  assert.throws(() => toCsv({ a: 3 as unknown as number[] }), /column "a" is not an array/);
});

test('results table: checks, information rows and sources in the documented form', () => {
  const t = resultsTable();
  t.close('saddle 1 x', -0.822, -0.8205, 0.02, { source: 'literature: Müller-Brown 1979' });
  t.close('saddle 2 x', 0.212, 0.3, 0.02, { source: 'literature: Müller-Brown 1979' });
  t.atMost('chi-MEP to MEP mean distance', 0.031, 0.05, { source: 'criterion: ours' });
  t.atLeast('|r| chi vs eigenfunction', NaN, 0.95, { source: 'Fig. 1 caption', paper: 'high' });
  t.add({ quantity: 'basins separated', paper: 'yes', ours: 'yes', tolerance: null, pass: true, source: 'Fig. 1 caption' });
  t.info('transition paths per run', 42, { source: 'information', paper: 50 });
  t.timing('wall time ISOKANN (s)', 12.3456);
  assert.equal(t.rows.map((r) => r.pass), [true, false, true, false, true, null, null]);
  assert.is(t.allPass, false);
  assert.equal(t.summary(), { checks: 5, passed: 3, info: 2 });
  assert.is(summaryLine(t.summary()), '3 of 5 checks pass, 2 information rows');
  const rows = [
    { quantity: 'saddle 1 x', paper: -0.822, ours: -0.8205, tolerance: 0.02, pass: true, source: 'literature: Müller-Brown 1979' },
    { quantity: 'saddle 2 x', paper: 0.212, ours: 0.3, tolerance: 0.02, pass: false, source: 'literature: Müller-Brown 1979' },
    { quantity: 'chi-MEP to MEP mean distance', paper: null, ours: 0.031, tolerance: '≤ 0.05', pass: true, source: 'criterion: ours' },
    { quantity: '|r| chi vs eigenfunction', paper: 'high', ours: null, tolerance: '≥ 0.95', pass: false, source: 'Fig. 1 caption' },
    { quantity: 'basins separated', paper: 'yes', ours: 'yes', tolerance: null, pass: true, source: 'Fig. 1 caption' },
    { quantity: 'transition paths per run', paper: 50, ours: 42, tolerance: null, pass: null, source: 'information' },
  ];
  // full mode writes results-full.json; the timing row is shown but not written (it changes every run)
  const full = withEnv({ RARELAB_MODE: 'full' }, () => t.write({ dir: tmp }));
  assert.is(full, join(tmp, 'results-full.json'));
  assert.equal(JSON.parse(readFileSync(full, 'utf8')), { mode: 'full', rows });
  const quick = withEnv({ RARELAB_MODE: 'quick' }, () => t.write({ dir: tmp }));
  assert.is(quick, join(tmp, 'results.json'));
  assert.equal(JSON.parse(readFileSync(quick, 'utf8')).mode, 'quick');
  assert.match(t.html(), /<tr style="background:#fdd"><td>saddle 2 x<\/td>/);
  assert.match(t.text(), /3 of 5 checks pass, 2 information rows \(quick mode\)/);
  assert.match(t.text(), /wall time ISOKANN \(s\)\s+\S*\s*12\.3/);
  assert.throws(() => t.close('x', 1, 1, -1, { source: 'criterion: ours' }), /tolerance must be ≥ 0/);
  assert.throws(() => t.add({ quantity: '', paper: 1, ours: 1, tolerance: 1, pass: true, source: 's' }), /quantity must be a non-empty string/);
  assert.throws(() => t.atMost('no source', 1, 2, { source: ' ' }), /atMost\(no source\): source must say/);
  assert.throws(() => t.add({ quantity: 'q', paper: 1, ours: 1, tolerance: 1, pass: 'yes' as unknown as boolean, source: 's' }), /pass must be true, false or null/);
  // information rows never count as passing, whatever their value
  const onlyInfo = resultsTable();
  onlyInfo.info('a number', NaN, { source: 'information' });
  assert.equal(onlyInfo.summary(), { checks: 0, passed: 0, info: 1 });
  assert.is(onlyInfo.rows[0].pass, null);
});

test('timer records sections in order, passes values through and times promises', async () => {
  const t = timer();
  assert.is(t.time('sync', () => 42), 42);
  const v = await t.time('async', async () => 'done');
  assert.is(v, 'done');
  assert.throws(() => t.time('throws', () => { throw new Error('inner'); }), /inner/);
  const end = t.start('manual');
  const s = end();
  assert.throws(() => end(), /already ended/);
  assert.equal(t.sections.map((x) => x.label), ['sync', 'async', 'throws', 'manual']);
  assert.ok(t.sections.every((x) => Number.isFinite(x.seconds) && x.seconds >= 0));
  assert.is(t.seconds('manual'), s);
  assert.throws(() => t.seconds('nope'), /no section "nope"/);
  assert.match(t.text(), /^section\s+seconds\n/);
});

test('progress outside a notebook writes one line per tenth to stderr when not a terminal', () => {
  const lines: string[] = [];
  const write = process.stderr.write;
  const isTTY = process.stderr.isTTY;
  process.stderr.write = ((s: string) => { lines.push(s); return true; }) as typeof process.stderr.write;
  (process.stderr as { isTTY?: boolean }).isTTY = false;
  try {
    const p = progress('walkers', 20, { intervalMs: 0 });
    for (let i = 0; i < 20; i++) p.tick();
    p.done();
  } finally {
    process.stderr.write = write;
    (process.stderr as { isTTY?: boolean }).isTTY = isTTY;
  }
  assert.is(lines.length, 11); // the first tick, then one per tenth; done() repeats nothing
  assert.match(lines[0], /^walkers: 1\/20 \(5%\)/);
  assert.match(lines[1], /^walkers: 2\/20 \(10%\)/);
  assert.match(lines[lines.length - 1], /^walkers: 20\/20 \(100%\)/);
  assert.throws(() => progress('x', -1), /total must be a non-negative integer/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
