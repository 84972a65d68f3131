import type { ChiField } from '../isokann/model.js';

/**
 * Where a regular 2-D grid sits in a configuration space of `dim` coordinates: nodes
 * (lo[0] + i hx, lo[1] + j hy), i < shape[0], j < shape[1], node index i + shape[0] * j (x fastest),
 * spanning coordinates `coordinates` = [cx, cy] of a configuration.
 */
export interface GridGeometry {
  lo: readonly [number, number];
  hi: readonly [number, number];
  shape: readonly [number, number];
  coordinates: readonly [number, number];
  dim: number;
}

export interface GridInterpolantOptions {
  /**
   * 'linear': bilinear (continuous values, gradient piecewise constant per cell);
   * 'cubic' (default): Catmull-Rom bicubic convolution (Keys 1981, a = -1/2), continuously differentiable,
   * interpolating the nodes, error O(h^3); linearly extrapolated ghost nodes at the edges.
   */
  method?: 'linear' | 'cubic';
}

/**
 * Node values on a grid as a smooth field on configuration space: a ChiField (values and analytic
 * gradients of the interpolant) so that grid committors and eigenfunctions can stand in for a learned
 * chi, e.g. in chi-MEP. The gradient is zero along coordinates outside the grid plane. Points outside
 * the grid are an error (no extrapolation).
 */
export class GridInterpolant implements ChiField {
  readonly dim: number;
  readonly method: 'linear' | 'cubic';
  private readonly v: Float64Array;
  private readonly nx: number;
  private readonly ny: number;
  private readonly hx: number;
  private readonly hy: number;

  constructor(readonly geometry: GridGeometry, values: ArrayLike<number>, options: GridInterpolantOptions = {}) {
    const [nx, ny] = geometry.shape;
    if (values.length !== nx * ny) throw new RangeError(`GridInterpolant: ${values.length} values for a ${nx} x ${ny} grid`);
    this.v = Float64Array.from(values);
    for (let i = 0; i < this.v.length; i++) if (!Number.isFinite(this.v[i])) throw new RangeError(`GridInterpolant: value at node ${i} is ${this.v[i]}`);
    this.method = options.method ?? 'cubic';
    if (this.method !== 'linear' && this.method !== 'cubic') throw new RangeError(`GridInterpolant: unknown method ${String(this.method)} (linear or cubic)`);
    this.dim = geometry.dim;
    this.nx = nx;
    this.ny = ny;
    this.hx = (geometry.hi[0] - geometry.lo[0]) / (nx - 1);
    this.hy = (geometry.hi[1] - geometry.lo[1]) / (ny - 1);
  }

  /** Node value with linear extrapolation one node beyond each edge (ghost nodes of the cubic kernel). */
  private node(i: number, j: number): number {
    const nx = this.nx, ny = this.ny, v = this.v;
    if (i < 0) return 2 * this.node(0, j) - this.node(1, j);
    if (i >= nx) return 2 * this.node(nx - 1, j) - this.node(nx - 2, j);
    if (j < 0) return 2 * v[i] - v[i + nx];
    if (j >= ny) return 2 * v[i + nx * (ny - 1)] - v[i + nx * (ny - 2)];
    return v[i + nx * j];
  }

  /** Values at n configurations x [n][dim]; gradients into `grad` [n][dim] when given. */
  evaluate(x: Float64Array, n: number, grad?: Float64Array): Float64Array {
    const d = this.dim;
    if (!Number.isInteger(n) || n < 0 || x.length !== n * d) throw new RangeError(`GridInterpolant.evaluate: x has length ${x.length}, expected ${n} points x ${d}`);
    if (grad && grad.length !== n * d) throw new RangeError(`GridInterpolant.evaluate: grad has length ${grad.length}, expected ${n} x ${d}`);
    const out = new Float64Array(n);
    const { lo, hi, coordinates: [cx, cy] } = this.geometry;
    const wx = new Float64Array(4), wy = new Float64Array(4), dx = new Float64Array(4), dy = new Float64Array(4);
    const cubic = this.method === 'cubic';
    for (let p = 0; p < n; p++) {
      const px = x[p * d + cx], py = x[p * d + cy];
      const sx = (px - lo[0]) / this.hx, sy = (py - lo[1]) / this.hy;
      const ex = 1e-9 * (this.nx - 1), ey = 1e-9 * (this.ny - 1);
      if (!(sx >= -ex && sx <= this.nx - 1 + ex && sy >= -ey && sy <= this.ny - 1 + ey)) {
        throw new RangeError(`GridInterpolant: point ${p} (${px}, ${py}) is outside the grid [${lo[0]}, ${hi[0]}] x [${lo[1]}, ${hi[1]}]`);
      }
      const i = Math.min(Math.max(Math.floor(sx), 0), this.nx - 2), j = Math.min(Math.max(Math.floor(sy), 0), this.ny - 2);
      const tx = sx - i, ty = sy - j;
      let f = 0, fx = 0, fy = 0;
      if (cubic) {
        kernel(tx, wx, dx);
        kernel(ty, wy, dy);
        for (let b = 0; b < 4; b++) {
          for (let a = 0; a < 4; a++) {
            const val = this.node(i + a - 1, j + b - 1);
            f += wx[a] * wy[b] * val;
            fx += dx[a] * wy[b] * val;
            fy += wx[a] * dy[b] * val;
          }
        }
      } else {
        const v00 = this.node(i, j), v10 = this.node(i + 1, j), v01 = this.node(i, j + 1), v11 = this.node(i + 1, j + 1);
        f = (1 - tx) * (1 - ty) * v00 + tx * (1 - ty) * v10 + (1 - tx) * ty * v01 + tx * ty * v11;
        fx = (1 - ty) * (v10 - v00) + ty * (v11 - v01);
        fy = (1 - tx) * (v01 - v00) + tx * (v11 - v10);
      }
      out[p] = f;
      if (grad) {
        for (let k = 0; k < d; k++) grad[p * d + k] = 0;
        grad[p * d + cx] = fx / this.hx;
        grad[p * d + cy] = fy / this.hy;
      }
    }
    return out;
  }
}

/** Catmull-Rom weights for nodes -1, 0, 1, 2 at fraction t in [0, 1], and their t-derivatives. */
function kernel(t: number, w: Float64Array, dw: Float64Array): void {
  const t2 = t * t, t3 = t2 * t;
  w[0] = 0.5 * (-t + 2 * t2 - t3);
  w[1] = 0.5 * (2 - 5 * t2 + 3 * t3);
  w[2] = 0.5 * (t + 4 * t2 - 3 * t3);
  w[3] = 0.5 * (-t2 + t3);
  dw[0] = 0.5 * (-1 + 4 * t - 3 * t2);
  dw[1] = 0.5 * (-10 * t + 9 * t2);
  dw[2] = 0.5 * (1 + 8 * t - 9 * t2);
  dw[3] = 0.5 * (-2 * t + 3 * t2);
}
