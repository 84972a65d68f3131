import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTopology, loadShippedSolvatedSystem } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

const DIR = join(projectRoot(), 'data', 'licl-1m');
const AVOGADRO = 6.02214076e23;

test('licl-1m: the AIMMD paper\'s composition (37 Li+, 37 Cl-, 2104 TIP3P), neutral, loads with velocities at ~1 M', () => {
  const s = loadShippedSolvatedSystem('licl-1m');
  const count = (res: string) => s.topology.atoms.filter((a) => a.resName === res).length;
  assert.is(count('LI'), 37);
  assert.is(count('CL'), 37);
  assert.is(count('SOL'), 3 * 2104);
  assert.is(s.topology.settles.length, 2104);
  assert.ok(Math.abs(s.topology.atoms.reduce((q, a) => q + a.charge, 0)) < 1e-9);
  assert.ok(s.velocities !== null && s.velocities.some((v) => v !== 0), 'equilibrated.gro carries velocities');
  const litres = (s.box[0] * s.box[1] * s.box[2]) * 1e-24;
  const molar = 37 / AVOGADRO / litres;
  assert.ok(molar > 0.9 && molar < 1.1, `concentration ${molar} mol/L`);
});

// The ions are Joung & Cheatham's TIP3P set (the paper's), not the parm99 Li/Cl types of GROMACS's
// amber99sb-ildn.ff/ffnonbonded.itp. Their sigma and epsilon were copied from OpenMM 7.7's
// amber14/tip3p.xml; when that file is installed (Debian python3-openmm), compare with it.
test('licl-1m: Li+ and Cl- carry the Joung-Cheatham TIP3P parameters (as OpenMM\'s amber14/tip3p.xml), not GROMACS\'s parm99 ones', () => {
  const top = readTopology(join(DIR, 'topol.top'));
  const li = top.atomTypes.get('Li_jc')!, cl = top.atomTypes.get('Cl_jc')!;
  assert.equal([li.v, li.w, li.mass, cl.v, cl.w, cl.mass], [0.18263423721876956, 0.1171084864, 6.94, 0.4477656957373345, 0.148912744, 35.45]);
  const gmxLi = top.atomTypes.get('Li')!, gmxCl = top.atomTypes.get('Cl')!;
  assert.ok(Math.abs(gmxLi.v - 0.20259) < 1e-9 && Math.abs(gmxCl.v - 0.440104) < 1e-9, 'GROMACS amber99sb-ildn Li/Cl are the parm99 types');
  const xml = '/usr/lib/python3/dist-packages/openmm/app/data/amber14/tip3p.xml';
  if (!existsSync(xml)) {
    console.log(`  (${xml} not installed: skipping the comparison with OpenMM's Joung-Cheatham parameters)`);
    return;
  }
  const text = readFileSync(xml, 'utf8');
  const param = (type: string) => {
    const m = new RegExp(`<Atom epsilon="([^"]+)" sigma="([^"]+)" type="${type.replace('+', '\\+')}"/>`).exec(text);
    if (!m) throw new Error(`${type} not found in ${xml}`);
    return [Number(m[2]), Number(m[1])];
  };
  const [sLi, eLi] = param('tip3p_standard-Li+'), [sCl, eCl] = param('tip3p_standard-Cl-');
  assert.ok(Math.abs(li.v - sLi) < 1e-15 && Math.abs(li.w - eLi) < 1e-15, `Li ${li.v} ${li.w} vs ${sLi} ${eLi}`);
  assert.ok(Math.abs(cl.v - sCl) < 1e-15 && Math.abs(cl.w - eCl) < 1e-12, `Cl ${cl.v} ${cl.w} vs ${sCl} ${eCl}`);
});

test.run();
