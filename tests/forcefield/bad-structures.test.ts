import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadShippedSystem, parseGro, coordinatesForTopology, formatDcd, parseDcd, CoordinateFileError, CoincidentAtomsError,
} from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

// Issue 11, faults: overlapping atoms gave NaN silently; a .gro with the ACE and NME methyl lines
// swapped was accepted; a DCD with a negative atom count gave a RangeError and one cut mid-frame lost
// every frame.
const DATA = join(projectRoot(), 'data');
const sys = loadShippedSystem('alanine-dipeptide');
const ff = sys.forceField;
const GRO = readFileSync(join(DATA, 'alanine-dipeptide', 'minimised.gro'), 'utf8');

test('two atoms at the same position: energy, energyTerms and forces raise CoincidentAtomsError naming both', () => {
  // HH31 of ACE (atom 2) onto HA of ALA (atom 10): a non-bonded pair, 1/r terms blow up
  const x = Float64Array.from(sys.positions);
  x.copyWithin(3 * 9, 3 * 1, 3 * 2);
  const check = (e: unknown, walker: number) => {
    assert.instance(e, CoincidentAtomsError);
    const err = e as CoincidentAtomsError;
    assert.is(err.name, 'CoincidentAtomsError');
    assert.equal(err.atoms, [1, 9]);
    assert.is(err.distance, 0);
    assert.is(err.walker, walker);
    assert.match(err.message, new RegExp(`atom 2 \\(ACE1 HH31\\) and atom 10 \\(ALA2 HA\\)${walker >= 0 ? ` of walker ${walker}` : ''} are at the same position`));
    return true;
  };
  assert.throws(() => ff.energy(x), (e: unknown) => check(e, -1));
  assert.throws(() => ff.energyTerms(x), (e: unknown) => check(e, -1));
  // second walker of two; the first is fine
  const two = new Float64Array(2 * ff.dim);
  two.set(sys.positions, 0);
  two.set(x, ff.dim);
  assert.throws(() => ff.forces(two, new Float64Array(2 * ff.dim), 2), (e: unknown) => check(e, 1));
  // a bonded pair (N and H of ALA): the bond's energy is finite, its force direction is not
  const y = Float64Array.from(sys.positions);
  y.copyWithin(3 * 7, 3 * 6, 3 * 7);
  assert.throws(() => ff.forces(y, new Float64Array(ff.dim), 1), (e: unknown) => e instanceof CoincidentAtomsError && /atom 7 \(ALA2 N\) and atom 8 \(ALA2 H\) of walker 0 are at the same position/.test((e as Error).message));
  // atoms merely close stay an ordinary (finite, large) energy
  const z = Float64Array.from(sys.positions);
  z[3 * 9] = z[3 * 1] + 0.01;
  z[3 * 9 + 1] = z[3 * 1 + 1];
  z[3 * 9 + 2] = z[3 * 1 + 2];
  const e = ff.energy(z);
  assert.ok(Number.isFinite(e) && e > 1e4, `energy at 0.01 nm: ${e}`);
});

test('a .gro with the ACE and NME methyl lines swapped is refused: residue names and numbering are checked too', () => {
  const lines = GRO.split('\n');
  // atom lines start at line 3 (index 2): CH3 of ACE is atom 1, CH3 of NME atom 19
  [lines[2], lines[20]] = [lines[20], lines[2]];
  assert.match(lines[2], /3NME\s+CH3/);
  const swapped = parseGro(lines.join('\n'));
  assert.throws(
    () => coordinatesForTopology(sys.topology, swapped),
    (e: Error) => e instanceof CoordinateFileError && e.message === 'atom 1 (CH3) is in residue 3 NME in the coordinates but in residue 1 ACE in the topology (atom order differs)',
  );
  // same residue names, wrong residue number inside the molecule: the NME block renumbered as 2
  const renumbered = parseGro(GRO.replace(/^ {4}3NME/gm, '    2NME'));
  assert.throws(
    () => coordinatesForTopology(sys.topology, renumbered),
    (e: Error) => e instanceof CoordinateFileError && /atoms 16 \(O\) and 17 \(N\) are in residue 2 ALA and residue 2 NME in the coordinates but in residue 2 ALA and residue 3 NME in the topology/.test(e.message),
  );
  // a consistent offset (the file numbers residues from 101) and a wrapped .gro number are accepted
  const shifted = parseGro(GRO.replace(/^ {4}([123])(ACE|ALA|NME)/gm, (_m, r, n) => `  ${100 + Number(r)}${n}`));
  assert.equal(Array.from(coordinatesForTopology(sys.topology, shifted)), Array.from(sys.positions));
  // checkNames = false skips all of it
  assert.is(coordinatesForTopology(sys.topology, swapped, 0, false).length, ff.dim);
});

test('DCD: a negative or zero atom count is a named error about the header', () => {
  const bytes = formatDcd([Float64Array.from(sys.positions)]);
  const dv = new DataView(bytes.buffer);
  const natomOffset = 92 + 4 + 84 + 4 + 4; // after the 92-byte first record and the 84-byte title record
  assert.is(dv.getInt32(natomOffset, true), 22);
  for (const bad of [-5, 0]) {
    dv.setInt32(natomOffset, bad, true);
    assert.throws(() => parseDcd(bytes, 'bad.dcd'), (e: Error) => e instanceof CoordinateFileError && e.message === `bad.dcd: the header gives ${bad} atoms; a DCD file needs at least one (corrupt header?)`);
  }
});

test('DCD cut mid-frame: the complete frames are read and `truncated` says what was cut', () => {
  const frames = [0, 1, 2].map((k) => sys.positions.map((v, q) => v + 0.01 * k * ((q % 3) - 1)));
  const box = new Float64Array([3, 0, 0, 0, 3, 0, 0, 0, 3]);
  const full = formatDcd(frames, { box });
  const frameBytes = 56 + 3 * (8 + 4 * 22);
  const whole = parseDcd(full);
  assert.is(whole.truncated, null);
  assert.is(whole.frames.length, 3);
  for (const cut of [frameBytes - 1, 100, 1]) {
    const bytes = full.slice(0, full.length - cut);
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    let d: ReturnType<typeof parseDcd>;
    try {
      d = parseDcd(bytes, 'cut.dcd');
    } finally {
      console.warn = warn;
    }
    assert.is(d.frames.length, 2);
    assert.equal(d.frames.map((f) => Array.from(f)), whole.frames.slice(0, 2).map((f) => Array.from(f)));
    assert.is(d.boxes.length, 2);
    const partial = frameBytes - cut;
    assert.equal(d.truncated, {
      completeFrames: 2, headerFrames: 3, partialBytes: partial, frameBytes,
      message: `cut.dcd: the file ends inside frame 2 (${partial} of its ${frameBytes} bytes present), so it was cut (an interrupted write?); read the 2 complete frames before the cut; the header announces 3 frames`,
    });
    assert.equal(warnings, [`rarelab: ${d.truncated!.message}`]);
    assert.is(parseDcd(bytes, 'cut.dcd', { onTruncated: 'ignore' }).truncated!.completeFrames, 2);
    assert.throws(() => parseDcd(bytes, 'cut.dcd', { onTruncated: 'error' }), (e: Error) => e instanceof CoordinateFileError && e.message === d.truncated!.message);
  }
  assert.throws(() => parseDcd(full, 'x.dcd', { onTruncated: 'skip' as never }), /onTruncated must be 'warn', 'error' or 'ignore', got skip/);
});

test.run();
