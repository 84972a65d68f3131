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

/**
 * What the integrators need from a set of holonomic constraints (BondConstraints, SettleConstraints,
 * or several of them on disjoint atoms as CombinedConstraints).
 */
export interface Constraints {
  /** Atoms of the system (coordinates are 3 nAtoms per walker). */
  readonly nAtoms: number;
  /** Number of scalar distance constraints (removed degrees of freedom). */
  readonly count: number;
  /** Positions x onto the constraints from satisfied positions xRef; v += correction / dt when given. */
  shake(xRef: Float64Array, x: Float64Array, nWalkers: number, v?: Float64Array, dt?: number): void;
  /** Removes velocity components along the constraints. */
  rattle(x: Float64Array, v: Float64Array, nWalkers: number): void;
  /** Projects positions onto the constraints starting from themselves. */
  apply(x: Float64Array, nWalkers: number): void;
  /** Largest relative deviation of a constrained distance. */
  maxDeviation(x: Float64Array, nWalkers: number): number;
}

/** Several constraint sets acting on disjoint atoms (e.g. SHAKE for solute X-H bonds and SETTLE for waters), applied in turn. */
export class CombinedConstraints implements Constraints {
  readonly nAtoms: number;
  constructor(readonly parts: readonly Constraints[]) {
    if (parts.length === 0) throw new RangeError('CombinedConstraints: no constraint sets given');
    this.nAtoms = parts[0].nAtoms;
    for (const p of parts) if (p.nAtoms !== this.nAtoms) throw new RangeError(`CombinedConstraints: constraint sets for ${p.nAtoms} and ${this.nAtoms} atoms`);
  }
  get count(): number {
    return this.parts.reduce((s, p) => s + p.count, 0);
  }
  shake(xRef: Float64Array, x: Float64Array, nWalkers: number, v?: Float64Array, dt?: number): void {
    for (const p of this.parts) p.shake(xRef, x, nWalkers, v, dt);
  }
  rattle(x: Float64Array, v: Float64Array, nWalkers: number): void {
    for (const p of this.parts) p.rattle(x, v, nWalkers);
  }
  apply(x: Float64Array, nWalkers: number): void {
    for (const p of this.parts) p.apply(x, nWalkers);
  }
  maxDeviation(x: Float64Array, nWalkers: number): number {
    return Math.max(...this.parts.map((p) => p.maxDeviation(x, nWalkers)));
  }
}

/**
 * apply() of a constraint set: each walker is projected onto the constraints from itself (the reference
 * is the structure, not a previous step), all or nothing (x is restored when a walker fails).
 * `mark(w)` tells the set which walker it is projecting (-1 afterwards), for its error messages.
 */
export function projectFromItself(nAtoms: number, ref: Float64Array, x: Float64Array, nWalkers: number, mark: (w: number) => void, shake: (ref: Float64Array, view: Float64Array) => void): void {
  const dim = 3 * nAtoms;
  const before = x.slice(0, nWalkers * dim);
  try {
    for (let w = 0; w < nWalkers; w++) {
      const view = x.subarray(w * dim, (w + 1) * dim);
      ref.set(view);
      mark(w);
      shake(ref, view);
    }
  } catch (err) {
    x.set(before);
    throw err;
  } finally {
    mark(-1);
  }
}

export class ConstraintError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConstraintError';
  }
}

export class BondConstraints implements Constraints {
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
  // Per cluster member (indexed like cMember): coordinate offsets 3 i and 3 j of its atoms, their
  // inverse masses and d^2, so the hot loops read flat arrays instead of chasing pairs -> atoms.
  private readonly mI: Int32Array;
  private readonly mJ: Int32Array;
  private readonly mImI: Float64Array;
  private readonly mImJ: Float64Array;
  private readonly mD2: Float64Array;
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
    const nm = this.cMember.length;
    this.mI = new Int32Array(nm); this.mJ = new Int32Array(nm);
    this.mImI = new Float64Array(nm); this.mImJ = new Float64Array(nm); this.mD2 = new Float64Array(nm);
    for (let m = 0; m < nm; m++) {
      const c = this.cMember[m], ai = P[2 * c], aj = P[2 * c + 1];
      this.mI[m] = 3 * ai; this.mJ[m] = 3 * aj;
      this.mImI[m] = im[ai]; this.mImJ[m] = im[aj];
      this.mD2[m] = this.lengths[c] * this.lengths[c];
    }
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
    const dim = 3 * this.nAtoms, tol = this.tolerance;
    const cS = this.cStart, cCS = this.cCoefStart, cC = this.cCoef;
    const mI = this.mI, mJ = this.mJ, mImI = this.mImI, mImJ = this.mImJ, mD2 = this.mD2;
    const inv = v ? 1 / dt : 0;
    for (let w = 0; w < nWalkers; w++) {
      const o = w * dim;
      for (let q = 0, nq = cS.length - 1; q < nq; q++) {
        const m0 = cS[q], s = cS[q + 1] - m0, co = cCS[q];
        if (s === 3) {
          this.shake3(xRef, x, v, inv, o, m0, co, w);
          continue;
        }
        if (s !== 1) {
          this.shakeCluster(xRef, x, v, inv, o, m0, s, co, w);
          continue;
        }
        // one constraint: |u + mu c f|^2 = d^2 is a quadratic in mu; take the root nearest 0 in
        // its cancellation-free form mu = -2 C / (B + sqrt(B^2 - 4 A C)).
        const i = o + mI[m0], j = o + mJ[m0];
        const fx = xRef[i] - xRef[j], fy = xRef[i + 1] - xRef[j + 1], fz = xRef[i + 2] - xRef[j + 2];
        const ux = x[i] - x[j], uy = x[i + 1] - x[j + 1], uz = x[i + 2] - x[j + 2];
        const d2 = mD2[m0], cc = cC[co];
        const C = ux * ux + uy * uy + uz * uz - d2;
        if (Math.abs(C) <= 2 * tol * d2) continue;
        const uf = ux * fx + uy * fy + uz * fz;
        const A = cc * cc * (fx * fx + fy * fy + fz * fz), Bq = 2 * cc * uf;
        const disc = Bq * Bq - 4 * A * C;
        if (uf < 1e-6 * d2 || !(disc >= 0)) this.rotatedTooFar(m0, w);
        const mu = (-2 * C) / (Bq + Math.sqrt(disc));
        const mi = mu * mImI[m0], mj = mu * mImJ[m0];
        x[i] += mi * fx; x[i + 1] += mi * fy; x[i + 2] += mi * fz;
        x[j] -= mj * fx; x[j + 1] -= mj * fy; x[j + 2] -= mj * fz;
        if (v) {
          v[i] += inv * mi * fx; v[i + 1] += inv * mi * fy; v[i + 2] += inv * mi * fz;
          v[j] -= inv * mj * fx; v[j + 1] -= inv * mj * fy; v[j + 2] -= inv * mj * fz;
        }
      }
    }
  }

  /**
   * Newton SHAKE for a cluster of three constraints (a methyl or ammonium group), written out: the
   * 3 x 3 Newton matrix is solved through its adjugate (Cramer's rule), which for these
   * well-conditioned matrices is as accurate as pivoted elimination; Newton corrects any rounding.
   */
  private shake3(xRef: Float64Array, x: Float64Array, v: Float64Array | undefined, inv: number, o: number, m0: number, co: number, w: number): void {
    const mI = this.mI, mJ = this.mJ, mD2 = this.mD2, cC = this.cCoef, tol = this.tolerance;
    const i0 = o + mI[m0], j0 = o + mJ[m0], i1 = o + mI[m0 + 1], j1 = o + mJ[m0 + 1], i2 = o + mI[m0 + 2], j2 = o + mJ[m0 + 2];
    const a0 = this.mImI[m0], b0 = this.mImJ[m0], a1 = this.mImI[m0 + 1], b1 = this.mImJ[m0 + 1], a2 = this.mImI[m0 + 2], b2 = this.mImJ[m0 + 2];
    const f0x = xRef[i0] - xRef[j0], f0y = xRef[i0 + 1] - xRef[j0 + 1], f0z = xRef[i0 + 2] - xRef[j0 + 2];
    const f1x = xRef[i1] - xRef[j1], f1y = xRef[i1 + 1] - xRef[j1 + 1], f1z = xRef[i1 + 2] - xRef[j1 + 2];
    const f2x = xRef[i2] - xRef[j2], f2y = xRef[i2 + 1] - xRef[j2 + 1], f2z = xRef[i2 + 2] - xRef[j2 + 2];
    const d0 = mD2[m0], d1 = mD2[m0 + 1], d2 = mD2[m0 + 2];
    const e0 = 2 * tol * d0, e1 = 2 * tol * d1, e2 = 2 * tol * d2;
    const c00 = 2 * cC[co], c01 = 2 * cC[co + 1], c02 = 2 * cC[co + 2];
    const c10 = 2 * cC[co + 3], c11 = 2 * cC[co + 4], c12 = 2 * cC[co + 5];
    const c20 = 2 * cC[co + 6], c21 = 2 * cC[co + 7], c22 = 2 * cC[co + 8];
    for (let iter = 0; ; iter++) {
      // residuals g_a = d_a^2 - |r_a|^2 and the Newton matrix K_ab = 2 c_ab r_a . rRef_b
      const r0x = x[i0] - x[j0], r0y = x[i0 + 1] - x[j0 + 1], r0z = x[i0 + 2] - x[j0 + 2];
      const r1x = x[i1] - x[j1], r1y = x[i1 + 1] - x[j1 + 1], r1z = x[i1 + 2] - x[j1 + 2];
      const r2x = x[i2] - x[j2], r2y = x[i2 + 1] - x[j2 + 1], r2z = x[i2 + 2] - x[j2 + 2];
      const g0 = d0 - (r0x * r0x + r0y * r0y + r0z * r0z);
      const g1 = d1 - (r1x * r1x + r1y * r1y + r1z * r1z);
      const g2 = d2 - (r2x * r2x + r2y * r2y + r2z * r2z);
      const p00 = r0x * f0x + r0y * f0y + r0z * f0z;
      const p11 = r1x * f1x + r1y * f1y + r1z * f1z;
      const p22 = r2x * f2x + r2y * f2y + r2z * f2z;
      if (p00 < 1e-6 * d0) this.rotatedTooFar(m0, w);
      if (p11 < 1e-6 * d1) this.rotatedTooFar(m0 + 1, w);
      if (p22 < 1e-6 * d2) this.rotatedTooFar(m0 + 2, w);
      if (Math.abs(g0) <= e0 && Math.abs(g1) <= e1 && Math.abs(g2) <= e2) return;
      if (iter >= this.maxIterations) this.notConverged(w);
      const k00 = c00 * p00, k11 = c11 * p11, k22 = c22 * p22;
      const k01 = c01 * (r0x * f1x + r0y * f1y + r0z * f1z), k02 = c02 * (r0x * f2x + r0y * f2y + r0z * f2z);
      const k10 = c10 * (r1x * f0x + r1y * f0y + r1z * f0z), k12 = c12 * (r1x * f2x + r1y * f2y + r1z * f2z);
      const k20 = c20 * (r2x * f0x + r2y * f0y + r2z * f0z), k21 = c21 * (r2x * f1x + r2y * f1y + r2z * f1z);
      const A0 = k11 * k22 - k12 * k21, A1 = k12 * k20 - k10 * k22, A2 = k10 * k21 - k11 * k20;
      const det = k00 * A0 + k01 * A1 + k02 * A2;
      if (!(Math.abs(det) > 0)) this.singular('SHAKE', m0, 3, w);
      const s = 1 / det;
      const mu0 = s * (A0 * g0 + (k02 * k21 - k01 * k22) * g1 + (k01 * k12 - k02 * k11) * g2);
      const mu1 = s * (A1 * g0 + (k00 * k22 - k02 * k20) * g1 + (k02 * k10 - k00 * k12) * g2);
      const mu2 = s * (A2 * g0 + (k01 * k20 - k00 * k21) * g1 + (k00 * k11 - k01 * k10) * g2);
      // x_k += mu_b rRef_b (+1/m for the first atom of b, -1/m for the second)
      let mi = mu0 * a0, mj = mu0 * b0;
      x[i0] += mi * f0x; x[i0 + 1] += mi * f0y; x[i0 + 2] += mi * f0z;
      x[j0] -= mj * f0x; x[j0 + 1] -= mj * f0y; x[j0 + 2] -= mj * f0z;
      if (v) {
        v[i0] += inv * mi * f0x; v[i0 + 1] += inv * mi * f0y; v[i0 + 2] += inv * mi * f0z;
        v[j0] -= inv * mj * f0x; v[j0 + 1] -= inv * mj * f0y; v[j0 + 2] -= inv * mj * f0z;
      }
      mi = mu1 * a1; mj = mu1 * b1;
      x[i1] += mi * f1x; x[i1 + 1] += mi * f1y; x[i1 + 2] += mi * f1z;
      x[j1] -= mj * f1x; x[j1 + 1] -= mj * f1y; x[j1 + 2] -= mj * f1z;
      if (v) {
        v[i1] += inv * mi * f1x; v[i1 + 1] += inv * mi * f1y; v[i1 + 2] += inv * mi * f1z;
        v[j1] -= inv * mj * f1x; v[j1 + 1] -= inv * mj * f1y; v[j1 + 2] -= inv * mj * f1z;
      }
      mi = mu2 * a2; mj = mu2 * b2;
      x[i2] += mi * f2x; x[i2 + 1] += mi * f2y; x[i2 + 2] += mi * f2z;
      x[j2] -= mj * f2x; x[j2 + 1] -= mj * f2y; x[j2 + 2] -= mj * f2z;
      if (v) {
        v[i2] += inv * mi * f2x; v[i2 + 1] += inv * mi * f2y; v[i2 + 2] += inv * mi * f2z;
        v[j2] -= inv * mj * f2x; v[j2 + 1] -= inv * mj * f2y; v[j2 + 2] -= inv * mj * f2z;
      }
    }
  }

  /** Newton SHAKE for a cluster of any size s (members m0 .. m0+s), with the pivoted solver. */
  private shakeCluster(xRef: Float64Array, x: Float64Array, v: Float64Array | undefined, inv: number, o: number, m0: number, s: number, co: number, w: number): void {
    const mI = this.mI, mJ = this.mJ, mImI = this.mImI, mImJ = this.mImJ, mD2 = this.mD2, cC = this.cCoef, tol = this.tolerance;
    const K = this.sK, B = this.sB, R = this.sR, Rf = this.sRef;
    for (let a = 0; a < s; a++) {
      const i = o + mI[m0 + a], j = o + mJ[m0 + a];
      Rf[3 * a] = xRef[i] - xRef[j]; Rf[3 * a + 1] = xRef[i + 1] - xRef[j + 1]; Rf[3 * a + 2] = xRef[i + 2] - xRef[j + 2];
    }
    for (let iter = 0; ; iter++) {
      // residuals g_a = d_a^2 - |r_a|^2 and the Newton matrix K_ab = 2 c_ab r_a . rRef_b
      let done = true;
      for (let a = 0; a < s; a++) {
        const i = o + mI[m0 + a], j = o + mJ[m0 + a];
        const rx = x[i] - x[j], ry = x[i + 1] - x[j + 1], rz = x[i + 2] - x[j + 2];
        R[3 * a] = rx; R[3 * a + 1] = ry; R[3 * a + 2] = rz;
        const d2 = mD2[m0 + a];
        const g = d2 - (rx * rx + ry * ry + rz * rz);
        B[a] = g;
        if (!(Math.abs(g) <= 2 * tol * d2)) done = false;
        if (rx * Rf[3 * a] + ry * Rf[3 * a + 1] + rz * Rf[3 * a + 2] < 1e-6 * d2) this.rotatedTooFar(m0 + a, w);
      }
      if (done) return;
      if (iter >= this.maxIterations) this.notConverged(w);
      for (let a = 0; a < s; a++) {
        for (let b = 0; b < s; b++) {
          K[a * s + b] = 2 * cC[co + a * s + b] * (R[3 * a] * Rf[3 * b] + R[3 * a + 1] * Rf[3 * b + 1] + R[3 * a + 2] * Rf[3 * b + 2]);
        }
      }
      if (!this.solve(s)) this.singular('SHAKE', m0, s, w);
      // x_k += mu_b rRef_b (+1/m for the first atom of b, -1/m for the second)
      for (let b = 0; b < s; b++) {
        const i = o + mI[m0 + b], j = o + mJ[m0 + b];
        const mi = B[b] * mImI[m0 + b], mj = B[b] * mImJ[m0 + b];
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

  // Error paths kept out of the hot loops. While apply() projects walker `applying` (>= 0) there is no
  // time step: the reference is the structure itself, so the messages speak of the structure instead.
  private applying = -1;

  private rotatedTooFar(m: number, w: number): never {
    const c = this.cMember[m], i = this.pairs[2 * c], j = this.pairs[2 * c + 1];
    if (this.applying >= 0) {
      const r = Math.hypot(this.ref[3 * i] - this.ref[3 * j], this.ref[3 * i + 1] - this.ref[3 * j + 1], this.ref[3 * i + 2] - this.ref[3 * j + 2]);
      throw new ConstraintError(`BondConstraints.apply: constraint ${c} (atoms ${i}-${j}) of walker ${this.applying} is ${r.toPrecision(4)} nm long, its target ${this.lengths[c]} nm: too far off to be projected onto its length; check the structure (overlapping or misplaced atoms?)`);
    }
    throw new ConstraintError(`SHAKE: constraint ${c} (atoms ${i}-${j}) rotated too far in one step for walker ${w}; reduce the time step`);
  }

  private notConverged(w: number): never {
    if (this.applying >= 0) {
      throw new ConstraintError(`BondConstraints.apply: SHAKE did not converge in ${this.maxIterations} iterations for walker ${this.applying}; the structure is too far from its constrained lengths (largest deviation ${(100 * this.maxDeviation(this.ref, 1)).toPrecision(3)} %); check it`);
    }
    throw new ConstraintError(`SHAKE did not converge in ${this.maxIterations} iterations for walker ${w}; the structure may be distorted or the time step too large`);
  }

  private singular(what: string, m0: number, s: number, w: number): never {
    const who = this.applying >= 0 ? `BondConstraints.apply (${what})` : what;
    throw new ConstraintError(`${who}: singular constraint matrix for walker ${this.applying >= 0 ? this.applying : w} (constraints ${Array.from(this.cMember.subarray(m0, m0 + s)).join(', ')})`);
  }

  /**
   * RATTLE: removes velocity components along the constrained bonds, so d/dt |r_ij|^2 = 0, solving
   * each cluster's linear system exactly (the mass-weighted orthogonal projection onto the tangent
   * space of the constraint surface).
   */
  rattle(x: Float64Array, v: Float64Array, nWalkers: number): void {
    const dim = 3 * this.nAtoms;
    const cS = this.cStart, cCS = this.cCoefStart, cC = this.cCoef;
    const mI = this.mI, mJ = this.mJ, mImI = this.mImI, mImJ = this.mImJ;
    const K = this.sK, B = this.sB, R = this.sR;
    for (let w = 0; w < nWalkers; w++) {
      const o = w * dim;
      for (let q = 0, nq = cS.length - 1; q < nq; q++) {
        const m0 = cS[q], s = cS[q + 1] - m0, co = cCS[q];
        if (s === 1) {
          const i = o + mI[m0], j = o + mJ[m0];
          const rx = x[i] - x[j], ry = x[i + 1] - x[j + 1], rz = x[i + 2] - x[j + 2];
          const lam = (rx * (v[i] - v[j]) + ry * (v[i + 1] - v[j + 1]) + rz * (v[i + 2] - v[j + 2])) / (cC[co] * (rx * rx + ry * ry + rz * rz));
          if (!Number.isFinite(lam)) this.nonFinite(m0, s, w);
          const li = lam * mImI[m0], lj = lam * mImJ[m0];
          v[i] -= li * rx; v[i + 1] -= li * ry; v[i + 2] -= li * rz;
          v[j] += lj * rx; v[j + 1] += lj * ry; v[j + 2] += lj * rz;
          continue;
        }
        if (s === 3) {
          this.rattle3(x, v, o, m0, co, w);
          continue;
        }
        for (let a = 0; a < s; a++) {
          const i = o + mI[m0 + a], j = o + mJ[m0 + a];
          const rx = x[i] - x[j], ry = x[i + 1] - x[j + 1], rz = x[i + 2] - x[j + 2];
          R[3 * a] = rx; R[3 * a + 1] = ry; R[3 * a + 2] = rz;
          B[a] = rx * (v[i] - v[j]) + ry * (v[i + 1] - v[j + 1]) + rz * (v[i + 2] - v[j + 2]);
        }
        for (let a = 0; a < s; a++) {
          for (let b = 0; b < s; b++) K[a * s + b] = cC[co + a * s + b] * (R[3 * a] * R[3 * b] + R[3 * a + 1] * R[3 * b + 1] + R[3 * a + 2] * R[3 * b + 2]);
        }
        if (!this.solve(s)) this.singular('RATTLE', m0, s, w);
        if (!Number.isFinite(B[0])) this.nonFinite(m0, s, w);
        for (let b = 0; b < s; b++) {
          const i = o + mI[m0 + b], j = o + mJ[m0 + b];
          const li = B[b] * mImI[m0 + b], lj = B[b] * mImJ[m0 + b];
          const rx = R[3 * b], ry = R[3 * b + 1], rz = R[3 * b + 2];
          v[i] -= li * rx; v[i + 1] -= li * ry; v[i + 2] -= li * rz;
          v[j] += lj * rx; v[j + 1] += lj * ry; v[j + 2] += lj * rz;
        }
      }
    }
  }

  /** RATTLE for a three-constraint cluster: K lambda = b solved exactly through the adjugate of K. */
  private rattle3(x: Float64Array, v: Float64Array, o: number, m0: number, co: number, w: number): void {
    const mI = this.mI, mJ = this.mJ, cC = this.cCoef;
    const i0 = o + mI[m0], j0 = o + mJ[m0], i1 = o + mI[m0 + 1], j1 = o + mJ[m0 + 1], i2 = o + mI[m0 + 2], j2 = o + mJ[m0 + 2];
    const r0x = x[i0] - x[j0], r0y = x[i0 + 1] - x[j0 + 1], r0z = x[i0 + 2] - x[j0 + 2];
    const r1x = x[i1] - x[j1], r1y = x[i1 + 1] - x[j1 + 1], r1z = x[i1 + 2] - x[j1 + 2];
    const r2x = x[i2] - x[j2], r2y = x[i2 + 1] - x[j2 + 1], r2z = x[i2 + 2] - x[j2 + 2];
    const g0 = r0x * (v[i0] - v[j0]) + r0y * (v[i0 + 1] - v[j0 + 1]) + r0z * (v[i0 + 2] - v[j0 + 2]);
    const g1 = r1x * (v[i1] - v[j1]) + r1y * (v[i1 + 1] - v[j1 + 1]) + r1z * (v[i1 + 2] - v[j1 + 2]);
    const g2 = r2x * (v[i2] - v[j2]) + r2y * (v[i2 + 1] - v[j2 + 1]) + r2z * (v[i2 + 2] - v[j2 + 2]);
    const q00 = r0x * r0x + r0y * r0y + r0z * r0z, q11 = r1x * r1x + r1y * r1y + r1z * r1z, q22 = r2x * r2x + r2y * r2y + r2z * r2z;
    const q01 = r0x * r1x + r0y * r1y + r0z * r1z, q02 = r0x * r2x + r0y * r2y + r0z * r2z, q12 = r1x * r2x + r1y * r2y + r1z * r2z;
    const k00 = cC[co] * q00, k01 = cC[co + 1] * q01, k02 = cC[co + 2] * q02;
    const k10 = cC[co + 3] * q01, k11 = cC[co + 4] * q11, k12 = cC[co + 5] * q12;
    const k20 = cC[co + 6] * q02, k21 = cC[co + 7] * q12, k22 = cC[co + 8] * q22;
    const A0 = k11 * k22 - k12 * k21, A1 = k12 * k20 - k10 * k22, A2 = k10 * k21 - k11 * k20;
    const det = k00 * A0 + k01 * A1 + k02 * A2;
    if (!(Math.abs(det) > 0)) this.singular('RATTLE', m0, 3, w);
    const s = 1 / det;
    const l0 = s * (A0 * g0 + (k02 * k21 - k01 * k22) * g1 + (k01 * k12 - k02 * k11) * g2);
    const l1 = s * (A1 * g0 + (k00 * k22 - k02 * k20) * g1 + (k02 * k10 - k00 * k12) * g2);
    const l2 = s * (A2 * g0 + (k01 * k20 - k00 * k21) * g1 + (k00 * k11 - k01 * k10) * g2);
    if (!Number.isFinite(l0)) this.nonFinite(m0, 3, w);
    let li = l0 * this.mImI[m0], lj = l0 * this.mImJ[m0];
    v[i0] -= li * r0x; v[i0 + 1] -= li * r0y; v[i0 + 2] -= li * r0z;
    v[j0] += lj * r0x; v[j0 + 1] += lj * r0y; v[j0 + 2] += lj * r0z;
    li = l1 * this.mImI[m0 + 1]; lj = l1 * this.mImJ[m0 + 1];
    v[i1] -= li * r1x; v[i1 + 1] -= li * r1y; v[i1 + 2] -= li * r1z;
    v[j1] += lj * r1x; v[j1 + 1] += lj * r1y; v[j1 + 2] += lj * r1z;
    li = l2 * this.mImI[m0 + 2]; lj = l2 * this.mImJ[m0 + 2];
    v[i2] -= li * r2x; v[i2 + 1] -= li * r2y; v[i2 + 2] -= li * r2z;
    v[j2] += lj * r2x; v[j2 + 1] += lj * r2y; v[j2 + 2] += lj * r2z;
  }

  private nonFinite(m0: number, s: number, w: number): never {
    throw new ConstraintError(`RATTLE: non-finite multiplier for walker ${w} (constraints ${Array.from(this.cMember.subarray(m0, m0 + s)).join(', ')})`);
  }

  /**
   * Puts positions on the constraint surface (e.g. a minimised structure whose X-H bonds differ
   * slightly). All or nothing: when a walker cannot be projected, x is left as it was and the error
   * names the walker and the constraint.
   */
  apply(x: Float64Array, nWalkers: number): void {
    // Project from the structure itself: the reference bond vectors are the current ones.
    projectFromItself(this.nAtoms, this.ref, x, nWalkers, (w) => (this.applying = w), (ref, view) => this.shake(ref, view, 1));
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
