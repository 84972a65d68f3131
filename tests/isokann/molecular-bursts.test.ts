import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { BondConstraints } from '../../lib/dynamics/constraints.js';
import { InlineRunner, libRef } from '../../lib/sampling/index.js';
import { runBursts, sampleBursts } from '../../lib/isokann/data.js';

test('ISOKANN bursts of a molecule use atom masses and H-bond constraints, identical in-thread and on a runner', async () => {
  const sys = loadShippedSystem('alanine-dipeptide');
  const ff = sys.forceField;
  const integrator = { kind: 'baoab' as const, dt: 0.002, kT: 2.494, friction: 1, bondConstraints: 'h-bonds' as const };
  const x = Float64Array.from([...sys.positions, ...sys.positions]);
  const own = sampleBursts(ff, x, 2, { integrator, lag: 0.1, bursts: 3, seed: 4 });
  const viaRunner = await runBursts(new InlineRunner(), x, 2, { system: libRef('loadShippedSystem', 'alanine-dipeptide'), integrator, lag: 0.1, bursts: 3, seed: 4 });
  assert.equal(Array.from(own.y), Array.from(viaRunner.y));
  const hb = ff.hydrogenBonds;
  const c = new BondConstraints(hb.pairs, hb.lengths, ff.masses);
  assert.ok(c.maxDeviation(own.y, 6) < 1e-8, `H-bond lengths deviate by ${c.maxDeviation(own.y, 6)}`);
  // 50 steps at 300 K move atoms by ~0.01-0.1 nm: the bursts really ran
  let moved = 0;
  for (let k = 0; k < x.length / 2; k++) moved = Math.max(moved, Math.abs(own.y[k] - x[k]));
  assert.ok(moved > 0.005 && moved < 0.5, `largest displacement ${moved} nm`);
});

test.run();
