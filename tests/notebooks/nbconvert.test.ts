import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectRoot } from '../../lib/project/root.js';
import { findJupyter, installKernel } from '../../scripts/notebook/kernelspec.js';
import { runNbconvert } from '../../scripts/notebook/nbconvert.js';
import { joinText, readNotebook, type CodeCell } from '../../scripts/notebook/nbformat.js';

// The same fixtures under real Jupyter (jupyter nbconvert --execute with the rarelab kernel), with the
// kernel installed into a throw-away Jupyter data folder.
const root = projectRoot();
const fixtures = join(root, 'tests', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'rarelab-nbconvert-'));
const jupyter = findJupyter();
const env = { JUPYTER_DATA_DIR: join(tmp, 'jupyter') };
const run = (name: string) => runNbconvert(join(fixtures, `${name}.ipynb`), { outputDir: join(tmp, 'out'), env, log: () => {} });

if (!jupyter) {
  console.log('  SKIPPED tests/notebooks/nbconvert.test.ts: jupyter is not installed (apt-get install jupyter-notebook python3-nbconvert jupyter-nbconvert jupyter-client)');
} else {
  test('the kernelspec installs into the given data folder and Jupyter sees it', () => {
    const { dir, seenByJupyter } = installKernel(root, env.JUPYTER_DATA_DIR);
    assert.is(dir, join(env.JUPYTER_DATA_DIR, 'kernels', 'rarelab'));
    assert.is(seenByJupyter, true);
  });

  test('passing notebook passes under nbconvert (kernel started in the project root)', async () => {
    const res = await run('passing');
    assert.ok(res.ok, res.reason);
    assert.is(res.exitCode, 0);
  });

  test('module references under the kernel: libRef builds the notebook\'s own classes, other .ts modules load, a pool agrees', async () => {
    // Issue 11: tslab compiles lib to CommonJS, where import(url) became require(url) and threw MODULE_NOT_FOUND.
    const res = await run('module-refs');
    assert.ok(res.ok, `${res.reason} ${res.failures.map((f) => f.text).join('\n')}`);
    const out = readNotebook(res.output).cells.filter((c): c is CodeCell => c.cell_type === 'code').map((c) => c.outputs.map((o) => (o.output_type === 'stream' ? joinText(o.text) : '')).join(''));
    assert.equal(out, ['', "libRef builds the notebook's own MullerBrown: true\nmodule outside lib: value 3\n", 'pool equals inline: true\n']);
  });

  test('runtime error fails under nbconvert, with the error text', async () => {
    const res = await run('runtime-error');
    assert.is(res.ok, false);
    assert.is(res.failures[0].cell, 1);
    assert.is(res.failures[0].kind, 'runtime error');
    assert.match(res.failures[0].text, /Error: deliberate runtime failure/);
  });

  test('an error thrown in lib/ shows the message and the lib/ and cell frames only, as in the headless runner', async () => {
    const res = await run('lib-error');
    assert.is(res.ok, false);
    assert.equal([res.failures[0].cell, res.failures[0].kind], [1, 'runtime error']);
    const text = res.failures[0].text;
    assert.match(text, /Error: figure: "a b" is not a usable file name/);
    assert.match(text, /\n +at .*\/lib\/plot\/figure\.[jt]s:\d+:\d+\)\n +at named \(evalmachine\.<anonymous>:/);
    assert.match(text, /\n +\.\.\. \d+ frames of Node, tslab and dependencies not shown/);
    assert.not.match(text, /node:vm|tslab\/dist|kernel-start/);
  });

  test('type error fails under nbconvert', async () => {
    const res = await run('type-error');
    assert.is(res.ok, false);
    assert.equal([res.failures[0].cell, res.failures[0].kind], [0, 'compile error']);
  });

  test('unhandled rejection fails under nbconvert (the kernel waits for it before replying)', async () => {
    const res = await run('async-error');
    assert.is(res.ok, false);
    assert.is(res.failures[0].kind, 'unhandled error');
  });

  test('a missing kernel is reported, not run', async () => {
    const res = await runNbconvert(join(fixtures, 'passing.ipynb'), { env: { JUPYTER_DATA_DIR: join(tmp, 'empty') }, log: () => {} });
    assert.is(res.ok, false);
    assert.match(res.reason!, /rarelab kernel is not installed .*run npm run kernel/);
  });
}

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
