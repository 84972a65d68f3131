import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../lib/project/root.js';
import { CheckpointMismatchError } from '../../lib/files/index.js';
import { initBackend } from '../../lib/nn/index.js';
import { InlineRunner, libRef } from '../../lib/sampling/index.js';
import { ball } from '../../lib/systems/regions.js';
import { AimmdRun, CommittorLearner, TwoWayShooting, type AimmdOptions, type CommittorLearnerState, type Path } from '../../lib/tps/index.js';

test.before(async () => {
  await initBackend();
});

const kernel = (kT = 1) => libRef('langevinKernel', { system: libRef('DoubleWell', 1, 3), integrator: { kind: 'baoab', dt: 0.02, kT, friction: 1 }, states: { A: libRef('ball', [-2], 1.2), B: libRef('ball', [2], 1.2) } });
const straightPath = (dim = 1): Path => ({ frames: Float64Array.from({ length: 21 * dim }, (_, i) => (i % dim === 0 ? -0.9 + Math.floor(i / dim) * 0.09 : 0)), nFrames: 21, dim });
/** Options of a tiny 1-D run; `change` alters one setting. */
function options(checkpoint?: string, change: { gamma?: number; width?: number; kT?: number; kernelKT?: number; every?: number } = {}): AimmdOptions {
  return {
    shooting: new TwoWayShooting({ A: ball([-2], 1.2), B: ball([2], 1.2), runner: new InlineRunner(), kernel: kernel(change.kernelKT), kT: change.kT ?? 1, masses: 1, maxSteps: 2000 }),
    learner: new CommittorLearner({ inputs: 1, width: change.width ?? 4, trainEvery: 1, seed: 2 }),
    gamma: change.gamma,
    seed: 5,
    ...(checkpoint ? { checkpoint: { path: checkpoint, every: change.every ?? 1 } } : {}),
  };
}
async function failure(f: () => unknown): Promise<Error | undefined> {
  try { await f(); } catch (e) { return e as Error; }
  return undefined;
}

/** Runs tests/tps/aimmd-toy-run.ts; with `stallAfter`, SIGKILLs it once it has finished that move. */
function toyRun(checkpoint: string, total: number, stallAfter?: number): Promise<{ signal: NodeJS.Signals | null; moves: number[] }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', join('tests', 'tps', 'aimmd-toy-run.ts'), checkpoint, String(total), ...(stallAfter ? [String(stallAfter)] : [])];
    const child = spawn(process.execPath, args, { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (stallAfter && out.includes(`move ${stallAfter}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`toy run exited with ${code}: ${err}`));
      else resolve({ signal, moves: [...out.matchAll(/move (\d+)/g)].map((m) => Number(m[1])) });
    });
  });
}

test('AIMMD killed with SIGKILL mid-run and resumed in a new process ends byte-identical to an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aimmd-kill-'));
  try {
    const straight = join(dir, 'straight.json'), killed = join(dir, 'killed.json');
    const [whole, cut] = await Promise.all([toyRun(straight, 16), toyRun(killed, 16, 10)]);
    assert.equal(whole.moves, Array.from({ length: 16 }, (_, i) => i + 1));
    assert.is(cut.signal, 'SIGKILL');
    // killed after move 10: the last checkpoint (every 4 moves) holds 8 moves and 36 Adam steps
    const atKill = JSON.parse(readFileSync(killed, 'utf8'));
    assert.is(atKill.records.length, 8);
    assert.is(atKill.learner.trainer.steps, 36);
    const resumed = await toyRun(killed, 16);
    assert.equal(resumed.moves, Array.from({ length: 8 }, (_, i) => i + 9)); // moves 9 and 10 are redone
    // The whole final state, byte for byte: records, current path, network weights, Adam moments and
    // beta powers, shuffling stream, training data and loss history.
    const a = readFileSync(straight, 'utf8'), b = readFileSync(killed, 'utf8');
    const sa = JSON.parse(a), sb = JSON.parse(b);
    assert.equal(sb.records, sa.records);
    assert.ok(sa.records.some((r: { accepted: boolean }) => r.accepted), 'a path was accepted (the shooting path changed)');
    assert.equal(sb.learner.net.weights, sa.learner.net.weights);
    assert.ok(a === b, 'the checkpoint files are byte-identical');
    assert.ok(!existsSync(`${killed}.tmp`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoint.every must be a positive integer: 0, 2.5, -1 are refused by name', async () => {
  for (const every of [0, 2.5, -1, NaN]) {
    const o = options('/nonexistent/run.json', { every });
    const e = await failure(() => new AimmdRun(straightPath(), o));
    assert.ok(e instanceof RangeError);
    assert.match(e!.message, new RegExp(`AimmdRun: checkpoint.every must be a positive integer \\(moves between checkpoints\\), got ${every}`));
    assert.match((await failure(() => AimmdRun.resume('/nonexistent/run.json', straightPath(), o)))!.message, /checkpoint.every must be a positive integer/);
    o.learner!.dispose();
  }
});

test('resume with other settings is refused with CheckpointMismatchError naming the setting, saved vs given', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aimmd-settings-'));
  try {
    const cp = join(dir, 'run.json');
    const first = new AimmdRun(straightPath(), options(cp));
    await first.run(2);
    first.options.learner!.dispose();
    // paths inside the rarelab folder are saved relative to it, so a moved checkout still resumes
    assert.is(JSON.parse(readFileSync(cp, 'utf8')).settings.shooting.kernel.module, '<rarelab>/lib/index.ts');
    const cases: [string, AimmdOptions, Path, string, unknown, unknown][] = [
      ['gamma', options(cp, { gamma: 0.5 }), straightPath(), 'gamma', 1, 0.5],
      ['learner width', options(cp, { width: 6 }), straightPath(), 'learner.width', 4, 6],
      ['velocity kT', options(cp, { kT: 2 }), straightPath(), 'shooting.kT', 1, 2],
      ['integrator kT', options(cp, { kernelKT: 2 }), straightPath(), 'shooting.kernel.args[0].integrator.kT', 1, 2],
      ['path dimension', options(cp), straightPath(2), 'pathDim', 1, 2],
    ];
    for (const [label, o, path, setting, saved, given] of cases) {
      const e = await failure(() => AimmdRun.resume(cp, path, o));
      assert.ok(e instanceof CheckpointMismatchError, `${label}: ${e?.message}`);
      const m = e as CheckpointMismatchError;
      assert.is(m.name, 'CheckpointMismatchError');
      assert.equal([m.setting, m.saved, m.given], [setting, saved, given], label);
      assert.ok(m.message.startsWith(`AimmdRun.resume: ${cp} was written with ${setting} = ${saved}, but the resume is given ${setting} = ${given}`), m.message);
      o.learner!.dispose();
    }
    const same = await AimmdRun.resume(cp, straightPath(), options(cp));
    assert.is(same.moves, 2);
    same.options.learner!.dispose();
    // a checkpoint of the previous format, which recorded no settings, is refused with the reason
    writeFileSync(cp, JSON.stringify({ ...JSON.parse(readFileSync(cp, 'utf8')), version: 1, settings: undefined }));
    const o = options(cp);
    assert.match((await failure(() => AimmdRun.resume(cp, straightPath(), o)))!.message, /is a version 1 checkpoint .* delete it to start the run afresh/);
    o.learner!.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a learner state with truncated data, another width or a cut history fails on load, by name', async () => {
  const l = new CommittorLearner({ inputs: 2, width: 3, trainEvery: 1, seed: 1 });
  l.add([0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [1, 0, 2], [1, 2, 0]);
  l.update();
  const state = JSON.parse(JSON.stringify(await l.getState()));
  l.dispose();
  const load = async (edit: (s: CommittorLearnerState) => void) => {
    const s = JSON.parse(JSON.stringify(state)) as CommittorLearnerState;
    edit(s);
    return (await failure(async () => (await CommittorLearner.fromState(s)).dispose()))?.message ?? '';
  };
  assert.is(await load(() => {}), '');
  assert.match(await load((s) => s.x.pop()), /training data are truncated or inconsistent: 5 input values and 6 counts for outcomes of 2 inputs/);
  assert.match(await load((s) => s.y.pop()), /training data are truncated or inconsistent: 6 input values and 5 counts/);
  assert.match(await load((s) => { s.options.width = 5; }), /the saved network has layers \[2, 3, 3, 3, 3, 1\] but its options \(inputs 2, width 5, hiddenLayers 4\) give \[2, 5, 5, 5, 5, 1\]/);
  assert.match(await load((s) => { s.x[3] = null as unknown as number; }), /training input 1 of outcome 1 is null/);
  assert.match(await load((s) => s.history.pop()), /0 history entries for 1 updates; the state is truncated/);
  assert.match(await load((s) => s.trainer.optimizer[2].values.splice(1)), /has 1 values for shape \[3\] \(3\); the state is truncated/);
  // a NaN loss (JSON null) comes back as NaN, so a resumed learner's history equals the original's
  const l2 = await CommittorLearner.fromState({ ...state, history: [{ ...state.history[0], loss: null as unknown as number }] });
  assert.ok(Number.isNaN(l2.history[0].loss));
  l2.dispose();
});

test.run();
