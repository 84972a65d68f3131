import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadShippedSystem, loadMolecularSystem, parseGro, CoordinateFileError, TopologyError } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';
import { BondConstraints, ConstraintError } from '../../lib/dynamics/constraints.js';
import { BAOAB, DivergenceError } from '../../lib/dynamics/langevin.js';
import { VelocityVerlet } from '../../lib/dynamics/verlet.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { maxwellBoltzmann } from '../../lib/dynamics/velocities.js';

// Complements tests/forcefield (NaN coordinates in energy/forces, atom-count mismatch in
// coordinatesForTopology, unknown atom type and other topology errors with file:line): the same
// failures on the paths a user takes to run dynamics, and an exploding integration.
const DATA = join(projectRoot(), 'data');
const kT = 0.00831446261815324 * 300;
const s = loadShippedSystem('alanine-dipeptide');
const ff = s.forceField;

test('exploding integration (10 fs without constraints) raises a DivergenceError naming step, walker and coordinate', () => {
  const x = Float64Array.from(s.positions);
  const v = maxwellBoltzmann(ff.massesPerCoordinate(), kT, 1, new Rng(1));
  const vv = new VelocityVerlet(ff, { dt: 0.01, masses: ff.massesPerCoordinate() });
  assert.throws(() => vv.run(x, v, 1, 100000), (e: Error) => e instanceof DivergenceError && /alanine-dipeptide: integration diverged at step \d+ for walker 0 \(coordinate \d+ = NaN\); reduce the time step/.test(e.message));
  const y = new Float64Array(2 * ff.dim);
  y.set(s.positions);
  y.set(s.positions, ff.dim);
  const integ = new BAOAB(ff, { dt: 0.01, kT, friction: 1, masses: ff.massesPerCoordinate() });
  const rng = new Rng(2);
  const w = integ.maxwellBoltzmann(2, rng);
  assert.throws(() => integ.run(y, w, 2, 100000, rng), (e: Error) => e instanceof DivergenceError && /integration diverged at step \d+ for walker [01]/.test(e.message));
});

test('too long a step with H-bond constraints: SHAKE says the bond rotated too far and to reduce the time step', () => {
  const cons = new BondConstraints(ff.hydrogenBonds.pairs, ff.hydrogenBonds.lengths, ff.masses);
  const integ = new BAOAB(ff, { dt: 0.01, kT, friction: 1, masses: ff.massesPerCoordinate(), constraints: cons });
  const x = Float64Array.from(s.positions);
  cons.apply(x, 1);
  const rng = new Rng(3);
  const v = integ.maxwellBoltzmann(1, rng, undefined, x);
  assert.throws(() => integ.run(x, v, 1, 100000, rng), (e: Error) => e instanceof ConstraintError && /SHAKE: constraint \d+ \(atoms \d+-\d+\) rotated too far in one step for walker 0; reduce the time step/.test(e.message));
});

test('NaN in start positions or velocities handed to the integrators is named', () => {
  const integ = new BAOAB(ff, { dt: 0.002, kT, friction: 1, masses: ff.massesPerCoordinate() });
  const x = Float64Array.from(s.positions);
  const v = new Float64Array(ff.dim);
  x[3 * 9 + 1] = NaN;
  assert.throws(() => integ.run(x, v, 1, 1, new Rng(1)), /alanine-dipeptide: positions of walker 0, coordinate 28 is NaN \(not finite\)/);
  x[3 * 9 + 1] = 0.5;
  v[5] = Infinity;
  assert.throws(() => new VelocityVerlet(ff, { dt: 0.001, masses: ff.massesPerCoordinate() }).run(x, v, 1, 1), /velocities of walker 0, coordinate 5 is Infinity/);
});

test('coordinate files: a NaN coordinate and an atom-count mismatch fail on loading, naming file, line or counts', () => {
  const gro = readFileSync(join(DATA, 'alanine-dipeptide', 'minimised.gro'), 'utf8').split('\n');
  gro[5] = gro[5].slice(0, 28) + '       nan' + gro[5].slice(38);
  assert.throws(() => parseGro(gro.join('\n'), 'bad.gro'), (e: Error) => e instanceof CoordinateFileError && /bad\.gro:6: atom 4 coordinate y is not a number/.test(e.message));
  assert.throws(
    () => loadMolecularSystem(join(DATA, 'alanine-dipeptide', 'topol.top'), join(DATA, 'vgvapg', 'minimised.gro')),
    (e: Error) => e instanceof CoordinateFileError && /atom-count mismatch: the coordinates have 73 atoms, the topology 22/.test(e.message),
  );
});

test('a topology file with an unknown atom type names the file, line, type and atom', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rarelab-top-'));
  const top = readFileSync(join(DATA, 'alanine-dipeptide', 'topol.pp.top'), 'utf8').split('\n');
  const k = top.findIndex((l) => /^\s+7\s+N\s+2\s+ALA\s+N\s/.test(l));
  assert.ok(k > 0, 'atom 7 line of topol.pp.top');
  top[k] = top[k].replace(/^(\s+7\s+)N(\s)/, '$1NX$2');
  writeFileSync(join(dir, 'bad.top'), top.join('\n'));
  assert.throws(
    () => loadMolecularSystem(join(dir, 'bad.top'), join(DATA, 'alanine-dipeptide', 'minimised.gro')),
    (e: Error) => e instanceof TopologyError && new RegExp(`bad\\.top:${k + 1}: \\[ atoms \\]: unknown atom type "NX" for atom 7 \\(N\\)`).test(e.message),
  );
});

test.run();
