/**
 * The one contract every system satisfies, analytic surfaces and molecules alike.
 *
 * Layout: configurations are flattened per walker, `x[w * dim + k]` is coordinate k of walker w.
 * Units are the system's own and are stated by each implementation (analytic model potentials use
 * reduced units; molecular force fields use nm and kJ/mol).
 */
export interface Potential {
  /** Number of coordinates of one configuration. */
  readonly dim: number;
  /** Human-readable name, used in error messages and figure titles. */
  readonly name: string;
  /** Potential energy of the configuration stored at `x[offset .. offset + dim)`. */
  energy(x: ArrayLike<number>, offset?: number): number;
  /**
   * Forces F = -grad V for `nWalkers` walkers stored contiguously in `x`; written into `f` (same
   * layout). When `energies` is given, walker w's energy goes to `energies[w]`. Must not allocate.
   */
  forces(x: Float64Array, f: Float64Array, nWalkers: number, energies?: Float64Array): void;
}

/** Throws a clear error when a configuration buffer has the wrong size or holds a non-finite value. */
export function checkConfigurations(p: Potential, x: ArrayLike<number>, nWalkers: number, what = 'coordinates'): void {
  if (!Number.isInteger(nWalkers) || nWalkers < 1) {
    throw new RangeError(`${p.name}: nWalkers must be a positive integer, got ${nWalkers}`);
  }
  const need = nWalkers * p.dim;
  if (x.length !== need) {
    throw new RangeError(`${p.name}: ${what} have length ${x.length}, expected ${nWalkers} walkers x ${p.dim} = ${need}`);
  }
  for (let i = 0; i < need; i++) {
    if (!Number.isFinite(x[i])) {
      const w = Math.floor(i / p.dim);
      throw new RangeError(`${p.name}: ${what} of walker ${w}, coordinate ${i % p.dim} is ${x[i]} (not finite)`);
    }
  }
}

/** Energy gradient of one configuration (allocating convenience for analysis code, not hot loops). */
export function gradient(p: Potential, x: ArrayLike<number>): Float64Array {
  const xx = Float64Array.from(x);
  checkConfigurations(p, xx, 1);
  const f = new Float64Array(p.dim);
  p.forces(xx, f, 1);
  for (let k = 0; k < f.length; k++) f[k] = -f[k];
  return f;
}
