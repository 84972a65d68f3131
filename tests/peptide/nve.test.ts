import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { BondConstraints } from '../../lib/dynamics/constraints.js';
import { VelocityVerlet } from '../../lib/dynamics/verlet.js';
import { Rng } from '../../lib/dynamics/rng.js';
import { maxwellBoltzmann, removeCenterOfMassVelocity } from '../../lib/dynamics/velocities.js';

const KB = 0.00831446261815324;

/**
 * NVE run of alanine dipeptide in vacuum from the minimised structure with 300 K Maxwell-Boltzmann
 * velocities (centre-of-mass velocity removed). Total energy sampled every 0.1 ps; the drift is the
 * least-squares slope of E_tot(t) divided by the degrees of freedom 3N - 6 - constraints (momentum
 * and angular momentum are conserved in vacuum).
 */
function nve(dt: number, ps: number, constrained: boolean) {
  const s = loadShippedSystem('alanine-dipeptide');
  const ff = s.forceField;
  const cons = constrained ? new BondConstraints(ff.hydrogenBonds.pairs, ff.hydrogenBonds.lengths, ff.masses, { tolerance: 1e-12 }) : undefined;
  const vv = new VelocityVerlet(ff, { dt, masses: ff.massesPerCoordinate(), constraints: cons });
  const x = Float64Array.from(s.positions);
  cons?.apply(x, 1);
  const v = maxwellBoltzmann(ff.massesPerCoordinate(), KB * 300, 1, new Rng(5), { constraints: cons, positions: x });
  removeCenterOfMassVelocity(v, ff.masses, 1);
  const every = Math.round(0.1 / dt), n = Math.round(ps / 0.1);
  const t: number[] = [], e: number[] = [];
  let epot = ff.energy(x);
  for (let i = 0; i <= n; i++) {
    if (i > 0) epot = vv.run(x, v, 1, every)[0];
    t.push(i * 0.1);
    e.push(epot + vv.kineticEnergy(v, 1)[0]);
  }
  const mt = t.reduce((a, b) => a + b) / t.length, me = e.reduce((a, b) => a + b) / e.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < t.length; i++) { sxy += (t[i] - mt) * (e[i] - me); sxx += (t[i] - mt) ** 2; }
  const dof = 3 * ff.nAtoms - 6 - (cons?.count ?? 0);
  const fluct = Math.sqrt(e.reduce((a, b) => a + (b - me) ** 2, 0) / e.length);
  return { slope: sxy / sxx, drift: Math.abs(sxy / sxx) / dof, dof, fluct, span: Math.max(...e) - Math.min(...e), e0: e[0] };
}

test('NVE velocity Verlet 0.5 fs, no constraints, 20 ps: energy drift <= 1e-4 kJ/mol/ps per degree of freedom', () => {
  const r = nve(0.0005, 20, false);
  console.log(`    0.5 fs unconstrained: drift ${r.drift.toExponential(2)} kJ/mol/ps/dof (slope ${r.slope.toExponential(2)} kJ/mol/ps, ${r.dof} dof), rms fluctuation ${r.fluct.toFixed(4)} kJ/mol`);
  assert.ok(r.drift <= 1e-4, `drift ${r.drift}`);
  // a working symplectic integrator at 0.5 fs: fluctuations well below kT (2.49 kJ/mol)
  assert.ok(r.fluct < 0.1, `rms fluctuation ${r.fluct}`);
});

// At 2 fs the mean of the conserved (shadow) energy shifts by ~0.1 kJ/mol when the molecule changes
// conformation, so over 20 ps a single transition reads as a "drift" of ~1e-4 kJ/mol/ps/dof (seed 5:
// 2.8e-4); over 100 ps the slope is the real drift (|slope| ~1e-5 for seeds 5, 6, 7).
test('NVE velocity Verlet + RATTLE 2 fs, H-bond constraints, 100 ps: energy drift <= 1e-4 kJ/mol/ps per degree of freedom', () => {
  const r = nve(0.002, 100, true);
  console.log(`    2 fs RATTLE: drift ${r.drift.toExponential(2)} kJ/mol/ps/dof (slope ${r.slope.toExponential(2)} kJ/mol/ps, ${r.dof} dof), rms fluctuation ${r.fluct.toFixed(4)} kJ/mol`);
  assert.is(r.dof, 66 - 6 - 12);
  assert.ok(r.drift <= 1e-4, `drift ${r.drift}`);
  assert.ok(r.fluct < 0.5, `rms fluctuation ${r.fluct}`);
});

test.run();
