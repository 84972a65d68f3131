import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { initBackend, Mlp } from '../../lib/nn/index.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { autocorrelation } from '../../lib/kinetics/index.js';
import { readDcd } from '../../lib/forcefield/coordinates.js';
import { trainSrv } from '../../lib/lss/srv.js';
import { trainMdn } from '../../lib/lss/mdn.js';
import { CwganDecoder } from '../../lib/lss/cwgan.js';
import { LatentSpaceSimulator } from '../../lib/lss/simulator.js';

test.before(async () => {
  await initBackend();
});

// Features: a slow AR(1) (a = 0.995 per frame) and a fast one, linearly mixed, as in the SRV test.
function mixed(frames: number, seed: number): Float64Array {
  const rng = new Rng(seed), a = [0.995, 0.5];
  const x = new Float64Array(frames * 2);
  const cur = [rng.normal(), rng.normal()];
  for (let f = 0; f < frames; f++) {
    x[2 * f] = cur[0] + 0.3 * cur[1];
    x[2 * f + 1] = -0.5 * cur[0] + cur[1];
    for (let k = 0; k < 2; k++) cur[k] = a[k] * cur[k] + Math.sqrt(1 - a[k] ** 2) * rng.normal();
  }
  return x;
}

test('assembled LSS: encode, propagate in latent space, decode; kinetics of the slow process; one-file save/load; DCD', () => {
  const lag = 10;
  const x = mixed(30000, 1);
  const srv = trainSrv([x], 2, { lag, outputs: 2, hidden: [], learningRate: 0.05, batchSize: 4000, maxEpochs: 30, patience: 5, dimension: 1, seed: 1 });
  const psi = srv.encode(x, 30000); // [frames][1]
  const mdn = trainMdn([psi], 1, { lag, components: 2, hidden: [32, 32], maxEpochs: 15, patience: 4, seed: 2 });
  // a decoder with a fixed (untrained) generator: 1 condition + 2 noise -> 2 atoms (6 coordinates, nm)
  const gen = new Mlp({ layers: [3, 8, 6], activation: 'tanh', seed: 5 });
  const dec = new CwganDecoder(gen, 2, Float64Array.of(0), Float64Array.of(1), Float64Array.of(0, 0, 0, 0.15, 0, 0), Float64Array.of(0.01, 0.01, 0.01, 0.01, 0.01, 0.01));
  const sim = new LatentSpaceSimulator(srv, mdn, dec, { system: 'mixed AR(1)' });
  const run = sim.run(x.subarray(0, 2), 20000, { seed: 7 });
  assert.is(run.latent.length, 20001);
  assert.ok(Math.abs(run.latent[0] - psi[0]) < 1e-12, 'the start is the encoded start frame');
  // one LSS step is one lag: the slow process's autocorrelation per step is lambda_1 = 0.995^10 = 0.951
  const c = autocorrelation(run.latent, 1);
  assert.ok(Math.abs(c[1] - 0.995 ** lag) < 0.02, `LSS lag-1 autocorrelation ${c[1]}, exact ${0.995 ** lag}`);
  assert.ok(Math.abs(srv.eigenvalues[0] - 0.995 ** lag) < 0.01, `SRV lambda_1 ${srv.eigenvalues[0]}`);
  assert.is(run.frames!.length, 20001);
  assert.is(run.frames![0].length, 6);
  const again = sim.run(x.subarray(0, 2), 20000, { seed: 7 });
  assert.equal(Array.from(again.latent.subarray(19990)), Array.from(run.latent.subarray(19990)));
  assert.equal(Array.from(again.frames![123]), Array.from(run.frames![123]));

  const dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'lss-'));
  try {
    sim.save(join(dir, 'box.json'));
    const box = LatentSpaceSimulator.load(join(dir, 'box.json'));
    const r2 = box.run(x.subarray(0, 2), 20000, { seed: 7 });
    assert.equal(Array.from(r2.latent), Array.from(run.latent));
    for (const f of [0, 5000, 20000]) assert.equal(Array.from(r2.frames![f]), Array.from(run.frames![f]));
    assert.equal(box.meta, { system: 'mixed AR(1)' });
    box.dispose();
    // DCD: our reader and mdtraj's read the frames back to float32 precision in Å
    const dcd = join(dir, 'lss.dcd');
    const some = run.frames!.slice(0, 50);
    LatentSpaceSimulator.writeDcd(dcd, some, { timestep: 1 });
    const back = readDcd(dcd);
    let worst = 0;
    back.frames.forEach((f, k) => f.forEach((v, q) => { worst = Math.max(worst, Math.abs(v - some[k][q])); }));
    assert.ok(back.frames.length === 50 && worst < 1e-7, `DCD round trip ${worst} nm`);
    let mdtraj: number[][][] | null = null;
    try {
      const py = `import mdtraj.formats as f, json; d = f.DCDTrajectoryFile(${JSON.stringify(dcd)}); xyz = d.read()[0]; print(json.dumps(xyz.tolist()))`;
      mdtraj = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    } catch {
      console.log('mdtraj not available: skipping the mdtraj DCD check');
    }
    if (mdtraj) {
      let w = 0;
      mdtraj.forEach((fr, k) => fr.forEach((atom, a) => atom.forEach((v, d) => { w = Math.max(w, Math.abs(v / 10 - some[k][3 * a + d])); })));
      assert.ok(mdtraj.length === 50 && w < 1e-7, `mdtraj reads our DCD to ${w} nm`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => new LatentSpaceSimulator(null, mdn, new CwganDecoder(new Mlp({ layers: [4, 6], seed: 1 }), 2, Float64Array.of(0, 0), Float64Array.of(1, 1), new Float64Array(6), new Float64Array(6).fill(1))), /conditioned on 2 coordinates, the propagator has 1/);
  sim.dispose();
});

test.run();
