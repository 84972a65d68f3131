import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { initBackend, ready, backendName, requireBackend, setGlobalSeed, nextSeed } from '../../lib/nn/index.js';
import { projectRoot } from '../../lib/project/root.js';

test('networks refuse to run before a backend is chosen (fresh process)', () => {
  const lib = join(projectRoot(), 'lib', 'nn', 'index.ts');
  const code = `import { Mlp } from ${JSON.stringify(lib)}; try { new Mlp({ layers: [1, 1] }); console.log('built'); } catch (e) { console.log(e.message); }`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: projectRoot(), encoding: 'utf8' });
  assert.match(out, /Mlp: the tfjs backend is not initialised; call `await initBackend\(\)`/);
});

test('initBackend picks tfjs-node when it loads, else wasm; ready() and backendName() agree', async () => {
  const name = await initBackend();
  assert.ok(name === 'tensorflow' || name === 'wasm', `backend ${name}`);
  assert.is(await ready(), name);
  assert.is(backendName(), name);
  assert.not.throws(() => requireBackend('test'));
  // asking again for the same backend keeps it
  assert.is(await initBackend({ prefer: name }), name);
  try {
    await initBackend({ prefer: 'gpu' as never });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /prefer must be 'auto', 'tensorflow', 'wasm' or 'cpu', got gpu/);
  }
  assert.is(backendName(), name, 'a rejected request leaves the backend as it was');
});

// Issue 11: emscripten's module (tfjs-backend-wasm) installed process handlers that re-threw every later
// uncaught error from its one-line minified file, so Node printed 38 KB of code before the message.
for (const [how, statement] of [
  ['an uncaught exception', "throw new Error('boom-after-wasm');"],
  ['an unhandled rejection', "Promise.reject(new Error('boom-after-wasm'));"],
] as const) {
  test(`${how} after the wasm backend starts prints its message and a short stack (fresh process)`, () => {
    const lib = join(projectRoot(), 'lib', 'nn', 'index.ts');
    const code = `import { initBackend } from ${JSON.stringify(lib)}; await initBackend({ prefer: 'wasm' }); console.log('ready'); ${statement}`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: projectRoot(), encoding: 'utf8' });
    assert.match(r.stdout, /^ready/);
    assert.is(r.status, 1, `exit status ${r.status} (emscripten's re-throw from a handler exits with 7)`);
    assert.match(r.stderr, /Error: boom-after-wasm\n\s+at /);
    assert.not.match(r.stderr, /WasmBackendModule|tfjs-backend-wasm/);
    assert.ok(r.stderr.length < 2000, `stderr has ${r.stderr.length} characters`);
  });
}

test('the global seed stream repeats after setGlobalSeed', () => {
  setGlobalSeed(123);
  const a = [nextSeed(), nextSeed(), nextSeed()];
  setGlobalSeed(123);
  assert.equal([nextSeed(), nextSeed(), nextSeed()], a);
  assert.ok(a.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31));
  setGlobalSeed(124);
  assert.not.equal(nextSeed(), a[0]);
});

test.run();
