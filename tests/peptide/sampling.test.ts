import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineRunner, WorkerPool, libRef, type TrajectoryResult, type TrajectoryTask } from '../../lib/sampling/index.js';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { phiPsiAtoms, inAngleRange } from '../../lib/features/ramachandran.js';
import { dihedral } from '../../lib/features/observables.js';

const KB = 0.00831446261815324;
const s = loadShippedSystem('alanine-dipeptide');
const { phi } = phiPsiAtoms(s.topology.atoms);
const A: [number, number] = [-110, 0]; // phi: left the C5 basin towards C7eq / alpha_R
const B: [number, number] = [0, 180]; // phi > 0: the C7ax / alpha_L side

// The kernel is rebuilt in each worker from ModuleRefs: the molecule from loadShippedSystem (its
// force field, atom masses and H-bond constraints), the states from dihedralBox on phi.
const kernel = libRef('langevinKernel', {
  system: libRef('loadShippedSystem', 'alanine-dipeptide'),
  integrator: { kind: 'baoab', dt: 0.002, kT: KB * 300, friction: 1, bondConstraints: 'h-bonds' },
  states: { A: libRef('dihedralBox', [phi], [A]), B: libRef('dihedralBox', [phi], [B]) },
});
const tasks: TrajectoryTask[] = Array.from({ length: 6 }, () => ({ x0: Float64Array.from(s.positions), nSteps: 2500, stopAtStates: true, checkEvery: 5, saveEvery: 5 }));
const phiDeg = (x: Float64Array, o = 0) => (dihedral(x, phi[0], phi[1], phi[2], phi[3], o) * 180) / Math.PI;

test('alanine dipeptide trajectories on the pool: identical inline, on 1 and on 2 workers; they stop on entering a phi region', async () => {
  const inline = await new InlineRunner().run<TrajectoryTask, TrajectoryResult>(kernel, tasks, { seed: 17 });
  const p1 = new WorkerPool({ workers: 1 }), p2 = new WorkerPool({ workers: 2 });
  try {
    const one = await p1.run<TrajectoryTask, TrajectoryResult>(kernel, tasks, { seed: 17 });
    const two = await p2.run<TrajectoryTask, TrajectoryResult>(kernel, tasks, { seed: 17 });
    for (let i = 0; i < tasks.length; i++) {
      assert.equal(Array.from(one[i].final), Array.from(inline[i].final), `task ${i}, 1 worker`);
      assert.equal(Array.from(two[i].final), Array.from(inline[i].final), `task ${i}, 2 workers`);
      assert.is(one[i].steps, inline[i].steps);
      assert.is(two[i].state, inline[i].state);
    }
  } finally {
    await p1.close();
    await p2.close();
  }
  let stopped = 0;
  for (const r of inline) {
    const f = r.frames!;
    const nFrames = f.length / 66;
    assert.is(nFrames, r.steps / 5 + 1);
    // no frame before the last is in a state; the last is in the reported one
    for (let k = 0; k < nFrames - 1; k++) {
      const p = phiDeg(f, k * 66);
      assert.ok(!inAngleRange(p, A) && !inAngleRange(p, B), `frame ${k} phi ${p} already in a state`);
    }
    const last = phiDeg(r.final);
    if (r.state === null) {
      assert.is(r.steps, 2500);
    } else {
      stopped++;
      assert.ok(inAngleRange(last, r.state === 'A' ? A : B), `stopped in ${r.state} at phi ${last}`);
    }
    // H-bond constraints held in the worker: C-H 0.109 nm, N-H 0.101 nm
    const hb = s.forceField.hydrogenBonds;
    for (let c = 0; c < hb.lengths.length; c++) {
      const i = 3 * hb.pairs[2 * c], j = 3 * hb.pairs[2 * c + 1];
      const d = Math.hypot(r.final[i] - r.final[j], r.final[i + 1] - r.final[j + 1], r.final[i + 2] - r.final[j + 2]);
      assert.ok(Math.abs(d / hb.lengths[c] - 1) < 1e-9, `constraint ${c}: ${d}`);
    }
  }
  console.log(`    states ${inline.map((r) => r.state)}, steps ${inline.map((r) => r.steps)}`);
  // From C5 (phi -147) at 300 K, phi crosses -110 within 5 ps in most trajectories.
  assert.ok(stopped >= 3, `${stopped} of 6 trajectories stopped`);
});

test('kernel errors name the problem: constraints on an analytic potential, wrong x0 length', async () => {
  const bad = libRef('langevinKernel', { system: libRef('MullerBrown'), integrator: { kind: 'baoab', dt: 1e-4, kT: 1, friction: 1, bondConstraints: 'h-bonds' } });
  try {
    await new InlineRunner().run(bad, [], { seed: 1 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /bondConstraints 'h-bonds' needs a molecular force field, but Müller-Brown|needs a molecular force field/);
  }
  try {
    await new InlineRunner().run(kernel, [{ x0: new Float64Array(65), nSteps: 1 }], { seed: 1 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /x0 must be a Float64Array of length 66 \(alanine-dipeptide\)/);
  }
});

test.run();
