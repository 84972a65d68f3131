import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineRunner } from '../../lib/sampling/index.js';
import { fiveDData, fiveDBasins } from '../../lib/multitask/index.js';
import { fiveDModel, reducedCoordinates } from '../../lib/systems/five-d.js';

const opts = (parity: 0 | 1) => ({ kind: 'muller-brown' as const, sectors: 8, parity, basinRuns: 6, basinSteps: 300, saveEvery: 20, shootingChains: 3, shootingMoves: 2, maxSteps: 4000, stride: 10 });

test('5-D training data: energies are V(x), labels match the basin a frame lies in, seeds reproduce, sectors differ', async () => {
  const d = await fiveDData(new InlineRunner(), opts(0), 3);
  const again = await fiveDData(new InlineRunner(), opts(0), 3);
  assert.equal(Array.from(again.x), Array.from(d.x));
  const V = fiveDModel('muller-brown'), basins = fiveDBasins('muller-brown');
  let mdNear = 0, md = 0, tpsNear = 0, tps = 0, maxDiff = 0;
  for (let i = 0; i < d.n; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(V.energy(d.x, 5 * i) - d.energies[i]));
    const [xt, yt] = reducedCoordinates(d.x, 5 * i);
    const dist = basins.map((b) => Math.hypot(xt - b.centre[0], yt - b.centre[1]));
    const nearest = dist[0] < dist[1] ? 0 : 1;
    if (d.source[i] === 0) { md++; mdNear += Number(nearest === d.labels[i]); } else { tps++; tpsNear += Number(nearest === d.labels[i]); }
  }
  console.log(`  ${md} basin-MD frames (${mdNear} nearest their label's basin), ${tps} TPS frames (${tpsNear}), max |E - V(x)| ${maxDiff}`);
  assert.is(maxDiff, 0);
  assert.is(md, 6 * 2 * 15); // 300 steps / 20, start frame dropped
  assert.is(mdNear, md); // basin MD never leaves its basin (no transition in 300 steps)
  // Relaxation halves are labelled by where they end; most of their frames lie on that side.
  assert.ok(tps > 0 && tpsNear / tps > 0.8, `${tpsNear} of ${tps}`);
  // Start angles: training (parity 0) in even sectors, test (parity 1) in odd ones; basin MD moves a few degrees only.
  const test1 = await fiveDData(new InlineRunner(), opts(1), 4);
  const sectorOf = (x: Float64Array, i: number) => Math.floor(((Math.atan2(x[5 * i + 1], x[5 * i]) + 2 * Math.PI) % (2 * Math.PI)) / (Math.PI / 4));
  let even = 0, odd = 0;
  for (let i = 0; i < d.n; i++) if (d.source[i] === 0) even += Number(sectorOf(d.x, i) % 2 === 0);
  for (let i = 0; i < test1.n; i++) if (test1.source[i] === 0) odd += Number(sectorOf(test1.x, i) % 2 === 1);
  assert.ok(even / md > 0.9 && odd / md > 0.9, `even ${even}/${md}, odd ${odd}/${md}`);
});

test.run();
