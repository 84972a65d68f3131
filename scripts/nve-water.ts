// NVE energy drift of rigid TIP3P water (data/README.md, "NVE energy conservation"):
//   npx tsx scripts/nve-water.ts [ps = 20] [OUT.json] [PME tolerance = 5e-4]
// velocity Verlet 1 fs with SETTLE on data/tip3p-216 (r_c 0.9 nm, PME tolerance 5e-4, dispersion
// correction) from data/tip3p-216/nve-start.json (made here when missing: conf.gro projected onto
// TIP3P, 300 K Maxwell-Boltzmann velocities, seed 7, 4 ps of BAOAB at 300 K, no centre-of-mass motion; OpenMM's reference
// run, data/water_reference.py nve, starts from the same file). The dynamics use the potential-shifted
// force field (the same forces as the plain one); the plain total energy is tracked along the same
// trajectory. Prints the total energy at every sample (0.05 ps) and both drifts per degree of freedom
// (kJ/mol/ns) at the end.
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { readTopology, readGro, PeriodicForceField } from '../lib/forcefield/index.js';
import { SettleConstraints } from '../lib/dynamics/settle.js';
import { Rng } from '../lib/dynamics/rng.js';
import { VelocityVerlet } from '../lib/dynamics/verlet.js';
import { BAOAB } from '../lib/dynamics/langevin.js';
import { nveEnergyDrift } from '../lib/dynamics/nve.js';
import type { NveSeries } from '../lib/dynamics/nve.js';
import { maxwellBoltzmann, removeCenterOfMassVelocity } from '../lib/dynamics/velocities.js';
import { projectRoot } from '../lib/project/root.js';
import { writeFileAtomic } from '../lib/files/atomic-write.js';

const ps = Number(process.argv[2] ?? 20);
if (!(ps > 0)) throw new RangeError(`nve-water: simulated time must be positive (ps), got ${process.argv[2]}`);
const dir = join(projectRoot(), 'data', 'tip3p-216');
const top = readTopology(join(dir, 'topol.top'));
const s = readGro(join(dir, 'conf.gro'));
const tolerance = Number(process.argv[4] ?? 5e-4);
const opts = { box: s.boxes[0]!, cutoff: 0.9, ewaldErrorTolerance: tolerance };
const plain = new PeriodicForceField(top, opts);
const ff = new PeriodicForceField(top, { ...opts, ljModifier: 'potential-shift', coulombModifier: 'potential-shift' });
const settle = new SettleConstraints(top.settles, ff.masses);
const KB = 0.00831446261815324, m = ff.massesPerCoordinate();
const startFile = join(dir, 'nve-start.json');
if (!existsSync(startFile)) {
  const x0 = Float64Array.from(s.frames[0]);
  settle.apply(x0, 1);
  const v0 = maxwellBoltzmann(m, KB * 300, 1, new Rng(7), { constraints: settle, positions: x0 });
  settle.rattle(x0, v0, 1);
  // 4 ps of Langevin dynamics at 300 K (2 fs, friction 5/ps) so that the NVE run starts in equilibrium:
  // the projected SPC box relaxes for picoseconds, and a relaxing state changes the size of the
  // integrator's O(dt^2) energy error, which reads as a drift over the first ps
  new BAOAB(ff, { dt: 0.002, kT: KB * 300, friction: 5, masses: m, constraints: settle }).run(x0, v0, 1, 2000, new Rng(8));
  removeCenterOfMassVelocity(v0, ff.masses, 1);
  settle.rattle(x0, v0, 1);
  writeFileAtomic(startFile, JSON.stringify({ about: 'tip3p-216 conf.gro projected onto TIP3P by SETTLE, 300 K Maxwell-Boltzmann velocities (seed 7), 4 ps BAOAB at 300 K (2 fs, friction 5/ps, seed 8), centre-of-mass motion removed; made by scripts/nve-water.ts', box: Array.from(ff.box), positions: Array.from(x0), velocities: Array.from(v0) }));
}
const start = JSON.parse(readFileSync(startFile, 'utf8'));
const x = Float64Array.from(start.positions), v = Float64Array.from(start.velocities);
const vv = new VelocityVerlet(ff, { dt: 0.001, masses: m, constraints: settle });
const dof = 3 * ff.nAtoms - settle.count - 3;
const t0 = Date.now();
const res = nveEnergyDrift(vv, x, v, {
  ps, sampleEveryPs: 0.05, dof, alsoPotentials: { plain: (y) => plain.energy(y) },
  onProgress: (p, e) => console.log(`${p.toFixed(2)} ps  Etot (shifted) ${e.toFixed(4)} kJ/mol  ${((Date.now() - t0) / 1000).toFixed(0)} s`),
});
const line = (what: string, r: NveSeries) => `${what}: drift ${(r.drift.slope * 1000).toFixed(2)} ± ${(r.drift.standardError * 1000).toFixed(2)} kJ/mol/ns = ${r.perDofPerNs.toFixed(5)} ± ${r.perDofPerNsError.toFixed(5)} per dof (${dof}); sd about the line ${r.drift.residualSd.toFixed(3)} kJ/mol, tau ${r.drift.tau.toFixed(1)} samples`;
console.log(`PME tolerance ${tolerance}: alpha ${ff.alpha.toFixed(4)} /nm, grid ${ff.pmeGrid.join('x')}`);
console.log(line('shifted (conserved by these forces)', res));
console.log(line('plain cut-off energy', res.also.plain));
console.log(`mean temperature ${(res.kinetic.reduce((a, b) => a + b, 0) / res.kinetic.length * 2 / (dof * KB)).toFixed(1)} K; constraint deviation ${settle.maxDeviation(x, 1).toExponential(1)}`);
if (process.argv[3]) writeFileAtomic(process.argv[3], JSON.stringify({ ps, dof, tolerance, timePs: Array.from(res.timePs), totalShifted: Array.from(res.total), totalPlain: Array.from(res.also.plain.total), shifted: { ...res.drift, perDofPerNs: res.perDofPerNs, perDofPerNsError: res.perDofPerNsError }, plain: { ...res.also.plain.drift, perDofPerNs: res.also.plain.perDofPerNs, perDofPerNsError: res.also.plain.perDofPerNsError } }));
