import type { Rng } from './rng.js';
import type { Constraints } from './constraints.js';

/**
 * Initial and reversed velocities for molecular dynamics and shooting. Velocities are flattened like
 * positions, `v[w * dim + k]`, in the potential's length/time units (nm/ps for molecules); masses are
 * per coordinate (amu for molecules), kT in the energy unit (kJ/mol).
 */
export interface MaxwellBoltzmannOptions {
  /** Bond constraints: the velocities are projected onto the constraint surface's tangent space. */
  constraints?: Constraints;
  /** Positions `[nWalkers * dim]` (required with constraints: the bond directions come from them). */
  positions?: Float64Array;
  /** Output buffer (length nWalkers * dim); a new array when absent. */
  out?: Float64Array;
}

/**
 * Maxwell-Boltzmann velocities: v_k ~ N(0, kT / m_k) for every coordinate, then, with constraints,
 * RATTLE's mass-weighted projection removes the components along the constrained bonds. The
 * projection is orthogonal in the mass metric, so the projected Gaussian is exactly the
 * Maxwell-Boltzmann distribution of the constrained system: kinetic energy ~ (kT/2) chi^2 with
 * dim - nConstraints degrees of freedom per walker (tested in tests/peptide/velocities.test.ts).
 */
export function maxwellBoltzmann(masses: Float64Array, kT: number, nWalkers: number, rng: Rng, options: MaxwellBoltzmannOptions = {}): Float64Array {
  const dim = masses.length;
  if (!Number.isFinite(kT) || kT < 0) throw new RangeError(`maxwellBoltzmann: kT must be non-negative and finite, got ${kT}`);
  if (!Number.isInteger(nWalkers) || nWalkers < 1) throw new RangeError(`maxwellBoltzmann: nWalkers must be a positive integer, got ${nWalkers}`);
  for (let k = 0; k < dim; k++) {
    if (!(masses[k] > 0) || !Number.isFinite(masses[k])) throw new RangeError(`maxwellBoltzmann: masses[${k}] must be positive and finite, got ${masses[k]}`);
  }
  const out = options.out ?? new Float64Array(nWalkers * dim);
  if (out.length !== nWalkers * dim) throw new RangeError(`maxwellBoltzmann: output buffer has length ${out.length}, expected ${nWalkers} walkers x ${dim}`);
  for (let i = 0, k = 0; i < out.length; i++) {
    out[i] = Math.sqrt(kT * (1 / masses[k])) * rng.normal();
    if (++k === dim) k = 0;
  }
  const cons = options.constraints;
  if (cons) {
    const x = options.positions;
    if (!x) throw new Error('maxwellBoltzmann: pass the positions to project velocities onto the constraints');
    if (cons.nAtoms * 3 !== dim) throw new RangeError(`maxwellBoltzmann: constraints are for ${cons.nAtoms} atoms but the masses have ${dim} coordinates`);
    if (x.length !== out.length) throw new RangeError(`maxwellBoltzmann: positions have length ${x.length}, expected ${out.length}`);
    cons.rattle(x, out, nWalkers);
  }
  return out;
}

/**
 * Velocity reversal v -> -v in place (the backward half of a two-way shooting move): positions with
 * reversed velocities retrace a deterministic, time-reversible trajectory (velocity Verlet, with or
 * without RATTLE), and for BAOAB the reversed path has the same path probability. Returns v.
 */
export function reverseVelocities(v: Float64Array): Float64Array {
  for (let i = 0; i < v.length; i++) v[i] = -v[i];
  return v;
}

/**
 * Removes the centre-of-mass velocity of each walker (atoms in 3-D, masses per atom), e.g. before an
 * NVE run so that the total momentum (conserved in vacuum) is zero.
 */
export function removeCenterOfMassVelocity(v: Float64Array, atomMasses: ArrayLike<number>, nWalkers: number): Float64Array {
  const n = atomMasses.length, dim = 3 * n;
  if (v.length !== nWalkers * dim) throw new RangeError(`removeCenterOfMassVelocity: velocities have length ${v.length}, expected ${nWalkers} walkers x ${n} atoms x 3`);
  let mt = 0;
  for (let a = 0; a < n; a++) mt += atomMasses[a];
  for (let w = 0; w < nWalkers; w++) {
    const o = w * dim;
    let px = 0, py = 0, pz = 0;
    for (let a = 0; a < n; a++) {
      px += atomMasses[a] * v[o + 3 * a];
      py += atomMasses[a] * v[o + 3 * a + 1];
      pz += atomMasses[a] * v[o + 3 * a + 2];
    }
    for (let a = 0; a < n; a++) {
      v[o + 3 * a] -= px / mt;
      v[o + 3 * a + 1] -= py / mt;
      v[o + 3 * a + 2] -= pz / mt;
    }
  }
  return v;
}
