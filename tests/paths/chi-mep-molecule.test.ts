import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadShippedSystem } from '../../lib/forcefield/index.js';
import { backboneDihedrals, dihedral, dihedralGradient } from '../../lib/features/observables.js';
import { chiMep, minimizeOnLevel } from '../../lib/paths/chi-mep.js';
import { minimize } from '../../lib/dynamics/minimize.js';
import type { ChiField } from '../../lib/isokann/model.js';
import type { Potential } from '../../lib/systems/potential.js';

// chi-MEP on a molecule: alanine dipeptide (AMBER99SB-ILDN, vacuum, 66 Cartesian coordinates in nm)
// with chi = psi (radians), a smooth level function away from ±pi. The minimum of V on the level
// psi = c is checked against an independent route: plain L-BFGS on V + k/2 (psi - c)^2 with a stiff k.
const sys = loadShippedSystem('alanine-dipeptide');
const ff = sys.forceField;
const { psi } = backboneDihedrals(sys.topology.atoms);
const [i, j, k, l] = psi[0].atoms;
const chiPsi: ChiField = {
  dim: ff.dim,
  evaluate(x, n, grad) {
    const v = new Float64Array(n);
    for (let w = 0; w < n; w++) {
      if (grad) { grad.fill(0, w * ff.dim, (w + 1) * ff.dim); v[w] = dihedralGradient(x, i, j, k, l, grad, 1, w * ff.dim, w * ff.dim); }
      else v[w] = dihedral(x, i, j, k, l, w * ff.dim);
    }
    return v;
  },
};

function restrained(c: number, kr: number): Potential {
  const g = new Float64Array(ff.dim);
  return {
    dim: ff.dim,
    name: `alanine dipeptide + psi restraint at ${c}`,
    energy: (x, o = 0) => { const d = dihedral(x, i, j, k, l, o) - c; return ff.energy(x, o) + 0.5 * kr * d * d; },
    forces(x, f, n, e) {
      ff.forces(x, f, n, e);
      for (let w = 0; w < n; w++) {
        g.fill(0);
        const d = dihedralGradient(x, i, j, k, l, g, 1, w * ff.dim, 0) - c;
        for (let q = 0; q < ff.dim; q++) f[w * ff.dim + q] -= kr * d * g[q];
        if (e) e[w] += 0.5 * kr * d * d;
      }
    },
  };
}

test('minimizeOnLevel on alanine dipeptide equals a stiffly restrained minimisation of the same level', () => {
  const start = minimize(ff, sys.positions, { gradientTolerance: 1e-3 }).x;
  for (const c of [1.6, 2.2]) {
    const lv = minimizeOnLevel(ff, chiPsi, start, c, { gradientTolerance: 1e-3 });
    assert.ok(lv.converged, lv.message);
    assert.ok(Math.abs(chiPsi.evaluate(lv.x, 1)[0] - c) < 1e-6);
    const ref = minimize(restrained(c, 1e6), lv.x, { gradientTolerance: 1e-3, maxSteps: 20000 });
    assert.ok(ref.converged, ref.message);
    const psiRef = dihedral(ref.x, i, j, k, l);
    assert.ok(Math.abs(psiRef - c) < 1e-3, `restrained psi ${psiRef}`);
    const eRef = ff.energy(ref.x);
    assert.ok(Math.abs(lv.energy - eRef) < 2e-3, `level ${c}: ${lv.energy} vs restrained ${eRef} kJ/mol`);
  }
});

test('chi-MEP continuation over psi levels on alanine dipeptide: complete, on every level, energies continuous', () => {
  const start = minimize(ff, sys.positions, { gradientTolerance: 1e-3 }).x;
  const levels = Array.from({ length: 9 }, (_, q) => 1.2 + 0.2 * q);
  const [path] = chiMep(ff, chiPsi, start, { levels, gradientTolerance: 1e-3, maxStep: 0.05 });
  assert.ok(path.complete, path.message);
  for (let q = 0; q < path.chi.length; q++) {
    const x = path.points.subarray(q * ff.dim, (q + 1) * ff.dim);
    assert.ok(Math.abs(chiPsi.evaluate(Float64Array.from(x), 1)[0] - path.chi[q]) < 1e-6);
    assert.ok(Math.abs(ff.energy(x) - path.energies[q]) < 1e-9);
  }
  // neighbouring levels 0.2 rad apart differ by a few kJ/mol at most: one valley, no jumps
  for (let q = 1; q < path.energies.length; q++) assert.ok(Math.abs(path.energies[q] - path.energies[q - 1]) < 8, `energy jump ${path.energies[q - 1]} -> ${path.energies[q]}`);
});

test.run();
