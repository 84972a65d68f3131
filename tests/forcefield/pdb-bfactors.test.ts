import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPdb, loadShippedSystem, parsePdb } from '../../lib/forcefield/index.js';

const s = loadShippedSystem('alanine-dipeptide');

test('formatPdb writes one B-factor per atom in columns 61-66; coordinates unchanged', () => {
  const b = s.atoms.map((_, i) => i * 1.5 - 3.25);
  const text = formatPdb(s.atoms, [s.positions], { bFactors: b });
  const atoms = text.split('\n').filter((l) => l.startsWith('ATOM  '));
  assert.is(atoms.length, 22);
  atoms.forEach((l, i) => {
    assert.is(l.slice(60, 66), (i * 1.5 - 3.25).toFixed(2).padStart(6));
    assert.is(l.slice(54, 60), '  1.00');
    assert.is(l.length, 78);
  });
  const plain = formatPdb(s.atoms, [s.positions]);
  assert.is(plain.split('\n')[0].slice(60, 66), '  0.00');
  const back = parsePdb(text);
  for (let k = 0; k < s.positions.length; k++) assert.ok(Math.abs(back.frames[0][k] - s.positions[k]) < 5e-5);
  assert.equal(back.atoms.map((a) => a.name), s.atoms.map((a) => a.name));
});

test('bad B-factors are named', () => {
  assert.throws(() => formatPdb(s.atoms, [s.positions], { bFactors: [1, 2] }), /2 B-factors for 22 atoms/);
  const b = new Array(22).fill(0);
  b[4] = NaN;
  assert.throws(() => formatPdb(s.atoms, [s.positions], { bFactors: b }), /B-factor of atom 5 is NaN/);
  b[4] = 12345;
  assert.throws(() => formatPdb(s.atoms, [s.positions], { bFactors: b }), /B-factor of atom 5 is 12345/);
});

test.run();
