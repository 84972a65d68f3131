/**
 * Holonomic bond-length constraints |r_i - r_j| = d_ij for atoms in 3-D (coordinates flattened
 * `[walker][atom*3 + xyz]`, nm), solved by SHAKE for positions and RATTLE for velocities
 * (Ryckaert et al. 1977; Andersen 1983). Used to constrain bonds to hydrogen for 2 fs steps.
 *
 * Constraints that share atoms form clusters (a methyl group's three C-H bonds; H-bond constraints
 * give clusters of 1-4). Each cluster is solved as a whole: RATTLE exactly, as the linear system
 * K lambda = b of the velocity conditions, and SHAKE by Newton's method on the coupled length
 * conditions ("matrix SHAKE", Kraeutler, van Gunsteren & Huenenberger, J. Comput. Chem. 22, 501
 * (2001)), which converges quadratically instead of SHAKE's linear one-constraint-at-a-time sweeps.
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
  // Clusters of constraints coupled through shared atoms: members cMember[cStart[q] .. cStart[q+1]),
  // and their coupling coefficients c_ab (row-major s x s from cCoefStart[q]): the relative
  // displacement of constraint a's atoms per unit multiplier of b along r_b is c_ab r_b.
  private readonly cStart: Int32Array;
  private readonly cMember: Int32Array;
  private readonly cCoefStart: Int32Array;
  private readonly cCoef: Float64Array;
  // Scratch for one cluster (sized for the largest).
  private readonly sK: Float64Array;
  private readonly sB: Float64Array;
  private readonly sR: Float64Array;
  private readonly sRef: Float64Array;

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

    // union-find of constraints through shared atoms
    const nc = this.lengths.length;
    const parent = Int32Array.from({ length: nc }, (_, c) => c);
    const find = (c: number): number => (parent[c] === c ? c : (parent[c] = find(parent[c])));
    const owner = new Map<number, number>();
    for (let c = 0; c < nc; c++) {
      for (const a of [this.pairs[2 * c], this.pairs[2 * c + 1]]) {
        const o = owner.get(a);
        if (o === undefined) owner.set(a, c);
        else parent[find(c)] = find(o);
      }
    }
    const groups = new Map<number, number[]>();
    for (let c = 0; c < nc; c++) {
      const r = find(c);
      const g = groups.get(r);
      if (g) g.push(c);
      else groups.set(r, [c]);
    }
    const clusters = [...groups.values()];
    this.cStart = new Int32Array(clusters.length + 1);
    this.cCoefStart = new Int32Array(clusters.length + 1);
    clusters.forEach((g, q) => {
      this.cStart[q + 1] = this.cStart[q] + g.length;
      this.cCoefStart[q + 1] = this.cCoefStart[q] + g.length * g.length;
    });
    this.cMember = Int32Array.from(clusters.flat());
    this.cCoef = new Float64Array(this.cCoefStart[clusters.length]);
    const im = this.invMass, P = this.pairs;
    clusters.forEach((g, q) => {
      const s = g.length;
      for (let a = 0; a < s; a++) {
        const ia = P[2 * g[a]], ja = P[2 * g[a] + 1];
        for (let b = 0; b < s; b++) {
          const ib = P[2 * g[b]], jb = P[2 * g[b] + 1];
          // moving atom k by mu_b r_b (+1/m_k for k = i_b, -1/m_k for k = j_b) changes r_a = x_ia - x_ja
          const sgn = (k: number) => (k === ib ? 1 : k === jb ? -1 : 0);
          this.cCoef[this.cCoefStart[q] + a * s + b] = sgn(ia) * im[ia] - sgn(ja) * im[ja];
        }
      }
    });
    const smax = clusters.reduce((m, g) => Math.max(m, g.length), 0);
    this.sK = new Float64Array(smax * smax);
    this.sB = new Float64Array(smax);
    this.sR = new Float64Array(3 * smax);
    this.sRef = new Float64Array(3 * smax);
  }

  /** Solves K y = b in place (b := y) for an s x s system by Gaussian elimination with partial pivoting; false if singular. */
  private solve(s: number): boolean {
    const K = this.sK, b = this.sB;
    for (let c = 0; c < s; c++) {
      let p = c, best = Math.abs(K[c * s + c]);
      for (let r = c + 1; r < s; r++) {
        const v = Math.abs(K[r * s + c]);
        if (v > best) { best = v; p = r; }
      }
      if (!(best > 0)) return false;
      if (p !== c) {
        for (let k = 0; k < s; k++) { const t = K[c * s + k]; K[c * s + k] = K[p * s + k]; K[p * s + k] = t; }
        const t = b[c]; b[c] = b[p]; b[p] = t;
      }
      const d = K[c * s + c];
      for (let r = c + 1; r < s; r++) {
        const f = K[r * s + c] / d;
        if (f === 0) continue;
        for (let k = c; k < s; k++) K[r * s + k] -= f * K[c * s + k];
        b[r] -= f * b[c];
      }
    }
    for (let r = s - 1; r >= 0; r--) {
      let acc = b[r];
      for (let k = r + 1; k < s; k++) acc -= K[r * s + k] * b[k];
      b[r] = acc / K[r * s + r];
    }
    return true;
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
    const cS = this.cStart, cM = this.cMember, cCS = this.cCoefStart, cC = this.cCoef;
    const K = this.sK, B = this.sB, R = this.sR, Rf = this.sRef;
    const inv = v ? 1 / dt : 0;
    for (let w = 0; w < nWalkers; w++) {
      const o = w * dim;
      for (let q = 0, nq = cS.length - 1; q < nq; q++) {
        const m0 = cS[q], s = cS[q + 1] - m0, co = cCS[q];
        if (s === 1) {
          // one constraint: |u + mu c f|^2 = d^2 is a quadratic in mu; take the root nearest 0 in
          // its cancellation-free form mu = -2 C / (B + sqrt(B^2 - 4 A C)).
          const c = cM[m0], ai = P[2 * c], aj = P[2 * c + 1], i = o + 3 * ai, j = o + 3 * aj;
          const fx = xRef[i] - xRef[j], fy = xRef[i + 1] - xRef[j + 1], fz = xRef[i + 2] - xRef[j + 2];
          const ux = x[i] - x[j], uy = x[i + 1] - x[j + 1], uz = x[i + 2] - x[j + 2];
          const d2 = L[c] * L[c], cc = cC[co];
          const C = ux * ux + uy * uy + uz * uz - d2;
          if (Math.abs(C) <= 2 * tol * d2) continue;
          const uf = ux * fx + uy * fy + uz * fz;
          const A = cc * cc * (fx * fx + fy * fy + fz * fz), Bq = 2 * cc * uf;
          const disc = Bq * Bq - 4 * A * C;
          if (uf < 1e-6 * d2 || !(disc >= 0)) {
            throw new ConstraintError(`SHAKE: constraint ${c} (atoms ${ai}-${aj}) rotated too far in one step for walker ${w}; reduce the time step`);
          }
          const mu = (-2 * C) / (Bq + Math.sqrt(disc));
          const mi = mu * im[ai], mj = mu * im[aj];
          x[i] += mi * fx; x[i + 1] += mi * fy; x[i + 2] += mi * fz;
          x[j] -= mj * fx; x[j + 1] -= mj * fy; x[j + 2] -= mj * fz;
          if (v) {
            v[i] += inv * mi * fx; v[i + 1] += inv * mi * fy; v[i + 2] += inv * mi * fz;
            v[j] -= inv * mj * fx; v[j + 1] -= inv * mj * fy; v[j + 2] -= inv * mj * fz;
          }
          continue;
        }
        for (let a = 0; a < s; a++) {
          const c = cM[m0 + a], i = o + 3 * P[2 * c], j = o + 3 * P[2 * c + 1];
          Rf[3 * a] = xRef[i] - xRef[j]; Rf[3 * a + 1] = xRef[i + 1] - xRef[j + 1]; Rf[3 * a + 2] = xRef[i + 2] - xRef[j + 2];
        }
        for (let iter = 0; ; iter++) {
          // residuals g_a = d_a^2 - |r_a|^2 and the Newton matrix K_ab = 2 c_ab r_a . rRef_b
          let done = true;
          for (let a = 0; a < s; a++) {
            const c = cM[m0 + a], i = o + 3 * P[2 * c], j = o + 3 * P[2 * c + 1];
            const rx = x[i] - x[j], ry = x[i + 1] - x[j + 1], rz = x[i + 2] - x[j + 2];
            R[3 * a] = rx; R[3 * a + 1] = ry; R[3 * a + 2] = rz;
            const d2 = L[c] * L[c];
            const g = d2 - (rx * rx + ry * ry + rz * rz);
            B[a] = g;
            if (!(Math.abs(g) <= 2 * tol * d2)) done = false;
            if (rx * Rf[3 * a] + ry * Rf[3 * a + 1] + rz * Rf[3 * a + 2] < 1e-6 * d2) {
              throw new ConstraintError(`SHAKE: constraint ${c} (atoms ${P[2 * c]}-${P[2 * c + 1]}) rotated too far in one step for walker ${w}; reduce the time step`);
            }
          }
          if (done) break;
          if (iter >= this.maxIterations) throw new ConstraintError(`SHAKE did not converge in ${this.maxIterations} iterations for walker ${w}; the structure may be distorted or the time step too large`);
          for (let a = 0; a < s; a++) {
            for (let b = 0; b < s; b++) {
              K[a * s + b] = 2 * cC[co + a * s + b] * (R[3 * a] * Rf[3 * b] + R[3 * a + 1] * Rf[3 * b + 1] + R[3 * a + 2] * Rf[3 * b + 2]);
            }
          }
          if (!this.solve(s)) throw new ConstraintError(`SHAKE: singular constraint matrix for walker ${w} (constraints ${Array.from(cM.subarray(m0, m0 + s)).join(', ')})`);
          // x_k += mu_b rRef_b (+1/m for the first atom of b, -1/m for the second)
          for (let b = 0; b < s; b++) {
            const c = cM[m0 + b], ai = P[2 * c], aj = P[2 * c + 1], i = o + 3 * ai, j = o + 3 * aj;
            const mi = B[b] * im[ai], mj = B[b] * im[aj];
            const fx = Rf[3 * b], fy = Rf[3 * b + 1], fz = Rf[3 * b + 2];
            x[i] += mi * fx; x[i + 1] += mi * fy; x[i + 2] += mi * fz;
            x[j] -= mj * fx; x[j + 1] -= mj * fy; x[j + 2] -= mj * fz;
            if (v) {
              v[i] += inv * mi * fx; v[i + 1] += inv * mi * fy; v[i + 2] += inv * mi * fz;
              v[j] -= inv * mj * fx; v[j + 1] -= inv * mj * fy; v[j + 2] -= inv * mj * fz;
            }
          }
        }
      }
    }
  }

  /**
   * RATTLE: removes velocity components along the constrained bonds, so d/dt |r_ij|^2 = 0, solving
   * each cluster's linear system exactly (the mass-weighted orthogonal projection onto the tangent
   * space of the constraint surface).
   */
  rattle(x: Float64Array, v: Float64Array, nWalkers: number): void {
    const dim = 3 * this.nAtoms, P = this.pairs, im = this.invMass;
    const cS = this.cStart, cM = this.cMember, cCS = this.cCoefStart, cC = this.cCoef;
    const K = this.sK, B = this.sB, R = this.sR;
    for (let w = 0; w < nWalkers; w++) {
      const o = w * dim;
      for (let q = 0, nq = cS.length - 1; q < nq; q++) {
        const m0 = cS[q], s = cS[q + 1] - m0, co = cCS[q];
        for (let a = 0; a < s; a++) {
          const c = cM[m0 + a], i = o + 3 * P[2 * c], j = o + 3 * P[2 * c + 1];
          const rx = x[i] - x[j], ry = x[i + 1] - x[j + 1], rz = x[i + 2] - x[j + 2];
          R[3 * a] = rx; R[3 * a + 1] = ry; R[3 * a + 2] = rz;
          B[a] = rx * (v[i] - v[j]) + ry * (v[i + 1] - v[j + 1]) + rz * (v[i + 2] - v[j + 2]);
        }
        if (s === 1) {
          B[0] /= cC[co] * (R[0] * R[0] + R[1] * R[1] + R[2] * R[2]);
        } else {
          for (let a = 0; a < s; a++) {
            for (let b = 0; b < s; b++) K[a * s + b] = cC[co + a * s + b] * (R[3 * a] * R[3 * b] + R[3 * a + 1] * R[3 * b + 1] + R[3 * a + 2] * R[3 * b + 2]);
          }
          if (!this.solve(s)) throw new ConstraintError(`RATTLE: singular constraint matrix for walker ${w} (constraints ${Array.from(cM.subarray(m0, m0 + s)).join(', ')})`);
        }
        if (!Number.isFinite(B[0])) throw new ConstraintError(`RATTLE: non-finite multiplier for walker ${w} (constraints ${Array.from(cM.subarray(m0, m0 + s)).join(', ')})`);
        for (let b = 0; b < s; b++) {
          const c = cM[m0 + b], ai = P[2 * c], aj = P[2 * c + 1], i = o + 3 * ai, j = o + 3 * aj;
          const li = B[b] * im[ai], lj = B[b] * im[aj];
          const rx = R[3 * b], ry = R[3 * b + 1], rz = R[3 * b + 2];
          v[i] -= li * rx; v[i + 1] -= li * ry; v[i + 2] -= li * rz;
          v[j] += lj * rx; v[j + 1] += lj * ry; v[j + 2] += lj * rz;
        }
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
