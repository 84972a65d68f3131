import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineRunner, libRef } from '../../lib/sampling/index.js';
import { ball } from '../../lib/systems/regions.js';
import { AIMMD_AUTHORS, AIMMD_STATE_A, AIMMD_STATE_B } from '../../lib/systems/aimmd-toy.js';
import { AimmdRun, TwoWayShooting, chainPathFrames, type Path } from '../../lib/tps/index.js';

test('chainPathFrames: a rejected move keeps the previous path, the initial path until the first acceptance', () => {
  assert.equal(Array.from(chainPathFrames([0, 0, 12, 0, 7, 0], 30)), [30, 30, 12, 12, 7, 7]);
  assert.equal(Array.from(chainPathFrames([], 5)), []);
  assert.throws(() => chainPathFrames([0, 1], 30), /move 1 has 1 accepted frames/);
  assert.throws(() => chainPathFrames([0], 1), /initialFrames must be an integer >= 2, got 1/);
});

/** Mean transition-path time of a standard TPS chain on the 2-D AIMMD landscape, averaged over the chain. */
async function chainMeanTpTime(convention: 'reduced' | 'authors', moves: number, seed: number): Promise<number> {
  const kT = convention === 'authors' ? AIMMD_AUTHORS.kT : 1;
  const { dt, friction } = AIMMD_AUTHORS;
  const states = { A: libRef('ball', [...AIMMD_STATE_A], 0.15), B: libRef('ball', [...AIMMD_STATE_B], 0.15) };
  const kernel = libRef('langevinKernel', { system: libRef('AimmdToy', { convention }), integrator: { kind: 'baoab', dt, kT, friction }, states });
  const nF = 30, frames = new Float64Array(2 * nF);
  for (let i = 0; i < nF; i++) { frames[2 * i] = -0.75 + (1.5 * i) / (nF - 1); frames[2 * i + 1] = -0.5 + i / (nF - 1); }
  const path: Path = { frames, nFrames: nF, dim: 2 };
  const shooting = new TwoWayShooting({ A: ball([...AIMMD_STATE_A], 0.15), B: ball([...AIMMD_STATE_B], 0.15), runner: new InlineRunner(), kernel, kT, masses: 1, maxSteps: 20000 });
  const recs = await new AimmdRun(path, { shooting, seed }).run(moves);
  const chain = chainPathFrames(recs.map((r) => (r.accepted ? r.trialFrames : 0)), nF);
  const burn = Math.floor(moves / 5);
  let s = 0;
  for (let i = burn; i < moves; i++) s += (chain[i] - 1) * dt;
  return s / (moves - burn);
}

test("<t_TP> on the AIMMD landscape: ≈ 11.3 in the authors' units (their example: 566 steps), ~5x shorter in reduced units", async () => {
  // One 400-move chain (320 after burn-in) is correlated: over 8 seeds its mean scattered with sd 1.7
  // (authors' units; grand mean 11.5) and 0.22 (reduced; 2.2). Four chains: standard error ~0.85, so
  // ± 2.5 is ~3 standard errors.
  const mean = async (convention: 'reduced' | 'authors') => {
    let s = 0;
    for (let seed = 1; seed <= 4; seed++) s += await chainMeanTpTime(convention, 400, seed);
    return s / 4;
  };
  const authors = await mean('authors');
  assert.ok(Math.abs(authors - AIMMD_AUTHORS.meanTransitionPathTime) < 2.5, `authors' convention: <t_TP> = ${authors}`);
  // the same Boltzmann distribution at 10x the energy scale: faster dynamics, lower effective friction
  const reduced = await mean('reduced');
  assert.ok(Math.abs(reduced - 2.2) < 0.35, `reduced convention: <t_TP> = ${reduced}`);
});

test.run();
