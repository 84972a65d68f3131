/**
 * Holonomic bond-length constraints |r_i - r_j| = d_ij for atoms in 3-D (coordinates flattened
 * `[walker][atom*3 + xyz]`, nm), solved by SHAKE for positions and RATTLE for velocities
 * (Ryckaert et al. 1977; Andersen 1983). Used to constrain bonds to hydrogen for 2 fs steps.
 */
export interface ConstraintOptions {
  /** Relative tolerance on every constrained length; default 1e-10. */
  tolerance?: number;
  /** Iterations before giving up with an error; default 1000. */
  maxIterations?: number;
}

export class ConstraintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConstraintError';
  }
}

export class BondConstraints {
  /** Atom index pairs, [c][2]. */
  readonly pairs: Int32Array;
  /** Target lengths d_c. */
  readonly lengths: Float64Array;
  readonly tolerance: number;
  readonly maxIterations: number;
  private readonly invMass: Float64Array;
  private readonly ref: Float64Array;

  /**
   * @param pairs atom index pairs `[[i, j], ...]` (or flattened)
   * @param lengths target lengths (nm)
   * @param atomMasses mass of every atom (amu), length nAtoms
   */
  constructor(pairs: ArrayLike<number> | ArrayLike<number>[], lengths: ArrayLike<number>, atomMasses: ArrayLike<number>, options: ConstraintOptions = {}) {
    const flat = Array.isArray(pairs) && Array.isArray(pairs[0]) ? (pairs as ArrayLike<number>[]).flatMap((p) => Array.from(p)) : Array.from(pairs as ArrayLike<number>);
    this.pairs = Int32Array.from(flat);
    this.lengths = Float64Array.from(lengths);
    const nAtoms = atomMasses.length;
    if (this.pairs.length !== 2 * this.lengths.length) {
      throw new RangeError(`BondConstraints: ${this.pairs.length / 2} pairs but ${this.lengths.length} lengths`);
    }
    for (let c = 0; c < this.lengths.length; c++) {
      const i = this.pairs[2 * c], j = this.pairs[2 * c + 1];
      if (i < 0 || j < 0 || i >= nAtoms || j >= nAtoms || i === j) throw new RangeError(`BondConstraints: constraint ${c} joins atoms ${i} and ${j}, outside 0..${nAtoms - 1} or identical`);
      if (!(this.lengths[c] > 0)) throw new RangeError(`BondConstraints: constraint ${c} has length ${this.lengths[c]}`);
    }
    this.invMass = new Float64Array(nAtoms);
    for (let a = 0; a < nAtoms; a++) {
      if (!(atomMasses[a] > 0)) throw new RangeError(`BondConstraints: atom ${a} has mass ${atomMasses[a]}; constrained atoms need positive masses`);
      this.invMass[a] = 1 / atomMasses[a];
    }
    this.tolerance = options.tolerance ?? 1e-10;
    this.maxIterations = options.maxIterations ?? 1000;
    this.ref = new Float64Array(3 * nAtoms);
  }

  get count(): number {
    return this.lengths.length;
  }

  get nAtoms(): number {
    return this.invMass.length;
  }

  /**
   * SHAKE: moves positions `x` (after an unconstrained update from `xRef`, which satisfies the
   * constraints) back onto the constraint surface along the reference bond vectors. When `v` is given,
   * the same displacement divided by `dt` is applied to the velocities (the SHAKE velocity correction).
   */
  shake(xRef: Float64Array, x: Float64Array, nWalkers: number, v?: Float64Array, dt = 1): void {
    const dim = 3 * this.nAtoms, P = this.pairs, L = this.lengths, im = this.invMass, tol = this.tolerance;
    for (let w = 0; w < nWalkers; w++) {
      const o = w * dim;
      let iter = 0;
      for (;;) {
        let done = true;
        for (let c = 0; c < L.length; c++) {
          const i = o + 3 * P[2 * c], j = o + 3 * P[2 * c + 1];
          const dx = x[i] - x[j], dy = x[i + 1] - x[j + 1], dz = x[i + 2] - x[j + 2];
          const d2 = L[c] * L[c];
          const diff = d2 - (dx * dx + dy * dy + dz * dz);
          if (Math.abs(diff) <= 2 * tol * d2) continue;
          done = false;
          const rx = xRef[i] - xRef[j], ry = xRef[i + 1] - xRef[j + 1], rz = xRef[i + 2] - xRef[j + 2];
          const mi = im[P[2 * c]], mj = im[P[2 * c + 1]];
          const dot = rx * dx + ry * dy + rz * dz;
          if (dot < 1e-6 * d2) throw new ConstraintError(`SHAKE: constraint ${c} (atoms ${P[2 * c]}-${P[2 * c + 1]}) rotated too far in one step for walker ${w}; reduce the time step`);
          const g = diff / (2 * (mi + mj) * dot);
          x[i] += g * mi * rx; x[i + 1] += g * mi * ry; x[i + 2] += g * mi * rz;
          x[j] -= g * mj * rx; x[j + 1] -= g * mj * ry; x[j + 2] -= g * mj * rz;
          if (v) {
            const s = g / dt;
            v[i] += s * mi * rx; v[i + 1] += s * mi * ry; v[i + 2] += s * mi * rz;
            v[j] -= s * mj * rx; v[j + 1] -= s * mj * ry; v[j + 2] -= s * mj * rz;
          }
        }
        if (done) break;
        if (++iter >= this.maxIterations) throw new ConstraintError(`SHAKE did not converge in ${this.maxIterations} iterations for walker ${w}; the structure may be distorted or the time step too large`);
      }
    }
  }

  /** RATTLE: removes velocity components along the constrained bonds, so d/dt |r_ij|^2 = 0. */
  rattle(x: Float64Array, v: Float64Array, nWalkers: number): void {
    const dim = 3 * this.nAtoms, P = this.pairs, L = this.lengths, im = this.invMass, tol = this.tolerance;
    for (let w = 0; w < nWalkers; w++) {
      const o = w * dim;
      let iter = 0;
      for (;;) {
        let done = true;
        for (let c = 0; c < L.length; c++) {
          const i = o + 3 * P[2 * c], j = o + 3 * P[2 * c + 1];
          const rx = x[i] - x[j], ry = x[i + 1] - x[j + 1], rz = x[i + 2] - x[j + 2];
          const vx = v[i] - v[j], vy = v[i + 1] - v[j + 1], vz = v[i + 2] - v[j + 2];
          const rv = rx * vx + ry * vy + rz * vz;
          const d2 = L[c] * L[c];
          // |r.v| / d^2 is a relative rate (1/ps); compare with tol in the same units.
          if (Math.abs(rv) <= tol * d2) continue;
          done = false;
          const mi = im[P[2 * c]], mj = im[P[2 * c + 1]];
          const k = rv / ((mi + mj) * d2);
          v[i] -= k * mi * rx; v[i + 1] -= k * mi * ry; v[i + 2] -= k * mi * rz;
          v[j] += k * mj * rx; v[j + 1] += k * mj * ry; v[j + 2] += k * mj * rz;
        }
        if (done) break;
        if (++iter >= this.maxIterations) throw new ConstraintError(`RATTLE did not converge in ${this.maxIterations} iterations for walker ${w}`);
      }
    }
  }

  /** Puts positions on the constraint surface (e.g. a minimised structure whose X-H bonds differ slightly). */
  apply(x: Float64Array, nWalkers: number): void {
    // Project from the structure itself: the reference bond vectors are the current ones.
    const dim = 3 * this.nAtoms;
    for (let w = 0; w < nWalkers; w++) {
      const view = x.subarray(w * dim, (w + 1) * dim);
      this.ref.set(view);
      this.shake(this.ref, view, 1);
    }
  }

  /** Largest relative deviation |r_ij - d_ij| / d_ij over all constraints and walkers. */
  maxDeviation(x: Float64Array, nWalkers: number): number {
    const dim = 3 * this.nAtoms, P = this.pairs, L = this.lengths;
    let worst = 0;
    for (let w = 0; w < nWalkers; w++) {
      for (let c = 0; c < L.length; c++) {
        const i = w * dim + 3 * P[2 * c], j = w * dim + 3 * P[2 * c + 1];
        const r = Math.hypot(x[i] - x[j], x[i + 1] - x[j + 1], x[i + 2] - x[j + 2]);
        worst = Math.max(worst, Math.abs(r - L[c]) / L[c]);
      }
    }
    return worst;
  }
}
