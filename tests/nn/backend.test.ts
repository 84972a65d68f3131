import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
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
