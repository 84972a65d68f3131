import { ONE_4PI_EPS0 } from './forcefield.js';
import { erf, erfc } from './erfc.js';
import { rectangularBox } from './periodic.js';

/**
 * The Ewald sum evaluated directly (no mesh), for checking PME: the reciprocal-space energy
 *   E_rec = ke/(2 pi V) sum_{m != 0, |m_d L_d| <= kMax} exp(-pi^2 m^2/alpha^2)/m^2 |S(m)|^2,
 *   S(m) = sum_j q_j exp(2 pi i m.r_j)                     (Essmann et al. 1995, eq. 2.3)
 * with its forces, and the whole electrostatic energy (real space over minimum-image pairs within
 * rReal <= L/2, exclusions, self term). Cost O(N kMax^3): small boxes only. Units nm, e, kJ/mol.
 */
export interface EwaldOptions {
  /** Largest |k_d| = |m_d L_d| summed per axis. */
  kMax: number;
  /** Excluded pairs (their erf(alpha r)/r share is removed, as in the force field). */
  exclusions?: readonly (readonly [number, number])[];
}

/** Exact reciprocal-space Ewald energy (kJ/mol); forces (kJ/mol/nm) are added into f when given. */
export function ewaldReciprocal(x: ArrayLike<number>, charges: ArrayLike<number>, box: ArrayLike<number>, alpha: number, kMax: number, f?: Float64Array): number {
  const L = rectangularBox(box, 'ewaldReciprocal');
  const n = charges.length, K = kMax, W = 2 * K + 1;
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`ewaldReciprocal: kMax must be a positive integer, got ${kMax}`);
  // per atom and axis: exp(2 pi i k x_d / L_d) for k = -K..K
  const tab = [0, 1, 2].map(() => new Float64Array(2 * n * W));
  for (let a = 0; a < n; a++) {
    for (let d = 0; d < 3; d++) {
      const th = (2 * Math.PI * x[3 * a + d]) / L[d];
      for (let k = -K; k <= K; k++) {
        tab[d][2 * (a * W + k + K)] = Math.cos(k * th);
        tab[d][2 * (a * W + k + K) + 1] = Math.sin(k * th);
      }
    }
  }
  const V = L[0] * L[1] * L[2], fac = (Math.PI * Math.PI) / (alpha * alpha);
  const er = new Float64Array(n), ei = new Float64Array(n);
  let e = 0;
  // half space: kx > 0, or kx = 0 and ky > 0, or kx = ky = 0 and kz > 0 (|S(-m)| = |S(m)|), doubled
  for (let kx = 0; kx <= K; kx++) {
    for (let ky = kx === 0 ? 0 : -K; ky <= K; ky++) {
      for (let kz = kx === 0 && ky === 0 ? 1 : -K; kz <= K; kz++) {
        const mx = kx / L[0], my = ky / L[1], mz = kz / L[2], m2 = mx * mx + my * my + mz * mz;
        const g = (2 * ONE_4PI_EPS0 * Math.exp(-fac * m2)) / (2 * Math.PI * V * m2);
        let sr = 0, si = 0;
        for (let a = 0; a < n; a++) {
          const bx = 2 * (a * W + kx + K), by = 2 * (a * W + ky + K), bz = 2 * (a * W + kz + K);
          const xr = tab[0][bx], xi = tab[0][bx + 1], yr = tab[1][by], yi = tab[1][by + 1], zr = tab[2][bz], zi = tab[2][bz + 1];
          const pr = xr * yr - xi * yi, pi = xr * yi + xi * yr;
          const cr = pr * zr - pi * zi, ci = pr * zi + pi * zr;
          er[a] = cr;
          ei[a] = ci;
          sr += charges[a] * cr;
          si += charges[a] * ci;
        }
        e += g * (sr * sr + si * si);
        if (f) {
          // F_a = -dE/dr_a = 2 g q_a 2 pi m Im(e^{i theta_a} conj(S)) (both halves of m-space)
          for (let a = 0; a < n; a++) {
            const im = ei[a] * sr - er[a] * si;
            const s = 2 * g * charges[a] * 2 * Math.PI * im;
            f[3 * a] += s * mx;
            f[3 * a + 1] += s * my;
            f[3 * a + 2] += s * mz;
          }
        }
      }
    }
  }
  return e;
}

/**
 * The full Ewald electrostatic energy (kJ/mol): real space ke q_i q_j erfc(alpha r)/r over minimum-image
 * pairs closer than rReal (<= half the shortest box edge), reciprocal space summed to kMax, self term,
 * and the excluded pairs' -ke q_i q_j erf(alpha r)/r. With alpha rReal >= 6 and kMax well beyond
 * 2 alpha L, it is the exact periodic Coulomb energy to ~1e-14 relative.
 */
export function ewaldCoulombEnergy(x: ArrayLike<number>, charges: ArrayLike<number>, box: ArrayLike<number>, alpha: number, rReal: number, options: EwaldOptions): number {
  const L = rectangularBox(box, 'ewaldCoulombEnergy');
  if (rReal > 0.5 * Math.min(L[0], L[1], L[2])) throw new RangeError(`ewaldCoulombEnergy: rReal ${rReal} exceeds half the shortest box edge`);
  const n = charges.length;
  const excl = new Set((options.exclusions ?? []).map(([i, j]) => Math.min(i, j) * n + Math.max(i, j)));
  const dist = (i: number, j: number) => {
    let s = 0;
    for (let d = 0; d < 3; d++) {
      let v = x[3 * i + d] - x[3 * j + d];
      v -= L[d] * Math.round(v / L[d]);
      s += v * v;
    }
    return Math.sqrt(s);
  };
  let real = 0, exclusion = 0, q2 = 0;
  for (let i = 0; i < n; i++) {
    q2 += charges[i] * charges[i];
    for (let j = i + 1; j < n; j++) {
      const qq = charges[i] * charges[j];
      if (qq === 0) continue;
      const r = dist(i, j);
      if (excl.has(i * n + j)) exclusion -= (qq * erf(alpha * r)) / r;
      else if (r < rReal) real += (qq * erfc(alpha * r)) / r;
    }
  }
  const self = (-alpha * q2) / Math.sqrt(Math.PI);
  return ONE_4PI_EPS0 * (real + exclusion + self) + ewaldReciprocal(x, charges, L, alpha, options.kMax);
}
