import type { Potential } from '../systems/potential.js';
import { checkConfigurations } from '../systems/potential.js';
import type { Constraints } from './constraints.js';
import { LastFiniteState, checkIntegrationFinite, perDof, throwDiverged } from './langevin.js';

export interface VerletOptions {
  /** Time step (ps for molecules). */
  dt: number;
  /** Mass per coordinate (length dim) or one for all (amu for molecules). */
  masses: Float64Array | number;
  constraints?: Constraints;
  /** Check for non-finite energies every this many steps; default 100. */
  checkEvery?: number;
}

/**
 * Velocity Verlet for constant-energy (NVE) dynamics, with SHAKE/RATTLE when constrained: the reference
 * integrator for energy-conservation checks of a force field.
 */
export class VelocityVerlet {
  readonly masses: Float64Array;
  private readonly invMass: Float64Array;
  private f = new Float64Array(0);
  private e = new Float64Array(0);
  private xo = new Float64Array(0);
  // the state a diverging run hands back (saved at every check)
  private readonly last = new LastFiniteState();

  constructor(readonly potential: Potential, readonly options: VerletOptions) {
    if (!(options.dt > 0) || !Number.isFinite(options.dt)) throw new RangeError(`VelocityVerlet: dt must be positive and finite, got ${options.dt}`);
    const dim = potential.dim;
    this.masses = perDof(options.masses, dim, 'masses', 'VelocityVerlet');
    this.invMass = this.masses.map((m) => 1 / m);
    if (options.constraints && options.constraints.nAtoms * 3 !== dim) throw new RangeError(`VelocityVerlet: constraints are for ${options.constraints.nAtoms} atoms but the potential has ${dim} coordinates`);
  }

  /** Advances x, v by nSteps; returns potential energies after the last step (internal buffer). */
  run(x: Float64Array, v: Float64Array, nWalkers: number, nSteps: number): Float64Array {
    const p = this.potential, dim = p.dim, n = nWalkers * dim;
    checkConfigurations(p, x, nWalkers, 'positions');
    checkConfigurations(p, v, nWalkers, 'velocities');
    if (this.f.length !== n) {
      this.f = new Float64Array(n);
      this.e = new Float64Array(nWalkers);
      this.xo = new Float64Array(n);
    }
    const f = this.f, e = this.e, im = this.invMass, dt = this.options.dt, half = 0.5 * dt, cons = this.options.constraints;
    const every = this.options.checkEvery ?? 100;
    p.forces(x, f, nWalkers, e);
    checkIntegrationFinite(p.name, x, e, nWalkers, dim, 0, v);
    const last = this.last;
    last.save(x, v, 0);
    let step = 0;
    return last.guard(x, v, () => step, () => {
      for (step = 1; step <= nSteps; step++) {
        for (let i = 0, k = 0; i < n; i++) {
          v[i] += half * f[i] * im[k];
          if (++k === dim) k = 0;
        }
        if (cons) this.xo.set(x);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += x[i] += dt * v[i];
        if (!Number.isFinite(sum)) throwDiverged(p.name, x, nWalkers, dim, step);
        if (cons) cons.shake(this.xo, x, nWalkers, v, dt);
        p.forces(x, f, nWalkers, e);
        for (let i = 0, k = 0; i < n; i++) {
          v[i] += half * f[i] * im[k];
          if (++k === dim) k = 0;
        }
        if (cons) cons.rattle(x, v, nWalkers);
        if (step % every === 0 || step === nSteps) {
          checkIntegrationFinite(p.name, x, e, nWalkers, dim, step, v);
          if (step < nSteps) last.save(x, v, step);
        }
      }
      return e;
    });
  }

  /** Kinetic energy of each walker. */
  kineticEnergy(v: Float64Array, nWalkers: number): Float64Array {
    const dim = this.potential.dim, out = new Float64Array(nWalkers);
    for (let w = 0; w < nWalkers; w++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += this.masses[k] * v[w * dim + k] ** 2;
      out[w] = 0.5 * s;
    }
    return out;
  }
}
