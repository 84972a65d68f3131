import type { Potential } from './potential.js';

/**
 * Müller-Brown potential (Müller & Brown, Theor. Chim. Acta 53, 75 (1979)), reduced units:
 *   V(x, y) = scale * sum_k A_k exp(a_k (x - x0_k)^2 + b_k (x - x0_k)(y - y0_k) + c_k (y - y0_k)^2)
 * with the standard parameters. `scale` (default 1) rescales the energy, e.g. to tune the barrier
 * in kT when used with a fixed temperature.
 */
export interface MullerBrownOptions {
  /** Multiplies every A_k; default 1 (the standard surface). */
  scale?: number;
}

const A = [-200, -100, -170, 15];
const a = [-1, -1, -6.5, 0.7];
const b = [0, 0, 11, 0.6];
const c = [-10, -10, -6.5, 0.7];
const X0 = [1, 0, -0.5, -1];
const Y0 = [0, 0.5, 1.5, 1];

export class MullerBrown implements Potential {
  readonly dim = 2;
  readonly name = 'Müller-Brown';
  readonly scale: number;
  /** Standard parameters, exposed for documentation and plotting. */
  static readonly parameters = { A, a, b, c, x0: X0, y0: Y0 } as const;

  constructor(options: MullerBrownOptions = {}) {
    const scale = options.scale ?? 1;
    if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`MullerBrown: scale must be a positive finite number, got ${scale}`);
    this.scale = scale;
  }

  energy(x: ArrayLike<number>, offset = 0): number {
    const px = x[offset];
    const py = x[offset + 1];
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const dx = px - X0[k];
      const dy = py - Y0[k];
      v += A[k] * Math.exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
    }
    return this.scale * v;
  }

  forces(x: Float64Array, f: Float64Array, nWalkers: number, energies?: Float64Array): void {
    const s = this.scale;
    for (let w = 0; w < nWalkers; w++) {
      const i = 2 * w;
      const px = x[i];
      const py = x[i + 1];
      let v = 0, gx = 0, gy = 0;
      for (let k = 0; k < 4; k++) {
        const dx = px - X0[k];
        const dy = py - Y0[k];
        const e = A[k] * Math.exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
        v += e;
        gx += e * (2 * a[k] * dx + b[k] * dy);
        gy += e * (b[k] * dx + 2 * c[k] * dy);
      }
      f[i] = -s * gx;
      f[i + 1] = -s * gy;
      if (energies) energies[w] = s * v;
    }
  }
}
