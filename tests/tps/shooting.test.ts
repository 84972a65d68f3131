import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { BAOAB } from '../../lib/dynamics/langevin.js';
import { DoubleWell } from '../../lib/systems/double-well.js';
import { ball } from '../../lib/systems/regions.js';
import { InlineRunner, libRef } from '../../lib/sampling/index.js';
import { TwoWayShooting, uniformSelection, lorentzianSelection, type Path, type SelectionRule } from '../../lib/tps/index.js';

// 1-D double well, barrier 3 kT, underdamped BAOAB. States: x <= -0.8 (A) and x >= 0.8 (B), written
// as balls wide enough to act as half-lines.
const kT = 1, dt = 0.02, friction = 1;
const pot = new DoubleWell(1, 3);
const A = ball([-2], 1.2), B = ball([2], 1.2);
const kernel = libRef('langevinKernel', {
  system: libRef('DoubleWell', 1, 3),
  integrator: { kind: 'baoab', dt, kT, friction },
  states: { A: libRef('ball', [-2], 1.2), B: libRef('ball', [2], 1.2) },
});

/** The exact transition path ensemble: every A->B and B->A segment of long equilibrium runs. */
function referenceLengths(seed: number): { lengths: number[]; first: Path } {
  const n = 100, steps = 30000, rng = new Rng(seed);
  const integ = new BAOAB(pot, { dt, kT, friction });
  const x = new Float64Array(n).fill(-1);
  const v = integ.maxwellBoltzmann(n, rng);
  integ.run(x, v, n, 500, rng);
  const last = new Int8Array(n); // -1 A, +1 B, 0 none yet
  const leftAt = new Int32Array(n).fill(-1);
  const trace: number[][] = Array.from({ length: n }, () => []);
  const lengths: number[] = [];
  let first: Path | undefined;
  for (let s = 0; s < steps; s++) {
    integ.run(x, v, n, 1, rng);
    for (let w = 0; w < n; w++) {
      const st = A(x, w) ? -1 : B(x, w) ? 1 : 0;
      if (st !== 0) {
        if (last[w] !== 0 && st !== last[w] && leftAt[w] >= 0) {
          lengths.push(s - leftAt[w] + 1);
          trace[w].push(x[w]);
          if (!first) first = { frames: Float64Array.from(trace[w]), nFrames: trace[w].length, dim: 1 };
        }
        last[w] = st;
        leftAt[w] = s;
        trace[w] = [x[w]];
      } else if (last[w] !== 0) {
        trace[w].push(x[w]);
      }
    }
  }
  return { lengths, first: first! };
}

async function tpsLengths(rule: SelectionRule, start: Path, moves: number, seed: number) {
  const shooter = new TwoWayShooting({ A, B, runner: new InlineRunner(), kernel, kT, masses: 1, maxSteps: 20000 });
  const rng = new Rng(seed);
  let path = start;
  const lengths: number[] = [];
  let accepted = 0, transitions = 0;
  for (let m = 0; m < moves; m++) {
    const { path: p, record } = await shooter.step(path, rule, rng);
    path = p;
    accepted += Number(record.accepted);
    transitions += Number(record.transition);
    if (m >= 200) lengths.push(path.nFrames);
  }
  return { lengths, accepted, transitions };
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
/** Standard error from non-overlapping blocks (TPS samples are correlated). */
function blockSE(a: number[], blocks = 20): number {
  const size = Math.floor(a.length / blocks);
  const means = Array.from({ length: blocks }, (_, b) => mean(a.slice(b * size, (b + 1) * size)));
  const m = mean(means);
  return Math.sqrt(means.reduce((s, v) => s + (v - m) ** 2, 0) / (blocks - 1) / blocks);
}

const ref = referenceLengths(1);

test('reference: long runs give hundreds of transition paths', () => {
  assert.ok(ref.lengths.length > 300, `${ref.lengths.length} paths`);
  // a path starts with its last frame in A (or B) and ends with its first frame in the other state
  const f = ref.first;
  const endA = A(f.frames, 0), endB = B(f.frames, 0);
  assert.ok(endA || endB);
  assert.ok(endA ? B(f.frames, f.nFrames - 1) : A(f.frames, f.nFrames - 1));
});

for (const [label, rule] of [
  ['uniform selection', uniformSelection],
  ['Cauchy-Lorentz selection (Eq. 4) with q = 3x', lorentzianSelection((fr, n) => fr.slice(0, n).map((z) => 3 * z), 0.5)],
] as [string, SelectionRule][]) {
  // Power check done by hand: with p_acc = 1 (no Metropolis-Hastings factor) the mean length rises to
  // 68-71 frames against the exact 59.8, failing both assertions.
  test(`TPS with ${label} reproduces the exact path-length distribution (detailed balance)`, async () => {
    const tps = await tpsLengths(rule, ref.first, 2200, 7);
    const refMean = mean(ref.lengths), tpsMean = mean(tps.lengths);
    const se = Math.hypot(blockSE(ref.lengths), blockSE(tps.lengths));
    assert.ok(Math.abs(tpsMean - refMean) < 4 * se, `mean length TPS ${tpsMean.toFixed(1)} vs exact ${refMean.toFixed(1)} (4 SE = ${(4 * se).toFixed(1)})`);
    // median too: a biased acceptance rule shifts the bulk, not only the mean
    const med = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
    assert.ok(Math.abs(med(tps.lengths) - med(ref.lengths)) / med(ref.lengths) < 0.12, `median ${med(tps.lengths)} vs ${med(ref.lengths)}`);
    assert.ok(tps.accepted > 200, `${tps.accepted} accepted of ${tps.transitions} transitions`);
  });
}

test.run();
