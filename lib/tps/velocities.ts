import type { Rng } from '../dynamics/rng.js';
import type { Potential } from '../systems/potential.js';
import { BAOAB } from '../dynamics/langevin.js';
import { buildIntegrator, type IntegratorSpec } from '../sampling/langevin-kernel.js';
import { maxwellBoltzmann } from '../dynamics/velocities.js';

/**
 * Fresh shooting velocities for one configuration x [dim] (TwoWayShooting, directCommittor): a draw
 * from the Maxwell-Boltzmann distribution of the dynamics that will run from x.
 */
export type VelocitySampler = (x: Float64Array, rng: Rng) => Float64Array;

/**
 * The velocity sampler matching a langevinKernel's integrator: Maxwell-Boltzmann at the spec's kT with
 * its masses (atom masses for a force field), and for `bondConstraints: 'h-bonds'` projected onto the
 * tangent space of the constraints at x (RATTLE, mass metric), so that no velocity runs along a
 * constrained bond and the kinetic energy has dim - nConstraints degrees of freedom. Drawing velocities
 * per coordinate instead would heat the constrained molecule's first step and misstate the shooting
 * point's kinetic energy.
 */
export function kernelVelocities(potential: Potential, spec: IntegratorSpec): VelocitySampler {
  const { integrator } = buildIntegrator(potential, spec);
  if (!(integrator instanceof BAOAB)) throw new TypeError(`kernelVelocities: the ${spec.kind} integrator has no velocities (use an underdamped 'baoab' spec)`);
  const dim = potential.dim;
  return (x, rng) => {
    if (x.length !== dim) throw new RangeError(`kernelVelocities: configuration has ${x.length} coordinates, ${potential.name} has ${dim}`);
    return integrator.maxwellBoltzmann(1, rng, new Float64Array(dim), x);
  };
}

/**
 * The default sampler of TwoWayShooting and directCommittor: Maxwell-Boltzmann velocities at kT with one
 * mass for all coordinates or a mass per coordinate, no constraints (analytic potentials). Masses and kT
 * are checked by lib/dynamics' maxwellBoltzmann.
 */
export function freeVelocities(kT: number, masses: number | Float64Array): VelocitySampler {
  let m = typeof masses === 'number' ? undefined : masses;
  return (x, rng) => {
    if (!m || m.length !== x.length) {
      if (typeof masses !== 'number') throw new RangeError(`velocities: ${masses.length} masses for a configuration of ${x.length} coordinates`);
      m = new Float64Array(x.length).fill(masses);
    }
    return maxwellBoltzmann(m, kT, 1, rng);
  };
}
