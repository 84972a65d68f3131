import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeBrowser, chromiumPath } from '../../lib/plot/render.js';
import { projectRoot } from '../../lib/project/root.js';
import { executeNotebook } from '../../scripts/notebook/execute.js';
import { classifyStderr } from '../../scripts/notebook/failures.js';
import { joinText, type CodeCell } from '../../scripts/notebook/nbformat.js';

const fixtures = join(projectRoot(), 'tests', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'rarelab-exec-'));
const quiet = () => {};

test('passing notebook: every cell runs, outputs and display data are saved, nbformat 4 valid', async () => {
  const out = join(tmp, 'passing.ipynb');
  const res = await executeNotebook(join(fixtures, 'passing.ipynb'), { output: out, log: quiet });
  assert.ok(res.ok, res.failure?.text);
  assert.is(res.cells.length, 4);
  const nb = JSON.parse(readFileSync(out, 'utf8'));
  assert.is(nb.nbformat, 4);
  const code = nb.cells.filter((c: CodeCell) => c.cell_type === 'code') as CodeCell[];
  assert.equal(code.map((c) => c.execution_count), [1, 2, 3, 4]);
  assert.equal(code[1].outputs, [{ output_type: 'stream', name: 'stdout', text: ['V = -146.70\n'] }]);
  assert.equal(code[2].outputs[0], { output_type: 'display_data', data: { 'text/html': ['<b>V_min = -146.70</b>'] }, metadata: {} });
  if (chromiumPath()) {
    const fig = code[3].outputs[0];
    assert.is(fig.output_type, 'display_data');
    if (fig.output_type !== 'display_data') return;
    // static figure: a PNG (base64) of the layout size, no plotly.js in the saved notebook
    const png = Buffer.from(joinText(fig.data['image/png']), 'base64');
    assert.equal([png.readUInt32BE(16), png.readUInt32BE(20)], [320, 240]);
    assert.equal(fig.metadata, { 'image/png': { width: 320, height: 240 } });
    assert.equal(fig.data['text/plain'], ['figure fixture']);
  } else {
    // no browser: the one-line notice on the cell's stderr, then a text stand-in for the image
    console.log('  (no Chromium: the static PNG of the figure is not tested)');
    const [notice, fig] = code[3].outputs;
    assert.is(notice.output_type === 'stream' && notice.name, 'stderr');
    assert.match(joinText((notice as { text: string[] }).text), /^rarelab plot: no Chromium at \S+ .*figures are written as HTML only\n$/);
    assert.equal(fig, { output_type: 'display_data', data: { 'text/plain': ['figure fixture: no static image (no Chromium); see the exported HTML'] }, metadata: {} });
  }
  assert.ok(readFileSync(out).length < 100_000, 'saved notebook stays small');
  assert.is(process.env.RARELAB_FIGURES, undefined, 'run environment restored');
  await closeBrowser();
});

test('runtime error: the failing cell is reported, later cells do not run, the error text is kept', async () => {
  const res = await executeNotebook(join(fixtures, 'runtime-error.ipynb'), { output: null, log: quiet });
  assert.is(res.ok, false);
  assert.equal(res.cells.map((c) => c.ok), [true, false]);
  assert.is(res.failure?.cell, 1);
  assert.is(res.failure?.kind, 'runtime error');
  assert.match(res.failure!.text, /Error: deliberate runtime failure/);
  const last = res.notebook.cells[2] as CodeCell;
  assert.equal([last.outputs, last.execution_count], [[], null]);
});

test('module references in a notebook: libRef builds the notebook\'s own classes, other .ts modules load, a pool agrees', async () => {
  const res = await executeNotebook(join(fixtures, 'module-refs.ipynb'), { output: null, log: quiet });
  assert.ok(res.ok, res.failure?.text);
  const out = res.notebook.cells.filter((c): c is CodeCell => c.cell_type === 'code').map((c) => c.outputs.map((o) => (o.output_type === 'stream' ? joinText(o.text) : '')).join(''));
  assert.equal(out, ['', "libRef builds the notebook's own MullerBrown: true\nmodule outside lib: value 3\n", 'pool equals inline: true\n']);
});

test('an error thrown in lib/: the message, then the library\'s and the cell\'s frames only, and a count of the rest', async () => {
  const res = await executeNotebook(join(fixtures, 'lib-error.ipynb'), { output: null, log: quiet });
  assert.is(res.failure?.kind, 'runtime error');
  const lines = res.failure!.text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Error: figure: "a b" is not a usable file name'));
  assert.ok(at >= 0, res.failure!.text);
  const frames = lines.slice(at + 1);
  assert.match(frames[0], /^ +at .*\/lib\/plot\/figure\.[jt]s:\d+:\d+\)$/);
  assert.ok(frames.slice(1, -1).every((l) => /^ +at .*evalmachine\.<anonymous>:\d+:\d+\)?$/.test(l)), frames.join('\n'));
  assert.match(frames.at(-1)!, /^ +\.\.\. \d+ frames of Node, tslab and dependencies not shown \(RARELAB_FULL_STACK=1 shows them\)$/);
  assert.not.match(res.failure!.text, /node:vm|tslab\/dist|scripts\/notebook/);
});

test('type error: tslab\'s diagnostic fails the cell before it runs', async () => {
  const res = await executeNotebook(join(fixtures, 'type-error.ipynb'), { output: null, log: quiet });
  assert.is(res.ok, false);
  assert.is(res.failure?.kind, 'compile error');
  assert.is(res.failure?.text, "1:7 - Type 'string' is not assignable to type 'number'.");
  assert.is(res.cells.length, 1);
});

test('unhandled rejection of a promise a cell started fails that cell', async () => {
  const res = await executeNotebook(join(fixtures, 'async-error.ipynb'), { output: null, log: quiet });
  assert.is(res.ok, false);
  assert.is(res.failure?.kind, 'unhandled error');
  assert.match(res.failure!.text, /^UnhandledPromiseRejection: Error: deliberate async failure/);
});

test('rethrowing rejection handlers of a library (tfjs-wasm emscripten glue adds such) do not kill the run', async () => {
  const rethrowRejection = (r: unknown) => { throw r; };
  const rethrowException = (e: unknown) => { throw e; };
  process.on('unhandledRejection', rethrowRejection);
  process.on('uncaughtException', rethrowException);
  const before = process.listeners('unhandledRejection');
  try {
    const res = await executeNotebook(join(fixtures, 'async-error.ipynb'), { output: null, log: quiet });
    assert.is(res.ok, false);
    assert.is(res.failure?.kind, 'unhandled error');
    const after = process.listeners('unhandledRejection');
    assert.ok(after.length === before.length && after.every((l, i) => l === before[i]), 'handlers restored after the run');
  } finally {
    process.off('unhandledRejection', rethrowRejection);
    process.off('uncaughtException', rethrowException);
  }
});

test('process.exit in a cell fails that cell by name; the runner process lives on and gets process.exit back', async () => {
  const exit = process.exit;
  const res = await executeNotebook(join(fixtures, 'process-exit.ipynb'), { output: null, log: quiet });
  assert.is(process.exit, exit);
  assert.is(res.ok, false);
  assert.equal(res.cells.map((c) => c.ok), [true, false]);
  assert.is(res.failure?.kind, 'process.exit');
  assert.match(res.failure!.text, /^the cell called process\.exit\(0\); the runner does not let a notebook end the process/);
  assert.not.match(res.failure!.text, /execute\.ts/, 'the runner\'s own source line and frames are not shown');
  const cell = res.notebook.cells[1] as CodeCell;
  assert.match(joinText((cell.outputs.at(-1) as { text: string[] }).text), /^rarelab runner: the cell called process\.exit\(0\)/);
});

test('cellTimeout interrupts a cell that awaits too long, names the timeout, and stops there', async () => {
  const res = await executeNotebook(join(fixtures, 'slow-await.ipynb'), { output: null, log: quiet, cellTimeout: 0.5 });
  clearTimeout((globalThis as { slowAwaitTimer?: ReturnType<typeof setTimeout> }).slowAwaitTimer); // else it keeps this process alive for an hour
  assert.is(res.ok, false);
  assert.equal(res.cells.map((c) => c.ok), [false]);
  assert.is(res.failure?.kind, 'timeout');
  assert.match(res.failure!.text, /^the cell ran longer than the cell timeout of 0\.5 s and was interrupted/);
  for (const bad of [0, -1, NaN, Infinity]) {
    try {
      await executeNotebook(join(fixtures, 'passing.ipynb'), { output: null, log: quiet, cellTimeout: bad });
      assert.unreachable(`cellTimeout ${bad} accepted`);
    } catch (e) {
      assert.match((e as Error).message, /cellTimeout must be a positive number of seconds/);
    }
  }
});

test('failed runs are saved outside the notebook folder by default', async () => {
  const res = await executeNotebook(join(fixtures, 'type-error.ipynb'), { log: quiet });
  assert.is(res.savedTo, join(tmpdir(), 'rarelab-reproduce', 'type-error.ipynb'));
  assert.match(readFileSync(res.savedTo!, 'utf8'), /not assignable to type 'number'/);
});

test('stderr classification: tslab errors yes, ordinary warnings no', () => {
  assert.is(classifyStderr("lib/x.ts 31:39 - Cannot find module 'y'.\n"), 'compile error');
  assert.is(classifyStderr('Error: boom\n    at evalmachine.<anonymous>:2:7\n'), 'runtime error');
  assert.is(classifyStderr('UncaughtException: Error: x\n'), 'unhandled error');
  assert.is(classifyStderr('rarelab plot: no Chromium at /usr/bin/chromium; figures are written as HTML only\n'), null);
  assert.is(classifyStderr('(node:12) ExperimentalWarning: something\nwalkers: 3/10 (30%) 1.0 s\n'), null);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
