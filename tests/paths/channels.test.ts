import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { channelWeights, clusterChannels, dihedralPairDistance } from '../../lib/paths/channels.js';

// Three projected chi-MEPs from C7eq (-80, 70) to C7ax (60, -70): two through phi = 0 that differ by a
// few degrees (one channel), one through phi = ±180 (the other way round the torus).
const line = (pts: number[][]) => ({ phi: pts.map((p) => p[0]), psi: pts.map((p) => p[1]) });
const a = line([[-80, 70], [-40, 20], [0, -20], [30, -50], [60, -70]]);
const b = line([[-78, 72], [-38, 25], [3, -18], [33, -48], [60, -68]]);
const c = line([[-80, 70], [-130, 20], [-175, -20], [120, -50], [60, -70]]);

test('clusterChannels: nearby paths share a channel, the way round the torus does not', () => {
  assert.is(dihedralPairDistance(179, 0, -179, 0), 2);
  assert.equal(Array.from(clusterChannels([a, b, c], 15)), [0, 0, 1]);
  assert.equal(Array.from(clusterChannels([c, a, b], 15)), [0, 1, 1]);
  // with a threshold below the a-b Hausdorff distance (sqrt(3^2 + 5^2) = 5.83) all three are separate
  assert.equal(Array.from(clusterChannels([a, b, c], 5)), [0, 1, 2]);
  assert.throws(() => clusterChannels([a], 0), /threshold/);
});

test('channelWeights: share of the selected frames nearest to each channel', () => {
  // 3 selected frames near the phi = 0 channel, 1 near phi = 180, one frame not selected
  const frames = [{ phi: [1, -2, 28, 179, 175], psi: [-21, -15, -52, -22, -20] }];
  const w = channelWeights([a, b, c], clusterChannels([a, b, c], 15), frames, (_, f) => f < 4);
  assert.is(w.frames, 4);
  assert.equal(Array.from(w.weights), [0.75, 0.25]);
  assert.throws(() => channelWeights([a], [0], frames, () => false), /no frame/);
});

test.run();
