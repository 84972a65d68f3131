import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initBackend, Mlp } from '../../lib/nn/index.js';
import { MullerBrown } from '../../lib/systems/muller-brown.js';
import { libRef, InlineRunner } from '../../lib/sampling/index.js';
import { BiasedPotential, NetworkCv, networkCv, runUmbrella, EnhancedSamplingError } from '../../lib/enhanced/index.js';

// A 2-output "encoder" on Müller-Brown configurations; output 1 is the CV.
let net: Mlp;
let json: ReturnType<Mlp['toJSON']>;
test.before(async () => {
  await initBackend();
  net = new Mlp({ layers: [2, 8, 2], activation: 'tanh', seed: 3 });
  json = net.toJSON();
});
const x = Float64Array.from([-0.5, 1.4, 0.6, 0.05, -0.1, 0.5]);

test('a network CV gives the same values and tf.grad gradients in tfjs as in float64, and biases through them', async () => {
  const a = await networkCv(json, { output: 1, engine: 'tfjs' });
  const b = await networkCv(json, { output: 1 });
  const ga = new Float64Array(6), gb = new Float64Array(6);
  const sa = a.evaluate(x, 3, ga), sb = b.evaluate(x, 3, gb);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(sa[i] - sb[i]) < 2e-6, `value ${sa[i]} vs ${sb[i]}`);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(ga[i] - gb[i]) < 1e-5, `grad ${ga[i]} vs ${gb[i]}`);
  // The biased energy's finite-difference gradient matches the forces made from the network's gradient.
  const p = new BiasedPotential(new MullerBrown(), b, { center: 0.1, kappa: 500 });
  const f = new Float64Array(6);
  p.forces(x, f, 3);
  for (let i = 0; i < 6; i++) {
    const h = 1e-6, xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[i] += h; xm[i] -= h;
    const w = Math.floor(i / 2);
    const fd = -(p.energy(xp, 2 * w) - p.energy(xm, 2 * w)) / (2 * h);
    assert.ok(Math.abs(fd - f[i]) < 1e-4 * Math.max(1, Math.abs(fd)), `coordinate ${i}: ${f[i]} vs ${fd}`);
  }
  assert.throws(() => new NetworkCv(net, 2), (e: Error) => e instanceof EnhancedSamplingError && /output 2 is not one of the network's 2 outputs/.test(e.message));
});

test('umbrella windows run with a network CV built from its JSON in the kernel', async () => {
  const data = await runUmbrella(new InlineRunner(), {
    system: libRef('MullerBrown'), cv: libRef('networkCv', json, { output: 1 }),
    integrator: { kind: 'baoab', dt: 1e-4, kT: 15, friction: 20 },
    windows: [{ center: -0.2, kappa: 20000 }, { center: 0.2, kappa: 20000 }], starts: [[-0.5, 1.4], [0.6, 0.05]],
    equilibrationSteps: 2000, nSteps: 4000, saveEvery: 20,
  }, { seed: 2 });
  // The samples are the CV values of the frames, pulled towards each window's centre.
  const means = data.samples.map((s) => s.reduce((a, v) => a + v, 0) / s.length);
  console.log(`  network-CV windows at -0.2 / 0.2: mean s = ${means.map((m) => m.toFixed(3)).join(' / ')}`);
  assert.ok(means[0] < means[1]);
  assert.ok(Math.abs(means[0] + 0.2) < 0.05 && Math.abs(means[1] - 0.2) < 0.05);
});

test.run();
