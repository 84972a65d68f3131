import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PeriodicForceField, readTopology, readGro, parseTopology, PeriodicBoxError, NeighborList, wrapMolecules, loadShippedSolvatedSystem, CoincidentAtomsError, loadSolvatedSystem, checkMoleculeOverlaps, OverlappingMoleculesError } from '../../lib/forcefield/index.js';
import { writeFileAtomic } from '../../lib/files/atomic-write.js';
import type { Topology } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

const DATA = join(projectRoot(), 'data');
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

// References: data/solvent_reference.py (OpenMM 7.7 Reference platform, GromacsTopFile, PME, r_c 1 nm,
// tolerance 5e-4, alpha and grid set explicitly). The bounds are 1e-5 (total) and 1e-4 of the
// largest force; we agree to ~1e-12, so the tests assert 1e-9 to catch any real regression.
// tip3p-na has a net charge of +1 e: OpenMM adds no background-charge energy, nor do we.
for (const sys of ['tip3p-box', 'tip3p-nacl', 'tip3p-na', 'alanine-dipeptide-tip3p', 'licl-1m']) {
  const dir = join(DATA, sys);
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
  const top = readTopology(join(dir, 'topol.top'));
  const frames = readGro(join(dir, 'frames.gro'));
  const warnings: string[] = [];
  const ff = new PeriodicForceField(top, { box: frames.boxes[0]!, pme: { alpha: ref.alpha, grid: ref.grid }, onWarning: (m) => warnings.push(m) });
  assert.is(warnings.length, sys === 'tip3p-na' ? 1 : 0);

  test(`${sys}: energies of every stored frame equal OpenMM's (total, bonded, reciprocal + self, dispersion correction) to 1e-9`, () => {
    assert.is(frames.frames.length, ref.frames.length);
    assert.equal(ff.pmeGrid, ref.grid);
    frames.frames.forEach((x, k) => {
      const t = ff.energyTerms(x), r = ref.frames[k];
      assert.ok(rel(t.total, r.total) < 1e-9, `frame ${k} total ${t.total} vs ${r.total}`);
      // OpenMM's reciprocal-space force group also holds the Ewald self energy
      assert.ok(Math.abs(t.coulombReciprocal + t.coulombSelf - r.reciprocal) < 1e-9 * Math.abs(r.reciprocal), `frame ${k} reciprocal`);
      assert.ok(rel(t.ljDispersion, r.dispersionCorrection) < 1e-9, `frame ${k} dispersion ${t.ljDispersion} vs ${r.dispersionCorrection}`);
      assert.ok(Math.abs(t.bond + t.angle - (r.HarmonicBondForce ?? 0) - (r.HarmonicAngleForce ?? 0)) < 1e-9);
      assert.ok(Math.abs(ff.energy(x) - t.total) < 1e-9 * Math.abs(t.total));
    });
  });

  test(`${sys}: forces equal OpenMM's to 1e-9 of the largest force`, () => {
    frames.frames.forEach((x, k) => {
      const r = ref.frames[k];
      if (!r.forces) return;
      const f = new Float64Array(x.length), e = new Float64Array(1);
      ff.forces(Float64Array.from(x), f, 1, e);
      let fmax = 0, dmax = 0;
      for (let i = 0; i < f.length; i++) {
        fmax = Math.max(fmax, Math.abs(r.forces[i]));
        dmax = Math.max(dmax, Math.abs(f[i] - r.forces[i]));
      }
      assert.ok(dmax < 1e-9 * fmax, `frame ${k}: max deviation ${dmax} of ${fmax}`);
      assert.ok(rel(e[0], r.total) < 1e-9);
    });
  });
}

const water = readTopology(join(DATA, 'tip3p-box', 'topol.top'));
const waterX = readGro(join(DATA, 'tip3p-box', 'frames.gro')).frames[0];

test('neighbour list: small moves reuse it, a move beyond half the buffer rebuilds it, and energies equal those of a fresh list', () => {
  const ff = new PeriodicForceField(water, { box: [2.2, 2.2, 2.2], neighborBuffer: 0.1 });
  const fresh = new PeriodicForceField(water, { box: [2.2, 2.2, 2.2], neighborBuffer: 0.1 });
  const x = Float64Array.from(waterX), f = new Float64Array(x.length);
  ff.forces(x, f, 1);
  const list = (ff as unknown as { lists: NeighborList[] }).lists[0];
  assert.is(list.builds, 1);
  for (let a = 0; a < x.length; a += 3) x[a] += 0.04; // every atom moves 0.04 nm < buffer/2: no rebuild
  x[0] += 0.009;
  ff.forces(x, f, 1);
  assert.is(list.builds, 1);
  assert.ok(Math.abs(ff.energy(x) - fresh.energy(x)) < 1e-9 * Math.abs(fresh.energy(x)));
  x[3] += 0.06; // 0.06 nm > 0.05: rebuild
  ff.forces(x, f, 1);
  assert.is(list.builds, 2);
  ff.setBox([2.3, 2.2, 2.2]);
  ff.forces(x, f, 1);
  assert.is(list.builds, 3);
});

test('neighbour list: every non-excluded pair within the cut-off (minimum image, brute force) is listed exactly once with its shift, also with molecules broken across the box and unwrapped by whole boxes', () => {
  const L = [2.2, 2.2, 2.2], rc = 1, mol = water.atoms.map((a) => a.molecule);
  const x = Float64Array.from(waterX);
  for (let a = 0; a < 9; a++) x[a] += [3 * 2.2, -2.2, 0][a % 3]; // waters 0-2 moved by box vectors
  for (let m = 3; m < 348; m += 7) x[9 * m + 3] -= 2.2; // a hydrogen of every 7th water put one box away
  const excluded = new Set(water.exclusions.map(([i, j]) => `${Math.min(i, j)} ${Math.max(i, j)}`));
  const n = water.atoms.length, brute = new Set<string>();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (excluded.has(`${i} ${j}`)) continue;
      let r2 = 0;
      for (let d = 0; d < 3; d++) {
        const v = x[3 * i + d] - x[3 * j + d];
        r2 += (v - L[d] * Math.round(v / L[d])) ** 2;
      }
      if (r2 < rc * rc) brute.add(`${i} ${j}`);
    }
  }
  for (const buffer of [0, 0.1]) {
    const nl = new NeighborList(n, rc, buffer, water.exclusions, mol);
    nl.update(x, 0, Float64Array.from(L));
    const listed = new Map<string, number>();
    for (let r = 0; r < nl.count; r++) {
      const a = nl.recordAtom[r];
      for (let p = nl.recordStart[r]; p < nl.recordStart[r + 1]; p++) {
        const b = nl.pairs[p];
        let r2 = 0;
        for (let d = 0; d < 3; d++) r2 += (x[3 * a + d] - x[3 * b + d] - nl.recordShift[3 * r + d]) ** 2;
        if (r2 >= rc * rc) continue;
        const key = `${Math.min(a, b)} ${Math.max(a, b)}`;
        listed.set(key, (listed.get(key) ?? 0) + 1);
      }
    }
    assert.is(listed.size, brute.size, `buffer ${buffer}`);
    for (const k of brute) assert.is(listed.get(k), 1, `pair ${k}`);
  }
});

test("real-space kernels: WebAssembly SIMD ('wasm', the default here) and JavaScript ('js') give the same energies (1e-13) and forces (1e-13 of the largest) on alanine dipeptide + 543 TIP3P frames", () => {
  const dir = join(DATA, 'alanine-dipeptide-tip3p');
  const top = readTopology(join(dir, 'topol.top'));
  const frames = readGro(join(dir, 'frames.gro'));
  const wasm = new PeriodicForceField(top, { box: frames.boxes[0]! });
  const js = new PeriodicForceField(top, { box: frames.boxes[0]!, realSpaceKernel: 'js' });
  assert.is(wasm.realSpaceKernel, 'wasm');
  assert.is(js.realSpaceKernel, 'js');
  for (const x0 of frames.frames) {
    const x = Float64Array.from(x0), fw = new Float64Array(x.length), fj = new Float64Array(x.length), ew = new Float64Array(1), ej = new Float64Array(1);
    wasm.forces(x, fw, 1, ew);
    js.forces(x, fj, 1, ej);
    assert.ok(Math.abs(ew[0] - ej[0]) < 1e-13 * Math.abs(ej[0]), `energy ${ew[0]} vs ${ej[0]}`);
    let fmax = 0, dmax = 0;
    for (let i = 0; i < x.length; i++) {
      fmax = Math.max(fmax, Math.abs(fj[i]));
      dmax = Math.max(dmax, Math.abs(fw[i] - fj[i]));
    }
    assert.ok(dmax < 1e-13 * fmax, `forces differ by ${dmax} of ${fmax}`);
  }
  assert.throws(() => new PeriodicForceField(top, { box: frames.boxes[0]!, realSpaceKernel: 'simd' as 'js' }), /realSpaceKernel must be 'wasm' or 'js', got 'simd'/);
});

test('bad input: box smaller than twice the cut-off, triclinic box, water without [ settles ], net charge (warning), overlapping atoms', () => {
  assert.throws(() => new PeriodicForceField(water, { box: [2.2, 1.9, 2.2] }), (e: Error) => e instanceof PeriodicBoxError && /box \(2.2000 x 1.9000 x 2.2000 nm\) is smaller than twice the cut-off \(2 x 1 nm\)/.test(e.message));
  assert.throws(() => new PeriodicForceField(water, { box: [2.2, 0, 0, 0.5, 2.2, 0, 0, 0, 2.2] }), /triclinic boxes are not supported/);
  const ff = new PeriodicForceField(water, { box: [2.2, 2.2, 2.2] });
  assert.throws(() => ff.setBox([1.5, 2.2, 2.2]), /smaller than twice the cut-off/);
  const noSettles = readFileSync(join(DATA, 'forcefields', 'amber99sb-ildn.ff', 'tip3p.itp'), 'utf8').replace(/\[ settles \][^[]*/, '');
  const top = `#include "amber99sb-ildn.ff/forcefield.itp"\n${noSettles}\n[ system ]\nw\n[ molecules ]\nSOL 2\n`;
  assert.throws(() => new PeriodicForceField(parseTopology(top, '/tmp/w.top'), { box: [2.2, 2.2, 2.2] }), /water molecule SOL \(atoms 1-3\) has no \[ settles \] and no bonds/);
  const warnings: string[] = [];
  const ions = `#include "amber99sb-ildn.ff/forcefield.itp"\n#include "amber99sb-ildn.ff/tip3p.itp"\n#include "amber99sb-ildn.ff/ions.itp"\n[ system ]\nw\n[ molecules ]\nSOL 2\nNA 1\n`;
  const charged = parseTopology(ions, '/tmp/i.top');
  new PeriodicForceField(charged, { box: [2.2, 2.2, 2.2], onWarning: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /net charge of 1\.000000 e; PME leaves out the k = 0 term/);
  const x = Float64Array.from(waterX);
  x[3 * 3] = x[0] + 0.005; // oxygen of water 2 onto oxygen of water 1
  x[3 * 3 + 1] = x[1];
  x[3 * 3 + 2] = x[2];
  assert.throws(() => ff.energy(x), (e: unknown) => e instanceof CoincidentAtomsError && /atom 1 \(SOL1 OW\) and atom 4 \(SOL2 OW\) overlap: 5\.000e-3 nm apart/.test((e as Error).message) && e.atoms[0] === 0 && e.atoms[1] === 3);
});

test('coincident atoms in PeriodicForceField: an excluded pair (the O and H of a water on one point, no bond term to catch it) and a non-excluded one raise CoincidentAtomsError, in energy and forces', () => {
  const ff = new PeriodicForceField(water, { box: [2.2, 2.2, 2.2] });
  const x = Float64Array.from(waterX);
  x.set(x.subarray(0, 3), 3); // H1 of water 1 onto its oxygen
  assert.throws(() => ff.energy(x), (e: unknown) => e instanceof CoincidentAtomsError && /atom 1 \(SOL1 OW\) and atom 2 \(SOL1 HW1\) overlap: 0\.000e\+0 nm apart \(minimum image\), closer than 1e-10 nm \(coincident/.test((e as Error).message));
  assert.throws(() => ff.forces(x, new Float64Array(x.length), 1), (e: unknown) => e instanceof CoincidentAtomsError);
  const y = Float64Array.from(waterX);
  y.set(y.subarray(0, 3), 30); // oxygen of water 11 onto that of water 1 (different molecules)
  assert.throws(() => ff.forces(y, new Float64Array(y.length), 1), (e: unknown) => e instanceof CoincidentAtomsError && /atom 1 \(SOL1 OW\) and atom 11 \(SOL4 HW1\) overlap: 0\.000e\+0 nm apart/.test((e as Error).message));
});

test('overlapping waters after solvation: loadSolvatedSystem names the two atoms of different molecules closer than 0.1 nm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rarelab-overlap-'));
  const lines = readFileSync(join(DATA, 'tip3p-box', 'conf.gro'), 'utf8').split('\n');
  // water 2 placed 0.06 nm from water 1 (as two solvent boxes stacked without removing the overlap)
  const at = (l: string) => [20, 28, 36].map((c) => Number(l.slice(c, c + 8)));
  const o1 = at(lines[2]), o2 = at(lines[5]);
  for (let k = 5; k < 8; k++) {
    const p = at(lines[k]).map((v, d) => v - o2[d] + o1[d] + (d === 0 ? 0.06 : 0));
    lines[k] = lines[k].slice(0, 20) + p.map((v) => v.toFixed(3).padStart(8)).join('') + lines[k].slice(44);
  }
  writeFileAtomic(join(dir, 'conf.gro'), lines.join('\n'));
  assert.throws(() => loadSolvatedSystem(join(DATA, 'tip3p-box', 'topol.top'), join(dir, 'conf.gro')),
    (e: unknown) => e instanceof OverlappingMoleculesError && /conf\.gro: atom \d+ \(SOL[12] \w+\) and atom \d+ \(SOL[12] \w+\) belong to different molecules but are 0\.0\d+ nm apart \(minimum image\), closer than 0\.1 nm: overlapping molecules/.test((e as Error).message));
  // the shipped box itself is clean
  assert.not.throws(() => checkMoleculeOverlaps(water, Float64Array.from(waterX), [2.2, 2.2, 2.2]));
});

test('[ settles ] is read: one per water with the TIP3P distances, atoms O, H1, H2; a bad function type is a TopologyError', () => {
  assert.is(water.settles.length, 348);
  assert.equal(water.settles[1], { o: 3, h1: 4, h2: 5, dOH: 0.09572, dHH: 0.15139 });
  assert.is(water.exclusions.length, 3 * 348);
  const t = (body: string): Topology => parseTopology(`#include "amber99sb-ildn.ff/forcefield.itp"\n[ moleculetype ]\nW 2\n[ atoms ]\n1 OW 1 W OW 1 -0.834 16\n2 HW 1 W HW1 1 0.417 1.008\n3 HW 1 W HW2 1 0.417 1.008\n[ settles ]\n${body}\n[ system ]\nw\n[ molecules ]\nW 1\n`, '/tmp/s.top');
  assert.throws(() => t('1 2 0.1 0.15'), /s\.top:\d+: \[ settles \]: function type 2 is not supported \(only 1\)/);
  assert.throws(() => t('2 1 0.1 0.15'), /\[ settles \]: oxygen 2 needs atoms 2\.\.4 in molecule W, which has 3/);
  assert.throws(() => t('1 1 0.1 0.25'), /do not form a triangle/);
});

test('shipped alanine-dipeptide-tip3p: 543 waters, equilibrated (OpenMM NPT 300 K, 1 bar) to 997.8 kg/m^3, constraints kept to the file precision, 300 K velocities', () => {
  const s = loadShippedSolvatedSystem('alanine-dipeptide-tip3p');
  assert.is(s.topology.settles.length, 543);
  assert.is(s.forceField.nAtoms, 22 + 3 * 543);
  const mass = s.forceField.masses.reduce((a, m) => a + m, 0);
  const density = (mass * 1.66053906660) / (s.box[0] * s.box[1] * s.box[2]);
  assert.ok(Math.abs(density - 997.8) < 0.1, `density ${density}`);
  assert.ok(s.constraints.maxDeviation(s.positions, 1) < 2e-5); // 6 decimals of 0.1 nm bonds
  assert.is(s.constraints.count, 12 + 3 * 543);
  const v = s.velocities!;
  let ke = 0;
  for (let k = 0; k < v.length; k++) ke += 0.5 * s.forceField.masses[Math.floor(k / 3)] * v[k] * v[k];
  const T = (2 * ke) / ((3 * s.forceField.nAtoms - s.constraints.count - 3) * 0.00831446261815324);
  assert.ok(T > 280 && T < 320, `T ${T}`);
  assert.throws(() => loadShippedSolvatedSystem('nothing'), /no data\/nothing\/equilibrated\.gro/);
});

test('wrapMolecules puts each molecule centre into the box by whole-box shifts; the energy is unchanged', () => {
  const x = Float64Array.from(waterX);
  for (let a = 0; a < 9; a++) x[a] += [3 * 2.2, -2.2, 0][a % 3]; // waters 0-2 moved by box vectors
  x[9 * 4] += 0.3 - x[9 * 4]; // water 4's oxygen near the x = 0 face, its hydrogens on either side
  const mol = water.atoms.map((a) => a.molecule);
  const w = wrapMolecules(x, mol, [2.2, 2.2, 2.2]);
  for (let m = 0; m < 348; m++) {
    for (let d = 0; d < 3; d++) {
      const c = (w[9 * m + d] + w[9 * m + 3 + d] + w[9 * m + 6 + d]) / 3;
      assert.ok(c >= 0 && c < 2.2, `molecule ${m} centre ${c}`);
      for (const k of [3, 6]) assert.ok(Math.abs(w[9 * m + k + d] - w[9 * m + d] - (x[9 * m + k + d] - x[9 * m + d])) < 1e-12, 'molecule whole');
    }
  }
  const ff = new PeriodicForceField(water, { box: [2.2, 2.2, 2.2] });
  assert.ok(Math.abs(ff.energy(w) - ff.energy(x)) < 1e-9 * Math.abs(ff.energy(x)));
});

test.run();
