import type { CollectiveVariable } from './cv.js';
import { EnhancedSamplingError } from './errors.js';

/** A smooth map from configurations to a few coordinates z(x), with its Jacobian dz/dx. */
export interface CoordinateMap {
  readonly inputDim: number;
  readonly outputDim: number;
  /** Writes z(x) of the configuration at x[offset ..] into z, and dz_a/dx_k into jacobian[a * inputDim + k] when given. */
  map(x: Float64Array, offset: number, z: Float64Array, jacobian?: Float64Array): void;
}

/**
 * Path collective variable (Branduardi, Gervasio & Parrinello 2007) in the coordinates z of a
 * CoordinateMap: s(x) = sum_i t_i exp(-lambda |z - z_i|^2) / sum_i exp(-lambda |z - z_i|^2), with images
 * z_i along a path (e.g. a string-method MEP) and t_i = i / (N - 1), so s runs from 0 at the first image
 * to 1 at the last. Gradient by the chain rule through the map's Jacobian.
 */
export class PathCv implements CollectiveVariable {
  readonly dim: number;
  private readonly m: number;
  private readonly nImages: number;
  private readonly z: Float64Array;
  private readonly jac: Float64Array;
  private readonly w: Float64Array;

  constructor(readonly coordinates: CoordinateMap, readonly images: Float64Array, readonly lambda: number) {
    this.m = coordinates.outputDim;
    this.dim = coordinates.inputDim;
    if (images.length % this.m !== 0 || images.length / this.m < 2) throw new EnhancedSamplingError(`PathCv: images must hold at least 2 points of ${this.m} coordinates, got length ${images.length}`);
    if (!images.every(Number.isFinite)) throw new EnhancedSamplingError('PathCv: images must be finite');
    if (!(lambda > 0) || !Number.isFinite(lambda)) throw new EnhancedSamplingError(`PathCv: lambda must be positive and finite, got ${lambda}`);
    this.nImages = images.length / this.m;
    this.z = new Float64Array(this.m);
    this.jac = new Float64Array(this.m * this.dim);
    this.w = new Float64Array(this.nImages);
  }

  /** lambda = c / (mean squared distance between neighbouring images); c = 2.3 is the usual choice. */
  static lambdaFor(images: Float64Array, m: number, c = 2.3): number {
    const n = images.length / m;
    let s = 0;
    for (let i = 1; i < n; i++) for (let a = 0; a < m; a++) s += (images[i * m + a] - images[(i - 1) * m + a]) ** 2;
    return c / (s / (n - 1));
  }

  evaluate(x: Float64Array, n: number, grad?: Float64Array): Float64Array {
    const d = this.dim, m = this.m, N = this.nImages, z = this.z, w = this.w, img = this.images, lam = this.lambda;
    if (x.length !== n * d) throw new EnhancedSamplingError(`PathCv: x has length ${x.length}, expected ${n} points x ${d}`);
    if (grad && grad.length !== n * d) throw new EnhancedSamplingError(`PathCv: grad has length ${grad.length}, expected ${n} x ${d}`);
    const out = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      this.coordinates.map(x, p * d, z, grad ? this.jac : undefined);
      // log-sum-exp shift for stability far from the path
      let dmin = Infinity;
      for (let i = 0; i < N; i++) {
        let d2 = 0;
        for (let a = 0; a < m; a++) d2 += (z[a] - img[i * m + a]) ** 2;
        w[i] = d2;
        if (d2 < dmin) dmin = d2;
      }
      let sw = 0, st = 0;
      for (let i = 0; i < N; i++) { w[i] = Math.exp(-lam * (w[i] - dmin)); sw += w[i]; st += w[i] * (i / (N - 1)); }
      const s = st / sw;
      out[p] = s;
      if (grad) {
        // ds/dz_a = sum_i p_i (t_i - s) (-2 lambda (z_a - z_ia))
        const gz = new Float64Array(m);
        for (let i = 0; i < N; i++) {
          const c = (w[i] / sw) * (i / (N - 1) - s) * -2 * lam;
          for (let a = 0; a < m; a++) gz[a] += c * (z[a] - img[i * m + a]);
        }
        for (let k = 0; k < d; k++) {
          let g = 0;
          for (let a = 0; a < m; a++) g += gz[a] * this.jac[a * d + k];
          grad[p * d + k] = g;
        }
      }
    }
    return out;
  }
}
