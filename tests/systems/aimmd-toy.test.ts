import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AimmdToy, aimmdNuisanceFrequencies } from '../../lib/systems/aimmd-toy.js';
import { Rng } from '../../lib/dynamics/rng.js';

test('forces equal central finite differences of the energy, nuisance coordinates included', () => {
  const rng = new Rng(2);
  const p = new AimmdToy({ frequencies: aimmdNuisanceFrequencies(5, rng) });
  const x = Float64Array.from({ length: p.dim }, () => rng.uniform(-0.8, 0.8));
  const f = new Float64Array(p.dim);
  const e = new Float64Array(1);
  p.forces(x, f, 1, e);
  assert.ok(Math.abs(e[0] - p.energy(x)) < 1e-12);
  for (let k = 0; k < p.dim; k++) {
    const h = 1e-6, xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[k] += h; xm[k] -= h;
    const fd = -(p.energy(xp) - p.energy(xm)) / (2 * h);
    assert.ok(Math.abs(fd - f[k]) < 1e-6 * (1 + Math.abs(fd)), `coordinate ${k}: ${f[k]} vs ${fd}`);
  }
});

test('two symmetric minima near the state centres and a barrier of about 6.5 kT (SI: "approximately 7")', () => {
  const p = new AimmdToy();
  // minimum energy along lines of constant x, then the highest of those minima: the barrier on the MEP
  let lowest = Infinity, barrier = -Infinity;
  for (let x = -0.9; x <= 0.9001; x += 0.005) {
    let m = Infinity;
    for (let y = -1; y <= 1; y += 0.001) m = Math.min(m, p.energy([x, y]));
    lowest = Math.min(lowest, m);
    if (Math.abs(x) < 0.3) barrier = Math.max(barrier, m);
  }
  assert.ok(Math.abs(lowest - -6.517) < 0.01, `minimum ${lowest}`);
  assert.ok(Math.abs(barrier - lowest - 6.51) < 0.05, `barrier ${barrier - lowest} kT`);
  assert.ok(Math.abs(p.energy([-0.75, -0.5]) - p.energy([0.75, 0.5])) < 1e-12, 'symmetric under (x, y) -> (-x, -y)');
});

test('nuisance frequencies: first two from the transition-path time, rest in [0, 10)', () => {
  const w = aimmdNuisanceFrequencies(40, new Rng(1));
  assert.ok(Math.abs(2 * Math.PI / w[0] - 55) < 1e-9);
  assert.ok(Math.abs(2 * Math.PI / w[1] - 11) < 1e-9);
  for (let j = 2; j < 40; j++) assert.ok(w[j] >= 0 && w[j] < 10);
  assert.throws(() => new AimmdToy({ frequencies: [1, NaN] }), /frequency 1 is NaN/);
});

test.run();
