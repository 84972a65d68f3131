import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pairPmf, pmfWell, pmfBarrier } from '../../lib/features/pair-pmf.js';

// A two-well pair potential u(r) (kJ/mol): wells at 0.23 and 0.50 nm (contact and solvent-separated,
// as for Li-Cl), barrier between; g(r) = exp(-u / kT) is its exact Boltzmann RDF at infinite dilution.
const kT = 2.494338785445972; // 300 K
const u = (r: number) => -6 * Math.exp(-(((r - 0.23) / 0.03) ** 2)) - 3 * Math.exp(-(((r - 0.5) / 0.06) ** 2)) + 4 * Math.exp(-(((r - 0.35) / 0.04) ** 2));
const r = Float64Array.from({ length: 200 }, (_, i) => 0.1 + (i + 0.5) * 0.005);

test('pairPmf inverts g = exp(-u/kT) exactly; pmfWell and pmfBarrier find the two wells and the barrier on the grid', () => {
  const g = r.map((x) => Math.exp(-u(x) / kT));
  const w = pairPmf(g, kT);
  for (let i = 0; i < r.length; i++) assert.ok(Math.abs(w[i] - u(r[i])) < 1e-12, `bin ${i}`);
  const grid = (lo: number, hi: number, f: (a: number, b: number) => boolean) => {
    let best = -1;
    for (let i = 0; i < r.length; i++) if (r[i] >= lo && r[i] <= hi && (best < 0 || f(u(r[i]), u(r[best])))) best = i;
    return best;
  };
  const contact = pmfWell(r, w, [0, 0.3]), ssip = pmfWell(r, w, [0.38, 0.8]);
  assert.is(contact.index, grid(0, 0.3, (a, b) => a < b));
  assert.is(ssip.index, grid(0.38, 0.8, (a, b) => a < b));
  assert.ok(Math.abs(contact.r - 0.23) <= 0.005 && Math.abs(ssip.r - 0.5) <= 0.005, `wells at ${contact.r}, ${ssip.r}`);
  assert.ok(contact.interior && ssip.interior);
  const barrier = pmfBarrier(r, w, contact.index, ssip.index);
  assert.ok(Math.abs(barrier.r - 0.35) <= 0.005 && barrier.w > 3.5, `barrier at ${barrier.r}: ${barrier.w}`);
  // a window on a slope: its lowest bin is the window's edge, not a well
  assert.is(pmfWell(r, w, [0.24, 0.3]).interior, false);
});

test('pairPmf: unsampled bins are +Infinity (skipped by pmfWell, an infinite barrier for pmfBarrier); bad input is named', () => {
  const g = r.map((x) => (x > 0.3 && x < 0.4 ? 0 : Math.exp(-u(x) / kT)));
  const w = pairPmf(g, kT);
  assert.is(w[r.findIndex((x) => x > 0.35)], Infinity);
  const a = pmfWell(r, w, [0, 0.3]), b = pmfWell(r, w, [0.38, 0.8]);
  assert.is(pmfBarrier(r, w, a.index, b.index).w, Infinity);
  assert.throws(() => pmfWell(r, w, [0.31, 0.39]), /no sampled bin \(finite w\) in \[0.31, 0.39\] nm/);
  assert.throws(() => pairPmf([1, -0.1], kT), /bin 1 is -0.1/);
  assert.throws(() => pairPmf([1], 0), /kT must be a positive number, got 0/);
  assert.throws(() => pmfWell([0.1, 0.2, 0.2], [1, 2, 3], [0, 1]), /r must increase/);
  assert.throws(() => pmfWell(r, w, [0.5, 0.4]), /window \[0.5, 0.4\] nm is empty/);
  assert.throws(() => pmfBarrier(r, w, 3, 4), /need bins/);
});

test.run();
