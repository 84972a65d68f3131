import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineRunner, libRef, type TrajectoryResult, type TrajectoryTask } from '../../lib/sampling/index.js';
import { loadShippedSolvatedSystem } from '../../lib/forcefield/index.js';
import { BAOAB } from '../../lib/dynamics/langevin.js';
import { Rng } from '../../lib/dynamics/rng.js';

const KB = 0.00831446261815324;
const integrator = { kind: 'baoab' as const, dt: 0.002, kT: KB * 300, friction: 1, bondConstraints: 'system' as const };

test("langevinKernel with bondConstraints 'system' runs a solvated system with its SHAKE + SETTLE constraints and atom masses: the same numbers as BAOAB built by hand", async () => {
  const s = loadShippedSolvatedSystem('alanine-dipeptide-tip3p');
  const kernel = libRef('langevinKernel', { system: libRef('loadShippedSolvatedSystem', 'alanine-dipeptide-tip3p'), integrator });
  const [r] = await new InlineRunner().run<TrajectoryTask, TrajectoryResult>(kernel, [{ x0: s.positions, nSteps: 4 }], { seed: 3 });
  // by hand: the task's stream is Rng(seed).fork(index); velocities drawn, then 4 steps
  const x = Float64Array.from(s.positions);
  s.constraints.apply(x, 1);
  const baoab = new BAOAB(s.forceField, { dt: 0.002, kT: KB * 300, friction: 1, masses: s.forceField.massesPerCoordinate(), constraints: s.constraints });
  const rng = new Rng(3).fork(0);
  const v = baoab.maxwellBoltzmann(1, rng, undefined, x);
  baoab.run(x, v, 1, 4, rng);
  assert.equal(Array.from(r.final), Array.from(x));
  assert.ok(s.constraints.maxDeviation(r.final, 1) < 1e-8, `constraint deviation ${s.constraints.maxDeviation(r.final, 1)}`);
});

test("bondConstraints 'system' on a system without constraints is a clear error", async () => {
  const kernel = libRef('langevinKernel', { system: libRef('MullerBrown'), integrator });
  try {
    await new InlineRunner().run(kernel, [{ x0: new Float64Array(2), nSteps: 1 }], { seed: 0 });
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /bondConstraints 'system' needs a system that comes with constraints/);
  }
});

test.run();
