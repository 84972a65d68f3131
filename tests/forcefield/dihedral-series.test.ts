import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ForceField, parseTopology } from '../../lib/forcefield/index.js';
import { dihedral } from '../../lib/features/observables.js';

// The force field evaluates all cosine terms of one atom quadruple as a Fourier series with
// cos(n phi), sin(n phi) from the angle-addition recurrence (no trig calls). Check it against the
// textbook sum of k (1 + cos(n phi - phase)) for every multiplicity 0..6 (and a negative one) and
// phases that are not 0/180, at many phi, plus forces by central differences.
const TERMS: [number, number, number][] = [
  [0, 1.5, 0], [37, 2.0, 1], [-20, 0.7, 2], [180, 4.0, 3], [95, 1.1, 4], [12.5, 0.3, 5], [250, 0.9, 6], [33, 0.45, -2],
];
const top = (func: 9 | 4) => `
[ defaults ]
1 2 yes 0.5 0.8333
[ atomtypes ]
CT 6 12.01 0.0 A 0.339967 0.0
[ moleculetype ]
four 3
[ atoms ]
1 CT 1 X C1 1 0.0 12.01
2 CT 1 X C2 2 0.0 12.01
3 CT 1 X C3 3 0.0 12.01
4 CT 1 X C4 4 0.0 12.01
[ dihedrals ]
${TERMS.map(([ph, k, n]) => `1 2 3 4 ${func} ${ph} ${k} ${n}`).join('\n')}
[ system ]
four
[ molecules ]
four 1
`;

/** Atoms of a dihedral with angle phi (rad) and slightly irregular geometry. */
function geometry(phi: number): Float64Array {
  return Float64Array.from([
    0.02, 0.14, 0.01,
    0, 0, 0,
    0.153, 0.004, -0.002,
    0.153 + 0.05, 0.14 * Math.cos(phi), 0.14 * Math.sin(phi),
  ]);
}

for (const func of [9, 4] as const) {
  test(`func ${func}: energy equals sum k (1 + cos(n phi - phase)) for n = 0..6 and n < 0, forces equal finite differences`, () => {
    const ff = new ForceField(parseTopology(top(func)));
    let worstE = 0, worstF = 0;
    for (let s = 0; s < 37; s++) {
      const x = geometry(-Math.PI + (2 * Math.PI * s) / 36 + 0.013);
      const phi = dihedral(x, 0, 1, 2, 3);
      const want = TERMS.reduce((acc, [ph, k, n]) => acc + k * (1 + Math.cos(n * phi - (ph * Math.PI) / 180)), 0);
      const e = ff.energyTerms(x);
      assert.is(func === 9 ? e.improper : e.proper, 0);
      worstE = Math.max(worstE, Math.abs((func === 9 ? e.proper : e.improper) - want));
      assert.ok(Math.abs(e.total - want) < 1e-12 * Math.max(1, Math.abs(want)), `phi ${phi}: ${e.total} vs ${want}`);
      const f = new Float64Array(12);
      ff.forces(x, f, 1);
      const h = 1e-6;
      for (let k = 0; k < 12; k++) {
        const x0 = x[k];
        x[k] = x0 + h; const ep = ff.energy(x);
        x[k] = x0 - h; const em = ff.energy(x);
        x[k] = x0;
        worstF = Math.max(worstF, Math.abs(-(ep - em) / (2 * h) - f[k]) / Math.max(1, Math.abs(f[k])));
      }
    }
    assert.ok(worstE < 1e-12, `energy error ${worstE}`);
    assert.ok(worstF < 1e-6, `force error ${worstF}`);
  });
}

test('a non-integer multiplicity in the topology is rejected by the reader', () => {
  assert.throws(() => parseTopology(top(9).replace('1 2 3 4 9 37 2 1', '1 2 3 4 9 37 2 1.5')), /multiplicity must be an integer, got 1\.5/);
});

test.run();
