import type { Potential } from './potential.js';

/**
 * Symmetric double well along the first coordinate, harmonic in the others:
 * V = barrier (x_0^2 - 1)^2 + sum_{k>0} stiffness x_k^2 / 2 (reduced units). Minima at x_0 = ±1,
 * barrier height `barrier` at x_0 = 0; the 1-D case is the textbook rare-event model.
 */
export class DoubleWell implements Potential {
  readonly name = 'double well';
  constructor(readonly dim = 1, readonly barrier = 3, readonly stiffness = 1) {
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`DoubleWell: dim must be a positive integer, got ${dim}`);
    if (!(barrier > 0)) throw new RangeError(`DoubleWell: barrier must be positive, got ${barrier}`);
  }

  energy(x: ArrayLike<number>, o = 0): number {
    const q = x[o] * x[o] - 1;
    let v = this.barrier * q * q;
    for (let k = 1; k < this.dim; k++) v += 0.5 * this.stiffness * x[o + k] ** 2;
    return v;
  }

  forces(x: Float64Array, f: Float64Array, n: number, e?: Float64Array): void {
    const d = this.dim, h = this.barrier, s = this.stiffness;
    for (let w = 0, o = 0; w < n; w++, o += d) {
      const x0 = x[o], q = x0 * x0 - 1;
      let v = h * q * q;
      f[o] = -4 * h * q * x0;
      for (let k = 1; k < d; k++) {
        f[o + k] = -s * x[o + k];
        v += 0.5 * s * x[o + k] ** 2;
      }
      if (e) e[w] = v;
    }
  }
}
