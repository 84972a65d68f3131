import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { align } from '../../lib/features/alignment.js';
import { Rng } from '../../lib/dynamics/rng.js';

const rng = new Rng(17);
const ref = Float64Array.from({ length: 3 * 8 }, () => rng.normal() * 0.3);

function rotate(x: Float64Array, axis: number[], angle: number, shift: number[]): Float64Array {
  const [ux, uy, uz] = axis.map((v) => v / Math.hypot(...axis));
  const c = Math.cos(angle), s = Math.sin(angle), t = 1 - c;
  const R = [
    [t * ux * ux + c, t * ux * uy - s * uz, t * ux * uz + s * uy],
    [t * ux * uy + s * uz, t * uy * uy + c, t * uy * uz - s * ux],
    [t * ux * uz - s * uy, t * uy * uz + s * ux, t * uz * uz + c],
  ];
  const out = new Float64Array(x.length);
  for (let a = 0; a < x.length / 3; a++) for (let i = 0; i < 3; i++) out[3 * a + i] = R[i][0] * x[3 * a] + R[i][1] * x[3 * a + 1] + R[i][2] * x[3 * a + 2] + shift[i];
  return out;
}

test('a rotated and shifted copy aligns back onto the reference exactly', () => {
  const moved = rotate(ref, [1, 2, -0.5], 2.3, [1, -2, 0.5]);
  const al = align(moved, ref);
  assert.ok(al.rmsd < 1e-12, `rmsd ${al.rmsd}`);
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(al.aligned[i] - ref[i]) < 1e-12);
  // R is a proper rotation
  const R = al.rotation;
  const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
  assert.ok(Math.abs(det - 1) < 1e-12);
});

test('the alignment RMSD is the minimum: no small rotation of the result lowers it', () => {
  const noisy = rotate(ref, [0, 1, 1], 0.7, [0, 0, 0]).map((v) => v + 0.05 * rng.normal());
  const al = align(noisy, ref);
  const rmsdOf = (y: Float64Array) => Math.sqrt(y.reduce((s, v, i) => s + (v - ref[i]) ** 2, 0) / (ref.length / 3));
  assert.ok(Math.abs(rmsdOf(al.aligned) - al.rmsd) < 1e-12);
  const cr = [0, 1, 2].map((k) => ref.filter((_, i) => i % 3 === k).reduce((s, v) => s + v, 0) / 8);
  for (const axis of [[1, 0, 0], [0, 1, 0], [0, 0, 1]]) {
    for (const ang of [-1e-3, 1e-3]) {
      const centred = al.aligned.map((v, i) => v - cr[i % 3]);
      const turned = rotate(centred, axis, ang, cr);
      assert.ok(rmsdOf(turned) >= al.rmsd - 1e-12, `rotation about ${axis} by ${ang} lowered the RMSD`);
    }
  }
});

test('pullback equals finite differences of a scalar of the aligned coordinates (rotation term included)', () => {
  const x = rotate(ref, [1, -1, 2], 1.1, [0.2, 0.1, -0.3]).map((v) => v + 0.08 * rng.normal());
  const w = Float64Array.from({ length: x.length }, () => rng.normal());
  // f(y) = sum w.y + 0.5 |y|^2 (not rotation invariant, so the rotation derivative matters)
  const f = (y: Float64Array) => y.reduce((s, v, i) => s + w[i] * v + 0.5 * v * v, 0);
  const fit = [0, 1, 2, 3, 5, 7];
  const al = align(x, ref, { fitAtoms: fit });
  const g = al.aligned.map((v, i) => w[i] + v);
  const analytic = al.pullback(g);
  const h = 1e-6;
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const xp = Float64Array.from(x); xp[i] += h;
    const xm = Float64Array.from(x); xm[i] -= h;
    const fd = (f(align(xp, ref, { fitAtoms: fit }).aligned) - f(align(xm, ref, { fitAtoms: fit }).aligned)) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - analytic[i]) / (1 + Math.abs(fd)));
  }
  assert.ok(worst < 1e-6, `worst relative error ${worst}`);
});

test('bad input is named', () => {
  assert.throws(() => align(new Float64Array(7), ref), /not a positive multiple of 3/);
  assert.throws(() => align(new Float64Array(9), ref), /3 atoms but the reference has 8/);
  const bad = Float64Array.from(ref); bad[4] = NaN;
  assert.throws(() => align(bad, ref), /atom 1 has a non-finite coordinate/);
});

test.run();
