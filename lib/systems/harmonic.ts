import type { Potential } from './potential.js';

/**
 * Separable harmonic well V(x) = sum_k k_k (x_k - c_k)^2 / 2: the textbook check for samplers, whose
 * Boltzmann marginals are Gaussians of variance kT / k_k, and the nuisance coordinates of model systems.
 */
export class Harmonic implements Potential {
  readonly name = 'harmonic well';
  readonly dim: number;
  /** Spring constants per coordinate (energy / length^2). */
  readonly stiffness: Float64Array;
  /** Centre per coordinate. */
  readonly centre: Float64Array;

  constructor(stiffness: ArrayLike<number>, centre?: ArrayLike<number>) {
    this.dim = stiffness.length;
    if (this.dim < 1) throw new RangeError('Harmonic: needs at least one coordinate');
    this.stiffness = Float64Array.from(stiffness);
    this.centre = centre ? Float64Array.from(centre) : new Float64Array(this.dim);
    if (this.centre.length !== this.dim) throw new RangeError(`Harmonic: centre has length ${this.centre.length}, expected ${this.dim}`);
    for (let k = 0; k < this.dim; k++) {
      if (!(this.stiffness[k] >= 0) || !Number.isFinite(this.stiffness[k])) throw new RangeError(`Harmonic: stiffness[${k}] must be finite and non-negative, got ${this.stiffness[k]}`);
    }
  }

  energy(x: ArrayLike<number>, offset = 0): number {
    let v = 0;
    for (let k = 0; k < this.dim; k++) {
      const d = x[offset + k] - this.centre[k];
      v += 0.5 * this.stiffness[k] * d * d;
    }
    return v;
  }

  forces(x: Float64Array, f: Float64Array, nWalkers: number, energies?: Float64Array): void {
    const dim = this.dim, kk = this.stiffness, c = this.centre;
    for (let w = 0, i = 0; w < nWalkers; w++) {
      let v = 0;
      for (let k = 0; k < dim; k++, i++) {
        const d = x[i] - c[k];
        f[i] = -kk[k] * d;
        v += 0.5 * kk[k] * d * d;
      }
      if (energies) energies[w] = v;
    }
  }
}
