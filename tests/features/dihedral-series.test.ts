import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { encodeDihedralRun, decodeDihedralRun, writeDihedralSeries, readDihedralSeries } from '../../lib/features/dihedral-series.js';

test('int16 encoding: 0.01-degree steps, little-endian, frame-major; values round to the nearest step', () => {
  // two frames of two dihedrals: [f0 d0, f0 d1, f1 d0, f1 d1]
  const b64 = encodeDihedralRun([-180, 179.996, 12.344, -0.006]);
  const bytes = Buffer.from(b64, 'base64');
  assert.equal(Array.from(new Int16Array(bytes.buffer, bytes.byteOffset, 4)), [-18000, 18000, 1234, -1]);
  const [d0, d1] = decodeDihedralRun(b64, 2);
  assert.equal(Array.from(d0), [-180, 12.34]);
  assert.equal(Array.from(d1), [180, -0.01]);
  assert.throws(() => encodeDihedralRun([181]), /value 0 is 181, outside \[-180, 180\]/);
  assert.throws(() => encodeDihedralRun([NaN]), /value 0 is NaN/);
  assert.throws(() => decodeDihedralRun(b64, 3), /8 bytes is not a whole number of frames of 3/);
});

test('write/read round trip: every value within 0.005 degree, names, atoms, frame time and metadata kept', () => {
  const dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'dihedral-series-'));
  const path = join(dir, 's.json');
  const runs = [0, 1].map((r) => [0, 1, 2].map((d) => Float64Array.from({ length: 50 }, (_, f) => 180 * Math.sin(0.37 * f + d + 5 * r))));
  writeDihedralSeries(path, { names: ['phi A', 'psi A', 'phi B'], atoms: [[0, 1, 2, 3], [1, 2, 3, 4], [4, 5, 6, 7]], framePs: 0.5, runs, meta: { temperature: 400 } });
  const s = readDihedralSeries(path);
  assert.equal(s.names, ['phi A', 'psi A', 'phi B']);
  assert.equal(s.atoms[2], [4, 5, 6, 7]);
  assert.is(s.framePs, 0.5);
  assert.is(s.meta.temperature, 400);
  let worst = 0;
  s.runs.forEach((run, r) => run.forEach((v, d) => v.forEach((x, f) => { worst = Math.max(worst, Math.abs(x - runs[r][d][f])); })));
  assert.ok(worst <= 0.005 + 1e-12, `max error ${worst}`);
  assert.throws(() => writeDihedralSeries(path, { names: ['a'], atoms: [], framePs: 1, runs: [], meta: {} }), /1 names but 0 atom quadruples/);
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ dihedrals: [{ name: 'x', atoms: [1, 2, 3] }], runs: [], framePs: 1 }));
  assert.throws(() => readDihedralSeries(join(dir, 'bad.json')), /dihedral 0 \(x\) does not have 4 atoms/);
});

test.run();
