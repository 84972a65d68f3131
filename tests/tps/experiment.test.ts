import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineRunner, WorkerPool, libRef } from '../../lib/sampling/index.js';
import type { TpsExperimentResult, TpsExperimentTask } from '../../lib/tps/index.js';

// 1-D double well (barrier 3 kT), underdamped; the same experiments inline and on two workers.
const kernel = libRef('tpsExperimentKernel', {
  system: libRef('DoubleWell', 1, 3),
  integrator: { kind: 'baoab', dt: 0.02, kT: 1, friction: 1 },
  states: { A: libRef('ball', [-2], 1.2), B: libRef('ball', [2], 1.2) },
  kT: 1, masses: 1, maxSteps: 5000,
  initialPath: { frames: Array.from({ length: 21 }, (_, i) => -0.9 + i * 0.09), nFrames: 21, dim: 1 },
  learner: { inputs: 1, width: 4 },
});
const tasks: TpsExperimentTask[] = [{ seed: 1, moves: 12, guided: true, keepLearner: true }, { seed: 2, moves: 12, guided: false, keepShootingPoints: true }];

test('TPS experiments (guided and standard) give identical results inline and on a 2-worker pool', async () => {
  const inline = await new InlineRunner().run<TpsExperimentTask, TpsExperimentResult>(kernel, tasks, { seed: 0 });
  const pool = new WorkerPool({ workers: 2 });
  try {
    const par = await pool.run<TpsExperimentTask, TpsExperimentResult>(kernel, tasks, { seed: 0 });
    for (let k = 0; k < 2; k++) {
      assert.equal(Array.from(par[k].generated), Array.from(inline[k].generated));
      assert.equal(Array.from(par[k].accepted), Array.from(inline[k].accepted));
      assert.equal(Array.from(par[k].lastPath), Array.from(inline[k].lastPath));
    }
    assert.equal(par[0].learner!.net, inline[0].learner!.net, 'same trained network');
    assert.is(inline[1].shootingPoints!.length, 12);
    // shots are counted consistently: a generated path has one half in each state
    inline.forEach((r) => r.generated.forEach((g, i) => { if (g) assert.ok(r.nA[i] === 1 && r.nB[i] === 1); }));
    assert.ok(inline.some((r) => r.generated.some((g) => g === 1)), 'transitions happen');
  } finally {
    await pool.close();
  }
});

test.run();
