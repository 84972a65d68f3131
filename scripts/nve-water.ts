// NVE energy drift of rigid TIP3P water (data/README.md, "NVE energy conservation"):
//   npx tsx scripts/nve-water.ts [ps = 20]
// velocity Verlet 1 fs with SETTLE on data/tip3p-216 (r_c 0.9 nm, PME tolerance 5e-4), 300 K
// Maxwell-Boltzmann start (seed 7); prints the total energy every 0.25 ps and the least-squares drift.
import { join } from 'node:path';
import { readTopology, readGro, PeriodicForceField } from '../lib/forcefield/index.js';
import { SettleConstraints } from '../lib/dynamics/settle.js';
import { Rng } from '../lib/dynamics/rng.js';
import { VelocityVerlet } from '../lib/dynamics/verlet.js';
import { maxwellBoltzmann, removeCenterOfMassVelocity } from '../lib/dynamics/velocities.js';
import { projectRoot } from '../lib/project/root.js';

const ps = Number(process.argv[2] ?? 20);
if (!(ps > 0)) throw new RangeError(`nve-water: simulated time must be positive (ps), got ${process.argv[2]}`);
const dir = join(projectRoot(), 'data', 'tip3p-216');
const top = readTopology(join(dir, 'topol.top'));
const s = readGro(join(dir, 'conf.gro'));
const ff = new PeriodicForceField(top, { box: s.boxes[0]!, cutoff: 0.9 });
const settle = new SettleConstraints(top.settles, ff.masses);
const x = Float64Array.from(s.frames[0]);
settle.apply(x, 1);
const KB = 0.0083144626, m = ff.massesPerCoordinate();
const v = maxwellBoltzmann(m, KB * 300, 1, new Rng(7), { constraints: settle, positions: x });
removeCenterOfMassVelocity(v, ff.masses, 1);
settle.rattle(x, v, 1);
const vv = new VelocityVerlet(ff, { dt: 0.001, masses: m, constraints: settle });
const dof = 3 * ff.nAtoms - settle.count - 3;
const t: number[] = [], e: number[] = [];
for (let k = 0; k <= Math.round(ps / 0.25); k++) {
  const epot = k === 0 ? ff.energy(x) : vv.run(x, v, 1, 250)[0];
  const ekin = vv.kineticEnergy(v, 1)[0];
  t.push(k * 0.25);
  e.push(epot + ekin);
  console.log(`${(k * 0.25).toFixed(2)} ps  Epot ${epot.toFixed(3)}  Ekin ${ekin.toFixed(3)}  T ${((2 * ekin) / (dof * KB)).toFixed(1)} K  Etot ${(epot + ekin).toFixed(4)}  constraint deviation ${settle.maxDeviation(x, 1).toExponential(1)}`);
}
const tm = t.reduce((a, b) => a + b) / t.length, em = e.reduce((a, b) => a + b) / e.length;
let sxy = 0, sxx = 0;
t.forEach((ti, i) => { sxy += (ti - tm) * (e[i] - em); sxx += (ti - tm) ** 2; });
const slope = sxy / sxx; // kJ/mol/ps
const res = e.map((ei, i) => ei - em - slope * (t[i] - tm));
const se = Math.sqrt(res.reduce((a, r) => a + r * r, 0) / res.length / sxx);
console.log(`drift ${(slope * 1000).toFixed(1)} ± ${(se * 1000).toFixed(1)} kJ/mol/ns = ${((slope * 1000) / dof).toFixed(4)} kJ/mol/ns per degree of freedom (${dof}); sd(Etot) ${Math.sqrt(res.reduce((a, r) => a + r * r, 0) / res.length).toFixed(3)} kJ/mol`);
