import type { Potential } from '../systems/potential.js';
import { checkConfigurations } from '../systems/potential.js';
import type { Rng } from './rng.js';
import { ConstraintError, type Constraints } from './constraints.js';
import { maxwellBoltzmann } from './velocities.js';

/**
 * Langevin integrators vectorised over walkers on flattened typed arrays (`x[w * dim + k]`).
 * Units follow the potential: time in its time unit (ps for molecules), kT in its energy unit,
 * friction gamma in 1/time, masses in its mass unit (amu for molecules; 1 for model systems).
 */
export interface LangevinOptions {
  /** Time step. */
  dt: number;
  /** Thermal energy k_B T in the potential's energy unit. */
  kT: number;
  /** Friction coefficient gamma (1/time). */
  friction: number;
  /** Mass per coordinate (length dim) or one mass for all; default 1. */
  masses?: Float64Array | number;
  /** Check for a diverging integration (non-finite energy) every this many steps; default 100. */
  checkEvery?: number;
  /** Bond-length constraints (molecules; coordinates must be atoms in 3-D). */
  constraints?: Constraints;
}

export interface OverdampedOptions {
  dt: number;
  kT: number;
  /** Mobility (1 / (m gamma)) per coordinate or for all; default 1: dx = -mobility grad V dt + sqrt(2 kT mobility dt) xi. */
  mobility?: Float64Array | number;
  checkEvery?: number;
}

/** A per-coordinate positive parameter (masses, mobilities) from one number or an array of length dim. */
export function perDof(value: Float64Array | number | undefined, dim: number, what: string, owner: string): Float64Array {
  const out = new Float64Array(dim);
  if (value === undefined) out.fill(1);
  else if (typeof value === 'number') out.fill(value);
  else {
    if (value.length !== dim) throw new RangeError(`${owner}: ${what} has length ${value.length}, expected ${dim}`);
    out.set(value);
  }
  for (let k = 0; k < dim; k++) {
    if (!(out[k] > 0) || !Number.isFinite(out[k])) throw new RangeError(`${owner}: ${what}[${k}] must be positive and finite, got ${out[k]}`);
  }
  return out;
}

function positive(v: number, what: string, owner: string, allowZero = false): void {
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new RangeError(`${owner}: ${what} must be ${allowZero ? 'non-negative' : 'positive'} and finite, got ${v}`);
}

/**
 * Raised when an integration produces non-finite energies, coordinates or velocities. The integrators
 * put the caller's arrays back to the last state they checked finite before throwing: `restoredStep`.
 */
export class DivergenceError extends Error {
  constructor(readonly potentialName: string, readonly walker: number, readonly step: number, readonly detail: string, readonly restoredStep?: number, withVelocities = true) {
    super(
      `${potentialName}: integration diverged at step ${step} for walker ${walker} (${detail}); reduce the time step or check the starting structure` +
        (restoredStep === undefined ? '' : ` (${restoredWhat(withVelocities)} restored to step ${restoredStep}, the last state checked finite)`),
    );
    this.name = 'DivergenceError';
  }
}

const restoredWhat = (withVelocities: boolean) => `the ${withVelocities ? 'positions and velocities' : 'positions'} passed in are`;

/** Throws a DivergenceError for the first walker with a non-finite energy, coordinate or velocity. */
export function checkIntegrationFinite(name: string, x: Float64Array, e: Float64Array, nWalkers: number, dim: number, step: number, v?: Float64Array): void {
  for (let w = 0; w < nWalkers; w++) {
    if (!Number.isFinite(e[w])) throw new DivergenceError(name, w, step, `energy ${e[w]}`);
    for (let k = 0; k < dim; k++) {
      const q = x[w * dim + k];
      if (!Number.isFinite(q)) throw new DivergenceError(name, w, step, `coordinate ${k} = ${q}`);
      if (v && !Number.isFinite(v[w * dim + k])) throw new DivergenceError(name, w, step, `velocity ${k} = ${v[w * dim + k]}`);
    }
  }
}

/**
 * The last state of a run that was checked finite, saved at every divergence check (every
 * `checkEvery` steps), so that a run that fails hands back usable coordinates instead of NaN. Costs a
 * copy of x (and v) per check. Two buffer pairs: a candidate is filled, then kept only if finite.
 */
export class LastFiniteState {
  private x = new Float64Array(0);
  private v = new Float64Array(0);
  private cx = new Float64Array(0);
  private cv = new Float64Array(0);
  /** The step of the saved state (0: the state the run started from). */
  step = 0;

  /** Buffers to fill with a candidate state of n values (x, and v unless the run has none). */
  candidate(n: number): { x: Float64Array; v: Float64Array } {
    if (this.cx.length !== n) {
      this.cx = new Float64Array(n);
      this.cv = new Float64Array(n);
    }
    return { x: this.cx, v: this.cv };
  }

  /** Keeps the candidate as the saved state of `step` if it is finite (x, and v when `withV`). */
  commit(step: number, withV: boolean): void {
    let sum = 0;
    for (let i = 0; i < this.cx.length; i++) sum += this.cx[i];
    if (withV) for (let i = 0; i < this.cv.length; i++) sum += this.cv[i];
    if (!Number.isFinite(sum)) return;
    [this.x, this.cx] = [this.cx, this.x];
    if (withV) [this.v, this.cv] = [this.cv, this.v];
    this.step = step;
  }

  /** Saves x (and v) as the state of `step` (when finite). */
  save(x: Float64Array, v: Float64Array | null, step: number): void {
    const c = this.candidate(x.length);
    c.x.set(x);
    if (v) c.v.set(v);
    this.commit(step, v !== null);
  }

  /**
   * Runs `steps`; if it throws, puts x (and v) back to the saved state and rethrows, saying which
   * step failed and which was restored: a DivergenceError as one with `restoredStep`, a
   * ConstraintError (SHAKE/RATTLE/SETTLE failing inside a step) with both steps appended; other
   * errors unchanged.
   */
  guard<T>(x: Float64Array, v: Float64Array | null, currentStep: () => number, steps: () => T): T {
    try {
      return steps();
    } catch (err) {
      x.set(this.x);
      if (v) v.set(this.v);
      if (err instanceof DivergenceError) throw new DivergenceError(err.potentialName, err.walker, err.step, err.detail, this.step, v !== null);
      if (err instanceof ConstraintError) {
        throw new ConstraintError(`${err.message} (at step ${currentStep()}; ${restoredWhat(v !== null)} restored to step ${this.step}, the last state checked finite)`, { cause: err });
      }
      throw err;
    }
  }
}

/**
 * Throws a DivergenceError naming the first walker with a non-finite coordinate. Integrators call it
 * when a running sum of the new positions is not finite (a free check inside the drift loop), before
 * the force call: otherwise an exploding run would surface as the force field's bad-input error.
 */
export function throwDiverged(name: string, x: Float64Array, nWalkers: number, dim: number, step: number): never {
  for (let w = 0; w < nWalkers; w++) {
    for (let k = 0; k < dim; k++) {
      const v = x[w * dim + k];
      if (!Number.isFinite(v)) throw new DivergenceError(name, w, step, `coordinate ${k} = ${v}`);
    }
  }
  throw new DivergenceError(name, -1, step, 'non-finite positions');
}

/**
 * Underdamped Langevin dynamics by BAOAB splitting (Leimkuhler & Matthews 2013):
 * B: v += dt/2 F/m; A: x += dt/2 v; O: v = c1 v + c2 sqrt(kT/m) xi with c1 = exp(-gamma dt),
 * c2 = sqrt(1 - c1^2); A; B. Exact configurational sampling in the harmonic limit.
 */
export class BAOAB {
  readonly options: Required<Omit<LangevinOptions, 'masses' | 'constraints'>>;
  readonly constraints?: Constraints;
  readonly masses: Float64Array;
  private readonly invMass: Float64Array;
  private readonly noiseScale: Float64Array;
  private readonly c1: number;
  private f = new Float64Array(0);
  private e = new Float64Array(0);

  constructor(readonly potential: Potential, options: LangevinOptions) {
    const name = 'BAOAB';
    positive(options.dt, 'dt', name);
    positive(options.kT, 'kT', name, true);
    positive(options.friction, 'friction', name, true);
    const dim = potential.dim;
    this.masses = perDof(options.masses, dim, 'masses', name);
    this.invMass = this.masses.map((m) => 1 / m);
    this.options = { dt: options.dt, kT: options.kT, friction: options.friction, checkEvery: options.checkEvery ?? 100 };
    this.constraints = options.constraints;
    if (this.constraints && this.constraints.nAtoms * 3 !== dim) throw new RangeError(`${name}: constraints are for ${this.constraints.nAtoms} atoms but the potential has ${dim} coordinates`);
    this.c1 = Math.exp(-options.friction * options.dt);
    const c2 = Math.sqrt(1 - this.c1 * this.c1);
    this.noiseScale = this.masses.map((m) => c2 * Math.sqrt(options.kT / m));
  }

  private xOld = new Float64Array(0);
  private readonly last = new LastFiniteState();
  // Sum over steps of sum_k m_k v_k^2 of the mid-step velocities, per walker (see midStepTemperature).
  private ke2Sum = new Float64Array(0);
  private keSteps = 0;

  private buffers(n: number): void {
    if (this.f.length !== n * this.potential.dim) {
      this.f = new Float64Array(n * this.potential.dim);
      this.e = new Float64Array(n);
      if (this.constraints) this.xOld = new Float64Array(n * this.potential.dim);
      this.ke2Sum = new Float64Array(n);
      this.keSteps = 0;
    }
  }

  /**
   * Mean kinetic temperature (2 KE / dof, in kT units) per walker of the MID-STEP velocities (right
   * after the O step), averaged over every step run since the last resetTemperatureAverage() (or
   * since the walker count changed). Use this, not the full-step velocities, to check the thermostat:
   * for a harmonic mode of frequency w, BAOAB's full-step velocities have variance
   * (1 - w^2 dt^2 / 4) kT/m while the mid-step ones are exactly kT/m (Leimkuhler & Matthews, Appl.
   * Math. Res. Express 2013, 34; tested in tests/dynamics/mid-step-temperature.test.ts). For alanine
   * dipeptide at 2 fs with H-bond constraints the full-step estimate is ~3.5 % low, the mid-step one
   * is not.
   */
  midStepTemperature(): Float64Array {
    const out = new Float64Array(this.ke2Sum.length);
    if (this.keSteps === 0) throw new Error('BAOAB.midStepTemperature: no steps run since the last reset');
    for (let w = 0; w < out.length; w++) out[w] = this.ke2Sum[w] / this.keSteps / this.degreesOfFreedom;
    return out;
  }

  /** Starts a new average for midStepTemperature(). */
  resetTemperatureAverage(): void {
    this.ke2Sum.fill(0);
    this.keSteps = 0;
  }

  /** Degrees of freedom per walker: coordinates minus constraints (Langevin keeps no momentum conserved). */
  get degreesOfFreedom(): number {
    return this.potential.dim - (this.constraints?.count ?? 0);
  }

  /**
   * Advances positions `x` and velocities `v` of `nWalkers` walkers by `nSteps` steps in place.
   * Returns the energies after the last step (a view into an internal buffer, valid until the next call).
   */
  run(x: Float64Array, v: Float64Array, nWalkers: number, nSteps: number, rng: Rng): Float64Array {
    const p = this.potential;
    const dim = p.dim;
    checkConfigurations(p, x, nWalkers, 'positions');
    checkConfigurations(p, v, nWalkers, 'velocities');
    if (!Number.isInteger(nSteps) || nSteps < 0) throw new RangeError(`BAOAB: nSteps must be a non-negative integer, got ${nSteps}`);
    this.buffers(nWalkers);
    const f = this.f, e = this.e, invM = this.invMass, ns = this.noiseScale, c1 = this.c1;
    const dt = this.options.dt, half = 0.5 * dt, every = this.options.checkEvery;
    const n = nWalkers * dim;
    p.forces(x, f, nWalkers, e);
    checkIntegrationFinite(p.name, x, e, nWalkers, dim, 0, v);
    const last = this.last;
    last.save(x, v, 0);
    if (this.constraints) {
      this.runConstrained(x, v, nWalkers, nSteps, rng);
      return e;
    }
    const ke2 = this.ke2Sum, m = this.masses;
    let step = 0;
    return last.guard(x, v, () => step, () => {
      for (step = 1; step <= nSteps; step++) {
        let acc = 0, sum = 0;
        for (let i = 0, k = 0, w = 0; i < n; i++) {
          const vi = v[i] + half * f[i] * invM[k];
          const xi = x[i] + half * vi;
          const vo = c1 * vi + ns[k] * rng.normal();
          const xn = xi + half * vo;
          x[i] = xn;
          sum += xn;
          v[i] = vo;
          acc += m[k] * vo * vo;
          if (++k === dim) {
            k = 0;
            ke2[w++] += acc;
            acc = 0;
          }
        }
        if (!Number.isFinite(sum)) throwDiverged(p.name, x, nWalkers, dim, step);
        this.keSteps++;
        p.forces(x, f, nWalkers, e);
        for (let i = 0, k = 0; i < n; i++) {
          v[i] += half * f[i] * invM[k];
          if (++k === dim) k = 0;
        }
        if (step % every === 0 || step === nSteps) {
          checkIntegrationFinite(p.name, x, e, nWalkers, dim, step, v);
          if (step < nSteps) last.save(x, v, step);
        }
      }
      return e;
    });
  }

  /**
   * BAOAB with SHAKE after each drift and RATTLE after each kick and after the O step, so positions
   * stay on the constraint surface and velocities tangent to it (Leimkuhler & Matthews 2016, g-BAOAB
   * with one constraint iteration per half drift). Forces in this.f are current on entry.
   */
  private runConstrained(x: Float64Array, v: Float64Array, nWalkers: number, nSteps: number, rng: Rng): void {
    const p = this.potential, dim = p.dim, cons = this.constraints!;
    const f = this.f, e = this.e, xo = this.xOld, invM = this.invMass, ns = this.noiseScale, c1 = this.c1;
    const dt = this.options.dt, half = 0.5 * dt, every = this.options.checkEvery;
    const n = nWalkers * dim, ke2 = this.ke2Sum, m = this.masses;
    const kick = (h: number) => {
      for (let i = 0, k = 0; i < n; i++) {
        v[i] += h * f[i] * invM[k];
        if (++k === dim) k = 0;
      }
      cons.rattle(x, v, nWalkers);
    };
    let step = 0;
    const drift = () => {
      xo.set(x);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[i] += half * v[i];
      if (!Number.isFinite(sum)) throwDiverged(p.name, x, nWalkers, dim, step);
      cons.shake(xo, x, nWalkers, v, half);
    };
    // The closing half kick of one step and the opening half kick of the next act on the same
    // positions and forces, and RATTLE is a linear projection there, so they are fused into one
    // full kick with one projection (the trajectory is unchanged up to rounding).
    // At a check, the end-of-step state (the closing half kick only) is saved from copies: the fused
    // kick of the live trajectory stays untouched, so checks do not change its rounding.
    const last = this.last;
    const saveEndOfStep = () => {
      const c = last.candidate(n);
      c.x.set(x);
      for (let i = 0, k = 0; i < n; i++) {
        c.v[i] = v[i] + half * f[i] * invM[k];
        if (++k === dim) k = 0;
      }
      cons.rattle(c.x, c.v, nWalkers);
      last.commit(step, true);
    };
    last.guard(x, v, () => step, () => {
      if (nSteps > 0) kick(half);
      for (step = 1; step <= nSteps; step++) {
        drift();
        for (let i = 0, k = 0; i < n; i++) {
          v[i] = c1 * v[i] + ns[k] * rng.normal();
          if (++k === dim) k = 0;
        }
        cons.rattle(x, v, nWalkers);
        for (let i = 0, k = 0, w = 0, acc = 0; i < n; i++) {
          acc += m[k] * v[i] * v[i];
          if (++k === dim) {
            k = 0;
            ke2[w++] += acc;
            acc = 0;
          }
        }
        this.keSteps++;
        drift();
        p.forces(x, f, nWalkers, e);
        const check = step % every === 0 || step === nSteps;
        if (check && step < nSteps) {
          checkIntegrationFinite(p.name, x, e, nWalkers, dim, step, v);
          saveEndOfStep();
        }
        kick(step < nSteps ? dt : half);
        if (check && step === nSteps) checkIntegrationFinite(p.name, x, e, nWalkers, dim, step, v);
      }
    });
  }

  /** Maxwell-Boltzmann velocities at the integrator's kT for `nWalkers` walkers (tangent to any constraints). */
  maxwellBoltzmann(nWalkers: number, rng: Rng, out = new Float64Array(nWalkers * this.potential.dim), x?: Float64Array): Float64Array {
    if (this.constraints && !x) throw new Error('BAOAB.maxwellBoltzmann: pass the positions x to project velocities onto the constraints');
    return maxwellBoltzmann(this.masses, this.options.kT, nWalkers, rng, { out, constraints: this.constraints, positions: x });
  }

  /** Instantaneous kinetic temperature of each walker in kT units: 2 KE / dof. */
  kineticTemperature(v: Float64Array, nWalkers: number): Float64Array {
    return kineticTemperature(v, this.masses, nWalkers, this.degreesOfFreedom);
  }
}

/**
 * Overdamped (Brownian) Langevin dynamics by Euler-Maruyama:
 * x += -mobility grad V dt + sqrt(2 kT mobility dt) xi.
 */
export class EulerMaruyama {
  readonly options: Required<Omit<OverdampedOptions, 'mobility'>>;
  readonly mobility: Float64Array;
  private readonly drift: Float64Array;
  private readonly noise: Float64Array;
  private f = new Float64Array(0);
  private e = new Float64Array(0);
  private readonly last = new LastFiniteState();

  constructor(readonly potential: Potential, options: OverdampedOptions) {
    const name = 'EulerMaruyama';
    positive(options.dt, 'dt', name);
    positive(options.kT, 'kT', name, true);
    this.mobility = perDof(options.mobility, potential.dim, 'mobility', name);
    this.options = { dt: options.dt, kT: options.kT, checkEvery: options.checkEvery ?? 100 };
    this.drift = this.mobility.map((m) => m * options.dt);
    this.noise = this.mobility.map((m) => Math.sqrt(2 * options.kT * m * options.dt));
  }

  /** Advances `x` (nWalkers walkers) by nSteps in place; returns the final energies (internal buffer). */
  run(x: Float64Array, nWalkers: number, nSteps: number, rng: Rng): Float64Array {
    const p = this.potential;
    const dim = p.dim;
    checkConfigurations(p, x, nWalkers, 'positions');
    if (!Number.isInteger(nSteps) || nSteps < 0) throw new RangeError(`EulerMaruyama: nSteps must be a non-negative integer, got ${nSteps}`);
    if (this.f.length !== nWalkers * dim) {
      this.f = new Float64Array(nWalkers * dim);
      this.e = new Float64Array(nWalkers);
    }
    const f = this.f, e = this.e, dr = this.drift, ns = this.noise, every = this.options.checkEvery;
    const n = nWalkers * dim, last = this.last;
    last.save(x, null, 0);
    let step = 0;
    return last.guard(x, null, () => step, () => {
      for (step = 1; step <= nSteps; step++) {
        p.forces(x, f, nWalkers, e);
        if (step % every === 0) {
          checkIntegrationFinite(p.name, x, e, nWalkers, dim, step - 1);
          last.save(x, null, step - 1);
        }
        for (let i = 0, k = 0; i < n; i++) {
          x[i] += dr[k] * f[i] + ns[k] * rng.normal();
          if (++k === dim) k = 0;
        }
      }
      step = nSteps;
      p.forces(x, f, nWalkers, e);
      checkIntegrationFinite(p.name, x, e, nWalkers, dim, nSteps);
      return e;
    });
  }
}

/** 2 KE / dof per walker, in the potential's energy unit (kT); multiply by 1/k_B for kelvin. */
export function kineticTemperature(v: Float64Array, masses: Float64Array, nWalkers: number, dof: number): Float64Array {
  const dim = masses.length;
  const out = new Float64Array(nWalkers);
  for (let w = 0; w < nWalkers; w++) {
    let ke2 = 0;
    for (let k = 0; k < dim; k++) ke2 += masses[k] * v[w * dim + k] ** 2;
    out[w] = ke2 / dof;
  }
  return out;
}
