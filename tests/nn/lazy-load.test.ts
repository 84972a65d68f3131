import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../lib/project/root.js';

// Issue 11 item 4: importing rarelab loaded TensorFlow.js (and mathjs) eagerly, ~7 s of CPU before the
// first cell ran. A module-resolution hook in a fresh process lists every package that gets loaded.
const dir = mkdtempSync(join(tmpdir(), 'rarelab-lazy-'));
const hook = join(dir, 'hook.mjs'), register = join(dir, 'register.mjs');
writeFileSync(hook, `export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  const m = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(r.url);
  if (m) process.stderr.write('LOADED ' + m[1] + '\\n');
  return r;
}\n`);
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);

const lib = join(projectRoot(), 'lib', 'index.ts');

/** Runs ESM code in a fresh process; returns its stdout and the packages the hook saw resolved. */
function run(code: string): { stdout: string; packages: Set<string> } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(register).href, '--input-type=module', '-e', code], {
    cwd: projectRoot(),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  assert.is(r.status, 0, r.stderr.slice(-3000));
  const packages = new Set([...r.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]));
  return { stdout: r.stdout, packages };
}

test('importing lib/index.ts loads neither @tensorflow nor mathjs', () => {
  const { stdout, packages } = run(`
    await import(${JSON.stringify(lib)});
    const req = (await import('node:module')).createRequire(import.meta.url);
    console.log('TF_IN_CJS_CACHE ' + Object.keys(req.cache).filter((k) => k.includes('@tensorflow')).length);
  `);
  assert.ok(packages.has('ml-matrix'), `the hook sees the packages lib loads (got ${[...packages].join(', ')})`);
  assert.equal([...packages].filter((p) => p.startsWith('@tensorflow') || p === 'mathjs'), []);
  assert.match(stdout, /TF_IN_CJS_CACHE 0\n/);
});

test('initBackend then loads tfjs, and a network built afterwards computes what the float64 evaluator does', () => {
  const { stdout, packages } = run(`
    const rl = await import(${JSON.stringify(lib)});
    const backend = await rl.initBackend();
    const net = new rl.Mlp({ layers: [2, 3, 1], activation: 'tanh', seed: 7 });
    const x = new Float64Array([0.3, -0.2, 1.1, 0.5]);
    const y = net.predict(x, 2), z = new rl.MlpFloat64(net.toJSON()).evaluate(x, 2);
    console.log('BACKEND ' + backend + ' DIFF ' + Math.max(Math.abs(y[0] - z[0]), Math.abs(y[1] - z[1])) + ' Y ' + y[0] + ' ' + y[1]);
  `);
  assert.ok(packages.has('@tensorflow/tfjs'), [...packages].join(', '));
  const m = /BACKEND (\w+) DIFF (\S+) Y (\S+) (\S+)/.exec(stdout);
  assert.ok(m, stdout);
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(m![1]), m![1]);
  // float32 network vs float64 evaluation of the same weights
  assert.ok(Number(m![2]) < 1e-6, `differ by ${m![2]}`);
  assert.ok(Number(m![3]) !== Number(m![4]), 'two different inputs give two different outputs');
});

test('using tfjs before initBackend says to call it', () => {
  const { stdout } = run(`
    const { tf } = await import(${JSON.stringify(join(projectRoot(), 'lib', 'nn', 'index.ts'))});
    try { tf.zeros([1]); console.log('no error'); } catch (e) { console.log(e.message); }
  `);
  assert.match(stdout, /tfjs is not loaded yet; call `await initBackend\(\)`/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
