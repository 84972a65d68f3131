import type { Potential } from './potential.js';

/**
 * The 1-D four-well potential of the LSS paper (Sidky, Chen & Ferguson 2020, Sec. 3.1; from Prinz et
 * al. 2011):
 *   V(x) = 2 (x^8 + 0.8 e^{-80 x^2} + 0.2 e^{-80 (x - 0.5)^2} + 0.5 e^{-40 (x + 0.5)^2}),
 * in units of kT (reduced units: x dimensionless, energies in kT). Three Gaussian bumps at x = 0, 0.5 and
 * -0.5 split the flat bottom of x^8 into four wells; the barriers are about 1.6, 0.4 and 1.0 kT.
 */
export class FourWell1D implements Potential {
  readonly name = 'four-well (1-D)';
  readonly dim = 1;

  energy(x: ArrayLike<number>, o = 0): number {
    const v = x[o];
    return 2 * (v ** 8 + 0.8 * Math.exp(-80 * v * v) + 0.2 * Math.exp(-80 * (v - 0.5) ** 2) + 0.5 * Math.exp(-40 * (v + 0.5) ** 2));
  }

  forces(x: Float64Array, f: Float64Array, n: number, e?: Float64Array): void {
    for (let w = 0; w < n; w++) {
      const v = x[w], a = Math.exp(-80 * v * v), b = Math.exp(-80 * (v - 0.5) ** 2), c = Math.exp(-40 * (v + 0.5) ** 2);
      const v7 = v ** 7;
      f[w] = -2 * (8 * v7 - 128 * v * a - 32 * (v - 0.5) * b - 40 * (v + 0.5) * c);
      if (e) e[w] = 2 * (v7 * v + 0.8 * a + 0.2 * b + 0.5 * c);
    }
  }
}
