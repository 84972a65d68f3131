import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../lib/dynamics/rng.js';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { InternalCoordinates } from '../../lib/features/internal-coordinates.js';
import { AlignedCartesian } from '../../lib/features/aligned-cartesian.js';
import { PairwiseDistances } from '../../lib/features/pairwise-distances.js';
import { SymmetryFunctions, isotropicG2, isotropicG5, fermiCutoff, type SymmetryFunctionSpec } from '../../lib/features/symmetry-functions.js';
import type { Featurization } from '../../lib/features/featurization.js';
import { atomContributions, atomContributionsFromFeatures, atomSaliency, levelSetSaliency, topAtoms } from '../../lib/saliency/index.js';

/** Checks J^T g against central differences of g . f(x). */
function checkPullback(f: Featurization, x: Float64Array, seed: number, tol = 1e-6): void {
  const rng = new Rng(seed);
  const g = Float64Array.from({ length: f.inputs }, () => rng.normal());
  const back = f.pullback(x, g);
  const dot = (y: Float64Array) => { const v = f.transform(y, 1); let s = 0; for (let q = 0; q < f.inputs; q++) s += g[q] * v[q]; return s; };
  const h = 1e-6;
  for (let k = 0; k < x.length; k++) {
    const xp = x.slice(), xm = x.slice();
    xp[k] += h; xm[k] -= h;
    const fd = (dot(xp) - dot(xm)) / (2 * h);
    assert.ok(Math.abs(fd - back[k]) <= tol * (1 + Math.abs(fd)), `coordinate ${k}: pullback ${back[k]} vs FD ${fd}`);
  }
}

function rotate(x: Float64Array, seed: number): Float64Array {
  const rng = new Rng(seed);
  const [a, b, c] = [rng.uniform(0, 6), rng.uniform(0, 6), rng.uniform(0, 6)];
  const R = [
    [Math.cos(a) * Math.cos(b), Math.cos(a) * Math.sin(b) * Math.sin(c) - Math.sin(a) * Math.cos(c), Math.cos(a) * Math.sin(b) * Math.cos(c) + Math.sin(a) * Math.sin(c)],
    [Math.sin(a) * Math.cos(b), Math.sin(a) * Math.sin(b) * Math.sin(c) + Math.cos(a) * Math.cos(c), Math.sin(a) * Math.sin(b) * Math.cos(c) - Math.cos(a) * Math.sin(c)],
    [-Math.sin(b), Math.cos(b) * Math.sin(c), Math.cos(b) * Math.cos(c)],
  ];
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length / 3; i++) for (let r = 0; r < 3; r++) y[3 * i + r] = R[r][0] * x[3 * i] + R[r][1] * x[3 * i + 1] + R[r][2] * x[3 * i + 2] + 0.3 * (r + 1);
  return y;
}

test('internal coordinates of alanine dipeptide: scaled to [0, 1], rigid-motion invariant, exact pullback', () => {
  const sys = loadShippedSystem('alanine-dipeptide');
  const ic = InternalCoordinates.fromTopology(sys.topology);
  const x = sys.positions;
  const f = ic.transform(x, 1);
  assert.is(ic.inputs, sys.topology.bonds.length + sys.topology.angles.length + 2 * (ic.spec.dihedrals.length));
  for (let q = 0; q < ic.inputs; q++) assert.ok(f[q] >= 0 && f[q] <= 1, `${ic.names[q]} = ${f[q]}`);
  const fr = ic.transform(rotate(x, 3), 1);
  for (let q = 0; q < ic.inputs; q++) assert.ok(Math.abs(fr[q] - f[q]) < 1e-12, `${ic.names[q]} changes under a rigid motion`);
  checkPullback(ic, x, 4);
  assert.throws(() => ic.transform(new Float64Array(3), 1), /expected 1 frames x 22 atoms/);
});

test('aligned Cartesian features: rigid-motion invariant, a rotated reference aligns back onto it, exact pullback', () => {
  const sys = loadShippedSystem('alanine-dipeptide');
  const heavy = sys.topology.atoms.map((a, i) => (a.name.startsWith('H') ? -1 : i)).filter((i) => i >= 0);
  const rng = new Rng(8);
  const x = sys.positions.map((v) => v + 0.02 * rng.normal());
  const ac = new AlignedCartesian(22, sys.positions, { fitAtoms: heavy, atoms: [4, 6, 8, 14, 16] });
  const f = ac.transform(x, 1), fr = ac.transform(rotate(x, 11), 1);
  for (let q = 0; q < ac.inputs; q++) assert.ok(Math.abs(f[q] - fr[q]) < 1e-9, `${ac.names[q]} changes under a rigid motion`);
  const self = new AlignedCartesian(22, sys.positions).transform(rotate(sys.positions, 12), 1);
  for (let q = 0; q < 66; q++) assert.ok(Math.abs(self[q] - sys.positions[q]) < 1e-9, 'a rotated copy aligns back onto the reference');
  checkPullback(ac, x, 9, 1e-5);
});

test('pairwise distances (and inverse distances): rigid-motion invariant, exact pullback, named pairs', () => {
  const sys = loadShippedSystem('alanine-dipeptide');
  const heavy = sys.topology.atoms.map((a, i) => (a.name.startsWith('H') ? -1 : i)).filter((i) => i >= 0);
  const rng = new Rng(21);
  const x = sys.positions.map((v) => v + 0.02 * rng.normal());
  for (const inverse of [false, true]) {
    const pd = new PairwiseDistances(22, { atoms: heavy, inverse, atomNames: sys.topology.atoms.map((a) => a.name) });
    assert.is(pd.inputs, (heavy.length * (heavy.length - 1)) / 2);
    const f = pd.transform(x, 1), fr = pd.transform(rotate(x, 22), 1);
    for (let q = 0; q < pd.inputs; q++) assert.ok(Math.abs(f[q] - fr[q]) < 1e-12, `${pd.names[q]} changes under a rigid motion`);
    const [i, j] = [heavy[0], heavy[1]];
    const d = Math.hypot(x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]);
    assert.ok(Math.abs(f[0] - (inverse ? 1 / d : d)) < 1e-15, 'first feature is the first selected pair');
    checkPullback(pd, x, 23, 1e-5);
  }
  assert.throws(() => new PairwiseDistances(22, { atoms: [1, 1, 2] }), /atom 1 selected twice/);
  assert.throws(() => new PairwiseDistances(22, { atoms: [3, 40] }), /atom 40 outside 0..21/);
  const same = sys.positions.slice(); same[3] = same[0]; same[4] = same[1]; same[5] = same[2];
  assert.throws(() => new PairwiseDistances(22).transform(same, 1), /atoms 0 and 1 coincide in frame 0/);
});

test('level-set saliency: a chi of one distance loads exactly its two atoms, bin by bin, with the analytic gradient', () => {
  // chi = sigmoid((d01 - r0) / w) on random frames of 4 atoms: ||grad_0 chi||^2 = ||grad_1 chi||^2 = chi'(d)^2, 0 elsewhere.
  const pd = new PairwiseDistances(4, { atoms: [0, 1] });
  const rng = new Rng(31);
  const n = 400, r0 = 0.3, w = 0.05;
  const x = new Float64Array(n * 12);
  for (let k = 0; k < x.length; k++) x[k] = rng.uniform(0, 0.5);
  const d = pd.transform(x, n);
  const chi = new Float64Array(n), dchi = new Float64Array(n);
  for (let f = 0; f < n; f++) { chi[f] = 1 / (1 + Math.exp(-(d[f] - r0) / w)); dchi[f] = (chi[f] * (1 - chi[f])) / w; }
  const s = atomSaliency(pd, x, n, dchi);
  for (let f = 0; f < n; f++) {
    assert.ok(Math.abs(s[4 * f] - dchi[f] ** 2) <= 1e-12 * dchi[f] ** 2 + 1e-300 && Math.abs(s[4 * f + 1] - dchi[f] ** 2) <= 1e-12 * dchi[f] ** 2 + 1e-300, `frame ${f}`);
    assert.is(s[4 * f + 2], 0); assert.is(s[4 * f + 3], 0);
  }
  const ls = levelSetSaliency(chi, s, 4, { bins: 5 });
  [0, 0.2, 0.4, 0.6, 0.8, 1].forEach((e, b) => assert.ok(Math.abs(ls.edges[b] - e) < 1e-15, `edge ${b}`));
  assert.is(ls.outside, 0);
  assert.is(ls.counts.reduce((a, b) => a + b, 0), n);
  for (let b = 0; b < 5; b++) {
    // expected mean by direct summation over the frames in the bin
    let sum = 0, c = 0;
    for (let f = 0; f < n; f++) if (chi[f] >= ls.edges[b] && (chi[f] < ls.edges[b + 1] || (b === 4 && chi[f] <= 1))) { sum += dchi[f] ** 2; c++; }
    assert.is(ls.counts[b], c);
    if (c > 0) {
      assert.ok(Math.abs(ls.values[4 * b] - sum / c) <= 1e-12 * (sum / c));
      assert.equal(topAtoms(ls, b, 2).sort(), [0, 1]);
    }
  }
  // chi' = chi(1-chi)/w peaks at chi = 1/2: the middle bin carries the largest saliency (the transition)
  assert.ok(ls.values[4 * 2] > ls.values[4 * 0] && ls.values[4 * 2] > ls.values[4 * 4]);
  assert.throws(() => levelSetSaliency([0.5, NaN], new Float64Array(8), 4), /chi of frame 1 is NaN/);
  assert.throws(() => levelSetSaliency([0.5], new Float64Array(3), 4), /got 3 saliency values, expected 1 frames x 4 atoms/);
  assert.throws(() => levelSetSaliency([0.5], [-1, 0, 0, 0], 4), /saliency of atom 0 in frame 0 is -1/);
  const out = levelSetSaliency([-0.1, 0.5, 1.2], new Float64Array(12), 4, { bins: 2 });
  assert.is(out.outside, 2);
  assert.ok(Number.isNaN(out.values[0]) && out.counts[0] === 0);
  assert.throws(() => topAtoms(out, 0), /bin 0 \(chi 0..0.5\) has no frames/);
});

// A central atom with 30 solvent atoms scattered within 1 nm.
function cluster(seed: number, m = 30): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(3 * (m + 1));
  for (let k = 3; k < x.length; k++) x[k] = rng.uniform(-0.6, 0.6);
  return x;
}
const solvent = Array.from({ length: 30 }, (_, i) => i + 1);
const g2: SymmetryFunctionSpec = { kind: 'G2', center: 0, solvent, eta: 40, rs: 0.3, rc: 0.6, alphaC: 200 };
const g5: SymmetryFunctionSpec = { kind: 'G5', center: 0, solvent, eta: 40, rs: 0.3, rc: 0.6, alphaC: 200, zeta: 4, lambda: -1 };

test('G2 and G5 equal Eqs. 6-8 evaluated by hand for two solvent atoms', () => {
  const x = Float64Array.from([0, 0, 0, 0.25, 0, 0, 0, 0.35, 0]);
  const sf = new SymmetryFunctions(3, [{ ...g2, solvent: [1, 2] }, { ...g5, solvent: [1, 2] }]);
  const [v2, v5] = sf.transform(x, 1);
  const w = (r: number) => Math.exp(-40 * (r - 0.3) ** 2) / (1 + Math.exp(200 * (r - 0.6 - 1 / Math.sqrt(200))));
  assert.ok(Math.abs(v2 - (w(0.25) + w(0.35))) < 1e-14);
  assert.ok(Math.abs(v5 - (-1 + Math.cos(Math.PI / 2)) ** 4 * w(0.25) * w(0.35)) < 1e-14);
  assert.is(fermiCutoff(0.61, 0.6, 200).f, 0);
});

test('symmetry functions: invariant to rotations and solvent permutations, exact pullback', () => {
  const x = cluster(1);
  const sf = new SymmetryFunctions(31, [g2, g5]);
  const v = sf.transform(x, 1);
  const vr = sf.transform(rotate(x, 2), 1);
  const perm = new SymmetryFunctions(31, [{ ...g2, solvent: [...solvent].reverse() }, { ...g5, solvent: [...solvent].reverse() }]).transform(x, 1);
  for (let q = 0; q < 2; q++) {
    assert.ok(Math.abs(vr[q] - v[q]) < 1e-9 * (1 + v[q]), `rotation changes input ${q}`);
    assert.ok(Math.abs(perm[q] - v[q]) < 1e-9 * (1 + v[q]), `permutation changes input ${q}`);
  }
  assert.ok(v[0] > 0.5 && v[1] > 0, 'atoms are in the probing shell');
  checkPullback(sf, x, 5, 1e-5);
  assert.throws(() => new SymmetryFunctions(31, [{ ...g5, zeta: 3 }]), /zeta must be an even/);
});

test('isotropic normalisation: an ideal solvent gives G2 and G5 of 1 on average', () => {
  // Poisson solvent of density rho in a 2 nm cube around the centre; average over configurations.
  const rho = 33, L = 2, rng = new Rng(9);
  const n2 = isotropicG2(rho, g2), n5 = isotropicG5(rho, g5);
  let s2 = 0, s5 = 0;
  const frames = 300;
  for (let f = 0; f < frames; f++) {
    // Poisson count with mean rho L^3 = 264, as a sum of 8 Poisson(33) draws by inversion (no underflow)
    const mean = (rho * L ** 3) / 8;
    let m = 0;
    for (let part = 0; part < 8; part++) {
      let k = 0, p = Math.exp(-mean), cum = p;
      const u = rng.next();
      while (u > cum) { k++; p *= mean / k; cum += p; }
      m += k;
    }
    const x = new Float64Array(3 * (m + 1));
    for (let k = 3; k < x.length; k++) x[k] = rng.uniform(-L / 2, L / 2);
    const idx = Array.from({ length: m }, (_, i) => i + 1);
    const v = new SymmetryFunctions(m + 1, [{ ...g2, solvent: idx, normalization: n2 }, { ...g5, solvent: idx, normalization: n5 }]).transform(x, 1);
    s2 += v[0] / frames; s5 += v[1] / frames;
  }
  assert.ok(Math.abs(s2 - 1) < 0.05, `<G2> / isotropic = ${s2}`);
  assert.ok(Math.abs(s5 - 1) < 0.1, `<G5> / isotropic = ${s5}`);
});

test('atom contributions (Eq. 5): a distance-only coordinate loads its two atoms equally', () => {
  const sys = loadShippedSystem('alanine-dipeptide');
  const ic = new InternalCoordinates(22, { bonds: [[4, 14]], angles: [], dihedrals: [] });
  const c = atomContributionsFromFeatures(ic, sys.positions, [2.5]);
  let sum = 0;
  for (const v of c) sum += v;
  assert.ok(Math.abs(sum - 1) < 1e-12);
  assert.ok(Math.abs(c[4] - 0.5) < 1e-12 && Math.abs(c[14] - 0.5) < 1e-12);
  assert.throws(() => atomContributions(new Float64Array(6)), /zero on every atom/);
});

test.run();
