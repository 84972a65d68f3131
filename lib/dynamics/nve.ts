import type { VelocityVerlet } from './verlet.js';
import { linearDrift } from '../stats/drift.js';
import type { LinearDrift } from '../stats/drift.js';

/**
 * Energy conservation of a constant-energy run: velocity Verlet for `ps`, the total energy
 * (potential + kinetic) sampled every `sampleEveryPs`, and its linear drift (lib/stats/drift.ts) per
 * degree of freedom in kJ/mol/ns (the issue-13 measure, bound 0.01 for water at 1 fs).
 *
 * `alsoPotentials` tracks other potentials along the same trajectory (each added to the same kinetic
 * energy): e.g. the plainly truncated energy next to a potential-shifted force field. Both give the
 * same forces, so their totals drift at the same long-time rate; the shifted one has no jumps when
 * pairs cross the cut-off and shows that rate with a much smaller error.
 */
export interface NveDriftOptions {
  ps: number;
  sampleEveryPs: number;
  /** Degrees of freedom (3 N - constraints - 3). */
  dof: number;
  alsoPotentials?: Record<string, (x: Float64Array) => number>;
  onProgress?: (psDone: number, total: number) => void;
}

export interface NveSeries {
  total: Float64Array;
  drift: LinearDrift;
  /** slope / dof in kJ/mol/ns per degree of freedom, and its standard error. */
  perDofPerNs: number;
  perDofPerNsError: number;
}

export interface NveDriftResult extends NveSeries {
  timePs: Float64Array;
  kinetic: Float64Array;
  also: Record<string, NveSeries>;
}

export function nveEnergyDrift(integrator: VelocityVerlet, x: Float64Array, v: Float64Array, options: NveDriftOptions): NveDriftResult {
  const dt = integrator.options.dt, every = Math.round(options.sampleEveryPs / dt), n = Math.round(options.ps / options.sampleEveryPs);
  if (!(every >= 1) || Math.abs(every * dt - options.sampleEveryPs) > 1e-9 * options.sampleEveryPs) throw new RangeError(`nveEnergyDrift: sampleEveryPs ${options.sampleEveryPs} is not a whole number of ${dt} ps steps`);
  if (!(n >= 4) || Math.abs(n * options.sampleEveryPs - options.ps) > 1e-9 * options.ps) throw new RangeError(`nveEnergyDrift: ps ${options.ps} must be at least 4 whole sample intervals of ${options.sampleEveryPs} ps`);
  if (!(options.dof > 0)) throw new RangeError(`nveEnergyDrift: dof must be positive, got ${options.dof}`);
  const names = Object.keys(options.alsoPotentials ?? {});
  const t = new Float64Array(n + 1), tot = new Float64Array(n + 1), kin = new Float64Array(n + 1);
  const also = names.map(() => new Float64Array(n + 1));
  for (let k = 0; k <= n; k++) {
    const ep = k === 0 ? integrator.potential.energy(x) : integrator.run(x, v, 1, every)[0];
    const ek = integrator.kineticEnergy(v, 1)[0];
    t[k] = k * every * dt;
    kin[k] = ek;
    tot[k] = ep + ek;
    names.forEach((name, i) => (also[i][k] = options.alsoPotentials![name](x) + ek));
    if (k > 0) options.onProgress?.(t[k], tot[k]);
  }
  const series = (e: Float64Array): NveSeries => {
    const d = linearDrift(t, e);
    return { total: e, drift: d, perDofPerNs: (d.slope * 1000) / options.dof, perDofPerNsError: (d.standardError * 1000) / options.dof };
  };
  return { timePs: t, kinetic: kin, ...series(tot), also: Object.fromEntries(names.map((name, i) => [name, series(also[i])])) };
}
