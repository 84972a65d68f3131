import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { angleDistance, dihedralCell, dihedralGridMsm, dividingSurfaceMode } from '../../lib/kinetics/dihedral-msm.js';
import { chiCoverage } from '../../lib/isokann/coverage.js';

// A two-state chain in phi (basin -80 ± 15 degrees and 60 ± 15 degrees) switching with probability p per
// frame, positions drawn independently within the current basin: the grid MSM's slowest eigenvalue is
// exactly 1 - 2p (the lumping is exact), so t_1 = -dt / ln(1 - 2p), and its eigenfunction is 0 on one
// basin and 1 on the other.
function twoState(frames: number, p: number, seed: number) {
  const rng = new Rng(seed);
  const phi = new Float64Array(frames), psi = new Float64Array(frames), state = new Int32Array(frames);
  let s = 0;
  for (let f = 0; f < frames; f++) {
    if (rng.next() < p) s = 1 - s;
    state[f] = s;
    phi[f] = (s === 0 ? -80 : 60) + rng.uniform(-15, 15);
    psi[f] = rng.uniform(-170, 170);
  }
  return { phi, psi, state };
}

test('grid MSM on (phi, psi): implied timescale and slow eigenfunction of an exactly lumpable two-state chain', () => {
  const p = 0.01, dt = 0.1;
  const runs = [twoState(100000, p, 1), twoState(100000, p, 2)];
  const ref = dihedralGridMsm(runs, { bins: 12, lag: 5, dt });
  const exact = (-5 * dt) / Math.log(Math.pow(1 - 2 * p, 5));
  assert.ok(Math.abs(ref.timescales[0] / exact - 1) < 0.05, `t1 ${ref.timescales[0]} vs exact ${exact}`);
  // the next process is noise (lambda ~ 0): far faster
  assert.ok(ref.timescales[1] < 0.1 * exact, `t2 ${ref.timescales[1]}`);
  // ≈ 0 on one basin and ≈ 1 on the other (orientation free); the within-basin spread is the sampling
  // noise of the estimated transition matrix (~1 % with 2 x 10^5 frames)
  const zeroState = ref.slow[0][0] < 0.5 ? runs[0].state[0] : 1 - runs[0].state[0];
  runs.forEach((r, k) => {
    for (let f = 0; f < r.phi.length; f += 101) {
      const want = r.state[f] === zeroState ? 0 : 1;
      assert.ok(Math.abs(ref.slow[k][f] - want) < 0.03, `run ${k} frame ${f}: ${ref.slow[k][f]} (basin value ${want})`);
    }
  });
});

test('dihedralCell, angleDistance and dividingSurfaceMode: exact values', () => {
  assert.is(dihedralCell(-180, -180, 36), 0);
  assert.is(dihedralCell(180, 180, 36), 36 * 36 - 1);
  assert.is(dihedralCell(5, -5, 36), 18 * 36 + 17);
  assert.throws(() => dihedralCell(200, 0, 36), /\[-180, 180\]/);
  assert.is(angleDistance(170, -170), 20);
  assert.is(angleDistance(-90, 90), 180);
  assert.is(angleDistance(10, 725), 5);
  // frames at chi 0.5 cluster at (2, -45) (three of them), one at (100, 100), basin frames elsewhere ignored
  const t = { phi: [2, 3, 4, 100, -80, -80, -80, -80], psi: [-45, -44, -41, 100, 60, 60, 60, 60] };
  const m = dividingSurfaceMode([t], [[0.5, 0.45, 0.58, 0.5, 0, 0, 0.02, 1]], { halfWidth: 0.1, cellDegrees: 10 });
  assert.equal(m, { phi: 5, psi: -45, frames: 3, total: 4 });
  assert.throws(() => dividingSurfaceMode([t], [[0, 0, 0, 0, 0, 0, 0, 1]], { halfWidth: 0.1, cellDegrees: 10 }), /never cross/);
});

test('chiCoverage counts level-set bins exactly and never clamps', () => {
  const c = chiCoverage([0, 0.05, 0.1, 0.55, 0.99, 1, -0.2, 1.3], 10);
  assert.equal(Array.from(c.counts), [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
  assert.is(c.below, 1);
  assert.is(c.above, 1);
  assert.is(c.empty, 6);
  assert.throws(() => chiCoverage([NaN], 4), /not finite/);
});

test.run();
