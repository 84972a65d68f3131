import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MonteCarloBarostat, BAR_IN_KJ_PER_MOL_NM3 } from '../../lib/dynamics/barostat.js';
import type { BoxedPotential } from '../../lib/dynamics/barostat.js';
import { Rng } from '../../lib/dynamics/rng.js';

/** An ideal gas of n one-atom molecules (zero energy) in a periodic box. */
function idealGas(n: number, L: number, cutoff?: number): BoxedPotential & { sets: number } {
  const box = Float64Array.from([L, L, L]);
  return { dim: 3 * n, box, cutoff, sets: 0, setBox(b: ArrayLike<number>) { box.set(b); this.sets++; }, energy: () => 0 };
}

test('ideal gas: the volume samples p(V) ~ V^N exp(-P V / kT), mean (N + 1) kT / P to 1.5% (N = 50, 300 K, 1 bar)', () => {
  const n = 50, kT = 2.494339, P = 1;
  const gas = idealGas(n, 12);
  const rng = new Rng(2024);
  const x = Float64Array.from({ length: 3 * n }, () => rng.uniform(0, 12));
  const baro = new MonteCarloBarostat(gas, { pressure: P, kT, molecules: Int32Array.from({ length: n }, (_, k) => k) });
  let sum = 0, count = 0;
  for (let k = 0; k < 200000; k++) {
    baro.step(x, rng);
    if (k >= 20000) {
      sum += gas.box[0] ** 3;
      count++;
    }
  }
  const expected = ((n + 1) * kT) / (P * BAR_IN_KJ_PER_MOL_NM3); // 2112 nm^3
  assert.ok(Math.abs(sum / count / expected - 1) < 0.015, `mean V ${sum / count} vs ${expected}`);
  const rate = baro.totalAccepted / baro.totalAttempted;
  assert.ok(rate > 0.2 && rate < 0.8, `acceptance ${rate}`); // the adaptive step keeps it in 25-75%
});

test('molecules move rigidly with their centres; boxes below twice the cut-off are rejected; bad options throw', () => {
  const gas = idealGas(4, 3, 1.0);
  const x = Float64Array.from([1, 1, 1, 1.1, 1, 1, 2, 2, 2, 2, 2.1, 2]); // molecule 0: atoms 0-1, molecule 1: atoms 2-3
  const baro = new MonteCarloBarostat(gas, { pressure: 1, kT: 2.5, molecules: [0, 0, 1, 1] });
  const rng = new Rng(5);
  baro.volumeScale = 5; // large trial moves
  for (let k = 0; k < 200; k++) {
    baro.step(x, rng);
    assert.ok(Math.abs(x[3] - x[0] - 0.1) < 1e-12 && Math.abs(x[10] - x[7] - 0.1) < 1e-12, 'bond lengths kept');
    assert.ok(gas.box[0] >= 2.0, `box ${gas.box[0]}`);
    const s = gas.box[0] / 3;
    assert.ok(Math.abs((x[0] + x[3]) / 2 - 1.05 * s) < 1e-9, 'centre scaled with the box');
  }
  assert.throws(() => new MonteCarloBarostat(gas, { pressure: -1, kT: 2.5, molecules: [0, 0, 1, 1] }), /pressure must be non-negative/);
  assert.throws(() => new MonteCarloBarostat(gas, { pressure: 1, kT: 2.5, molecules: [0, 1] }), /2 molecule indices for 4 atoms/);
});

test.run();
