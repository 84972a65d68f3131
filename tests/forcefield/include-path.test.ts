import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { includeSearchPath, parseTopology, readTopology, shippedForceFieldDir, TopologyError } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

// Issue 11 item 5: the shipped force fields were found only from a working directory inside the
// checkout; GMXLIB was ignored; a missing #include did not say why the shipped folder was not searched.
const ROOT = projectRoot();
const SHIPPED = join(ROOT, 'data', 'forcefields');
const TOP = join(ROOT, 'data', 'alanine-dipeptide', 'topol.top');
const tmp = mkdtempSync(join(tmpdir(), 'rarelab-gmxlib-'));

test('from a working directory outside the checkout, shipped systems and force fields are found from the library itself', () => {
  const lib = join(ROOT, 'lib', 'forcefield', 'index.ts');
  const code = `const ff = await import(${JSON.stringify(lib)});
    const s = ff.loadShippedSystem('alanine-dipeptide');
    const t = ff.readTopology(${JSON.stringify(join(ROOT, 'data', 'vgvapg', 'topol.top'))});
    console.log(JSON.stringify({ cwd: process.cwd(), n: s.topology.atoms.length, m: t.atoms.length, files: t.files, shipped: ff.shippedForceFieldDir() }));`;
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', code], { cwd: tmp, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr.slice(-2000));
  const out = JSON.parse(r.stdout);
  assert.is(out.cwd, tmp);
  assert.is(out.n, 22);
  assert.is(out.m, 73);
  assert.is(out.shipped, SHIPPED);
  assert.ok(out.files.includes(join(SHIPPED, 'amber99sb-ildn.ff', 'forcefield.itp')), out.files.join(', '));
});

test('GMXLIB (colon-separated, empty and missing entries skipped) is searched before the shipped force fields', () => {
  const gmx = join(tmp, 'gmx-top');
  mkdirSync(gmx, { recursive: true });
  cpSync(join(SHIPPED, 'amber99sb-ildn.ff'), join(gmx, 'amber99sb-ildn.ff'), { recursive: true });
  const t = readTopology(TOP, { gmxlib: `:${join(tmp, 'missing')}::${gmx}:` });
  assert.is(t.atoms.length, 22);
  assert.ok(t.files.includes(join(gmx, 'amber99sb-ildn.ff', 'forcefield.itp')), t.files.join(', '));
  assert.ok(!t.files.some((f) => f.startsWith(SHIPPED)), 'the GMXLIB copy shadows the shipped one');
  // the environment variable is the default; '' ignores it
  const saved = process.env.GMXLIB;
  process.env.GMXLIB = gmx;
  try {
    assert.ok(readTopology(TOP).files.includes(join(gmx, 'amber99sb-ildn.ff', 'ffbonded.itp')));
    assert.ok(readTopology(TOP, { gmxlib: '' }).files.includes(join(SHIPPED, 'amber99sb-ildn.ff', 'ffbonded.itp')));
  } finally {
    if (saved === undefined) delete process.env.GMXLIB;
    else process.env.GMXLIB = saved;
  }
  const path = includeSearchPath({ includeDirs: [tmp], gmxlib: `${gmx}:${join(tmp, 'missing')}:${gmx}` });
  assert.equal(path.dirs, [tmp, gmx, join(tmp, 'missing'), SHIPPED]);
  assert.equal(path.sources, ['includeDirs', 'GMXLIB', 'GMXLIB; does not exist', "rarelab's shipped force fields"]);
  assert.is(path.note, undefined);
});

test('a missing #include names every folder searched and where it came from, and why the shipped folder was not searched', () => {
  const gmx = join(tmp, 'gmx-top');
  const text = readFileSync(TOP, 'utf8').replace('amber99sb-ildn.ff/forcefield.itp', 'charmm36.ff/forcefield.itp');
  const file = join(tmp, 'topol.top');
  try {
    parseTopology(text, file, { gmxlib: gmx, includeDirs: [join(tmp, 'extra')] });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, TopologyError);
    const m = (e as Error).message;
    assert.ok(m.includes(`#include "charmm36.ff/forcefield.itp" not found; searched ${tmp} (the including file's folder), ${join(tmp, 'extra')} (includeDirs; does not exist), ${gmx} (GMXLIB), ${SHIPPED} (rarelab's shipped force fields)`), m);
  }
  assert.throws(
    () => parseTopology(text, file, { gmxlib: '', shippedForceFields: false }),
    (e: Error) => e.message.endsWith(`searched ${tmp} (the including file's folder); rarelab's shipped force fields were not searched because shippedForceFields is false`),
  );
  assert.is(shippedForceFieldDir(), SHIPPED);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
