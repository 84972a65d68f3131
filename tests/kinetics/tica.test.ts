import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { laggedCovariances, tica, ticaFromCovariances, vamp2Score } from '../../lib/kinetics/index.js';
import { pearson } from '../../lib/stats/correlation.js';
import { Rng } from '../../lib/dynamics/rng.js';

// Three independent AR(1) processes s_k(t+1) = a_k s_k(t) + sqrt(1 - a_k^2) xi (unit variance), whose
// lag-tau autocorrelations are exactly a_k^tau, seen through a fixed linear mixing x = M s + offset.
const a = [0.995, 0.9, 0.0];
const M = [[1, 0.5, 0.2], [0.3, 2, -0.4], [0.1, -0.2, 1.5]];
function mixed(frames: number, seed: number): { x: Float64Array; s: Float64Array } {
  const rng = new Rng(seed);
  const s = new Float64Array(frames * 3), x = new Float64Array(frames * 3);
  const cur = [rng.normal(), rng.normal(), rng.normal()];
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < 3; k++) { s[3 * f + k] = cur[k]; cur[k] = a[k] * cur[k] + Math.sqrt(1 - a[k] ** 2) * rng.normal(); }
    for (let i = 0; i < 3; i++) x[3 * f + i] = 5 + M[i][0] * s[3 * f] + M[i][1] * s[3 * f + 1] + M[i][2] * s[3 * f + 2];
  }
  return { x, s };
}

test('TICA recovers the autocorrelations a_k^tau, timescales and the slow source of mixed AR(1) processes', () => {
  const { x, s } = mixed(300000, 1);
  // two trajectories: pairs never straddle the cut
  const trajs = [x.subarray(0, 450000), x.subarray(450000)];
  const lag = 10;
  const model = tica(trajs, 3, { lag, dt: 0.1 });
  const exact = a.map((v) => v ** lag);
  assert.ok(Math.abs(model.eigenvalues[0] - exact[0]) < 0.01, `lambda_1 = ${model.eigenvalues[0]} vs ${exact[0]}`);
  assert.ok(Math.abs(model.eigenvalues[1] - exact[1]) < 0.01, `lambda_2 = ${model.eigenvalues[1]} vs ${exact[1]}`);
  assert.ok(Math.abs(model.eigenvalues[2]) < 0.01, `lambda_3 = ${model.eigenvalues[2]}`);
  const t1 = (-lag * 0.1) / Math.log(exact[0]);
  assert.ok(Math.abs(model.timescales()[0] - t1) / t1 < 0.05, `t_1 = ${model.timescales()[0]} vs ${t1}`);
  // the first component is the slow source (up to sign), with unit variance
  const y = model.transform(x, 300000, 1);
  const s1 = Float64Array.from({ length: 300000 }, (_, f) => s[3 * f]);
  assert.ok(Math.abs(pearson(y, s1)) > 0.995, `|r(y_1, s_1)| = ${Math.abs(pearson(y, s1))}`);
  let v = 0;
  for (const q of y) v += q * q;
  assert.ok(Math.abs(v / y.length - 1) < 0.05, `variance of y_1 ${v / y.length}`);
  // VAMP-2 closed form on the same (reversible) covariances equals TICA's 1 + sum lambda^2
  const cov = laggedCovariances(trajs, 3, lag, { reversible: true });
  assert.ok(Math.abs(vamp2Score(cov) - model.vamp2()) < 1e-10, `VAMP-2 ${vamp2Score(cov)} vs TICA ${model.vamp2()}`);
  // and the non-reversible estimate agrees with it statistically
  assert.ok(Math.abs(vamp2Score(laggedCovariances(trajs, 3, lag)) - model.vamp2()) < 0.02);
});

test('a redundant feature is truncated, not inverted; bad input is named', () => {
  const { x } = mixed(20000, 2);
  const dup = new Float64Array(20000 * 4);
  for (let f = 0; f < 20000; f++) { dup.set(x.subarray(3 * f, 3 * f + 3), 4 * f); dup[4 * f + 3] = 2 * x[3 * f]; }
  const m = tica([dup], 4, { lag: 5 });
  assert.is(m.components, 3);
  const base = tica([x], 3, { lag: 5 });
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(m.eigenvalues[k] - base.eigenvalues[k]) < 1e-8);
  assert.throws(() => ticaFromCovariances(laggedCovariances([x], 3, 5)), /needs reversible \(symmetrised\) covariances/);
  assert.throws(() => laggedCovariances([Float64Array.of(1, 2, NaN)], 3, 1), /trajectory 0, frame 0, feature 2 is NaN/);
  assert.throws(() => laggedCovariances([new Float64Array(6)], 3, 1), /1 pair\(s\) at lag 1/);
  assert.throws(() => tica([new Float64Array(30)], 3, { lag: 1 }), /covariance matrix is zero \(constant features\)/);
});

test.run();
