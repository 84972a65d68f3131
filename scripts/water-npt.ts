// TIP3P density and O-O g(r) at 300 K, 1 bar: rarelab vs OpenMM (data/README.md, "TIP3P density and RDF"):
//   npx tsx scripts/water-npt.ts PS [CHECKPOINT] [OUT.json]
// continues data/tip3p-box/npt-start.gro for PS ps of NPT (lib/solvent/water.ts runWaterNpt, seed 1),
// resuming from CHECKPOINT when it exists, writes the summary to OUT.json and prints it next to
// OpenMM's reference (data/tip3p-box/npt-reference.json).
import { runWaterNpt, loadWaterNptReference, compareWaterNpt } from '../lib/solvent/water.js';
import { writeFileAtomic } from '../lib/files/atomic-write.js';

const ps = Number(process.argv[2]);
if (!(ps > 0) || !Number.isInteger(ps)) throw new RangeError(`water-npt: give the production length in whole ps, got ${process.argv[2]}`);
const t0 = Date.now();
const run = runWaterNpt({ ps, checkpoint: process.argv[3], onProgress: (p, rho) => console.log(`${p} ps  density ${rho.toFixed(1)} kg/m^3  ${((Date.now() - t0) / 1000).toFixed(0)} s`) });
const show = (s: typeof run) => `${s.engine}: density ${s.density.mean.toFixed(2)} ± ${s.density.standardError.toFixed(2)} kg/m^3 over ${s.ps} ps; O-O first peak r ${s.rdf.firstPeak.r.toFixed(4)} ± ${s.rdf.firstPeak.rStandardError.toFixed(4)} nm, g ${s.rdf.firstPeak.g.toFixed(3)} ± ${s.rdf.firstPeak.gStandardError.toFixed(3)}`;
console.log(show(run), `barostat acceptance ${run.acceptance?.toFixed(2)}`);
if (process.argv[4]) writeFileAtomic(process.argv[4], JSON.stringify({ ...run, density: { ...run.density, series: Array.from(run.density.series) }, rdf: { ...run.rdf, r: Array.from(run.rdf.r), g: Array.from(run.rdf.g) } }));
try {
  const ref = loadWaterNptReference();
  console.log(show(ref));
  console.log(JSON.stringify(compareWaterNpt(run, ref)));
} catch (e) {
  console.log((e as Error).message);
}
