import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectRoot } from '../../lib/project/root.js';
import { InlineRunner, TaskError, WorkerPool, estimateRemainingSeconds, type ModuleRef, type RunProgress, type WorkerExit } from '../../lib/sampling/index.js';
import type { FaultResult, FaultTask } from './fixtures/fault-kernels.js';

// Faults of worker threads (issue 11): each test failed before the fix by hanging (caught by `settles`),
// by a wrong error, or by a missing API.
const kernel: ModuleRef = { module: join(projectRoot(), 'tests', 'sampling', 'fixtures', 'fault-kernels.ts'), export: 'faultKernel' };

/** Fails a test that would hang: generous for a loaded machine, not a timing assertion. */
function settles<T>(p: Promise<T>, what: string, seconds = 60): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not settle within ${seconds} s`)), seconds * 1000); });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

async function rejection(p: Promise<unknown>, what: string): Promise<Error> {
  try {
    await settles(p, what);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${what} resolved; expected a rejection`);
}

const values = (n: number): FaultTask[] => Array.from({ length: n }, (_, i) => ({ value: i }));

test('a task calling process.exit fails with its index and exit code; the worker is reported, replaced, and the pool goes on', async () => {
  const exits: WorkerExit[] = [];
  const pool = new WorkerPool({ workers: 1, onWorkerExit: (x) => exits.push(x) });
  try {
    const e = await rejection(pool.run(kernel, [{ value: 0 }, { value: 1, fault: 'exit' }, { value: 2 }], { seed: 1 }), 'run with an exiting task');
    assert.instance(e, TaskError);
    assert.equal([(e as TaskError).index, (e as TaskError).reason], [1, 'worker-exit']);
    assert.match(e.message, /^task 1: the worker exited with code 7/);
    assert.equal(exits.map((x) => [x.worker, x.exitCode, x.task, x.running]), [[0, 7, 1, true]]);
    const [r] = await settles(pool.run<FaultTask, FaultResult>(kernel, [{ value: 5 }], { seed: 1 }), 'run after the exit');
    assert.is(r.value, 5);
  } finally {
    await pool.close();
  }
});

test('an uncaught error after a task returned kills the idle worker: reported with the error, replaced, the next run works', async () => {
  const exits: WorkerExit[] = [];
  const pool = new WorkerPool({ workers: 1, onWorkerExit: (x) => exits.push(x) });
  try {
    const [r] = await settles(pool.run<FaultTask, FaultResult>(kernel, [{ value: 1, fault: 'throw-later' }], { seed: 2 }), 'first run');
    assert.is(r.value, 1);
    await settles(new Promise<void>((ok) => { const t = setInterval(() => { if (exits.length) { clearInterval(t); ok(); } }, 20); }), 'the exit report');
    assert.equal(exits.map((x) => [x.task, x.running, x.error?.message]), [[0, false, 'deliberate error after the task returned']]);
    const again = await settles(pool.run<FaultTask, FaultResult>(kernel, [{ value: 2 }, { value: 3 }], { seed: 2 }), 'run after the crash');
    assert.equal(again.map((x) => x.value), [2, 3]);
  } finally {
    await pool.close();
  }
});

test('an uncaught error while a task waits fails that task with its index and the error', async () => {
  const pool = new WorkerPool({ workers: 1, onWorkerExit: () => {} });
  try {
    const e = await rejection(pool.run(kernel, [{ value: 0, fault: 'crash-while-waiting' }], { seed: 3 }), 'run with a crashing task');
    assert.is((e as TaskError).reason, 'worker-exit');
    assert.is(e.message, 'task 0: the worker died: deliberate error while the task waits');
  } finally {
    await pool.close();
  }
});

test('taskTimeoutSeconds fails a task that never ends (a CPU-bound loop), replaces its worker and keeps the others\' results', async () => {
  const exits: WorkerExit[] = [];
  const pool = new WorkerPool({ workers: 2, onWorkerExit: (x) => exits.push(x) });
  try {
    const tasks: FaultTask[] = [{ value: 0 }, { value: 1, fault: 'spin' }, { value: 2 }, { value: 3 }];
    const { results, failures } = await settles(pool.runSettled<FaultTask, FaultResult>(kernel, tasks, { seed: 4, taskTimeoutSeconds: 1 }), 'run with a spinning task');
    assert.equal(results.map((r) => r?.value), [0, undefined, 2, 3]);
    assert.equal(failures.map((f) => [f.index, f.reason]), [[1, 'timeout']]);
    assert.match(failures[0].message, /^task 1: no result after 1 s \(taskTimeoutSeconds\); its worker was terminated$/);
    assert.equal(exits, [], 'a worker stopped by the pool is not reported as a crash');
    const next = await settles(pool.run<FaultTask, FaultResult>(kernel, values(3), { seed: 4, taskTimeoutSeconds: 30 }), 'run after the timeout');
    assert.equal([next[0].draw, next[2].draw], [results[0]!.draw, results[2]!.draw]);
  } finally {
    await pool.close();
  }
});

test('close() rejects a pending run, settles a pending runSettled with the unfinished tasks, and ends the pool', async () => {
  const pool = new WorkerPool({ workers: 1 });
  await settles(pool.run(kernel, [{ value: 0 }], { seed: 5 }), 'warm-up run');
  const hung = pool.run(kernel, [{ value: 1, fault: 'hang' }], { seed: 5 });
  const settled = pool.runSettled<FaultTask, FaultResult>(kernel, values(2), { seed: 5 });
  await new Promise((r) => setTimeout(r, 100));
  await pool.close();
  const e = await rejection(hung, 'the pending run');
  assert.is(e.message, 'WorkerPool closed with 1 of 1 tasks unfinished');
  const s = await settles(settled, 'the pending runSettled');
  assert.equal(s.results, [undefined, undefined]);
  assert.equal(s.failures.map((f) => [f.index, f.reason]), [[0, 'closed'], [1, 'closed']]);
  assert.match((await rejection(pool.run(kernel, [{ value: 2 }], { seed: 5 }), 'run after close')).message, /the pool is closed/);
});

test('runSettled keeps the good results of a batch with a failing task; results are the same inline and on 1 or 2 workers', async () => {
  const tasks = values(6);
  tasks[3] = { value: 3, fault: 'throw' };
  const inline = await new InlineRunner().runSettled<FaultTask, FaultResult>(kernel, tasks, { seed: 6 });
  const p1 = new WorkerPool({ workers: 1 }), p2 = new WorkerPool({ workers: 2 });
  try {
    const [one, two] = await settles(Promise.all([p1, p2].map((p) => p.runSettled<FaultTask, FaultResult>(kernel, tasks, { seed: 6 }))), 'settled runs');
    for (const r of [inline, one, two]) {
      assert.equal(r.results.map((x) => x?.value), [0, 1, 2, undefined, 4, 5]);
      assert.equal(r.results.map((x) => x?.draw), inline.results.map((x) => x?.draw));
      assert.equal(r.failures.map((f) => [f.index, f.reason, f.message, (f.cause as Error).message]), [[3, 'error', 'task 3: deliberate failure of value 3', 'deliberate failure of value 3']]);
    }
    assert.ok(new Set(inline.results.map((x) => x?.draw)).size === 6, 'each task has its own stream');
    // run() rejects with the failure and does not start the rest of the batch
    const seen: number[] = [];
    const e = await rejection(p1.run(kernel, tasks.slice(3), { seed: 6, onProgress: (d) => seen.push(d) }), 'run with a failing first task');
    assert.is((e as TaskError).index, 0);
    assert.equal(seen, [0, 1]);
  } finally {
    await p1.close();
    await p2.close();
  }
});

test('progress: reported at the start with the worker count, then after each task; a progress line shows from 0', async () => {
  const infos: RunProgress[] = [];
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => { lines.push(s); return true; }) as typeof process.stderr.write;
  try {
    await new InlineRunner().run(kernel, values(3), { seed: 7, progress: 'batch', onProgress: (_d, _t, info) => infos.push(info) });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(infos.map((i) => [i.done, i.total, i.workers]), [[0, 3, 1], [1, 3, 1], [2, 3, 1], [3, 3, 1]]);
  assert.is(infos[0].remainingSeconds, undefined);
  assert.ok(infos.slice(1).every((i) => i.remainingSeconds !== undefined));
  if (!process.stderr.isTTY) {
    assert.match(lines[0], /^batch: 0\/3 \(0%\) \d+\.\d s, 1 worker\n$/);
    assert.match(lines[lines.length - 1], /^batch: 3\/3 \(100%\) \d+\.\d s, 1 worker\n$/);
  }
});

test('time left counts the tasks still running on other workers', () => {
  // 4 tasks of 13 s on 2 workers: when the first ends, its twin is 13 s old and the third just started;
  // the fourth waits for the first free worker: 13 s left (a rate over finished tasks says 39 s).
  assert.is(estimateRemainingSeconds(13, [13, 0], 1, 2), 13);
  assert.is(estimateRemainingSeconds(10, [], 5, 2), 30);
  assert.is(estimateRemainingSeconds(10, [4], 0, 3), 6);
  assert.is(estimateRemainingSeconds(10, [25], 1, 1), 10);
  assert.is(estimateRemainingSeconds(10, [], 0, 2), 0);
  assert.throws(() => estimateRemainingSeconds(10, [1, 2, 3], 0, 2), /3 running, 0 queued, 2 workers/);
});

test('bad options are named', async () => {
  const pool = new WorkerPool({ workers: 1 });
  try {
    for (const t of [0, -1, Number.NaN, Infinity]) {
      assert.match((await rejection(pool.run(kernel, [{ value: 0 }], { seed: 1, taskTimeoutSeconds: t }), `timeout ${t}`)).message, /taskTimeoutSeconds must be a positive number of seconds/);
    }
    assert.match((await rejection(new InlineRunner().run(kernel, [{ value: 0 }], { seed: 1, taskTimeoutSeconds: 5 }), 'inline timeout')).message, /InlineRunner: taskTimeoutSeconds needs tasks in worker threads/);
    assert.match((await rejection(pool.run(kernel, [], { seed: -2 }), 'bad seed')).message, /seed must be a non-negative integer, got -2/);
  } finally {
    await pool.close();
  }
});

test.run();
