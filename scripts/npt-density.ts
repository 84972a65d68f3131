// NPT density of alanine dipeptide + 543 TIP3P with rarelab's Monte-Carlo barostat (data/README.md):
//   npx tsx scripts/npt-density.ts [ps = 20]
// BAOAB 2 fs, 300 K, friction 1/ps, SHAKE (X-H) + SETTLE, PME tolerance 5e-4, r_c 1 nm; barostat
// 1 bar every 25 steps (as OpenMM's MonteCarloBarostat in data/equilibrate_solvent.py); starts from
// data/alanine-dipeptide-tip3p/equilibrated.gro with its velocities; seed 1. Prints the density per ps.
import { loadShippedSolvatedSystem } from '../lib/forcefield/index.js';
import { BAOAB } from '../lib/dynamics/langevin.js';
import { MonteCarloBarostat } from '../lib/dynamics/barostat.js';
import { Rng } from '../lib/dynamics/rng.js';

const ps = Number(process.argv[2] ?? 20);
if (!(ps > 0)) throw new RangeError(`npt-density: simulated time must be positive (ps), got ${process.argv[2]}`);
const KB = 0.00831446261815324, kT = KB * 300;
const s = loadShippedSolvatedSystem('alanine-dipeptide-tip3p');
const ff = s.forceField;
const integ = new BAOAB(ff, { dt: 0.002, kT, friction: 1, masses: ff.massesPerCoordinate(), constraints: s.constraints });
const baro = new MonteCarloBarostat(ff, { pressure: 1, kT, molecules: s.topology.atoms.map((a) => a.molecule) });
const x = Float64Array.from(s.positions), v = Float64Array.from(s.velocities!);
s.constraints.apply(x, 1);
s.constraints.rattle(x, v, 1);
const rng = new Rng(1);
const mass = ff.masses.reduce((a, m) => a + m, 0);
const densities: number[] = [];
for (let k = 1; k <= Math.round(ps); k++) {
  for (let c = 0; c < 20; c++) {
    integ.run(x, v, 1, 25, rng);
    baro.step(x, rng);
  }
  const rho = (mass * 1.66053906660) / ff.volume;
  densities.push(rho);
  console.log(`${k} ps  box ${ff.box[0].toFixed(4)} nm  density ${rho.toFixed(1)} kg/m^3  acceptance ${(baro.totalAccepted / baro.totalAttempted).toFixed(2)}`);
}
const mean = densities.reduce((a, b) => a + b) / densities.length;
console.log(`mean density ${mean.toFixed(1)} kg/m^3 over ${densities.length} ps`);
