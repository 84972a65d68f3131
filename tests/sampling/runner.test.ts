import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineRunner, WorkerPool, libRef, type TrajectoryResult, type TrajectoryTask } from '../../lib/sampling/index.js';

const kernel = libRef('langevinKernel', {
  system: libRef('MullerBrown'),
  integrator: { kind: 'baoab', dt: 1e-4, kT: 15, friction: 20 },
  states: { A: libRef('ball', [-0.558, 1.442], 0.1), B: libRef('ball', [0.623, 0.028], 0.1) },
});

const starts = [[-0.8, 0.62], [0.2, 0.3], [-0.05, 0.47], [0.5, 0.1], [-0.5, 1.3], [0.0, 0.6]];
const tasks: TrajectoryTask[] = starts.map((p) => ({ x0: Float64Array.from(p), nSteps: 3000, stopAtStates: true, checkEvery: 10, saveEvery: 10 }));

test('results are identical inline and on 1 or 2 workers for the same seed', async () => {
  const inline = await new InlineRunner().run<TrajectoryTask, TrajectoryResult>(kernel, tasks, { seed: 99 });
  const p1 = new WorkerPool({ workers: 1 });
  const p2 = new WorkerPool({ workers: 2 });
  try {
    const one = await p1.run<TrajectoryTask, TrajectoryResult>(kernel, tasks, { seed: 99 });
    let progress = 0;
    const two = await p2.run<TrajectoryTask, TrajectoryResult>(kernel, tasks, { seed: 99, onProgress: (d) => (progress = d) });
    assert.is(progress, tasks.length);
    for (let i = 0; i < tasks.length; i++) {
      assert.equal(Array.from(one[i].final), Array.from(inline[i].final), `task ${i}, 1 worker`);
      assert.equal(Array.from(two[i].final), Array.from(inline[i].final), `task ${i}, 2 workers`);
      assert.is(two[i].state, inline[i].state);
    }
    const other = await p2.run<TrajectoryTask, TrajectoryResult>(kernel, tasks, { seed: 100 });
    assert.not.equal(Array.from(other[0].final), Array.from(inline[0].final));
  } finally {
    await p1.close();
    await p2.close();
  }
});

test('trajectories stop on entering a state, and the last frame lies in it', async () => {
  // 20000 steps: from (-0.5, 1.3) the median first entry into A takes ~240 steps and 2.5 % of
  // trajectories need more than 3000, so a shorter limit would make the assertions below a coin toss.
  const long = tasks.map((t) => ({ ...t, nSteps: 20000 }));
  const res = await new InlineRunner().run<TrajectoryTask, TrajectoryResult>(kernel, long, { seed: 3 });
  let stopped = 0;
  for (const r of res) {
    if (r.state === null) { assert.is(r.steps, 20000); continue; }
    stopped++;
    const c = r.state === 'A' ? [-0.558, 1.442] : [0.623, 0.028];
    const d = Math.hypot(r.final[0] - c[0], r.final[1] - c[1]);
    assert.ok(d <= 0.1, `final point ${d} from the centre of ${r.state}`);
    const f = r.frames!;
    assert.equal([f[f.length - 2], f[f.length - 1]], [r.final[0], r.final[1]]);
    assert.is(f.length / 2, r.steps / 10 + 1);
  }
  // Starts on the inner slopes of the deep basins fall into them well within 20000 steps at kT = 15.
  assert.is(res[3].state, 'B');
  assert.is(res[4].state, 'A');
  assert.ok(stopped >= 2);
});

test('a failing task is reported with its index', async () => {
  const pool = new WorkerPool({ workers: 1 });
  try {
    await pool.run(kernel, [{ x0: Float64Array.from([0, 0, 0]), nSteps: 1 }], { seed: 1 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /task 0: langevinKernel: x0 must be a Float64Array of length 2/);
  } finally {
    await pool.close();
  }
});

test.run();
