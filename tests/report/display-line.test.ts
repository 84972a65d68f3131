import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resultsTable } from '../../lib/report/results.js';
import { writeData } from '../../lib/report/data.js';
import { withFilesLine } from '../../lib/report/display.js';

// tslab prints a cell's last value with util.inspect: `await rl.exportFigure(fig)`, `rl.writeData(...)`
// or `table.close(...)` ending a cell echoed the returned object's fields. They show one line instead,
// and keep their data (fields, JSON, equality) unchanged.
const tmp = mkdtempSync(join(tmpdir(), 'rarelab-display-line-'));

test('writeData returns its paths, shown as one line', () => {
  const out = writeData('t', { a: [1, 2] }, { dir: tmp });
  assert.equal(out, { csv: join(tmp, 't.csv'), json: join(tmp, 't.json') });
  assert.is(inspect(out), `data t: ${join(tmp, 't.csv')}, .json`);
  assert.equal(JSON.parse(JSON.stringify(out)), { csv: join(tmp, 't.csv'), json: join(tmp, 't.json') });
});

test('paths inside the working folder are shown relative to it', () => {
  const out = withFilesLine({ html: join(process.cwd(), 'figures', 'nb', 'f.html'), png: join(process.cwd(), 'figures', 'nb', 'f.png') }, 'figure f');
  assert.is(inspect(out), 'figure f: figures/nb/f.html, .png');
  assert.equal(Object.keys(out), ['html', 'png']);
});

test('a results row shows as one line: verdict, quantity, ours, paper, tolerance', () => {
  const table = resultsTable();
  const row = table.close('barrier (kT)', 10, 10.04, 0.1, { source: 'Fig. 1' });
  assert.is(inspect(row), 'pass: barrier (kT) = 10.04 (paper 10, tolerance 0.1)');
  assert.is(inspect(table.info('steps', 1200, { source: 'this run' })), 'info: steps = 1200');
  assert.equal(row, { quantity: 'barrier (kT)', paper: 10, ours: 10.04, tolerance: 0.1, pass: true, source: 'Fig. 1' });
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
