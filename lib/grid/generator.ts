import type { Potential } from '../systems/potential.js';
import type { Region } from '../systems/regions.js';
import { BandCholesky, BandLU } from './band.js';
import { lanczosLargest } from './lanczos.js';
import { symmetricEigen } from '../dynamics/hessian.js';
import { GridInterpolant, type GridInterpolantOptions, type GridGeometry } from './field.js';

/**
 * Reference solver for 2-D overdamped Langevin dynamics
 *   dX = -(D / kT) grad V(X) dt + sqrt(2 D) dW
 * (generator L f = D Laplace f - (D / kT) grad V . grad f), discretised on a regular grid by the
 * square-root approximation (SqRA; Lie, Fackeldey & Weber, SIAM J. Matrix Anal. Appl. 34, 738 (2013);
 * Donati, Heida, Keller & Weber, Phys. Rev. E 97, 042125 (2018)):
 *   Q_ij = (D / h^2) sqrt(pi_j / pi_i)   for the 4 nearest neighbours j of node i (h = hx or hy),
 *   Q_ii = -sum_j Q_ij,                  pi_i ∝ exp(-V_i / kT).
 * Reflecting walls: no flux leaves the grid. Q satisfies detailed balance with the Boltzmann weights of
 * the nodes exactly, so the stationary distribution is pi; its symmetrisation
 * S = Pi^{1/2} Q Pi^{-1/2} has constant off-diagonal entries D / h^2.
 *
 * Linear algebra stays sparse: eigenpairs come from Lanczos on the shift-inverted symmetric matrix
 * (-S + tau I)^{-1} with the stationary vector deflated (refined by block inverse iteration with
 * Rayleigh-Ritz), committors from one sparse solve; both use band
 * factorisations with the nodes numbered along the shorter grid side (memory O(N min(nx, ny))).
 *
 * Potentials of more than two coordinates are cut by a plane: `coordinates` picks the two that span
 * the grid and `reference` fixes the others. For potentials that separate into a 2-D part plus
 * independent coordinates (e.g. AimmdToy's harmonic nuisance oscillators at their minimum 0), this
 * plane carries the exact 2-D dynamics of the first two coordinates.
 */
export interface GridGeneratorOptions {
  /** Lower corner [x0, y0] of the grid (first and last nodes lie on the corners). */
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
  /** Number of nodes [nx, ny] (each >= 3). */
  shape: ArrayLike<number>;
  /** Thermal energy, in the potential's energy units. */
  kT: number;
  /** Diffusion constant D (length^2 / time); default 1. Time unit of eigenvalues = length^2 / D. */
  diffusion?: number;
  /** Coordinates of the potential spanned by the grid; default [0, 1]. */
  coordinates?: ArrayLike<number>;
  /** Full configuration supplying the coordinates outside the plane; default all zeros. */
  reference?: ArrayLike<number>;
}

export interface GridEigenOptions {
  /** Relative Ritz-residual tolerance of the Lanczos iteration; default 1e-11. */
  tolerance?: number;
  /** Shift tau of the shift-invert; default max(1e-4 D / h^2, 1e-11 * largest diagonal entry of -S). */
  shift?: number;
}

export interface GridEigenResult {
  /** Generator eigenvalues, 0 first, then negative in decreasing order. */
  eigenvalues: Float64Array;
  /**
   * Right eigenfunctions (Q phi = lambda phi), each of length N, normalised so that
   * sum_i pi_i phi_i^2 = 1 (pi the normalised stationary weights). functions[0] is the constant 1.
   * Sign convention: sum_i pi_i phi_i x_i > 0 (the function increases with the first grid coordinate
   * on average); when that correlation vanishes, with the second coordinate; else the entry of largest
   * magnitude is positive.
   */
  functions: Float64Array[];
  /** Residuals ||Q phi - lambda phi||_pi per function (0 for the constant). */
  residuals: Float64Array;
}

function pair(name: string, v: ArrayLike<number> | undefined, integer = false): [number, number] {
  if (!v || v.length !== 2) throw new RangeError(`GridGenerator: ${name} must have 2 entries, got ${v ? v.length : v}`);
  const a = Number(v[0]), b = Number(v[1]);
  if (!Number.isFinite(a) || !Number.isFinite(b) || (integer && (!Number.isInteger(a) || !Number.isInteger(b)))) {
    throw new RangeError(`GridGenerator: ${name} must be ${integer ? 'integers' : 'finite numbers'}, got [${a}, ${b}]`);
  }
  return [a, b];
}

/** Largest (V_max - V_min) / kT on a grid: beyond it Boltzmann ratios over/underflow in doubles. */
const MAX_SPAN_KT = 1400;

export class GridGenerator {
  readonly potential: Potential;
  readonly nx: number;
  readonly ny: number;
  /** Number of nodes N = nx * ny. */
  readonly n: number;
  readonly lo: readonly [number, number];
  readonly hi: readonly [number, number];
  /** Node spacings [hx, hy]. */
  readonly spacing: readonly [number, number];
  readonly kT: number;
  readonly diffusion: number;
  readonly coordinates: readonly [number, number];
  readonly reference: Float64Array;
  /** Node positions in the grid plane, Float64Array [N][2], x fastest (node i + nx * j). */
  readonly points: Float64Array;
  /** Potential energy at every node. */
  readonly energies: Float64Array;
  /** exp(-(V_i - V_min) / 2kT): square roots of the unnormalised Boltzmann weights. */
  private readonly sqrtPi: Float64Array;
  /** Band ordering: position of node i in the factorised matrices, and its bandwidth. */
  private readonly order: Int32Array;
  private readonly band: number;
  private eigenCache: GridEigenResult | null = null;
  private eigenCacheKey = '';

  constructor(potential: Potential, options: GridGeneratorOptions) {
    this.potential = potential;
    const lo = pair('lo', options.lo), hi = pair('hi', options.hi), shape = pair('shape', options.shape, true);
    if (!(hi[0] > lo[0]) || !(hi[1] > lo[1])) throw new RangeError(`GridGenerator: hi [${hi}] must exceed lo [${lo}] in both coordinates`);
    if (shape[0] < 3 || shape[1] < 3) throw new RangeError(`GridGenerator: shape [${shape}] needs at least 3 nodes per side`);
    if (!(options.kT > 0) || !Number.isFinite(options.kT)) throw new RangeError(`GridGenerator: kT must be positive and finite, got ${options.kT}`);
    const D = options.diffusion ?? 1;
    if (!(D > 0) || !Number.isFinite(D)) throw new RangeError(`GridGenerator: diffusion must be positive and finite, got ${D}`);
    const coords = pair('coordinates', options.coordinates ?? [0, 1], true);
    if (coords[0] === coords[1] || coords.some((c) => c < 0 || c >= potential.dim)) throw new RangeError(`GridGenerator: coordinates [${coords}] must be two different indices below ${potential.name}'s dim ${potential.dim}`);
    const ref = options.reference === undefined ? new Float64Array(potential.dim) : Float64Array.from(options.reference);
    if (ref.length !== potential.dim) throw new RangeError(`GridGenerator: reference has length ${ref.length}, ${potential.name} has dim ${potential.dim}`);
    ref.forEach((v, i) => { if (!Number.isFinite(v)) throw new RangeError(`GridGenerator: reference coordinate ${i} is ${v}`); });
    this.lo = lo; this.hi = hi; this.nx = shape[0]; this.ny = shape[1]; this.n = shape[0] * shape[1];
    this.kT = options.kT; this.diffusion = D; this.coordinates = coords; this.reference = ref;
    this.spacing = [(hi[0] - lo[0]) / (this.nx - 1), (hi[1] - lo[1]) / (this.ny - 1)];
    const N = this.n;
    this.points = new Float64Array(2 * N);
    this.energies = new Float64Array(N);
    const conf = Float64Array.from(ref);
    let vmin = Infinity, vmax = -Infinity;
    for (let j = 0, i = 0; j < this.ny; j++) {
      for (let k = 0; k < this.nx; k++, i++) {
        const px = lo[0] + k * this.spacing[0], py = lo[1] + j * this.spacing[1];
        this.points[2 * i] = px; this.points[2 * i + 1] = py;
        conf[coords[0]] = px; conf[coords[1]] = py;
        const v = potential.energy(conf);
        if (!Number.isFinite(v)) throw new RangeError(`GridGenerator: ${potential.name} energy at node ${i} (${px}, ${py}) is ${v}`);
        this.energies[i] = v;
        if (v < vmin) vmin = v;
        if (v > vmax) vmax = v;
      }
    }
    if ((vmax - vmin) / this.kT > MAX_SPAN_KT) {
      throw new RangeError(`GridGenerator: energies on the grid span ${((vmax - vmin) / this.kT).toFixed(0)} kT (${vmin} .. ${vmax}); Boltzmann weights beyond ${MAX_SPAN_KT} kT under/overflow — shrink the box or raise kT`);
    }
    this.sqrtPi = Float64Array.from(this.energies, (v) => Math.exp(-(v - vmin) / (2 * this.kT)));
    // Number nodes along the shorter side so the band is min(nx, ny).
    this.order = new Int32Array(N);
    if (this.nx <= this.ny) {
      for (let i = 0; i < N; i++) this.order[i] = i;
      this.band = this.nx;
    } else {
      for (let j = 0; j < this.ny; j++) for (let k = 0; k < this.nx; k++) this.order[k + this.nx * j] = j + this.ny * k;
      this.band = this.ny;
    }
  }

  /** Geometry of the grid in configuration space (for GridInterpolant). */
  get geometry(): GridGeometry {
    return { lo: this.lo, hi: this.hi, shape: [this.nx, this.ny], coordinates: this.coordinates, dim: this.potential.dim };
  }

  /** Calls fn(j, rate D/h^2) for each grid neighbour j of node i. */
  private neighbours(i: number, fn: (j: number, c: number) => void): void {
    const nx = this.nx, k = i % nx, j = (i - k) / nx;
    const cx = this.diffusion / (this.spacing[0] * this.spacing[0]), cy = this.diffusion / (this.spacing[1] * this.spacing[1]);
    if (k > 0) fn(i - 1, cx);
    if (k < nx - 1) fn(i + 1, cx);
    if (j > 0) fn(i - nx, cy);
    if (j < this.ny - 1) fn(i + nx, cy);
  }

  /** Stationary distribution: probabilities of the nodes (sum 1); density = pi / (hx hy). */
  stationary(): Float64Array {
    let z = 0;
    for (let i = 0; i < this.n; i++) z += this.sqrtPi[i] * this.sqrtPi[i];
    return Float64Array.from(this.sqrtPi, (s) => (s * s) / z);
  }

  /** Applies the generator: out = Q f (f and out of length N). */
  apply(f: ArrayLike<number>, out: Float64Array = new Float64Array(this.n)): Float64Array {
    if (f.length !== this.n || out.length !== this.n) throw new RangeError(`GridGenerator.apply: vectors must have length ${this.n}`);
    const sp = this.sqrtPi;
    for (let i = 0; i < this.n; i++) {
      let s = 0;
      const fi = f[i], si = sp[i];
      this.neighbours(i, (j, c) => { s += c * (sp[j] / si) * (f[j] - fi); });
      out[i] = s;
    }
    return out;
  }

  /** The k leading eigenpairs of the generator (k including the stationary constant). */
  eigenfunctions(k: number, options: GridEigenOptions = {}): GridEigenResult {
    const N = this.n;
    if (!Number.isInteger(k) || k < 1 || k > N - 1) throw new RangeError(`GridGenerator.eigenfunctions: k must be an integer in 1..${N - 1}, got ${k}`);
    const key = `${options.tolerance ?? ''}|${options.shift ?? ''}`;
    if (this.eigenCache && this.eigenCacheKey === key && this.eigenCache.functions.length >= k) {
      const c = this.eigenCache;
      return { eigenvalues: c.eigenvalues.slice(0, k), functions: c.functions.slice(0, k), residuals: c.residuals.slice(0, k) };
    }
    const sp = this.sqrtPi, ord = this.order;
    // M = -S: M_ii = sum_j c_ij sqrt(pi_j / pi_i), M_ij = -c_ij.
    const diag = new Float64Array(N);
    let maxDiag = 0;
    for (let i = 0; i < N; i++) {
      let s = 0;
      this.neighbours(i, (j, c) => { s += c * (sp[j] / sp[i]); });
      diag[i] = s;
      if (s > maxDiag) maxDiag = s;
    }
    // Shift: near the wanted eigenvalues' scale (a fraction of D / h^2) for well-separated Ritz values,
    // but never below 1e-11 of the largest diagonal entry, where the factorisation would lose definiteness.
    const hmin = Math.min(this.spacing[0], this.spacing[1]);
    const tau = options.shift ?? Math.max((1e-4 * this.diffusion) / (hmin * hmin), 1e-11 * maxDiag);
    if (!(tau > 0) || !Number.isFinite(tau)) throw new RangeError(`GridGenerator.eigenfunctions: shift must be positive, got ${tau}`);
    const mat = new BandCholesky(N, this.band);
    for (let i = 0; i < N; i++) {
      mat.add(ord[i], ord[i], diag[i] + tau);
      this.neighbours(i, (j, c) => { if (j < i) mat.add(ord[i], ord[j], -c); });
    }
    mat.factor();
    const applyM = (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < N; i++) {
        let s = diag[i] * v[i];
        this.neighbours(i, (j, c) => { s -= c * v[j]; });
        out[i] = s;
      }
    };
    const buf = new Float64Array(N);
    const applyInv = (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < N; i++) buf[ord[i]] = v[i];
      mat.solve(buf, buf);
      for (let i = 0; i < N; i++) out[i] = buf[ord[i]];
    };
    let z = 0;
    for (let i = 0; i < N; i++) z += sp[i] * sp[i];
    const psi0 = Float64Array.from(sp, (s) => s / Math.sqrt(z));
    const eigenvalues = new Float64Array(k);
    const functions: Float64Array[] = [new Float64Array(N).fill(1)];
    const residuals = new Float64Array(k);
    if (k > 1) {
      const tol = options.tolerance ?? 1e-11;
      const lz = lanczosLargest(applyInv, N, k - 1, [psi0], { tolerance: tol });
      if (!lz.converged) throw new Error(`GridGenerator.eigenfunctions: Lanczos did not converge in ${lz.iterations} iterations (residuals ${Array.from(lz.residuals).map((r) => r.toExponential(2))})`);
      // Lanczos residuals are small for (M + tau)^{-1}; in M they are amplified by the stiff wall modes.
      // Two block inverse iterations with Rayleigh-Ritz in M damp those components by
      // (mu + tau) / (mu_stiff + tau) each (Saad, Sec. 5.1), at k - 1 solves per pass.
      const X = lz.vectors;
      const Mv = new Float64Array(N);
      for (let pass = 0; pass < 2; pass++) {
        const Y = X.map((x) => { const y = new Float64Array(N); applyInv(x, y); return y; });
        for (let a = 0; a < Y.length; a++) {
          for (let rep = 0; rep < 2; rep++) {
            for (const u of [psi0, ...Y.slice(0, a)]) { let d = 0; for (let i = 0; i < N; i++) d += u[i] * Y[a][i]; for (let i = 0; i < N; i++) Y[a][i] -= d * u[i]; }
          }
          let nrm = 0;
          for (let i = 0; i < N; i++) nrm += Y[a][i] ** 2;
          nrm = Math.sqrt(nrm);
          for (let i = 0; i < N; i++) Y[a][i] /= nrm;
        }
        const m = Y.length, G = new Float64Array(m * m);
        for (let b = 0; b < m; b++) {
          applyM(Y[b], Mv);
          for (let a = 0; a < m; a++) { let d = 0; for (let i = 0; i < N; i++) d += Y[a][i] * Mv[i]; G[a * m + b] = d; }
        }
        for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) { const v = 0.5 * (G[a * m + b] + G[b * m + a]); G[a * m + b] = v; G[b * m + a] = v; }
        const { vectors: W } = symmetricEigen(G, m); // ascending mu: slowest first
        for (let q = 0; q < m; q++) {
          const x = X[q];
          x.fill(0);
          for (let a = 0; a < m; a++) { const c = W[q][a]; for (let i = 0; i < N; i++) x[i] += c * Y[a][i]; }
        }
      }
      const pi = this.stationary();
      const xs = this.points;
      for (let q = 0; q < k - 1; q++) {
        const psi = X[q];
        applyM(psi, Mv);
        let mu = 0;
        for (let i = 0; i < N; i++) mu += psi[i] * Mv[i];
        let r = 0;
        for (let i = 0; i < N; i++) r += (Mv[i] - mu * psi[i]) ** 2;
        // phi = Pi^{-1/2} psi with pi normalised: sum pi phi^2 = sum psi^2 = 1.
        const phi = Float64Array.from(psi, (p, i) => (p * Math.sqrt(z)) / sp[i]);
        let cx = 0, cy = 0, big = 0;
        for (let i = 0; i < N; i++) {
          cx += pi[i] * phi[i] * xs[2 * i];
          cy += pi[i] * phi[i] * xs[2 * i + 1];
          if (Math.abs(phi[i]) > Math.abs(big)) big = phi[i];
        }
        const sgn = Math.abs(cx) > 1e-8 ? Math.sign(cx) : Math.abs(cy) > 1e-8 ? Math.sign(cy) : Math.sign(big);
        if (sgn < 0) for (let i = 0; i < N; i++) phi[i] = -phi[i];
        eigenvalues[q + 1] = -mu;
        functions.push(phi);
        residuals[q + 1] = Math.sqrt(r); // ||S psi - lambda psi|| = ||Q phi - lambda phi||_pi
      }
    }
    this.eigenCache = { eigenvalues, functions, residuals };
    this.eigenCacheKey = key;
    return { eigenvalues: eigenvalues.slice(), functions: functions.slice(), residuals: residuals.slice() };
  }

  /** The k slowest relaxation timescales t_i = -1 / lambda_i, i = 1..k (time unit length^2 / D). */
  timescales(k: number, options: GridEigenOptions = {}): Float64Array {
    const { eigenvalues } = this.eigenfunctions(k + 1, options);
    return Float64Array.from(eigenvalues.subarray(1), (l) => -1 / l);
  }

  /** Which nodes lie in a region (evaluated on the full configuration of each node). */
  nodesIn(region: Region): Uint8Array {
    const conf = Float64Array.from(this.reference);
    const out = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) {
      conf[this.coordinates[0]] = this.points[2 * i];
      conf[this.coordinates[1]] = this.points[2 * i + 1];
      out[i] = region(conf, 0) ? 1 : 0;
    }
    return out;
  }

  /**
   * Committor q(x) = P(reach B before A | start at x): q = 0 on A's nodes, 1 on B's nodes and Q q = 0 on
   * all other nodes (one sparse solve). For reversible dynamics forward and backward committors agree.
   */
  committor(A: Region, B: Region): Float64Array {
    const N = this.n, sp = this.sqrtPi, ord = this.order;
    const inA = this.nodesIn(A), inB = this.nodesIn(B);
    let nA = 0, nB = 0;
    for (let i = 0; i < N; i++) {
      nA += inA[i]; nB += inB[i];
      if (inA[i] && inB[i]) throw new RangeError(`GridGenerator.committor: node ${i} (${this.points[2 * i]}, ${this.points[2 * i + 1]}) lies in both A and B`);
    }
    if (nA === 0) throw new RangeError('GridGenerator.committor: no grid node lies in A');
    if (nB === 0) throw new RangeError('GridGenerator.committor: no grid node lies in B');
    const mat = new BandLU(N, this.band);
    const rhs = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const r = ord[i];
      if (inA[i] || inB[i]) {
        mat.add(r, r, 1);
        rhs[r] = inB[i];
        continue;
      }
      // -sum_j Q_ij (q_j - q_i) = 0, known q_j moved to the right-hand side.
      let d = 0;
      this.neighbours(i, (j, c) => {
        const q = c * (sp[j] / sp[i]);
        d += q;
        if (inB[j]) rhs[r] += q;
        else if (!inA[j]) mat.add(r, ord[j], -q);
      });
      mat.add(r, r, d);
    }
    try {
      mat.factor();
    } catch (e) {
      throw new RangeError(`GridGenerator.committor: singular system — some grid nodes are not connected to A or B (${(e as Error).message})`);
    }
    const sol = mat.solve(rhs);
    return Float64Array.from({ length: N }, (_, i) => sol[ord[i]]);
  }

  /** Grid values as a ChiField on configuration space (values and gradients of the interpolant). */
  field(values: ArrayLike<number>, options: GridInterpolantOptions = {}): GridInterpolant {
    return new GridInterpolant(this.geometry, values, options);
  }

  /**
   * Bilinear interpolation of node values at n points: x is [n][2] (grid-plane coordinates) or
   * [n][potential.dim] (full configurations). Points outside the grid are an error.
   */
  interpolate(values: ArrayLike<number>, x: ArrayLike<number>, n: number): Float64Array {
    const d = this.potential.dim;
    if (x.length === 2 * n) {
      const g = { lo: this.lo, hi: this.hi, shape: [this.nx, this.ny] as const, coordinates: [0, 1] as const, dim: 2 };
      return new GridInterpolant(g, values, { method: 'linear' }).evaluate(Float64Array.from(x), n);
    }
    if (x.length === d * n) return new GridInterpolant(this.geometry, values, { method: 'linear' }).evaluate(Float64Array.from(x), n);
    throw new RangeError(`GridGenerator.interpolate: x has length ${x.length}, expected ${n} points x 2 or x ${d}`);
  }
}
