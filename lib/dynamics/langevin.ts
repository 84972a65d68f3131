import type { Potential } from '../systems/potential.js';
import { checkConfigurations } from '../systems/potential.js';
import type { Rng } from './rng.js';

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
}

export interface OverdampedOptions {
  dt: number;
  kT: number;
  /** Mobility (1 / (m gamma)) per coordinate or for all; default 1: dx = -mobility grad V dt + sqrt(2 kT mobility dt) xi. */
  mobility?: Float64Array | number;
  checkEvery?: number;
}

function perDof(value: Float64Array | number | undefined, dim: number, what: string, owner: string): Float64Array {
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

/** Raised when an integration produces non-finite energies or coordinates. */
export class DivergenceError extends Error {
  constructor(readonly potentialName: string, readonly walker: number, readonly step: number, readonly detail: string) {
    super(`${potentialName}: integration diverged at step ${step} for walker ${walker} (${detail}); reduce the time step or check the starting structure`);
    this.name = 'DivergenceError';
  }
}

function checkFinite(name: string, x: Float64Array, e: Float64Array, nWalkers: number, dim: number, step: number): void {
  for (let w = 0; w < nWalkers; w++) {
    if (!Number.isFinite(e[w])) throw new DivergenceError(name, w, step, `energy ${e[w]}`);
    for (let k = 0; k < dim; k++) {
      const v = x[w * dim + k];
      if (!Number.isFinite(v)) throw new DivergenceError(name, w, step, `coordinate ${k} = ${v}`);
    }
  }
}

/**
 * Underdamped Langevin dynamics by BAOAB splitting (Leimkuhler & Matthews 2013):
 * B: v += dt/2 F/m; A: x += dt/2 v; O: v = c1 v + c2 sqrt(kT/m) xi with c1 = exp(-gamma dt),
 * c2 = sqrt(1 - c1^2); A; B. Exact configurational sampling in the harmonic limit.
 */
export class BAOAB {
  readonly options: Required<Omit<LangevinOptions, 'masses'>>;
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
    this.c1 = Math.exp(-options.friction * options.dt);
    const c2 = Math.sqrt(1 - this.c1 * this.c1);
    this.noiseScale = this.masses.map((m) => c2 * Math.sqrt(options.kT / m));
  }

  private buffers(n: number): void {
    if (this.f.length !== n * this.potential.dim) {
      this.f = new Float64Array(n * this.potential.dim);
      this.e = new Float64Array(n);
    }
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
    checkFinite(p.name, x, e, nWalkers, dim, 0);
    for (let step = 1; step <= nSteps; step++) {
      for (let i = 0, k = 0; i < n; i++) {
        const vi = v[i] + half * f[i] * invM[k];
        const xi = x[i] + half * vi;
        const vo = c1 * vi + ns[k] * rng.normal();
        x[i] = xi + half * vo;
        v[i] = vo;
        if (++k === dim) k = 0;
      }
      p.forces(x, f, nWalkers, e);
      for (let i = 0, k = 0; i < n; i++) {
        v[i] += half * f[i] * invM[k];
        if (++k === dim) k = 0;
      }
      if (step % every === 0 || step === nSteps) checkFinite(p.name, x, e, nWalkers, dim, step);
    }
    return e;
  }

  /** Maxwell-Boltzmann velocities at the integrator's kT for `nWalkers` walkers. */
  maxwellBoltzmann(nWalkers: number, rng: Rng, out = new Float64Array(nWalkers * this.potential.dim)): Float64Array {
    const dim = this.potential.dim;
    for (let i = 0, k = 0; i < out.length; i++) {
      out[i] = Math.sqrt(this.options.kT * this.invMass[k]) * rng.normal();
      if (++k === dim) k = 0;
    }
    return out;
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
    const n = nWalkers * dim;
    for (let step = 1; step <= nSteps; step++) {
      p.forces(x, f, nWalkers, e);
      if (step % every === 0) checkFinite(p.name, x, e, nWalkers, dim, step - 1);
      for (let i = 0, k = 0; i < n; i++) {
        x[i] += dr[k] * f[i] + ns[k] * rng.normal();
        if (++k === dim) k = 0;
      }
    }
    p.forces(x, f, nWalkers, e);
    checkFinite(p.name, x, e, nWalkers, dim, nSteps);
    return e;
  }
}
