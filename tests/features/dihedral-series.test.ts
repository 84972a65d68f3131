import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { encodeDihedralRun, decodeDihedralRun, writeDihedralSeries, readDihedralSeries } from '../../lib/features/dihedral-series.js';
import { backboneDihedrals, dihedral } from '../../lib/features/observables.js';
import { loadShippedSystem, readDcd } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

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

test('shipped VGVAPG 400 K reference: the dihedrals are the capped topology\'s backbone phi/psi, frame 0 is minimised.gro, DCD frames match the series', () => {
  const sys = loadShippedSystem('vgvapg-capped');
  const s = readDihedralSeries(join(projectRoot(), 'data', 'vgvapg-capped', 'langevin-400K.json'));
  const { phi, psi } = backboneDihedrals(sys.topology.atoms);
  assert.equal(s.atoms, [...phi, ...psi].map((d) => d.atoms));
  assert.is(s.framePs, 0.5);
  assert.is(s.runs.length, 2);
  const dcd = readDcd(join(projectRoot(), 'data', 'vgvapg-capped', 'langevin-400K.dcd'));
  const meta = s.meta.dcd as { everyFrames: number; framesPerRun: number };
  assert.is(dcd.frames.length, 2 * meta.framesPerRun);
  for (const run of s.runs) {
    assert.is(run[0].length, 16001); // 8 ns every 0.5 ps, frame 0 = the start
    // frame 0 of both runs is the minimised structure after the SHAKE projection onto the X-H bond lengths, which
    // moves heavy atoms by ~1e-5 nm (measured: up to 0.0068 deg, psi of the central valine), plus the 0.005-deg storage
    s.atoms.forEach((a, d) => assert.ok(Math.abs(run[d][0] - (dihedral(sys.positions, ...a) * 180) / Math.PI) <= 0.01, `dihedral ${s.names[d]}`));
  }
  // the DCD (float32 Angstrom) frame j of run r is series frame j * everyFrames
  let worst = 0;
  for (let r = 0; r < 2; r++) for (const j of [1, 100, meta.framesPerRun - 1]) {
    const x = dcd.frames[r * meta.framesPerRun + j];
    s.atoms.forEach((a, d) => {
      let diff = Math.abs((dihedral(x, ...a) * 180) / Math.PI - s.runs[r][d][j * meta.everyFrames]);
      diff = Math.min(diff, 360 - diff);
      worst = Math.max(worst, diff);
    });
  }
  assert.ok(worst < 0.02, `DCD vs series: ${worst} deg`); // 0.005 deg storage + float32 coordinates
});

test.run();
