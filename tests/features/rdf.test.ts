import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { radialDistribution, rdfFirstPeak } from '../../lib/features/rdf.js';
import { Rng } from '../../lib/dynamics/rng.js';

test('ideal gas: g(r) = 1 within counting noise in every bin (uniform points, 400 atoms, 20 frames, boxes of two sizes)', () => {
  const n = 400, frames = 20, rng = new Rng(3);
  const boxes = new Float64Array(3 * frames), x = new Float64Array(frames * n * 3);
  for (let f = 0; f < frames; f++) {
    const L = f % 2 ? 2.0 : 2.4;
    boxes.set([L, L * 1.1, L * 0.95], 3 * f);
    for (let a = 0; a < n; a++) for (let d = 0; d < 3; d++) x[3 * (f * n + a) + d] = (rng.uniform() - 0.3) * boxes[3 * f + d]; // also outside [0, L)
  }
  const all = Array.from({ length: n }, (_, i) => i);
  const res = radialDistribution(x, n, boxes, { a: all, rMax: 0.95, binWidth: 0.05 });
  assert.is(res.pairs, (n * (n - 1)) / 2);
  let chi2 = 0;
  for (let k = 0; k < res.g.length; k++) {
    // expected count mu_k = g = 1's count; Poisson sd sqrt(mu_k)
    const mu = res.counts[k] / res.g[k];
    const z = (res.counts[k] - mu) / Math.sqrt(mu);
    assert.ok(Math.abs(z) < 4.5, `bin ${k} (r ${res.r[k].toFixed(3)}): g ${res.g[k]}, z ${z}`);
    chi2 += z * z;
  }
  // 19 bins: chi^2 well within its 99.9 % range
  assert.ok(chi2 < 43.8, `chi^2 ${chi2} over ${res.g.length} bins`);
  // two groups: A-B pairs of disjoint halves, same expectation
  const ab = radialDistribution(x, n, boxes, { a: all.slice(0, 200), b: all.slice(200), rMax: 0.95, binWidth: 0.05 });
  assert.is(ab.pairs, 200 * 200);
  const mean = ab.g.reduce((s, v) => s + v, 0) / ab.g.length;
  assert.ok(Math.abs(mean - 1) < 0.02, `A-B mean g ${mean}`);
});

test('simple cubic lattice (a = 0.3 nm, 8^3 sites): neighbours at a, a sqrt2, a sqrt3, 2a with 6, 12, 8, 6 per atom, exactly', () => {
  const a = 0.3, m = 8, n = m ** 3, L = m * a;
  const x = new Float64Array(3 * n);
  let k = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let l = 0; l < m; l++) x.set([(i + 0.5) * a, (j + 0.5) * a, (l + 0.5) * a], 3 * k++);
  // bins of 0.007 nm: no shell radius falls on a bin edge
  const w = 0.007, res = radialDistribution(x, n, [L, L, L], { a: Array.from({ length: n }, (_, i) => i), rMax: 0.994, binWidth: w });
  // coordination number of bin k: 2 counts / n atoms; exactly the shell's neighbour count
  const shells: [number, number][] = [[a, 6], [a * Math.SQRT2, 12], [a * Math.sqrt(3), 8], [2 * a, 6], [a * Math.sqrt(5), 24]];
  let total = 0;
  for (const [r, z] of shells) {
    const bin = Math.floor(r / w);
    assert.is((2 * res.counts[bin]) / n, z, `shell at ${r}`);
    // g integrates to the same count: rho * g * shell volume
    const shell = ((4 * Math.PI) / 3) * (res.edges[bin + 1] ** 3 - res.edges[bin] ** 3);
    assert.ok(Math.abs((n / L ** 3) * res.g[bin] * shell * ((n - 1) / n) - z) < 1e-9 * z);
    total += z;
  }
  // every neighbour within rMax, each once (rMax < L / 2)
  assert.is((2 * res.counts.reduce((s, c) => s + c, 0)) / n, neighboursWithin(a, 0.994));
  assert.ok(total < neighboursWithin(a, 0.994));
  const peak = rdfFirstPeak(res.r, res.g);
  assert.ok(Math.abs(peak.r - a) < w, `first peak ${peak.r}`);
});

/** Neighbours of a simple-cubic site (lattice constant a) closer than rTo. */
function neighboursWithin(a: number, rTo: number): number {
  let c = 0;
  const m = Math.ceil(rTo / a);
  for (let i = -m; i <= m; i++) for (let j = -m; j <= m; j++) for (let l = -m; l <= m; l++) {
    const r = a * Math.sqrt(i * i + j * j + l * l);
    if (r > 0 && r < rTo) c++;
  }
  return c;
}

test('rdf bad input: rMax beyond half the box, ragged coordinates, atoms outside the system', () => {
  const x = new Float64Array(12);
  assert.throws(() => radialDistribution(x, 4, [2, 2, 2], { a: [0, 1, 2, 3], rMax: 1.2, binWidth: 0.1 }), /rMax 1.2 nm exceeds half the smallest box edge of frame 0 \(2 nm\)/);
  assert.throws(() => radialDistribution(x, 5, [2, 2, 2], { a: [0, 1], rMax: 0.5, binWidth: 0.1 }), /12 coordinates do not form frames of 5 atoms/);
  assert.throws(() => radialDistribution(x, 4, [2, 2, 2], { a: [0, 7], rMax: 0.5, binWidth: 0.1 }), /atom 7 is outside 0..3/);
  assert.throws(() => radialDistribution(x, 4, [2, 2, 2], { a: [0, 1], rMax: 0.5, binWidth: 0.3 }), /not a whole number of bins/);
});

test.run();
