// Child process of aimmd-resume.test.ts: a small AI-guided TPS run on the 1-D double well, checkpointed
// every 4 moves, resumed from its checkpoint if there is one. Prints "move N" after each move.
// argv: <checkpoint> <total moves> [<move after which to stall until killed>]
import { writeSync } from 'node:fs';
import { initBackend } from '../../lib/nn/index.js';
import { InlineRunner, libRef } from '../../lib/sampling/index.js';
import { ball } from '../../lib/systems/regions.js';
import { AimmdRun, CommittorLearner, TwoWayShooting, type Path } from '../../lib/tps/index.js';

const [checkpoint, total, stallAfter] = process.argv.slice(2);
await initBackend();
const kernel = libRef('langevinKernel', { system: libRef('DoubleWell', 1, 3), integrator: { kind: 'baoab', dt: 0.02, kT: 1, friction: 1 }, states: { A: libRef('ball', [-2], 1.2), B: libRef('ball', [2], 1.2) } });
const initial: Path = { frames: Float64Array.from({ length: 61 }, (_, i) => -0.9 + i * 0.03), nFrames: 61, dim: 1 };
const run = await AimmdRun.resume(checkpoint, initial, {
  shooting: new TwoWayShooting({ A: ball([-2], 1.2), B: ball([2], 1.2), runner: new InlineRunner(), kernel, kT: 1, masses: 1, maxSteps: 5000 }),
  // trained every move in minibatches of 1: 36 Adam steps by move 8 (where tfjs's pow() for beta2^t is off), 136 by move 16
  learner: new CommittorLearner({ inputs: 1, width: 4, trainEvery: 1, batchSize: 1, flatTolerance: 0, seed: 2 }),
  seed: 5,
  checkpoint: { path: checkpoint, every: 4 },
});
await run.run(Number(total) - run.moves, {
  onProgress: ({ move }) => {
    writeSync(1, `move ${move}\n`);
    if (String(move) === stallAfter) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000); // until SIGKILL
  },
});
run.options.learner!.dispose();
