import { RealFFT3D } from './fft.js';
import { ONE_4PI_EPS0 } from './forcefield.js';

/**
 * Smooth particle-mesh Ewald (Essmann et al., J. Chem. Phys. 103, 8577 (1995); "SPME" below) for
 * the reciprocal-space part of the Ewald sum in a rectangular periodic box:
 *
 *   E_rec = 1/(2 pi V) sum_{m != 0} exp(-pi^2 m^2 / alpha^2) / m^2  B(m) |S(m)|^2   (SPME eq. 4.7)
 *
 * with the structure factor S(m) approximated by the FFT of the charges spread on a K1 x K2 x K3
 * grid with cardinal B-splines M_n of order n (SPME eqs. 4.4-4.6), B(m) = prod_d |b_d(m_d)|^2, and the
 * forces the exact gradient of that approximation (SPME eq. 4.9). Units: nm, e, kJ/mol
 * (E carries ONE_4PI_EPS0).
 *
 * Choices that make the numbers equal to OpenMM 7.7's Reference platform: spline order 5 by default;
 * each atom spreads onto grid points floor(u)..floor(u)+n-1 (a uniform shift of the grid relative to
 * SPME's floor(u)-n+1..floor(u), which leaves |S(m)|^2 unchanged); and where the B-spline modulus
 * |sum_k M_n(k+1) exp(2 pi i m k / K)|^2 vanishes (the Nyquist frequency of an even grid for odd
 * orders such as 5, where the n - 1 integer values of M_n are symmetric and their alternating sum is
 * 0) it is replaced by the mean of its two neighbours, as OpenMM does.
 */
export const PME_ORDER = 5;

export interface PmeParameters {
  /** Ewald splitting parameter alpha (1/nm). */
  alpha: number;
  /** Grid points along x, y, z. */
  grid: [number, number, number];
}

/**
 * alpha and grid from an error tolerance as OpenMM's NonbondedForce does (NonbondedForceImpl::
 * calcPMEParameters): alpha = sqrt(-ln(2 tol)) / r_c, K_d = ceil(2 alpha L_d / (3 tol^(1/5))), at least 6.
 * OpenMM's Reference platform uses these sizes as they are (our FFT takes any size too).
 */
export function pmeParametersFromTolerance(cutoff: number, boxLengths: ArrayLike<number>, tolerance: number): PmeParameters {
  if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new RangeError(`pmeParametersFromTolerance: cut-off must be positive, got ${cutoff}`);
  if (!(tolerance > 0 && tolerance < 0.5)) throw new RangeError(`pmeParametersFromTolerance: the error tolerance must be in (0, 0.5), got ${tolerance}`);
  const alpha = Math.sqrt(-Math.log(2 * tolerance)) / cutoff;
  const g = [0, 1, 2].map((d) => {
    const L = boxLengths[d];
    if (!(L > 0) || !Number.isFinite(L)) throw new RangeError(`pmeParametersFromTolerance: box length ${'xyz'[d]} must be positive, got ${L}`);
    return Math.max(6, Math.ceil((2 * alpha * L) / (3 * Math.pow(tolerance, 0.2))));
  });
  return { alpha, grid: [g[0], g[1], g[2]] };
}

/**
 * Cardinal B-spline weights of order n at fractional offset w in [0, 1): theta[k] = M_n(w + n - 1 - k)
 * for k = 0..n-1 (the weight of grid point floor(u) + k), and their derivatives d theta[k] / dw,
 * by the recursion M_n(u) = (u M_{n-1}(u) + (n - u) M_{n-1}(u - 1)) / (n - 1) (SPME eq. 4.1).
 */
function bsplineWeights(w: number, n: number, theta: Float64Array, dtheta: Float64Array, o: number): void {
  // order 2: M_2(w + 1) = 1 - w, M_2(w) = w
  theta[o] = 1 - w;
  theta[o + 1] = w;
  for (let k = 2; k < n; k++) theta[o + k] = 0;
  for (let m = 3; m <= n; m++) {
    if (m === n) {
      // derivative from order n-1: dM_n(u)/du = M_{n-1}(u) - M_{n-1}(u - 1)
      dtheta[o] = -theta[o];
      for (let k = 1; k < n; k++) dtheta[o + k] = theta[o + k - 1] - theta[o + k];
    }
    const div = 1 / (m - 1);
    theta[o + m - 1] = div * w * theta[o + m - 2];
    for (let l = 1; l < m - 1; l++) theta[o + m - l - 1] = div * ((w + l) * theta[o + m - l - 2] + (m - l - w) * theta[o + m - l - 1]);
    theta[o] = div * (1 - w) * theta[o];
  }
  if (n === 2) {
    dtheta[o] = -1;
    dtheta[o + 1] = 1;
  }
}

/** |sum_{k=0}^{n-1} M_n(k) exp(2 pi i m k / K)|^2 for m = 0..K-1, zeros replaced by their neighbours' mean (OpenMM). */
export function bsplineModuli(K: number, n: number): Float64Array {
  const th = new Float64Array(n), dth = new Float64Array(n);
  bsplineWeights(0, n, th, dth, 0); // th[k] = M_n(n - 1 - k): the spline at the integers
  const mod = new Float64Array(K);
  for (let m = 0; m < K; m++) {
    let c = 0, s = 0;
    for (let k = 0; k < n; k++) {
      const a = (2 * Math.PI * m * k) / K;
      c += th[k] * Math.cos(a);
      s += th[k] * Math.sin(a);
    }
    mod[m] = c * c + s * s;
  }
  const fixed = Float64Array.from(mod);
  for (let m = 0; m < K; m++) if (mod[m] < 1e-7) fixed[m] = 0.5 * (fixed[(m - 1 + K) % K] + fixed[(m + 1) % K]);
  return fixed;
}

/**
 * The PME reciprocal-space energy and forces of fixed charges in a rectangular box. Preallocates the
 * grid, spline tables and FFT plan; `compute` does not allocate.
 */
export class PmeReciprocal {
  readonly nAtoms: number;
  readonly order: number;
  readonly alpha: number;
  readonly grid: readonly [number, number, number];
  private readonly q: Float64Array;
  private readonly fft: RealFFT3D;
  private readonly qGrid: Float64Array; // charges spread on the grid, then the convolved potential
  private readonly spectrum: Float64Array; // half spectrum (kz >= 0) of qGrid
  private readonly moduli: Float64Array[];
  private readonly theta: Float64Array; // [atom][dim][order]
  private readonly dtheta: Float64Array;
  private readonly offsets: Int32Array; // [atom][dim][order] flat grid offset of each point's plane/row/column
  // influence function eterm(m) for the current box (recomputed when the box changes)
  private readonly eterm: Float64Array;
  private etermBox = new Float64Array(3);

  /**
   * @param charges partial charges (e), one per atom
   * @param params alpha (1/nm) and grid size
   */
  constructor(charges: ArrayLike<number>, params: PmeParameters, order = PME_ORDER) {
    const { alpha, grid } = params;
    if (!(alpha > 0) || !Number.isFinite(alpha)) throw new RangeError(`PmeReciprocal: alpha must be positive, got ${alpha}`);
    if (!Number.isInteger(order) || order < 3) throw new RangeError(`PmeReciprocal: spline order must be an integer >= 3, got ${order}`);
    for (let d = 0; d < 3; d++) {
      if (!Number.isInteger(grid[d]) || grid[d] < order) throw new RangeError(`PmeReciprocal: grid size ${'xyz'[d]} must be an integer >= the spline order ${order}, got ${grid[d]}`);
    }
    this.nAtoms = charges.length;
    this.q = Float64Array.from(charges);
    this.alpha = alpha;
    this.order = order;
    this.grid = [grid[0], grid[1], grid[2]];
    this.fft = new RealFFT3D(grid[0], grid[1], grid[2]);
    this.qGrid = new Float64Array(grid[0] * grid[1] * grid[2]);
    this.spectrum = new Float64Array(this.fft.spectrumLength);
    this.eterm = new Float64Array(grid[0] * grid[1] * this.fft.nzh);
    this.moduli = [0, 1, 2].map((d) => bsplineModuli(grid[d], order));
    // (padded by 5 so the order-5 unrolled reads of the gather stay in bounds for lower orders)
    this.theta = new Float64Array(this.nAtoms * 3 * order + 5);
    this.dtheta = new Float64Array(this.nAtoms * 3 * order + 5);
    this.offsets = new Int32Array(this.nAtoms * 3 * order + 5);
  }

  /**
   * exp(-pi^2 m^2/alpha^2) / (pi V m^2 B(m)) * ONE_4PI_EPS0 for the frequencies of the half spectrum
   * (kz >= 0; 0 at m = 0).
   */
  private updateInfluence(box: Float64Array): void {
    const eb = this.etermBox;
    if (eb[0] === box[0] && eb[1] === box[1] && eb[2] === box[2]) return;
    eb.set(box);
    const [nx, ny, nz] = this.grid, nzh = this.fft.nzh;
    const V = box[0] * box[1] * box[2];
    const f = (Math.PI * Math.PI) / (this.alpha * this.alpha);
    const [bx, by, bz] = this.moduli;
    const et = this.eterm;
    for (let kx = 0; kx < nx; kx++) {
      const mx = (kx < (nx + 1) >> 1 ? kx : kx - nx) / box[0];
      for (let ky = 0; ky < ny; ky++) {
        const my = (ky < (ny + 1) >> 1 ? ky : ky - ny) / box[1];
        for (let kz = 0; kz < nzh; kz++) {
          const mz = (kz < (nz + 1) >> 1 ? kz : kz - nz) / box[2];
          const m2 = mx * mx + my * my + mz * mz;
          const idx = (kx * ny + ky) * nzh + kz;
          et[idx] = m2 === 0 ? 0 : (ONE_4PI_EPS0 * Math.exp(-f * m2)) / (Math.PI * V * m2 * bx[kx] * by[ky] * bz[kz]);
        }
      }
    }
  }

  /**
   * Reciprocal energy (kJ/mol) of positions x[o ..] (nm) in the rectangular box `box` = [Lx, Ly, Lz]
   * (nm); forces are added into f[fo ..] (kJ/mol/nm).
   */
  compute(x: Float64Array, o: number, box: Float64Array, f: Float64Array, fo: number): number {
    const n = this.nAtoms, N = this.order, [nx, ny, nz] = this.grid, nzh = this.fft.nzh;
    const th = this.theta, dth = this.dtheta, off = this.offsets, q = this.q, grid = this.qGrid, spec = this.spectrum;
    this.updateInfluence(box);
    const K = this.grid, stride = [ny * nz, nz, 1];
    // fractional coordinates -> spline weights and the wrapped grid offsets of the N points per axis
    for (let a = 0; a < n; a++) {
      for (let d = 0; d < 3; d++) {
        let s = x[o + 3 * a + d] / box[d];
        s -= Math.floor(s);
        const u = s * K[d];
        let i0 = Math.floor(u);
        const w = u - i0;
        if (i0 >= K[d]) i0 -= K[d]; // s rounded up to 1
        const b = (3 * a + d) * N, st = stride[d];
        for (let i = 0; i < N; i++) off[b + i] = (i0 + i < K[d] ? i0 + i : i0 + i - K[d]) * st;
        bsplineWeights(w, N, th, dth, b);
      }
    }
    // spread charges
    grid.fill(0);
    for (let a = 0; a < n; a++) {
      const qa = q[a];
      if (qa === 0) continue;
      const ox = (3 * a) * N, oy = ox + N, oz = oy + N;
      if (N === 5) {
        // the default order unrolled along z (the innermost loop)
        const z0 = off[oz], z1 = off[oz + 1], z2 = off[oz + 2], z3 = off[oz + 3], z4 = off[oz + 4];
        const w0 = th[oz], w1 = th[oz + 1], w2 = th[oz + 2], w3 = th[oz + 3], w4 = th[oz + 4];
        for (let i = 0; i < 5; i++) {
          const tx = qa * th[ox + i], gx = off[ox + i];
          for (let j = 0; j < 5; j++) {
            const txy = tx * th[oy + j], g = gx + off[oy + j];
            grid[g + z0] += txy * w0;
            grid[g + z1] += txy * w1;
            grid[g + z2] += txy * w2;
            grid[g + z3] += txy * w3;
            grid[g + z4] += txy * w4;
          }
        }
        continue;
      }
      for (let i = 0; i < N; i++) {
        const tx = qa * th[ox + i], gx = off[ox + i];
        for (let j = 0; j < N; j++) {
          const txy = tx * th[oy + j], gxy = gx + off[oy + j];
          for (let k = 0; k < N; k++) grid[gxy + off[oz + k]] += txy * th[oz + k];
        }
      }
    }
    this.fft.forward(grid, spec);
    // energy 1/2 sum_m eterm |S(m)|^2 over the full spectrum: the planes 0 < kz < nz/2 stand for
    // their conjugates too; then the convolution with the influence function
    const et = this.eterm;
    let e = 0;
    for (let m = 0, M = et.length; m < M; m++) {
      const kz = m % nzh, weight = kz === 0 || 2 * kz === nz ? 1 : 2;
      const re = spec[2 * m], im = spec[2 * m + 1], t = et[m];
      e += weight * t * (re * re + im * im);
      spec[2 * m] = re * t;
      spec[2 * m + 1] = im * t;
    }
    this.fft.inverse(spec, grid);
    // forces: F_a = -q_a sum_grid grad(theta) * (theta_rec * Q) (SPME eq. 4.9)
    const sx = nx / box[0], sy = ny / box[1], sz = nz / box[2];
    for (let a = 0; a < n; a++) {
      const qa = q[a];
      if (qa === 0) continue;
      const ox = (3 * a) * N, oy = ox + N, oz = oy + N;
      let fx = 0, fy = 0, fz = 0;
      // (order 5 unrolled along z; the z offsets, weights and derivatives, unused otherwise)
      const z0 = off[oz], z1 = off[oz + 1], z2 = off[oz + 2], z3 = off[oz + 3], z4 = off[oz + 4];
      const w0 = th[oz], w1 = th[oz + 1], w2 = th[oz + 2], w3 = th[oz + 3], w4 = th[oz + 4];
      const d0 = dth[oz], d1 = dth[oz + 1], d2 = dth[oz + 2], d3 = dth[oz + 3], d4 = dth[oz + 4];
      for (let i = 0; i < N; i++) {
        const tx = th[ox + i], dtx = dth[ox + i], gx = off[ox + i];
        for (let j = 0; j < N; j++) {
          const ty = th[oy + j], dty = dth[oy + j], gxy = gx + off[oy + j];
          // sums over k first: sum_k tz v and sum_k dtz v
          let sv = 0, sdv = 0;
          if (N === 5) {
            const v0 = grid[gxy + z0], v1 = grid[gxy + z1], v2 = grid[gxy + z2], v3 = grid[gxy + z3], v4 = grid[gxy + z4];
            sv = w0 * v0 + w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4;
            sdv = d0 * v0 + d1 * v1 + d2 * v2 + d3 * v3 + d4 * v4;
          } else {
            for (let k = 0; k < N; k++) {
              const v = grid[gxy + off[oz + k]];
              sv += th[oz + k] * v;
              sdv += dth[oz + k] * v;
            }
          }
          fx += dtx * ty * sv;
          fy += tx * dty * sv;
          fz += tx * ty * sdv;
        }
      }
      f[fo + 3 * a] -= qa * fx * sx;
      f[fo + 3 * a + 1] -= qa * fy * sy;
      f[fo + 3 * a + 2] -= qa * fz * sz;
    }
    return 0.5 * e;
  }
}
