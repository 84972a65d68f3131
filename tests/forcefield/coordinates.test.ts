import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGro, parseGro, formatGro, readPdb, parsePdb, formatPdb, formatDcd, parseDcd, readDcd, boxFromCell, cellFromBox, topologyAtomRecords, readTopology } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

const DATA = join(projectRoot(), 'data');
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};

test('gro: multi-frame, 6-decimal file reads with the field width from the decimal points', () => {
  const s = readGro(join(DATA, 'alanine-dipeptide', 'frames.gro'));
  assert.is(s.frames.length, 5);
  assert.is(s.atoms.length, 22);
  assert.equal(s.atoms[0], { resNr: 1, resName: 'ACE', name: 'CH3', element: '', chain: '' });
  assert.is(s.frames[0][0], 5.663425); // "    1ACE    CH3    1   5.663425   5.880687   5.909960"
  assert.is(s.frames[0][2], 5.90996);
  assert.equal([...s.boxes[0]!], [12, 0, 0, 0, 12, 0, 0, 0, 12]);
  // round trip at 6 decimals is exact
  const again = parseGro(formatGro(s.atoms, s.frames, { decimals: 6, box: s.boxes }));
  s.frames.forEach((f, k) => assert.is(maxDiff(f, again.frames[k]), 0));
  // standard 3-decimal gro rounds to 0.0005 nm
  const g3 = parseGro(formatGro(s.atoms, s.frames, { box: s.boxes[0] }));
  assert.ok(maxDiff(g3.frames[3], s.frames[3]) <= 0.0005 + 1e-12);
  assert.throws(() => parseGro('t\n 2\n    1ACE    CH3    1   5.663   5.880   5.909\n', 'x.gro'), /x\.gro: frame 0 is truncated/);
});

test('gro velocities and triclinic boxes', () => {
  const text = 'v\n    1\n    1SOL     OW    1   0.126   1.624   1.679  0.1227 -0.0580  0.0434\n   1.82060   1.82060   1.82060   0.00000   0.00000   0.50000   0.00000   0.50000   0.70000\n';
  const s = parseGro(text);
  assert.equal([...s.velocities![0]], [0.1227, -0.058, 0.0434]);
  assert.equal([...s.boxes[0]!], [1.8206, 0, 0, 0.5, 1.8206, 0, 0.5, 0.7, 1.8206]);
});

test('PDB: minimised.pdb (written by gmx editconf) agrees with minimised.gro to the PDB precision', () => {
  const g = readGro(join(DATA, 'vgvapg', 'minimised.gro'));
  const p = readPdb(join(DATA, 'vgvapg', 'minimised.pdb'));
  assert.is(p.atoms.length, 73);
  assert.ok(maxDiff(g.frames[0], p.frames[0]) <= 5e-5 + 1e-12); // 0.001 A = 1e-4 nm, rounded
  assert.equal(p.atoms.map((a) => a.name), g.atoms.map((a) => a.name));
  assert.ok(maxDiff(p.boxes[0]!, g.boxes[0]!) < 1e-9);
});

test('PDB: multi-model write/read round trip with CRYST1 and atom-name alignment', () => {
  const top = readTopology(join(DATA, 'alanine-dipeptide', 'topol.top'));
  const atoms = topologyAtomRecords(top);
  const s = readGro(join(DATA, 'alanine-dipeptide', 'frames.gro'));
  const text = formatPdb(atoms, s.frames, { box: s.boxes[0], title: 'ala2' });
  assert.ok(text.includes('\nMODEL        5\n'));
  assert.ok(text.includes('ATOM      1  CH3 ACE A   1      56.634  58.807  59.100  1.00  0.00           C'));
  assert.ok(text.includes('ATOM      2 HH31 ACE A   1'));
  const back = parsePdb(text);
  assert.is(back.frames.length, 5);
  back.frames.forEach((f, k) => assert.ok(maxDiff(f, s.frames[k]) <= 5e-5 + 1e-12));
  assert.equal(back.atoms.map((a) => a.element).slice(0, 2), ['C', 'H']);
  assert.ok(maxDiff(back.boxes[0]!, s.boxes[0]!) < 1e-9);
});

test('DCD: our writer round-trips through our reader at float32 precision, with and without unit cells', () => {
  const s = readGro(join(DATA, 'vgvapg', 'frames.gro'));
  for (const box of [undefined, s.boxes]) {
    const bytes = formatDcd(s.frames, { box, timestep: 0.002 });
    const d = parseDcd(bytes);
    assert.is(d.nAtoms, 73);
    assert.is(d.frames.length, 5);
    d.frames.forEach((f, k) => assert.ok(maxDiff(f, s.frames[k]) < 1e-6)); // float32 of ~60 A: 4e-6 A
    assert.ok(Math.abs(d.timestep - 0.002) < 1e-9);
    if (box) assert.ok(maxDiff(d.boxes[0]!, s.boxes[0]!) < 1e-12);
    else assert.is(d.boxes[0], null);
  }
});

test('DCD: reads the file mdtraj wrote (frames.mdtraj.dcd, with unit cell)', () => {
  const s = readGro(join(DATA, 'alanine-dipeptide', 'frames.gro'));
  const d = readDcd(join(DATA, 'alanine-dipeptide', 'frames.mdtraj.dcd'));
  assert.is(d.frames.length, 5);
  d.frames.forEach((f, k) => assert.ok(maxDiff(f, s.frames[k]) < 1e-6));
  assert.ok(maxDiff(d.boxes[0]!, s.boxes[0]!) < 1e-6);
  assert.throws(() => parseDcd(new Uint8Array(200)), /not a DCD file/);
});

test('cell <-> box vectors', () => {
  const b = boxFromCell(3, 4, 5, 80, 85, 95);
  const c = cellFromBox(b);
  [3, 4, 5, 80, 85, 95].forEach((v, k) => assert.ok(Math.abs(c[k] - v) < 1e-10));
});

test.run();
