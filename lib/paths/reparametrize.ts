/**
 * Arc-length parametrisation of discrete paths (flattened [n][dim] points): cumulative polyline length
 * and resampling at equal arc-length spacing by linear or natural-cubic-spline interpolation of each
 * coordinate against the arc length (the reparametrisation step of the string method).
 */
export type PathInterpolation = 'linear' | 'cubic';

/** Checks a flattened path and returns its number of points. */
export function pathPoints(path: ArrayLike<number>, dim: number, what = 'path'): number {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`${what}: dim must be a positive integer, got ${dim}`);
  if (path.length === 0 || path.length % dim !== 0) throw new RangeError(`${what}: length ${path.length} is not a positive multiple of dim ${dim}`);
  for (let i = 0; i < path.length; i++) if (!Number.isFinite(path[i])) throw new RangeError(`${what}: point ${Math.floor(i / dim)}, coordinate ${i % dim} is ${path[i]}`);
  return path.length / dim;
}

/** Cumulative Euclidean arc length s_0 = 0, s_i = s_{i-1} + |x_i - x_{i-1}|. */
export function arcLength(path: ArrayLike<number>, dim: number, out: Float64Array = new Float64Array(path.length / dim)): Float64Array {
  const n = path.length / dim;
  out[0] = 0;
  for (let i = 1; i < n; i++) {
    let d2 = 0;
    for (let k = 0; k < dim; k++) { const d = path[i * dim + k] - path[(i - 1) * dim + k]; d2 += d * d; }
    out[i] = out[i - 1] + Math.sqrt(d2);
  }
  return out;
}

/**
 * Resamples paths of nIn points to nOut points equally spaced in arc length, keeping both ends.
 * Work buffers are allocated once, so the string method's inner loop does not allocate.
 */
export class ArcLengthResampler {
  private readonly s: Float64Array;
  private readonly knots: Float64Array;
  private readonly vals: Float64Array;
  private readonly m2: Float64Array; // spline second derivatives
  private readonly cp: Float64Array; // tridiagonal work
  private readonly keep: Int32Array;

  constructor(readonly nIn: number, readonly nOut: number, readonly dim: number, readonly method: PathInterpolation = 'cubic') {
    if (!Number.isInteger(nIn) || nIn < 2 || !Number.isInteger(nOut) || nOut < 2) throw new RangeError(`ArcLengthResampler: need at least 2 input and 2 output points, got ${nIn} -> ${nOut}`);
    if (method !== 'linear' && method !== 'cubic') throw new RangeError(`ArcLengthResampler: unknown interpolation ${String(method)} (linear or cubic)`);
    this.s = new Float64Array(nIn);
    this.knots = new Float64Array(nIn);
    this.vals = new Float64Array(nIn);
    this.m2 = new Float64Array(nIn);
    this.cp = new Float64Array(nIn);
    this.keep = new Int32Array(nIn);
  }

  /** Writes the resampled path into out ([nOut][dim]); returns the total polyline length. */
  resample(path: ArrayLike<number>, out: Float64Array): number {
    const { nIn, nOut, dim } = this;
    if (path.length !== nIn * dim || out.length !== nOut * dim) throw new RangeError(`ArcLengthResampler: expected ${nIn} x ${dim} in and ${nOut} x ${dim} out, got ${path.length} and ${out.length}`);
    arcLength(path, dim, this.s);
    const total = this.s[nIn - 1];
    if (!(total > 0) || !Number.isFinite(total)) throw new RangeError(`ArcLengthResampler: path length is ${total}; all points coincide or are not finite`);
    // Drop points that coincide with their predecessor (zero-length segments make knots repeat).
    let m = 0;
    for (let i = 0; i < nIn; i++) if (i === 0 || this.s[i] - this.s[this.keep[m - 1]] > 1e-14 * total) this.keep[m++] = i;
    if (this.keep[m - 1] !== nIn - 1) this.keep[m - 1] = nIn - 1;
    for (let j = 0; j < m; j++) this.knots[j] = this.s[this.keep[j]] / total;
    const cubic = this.method === 'cubic' && m >= 3;
    for (let k = 0; k < dim; k++) {
      for (let j = 0; j < m; j++) this.vals[j] = path[this.keep[j] * dim + k];
      if (cubic) this.spline(m);
      let seg = 0;
      for (let q = 0; q < nOut; q++) {
        const t = q / (nOut - 1);
        while (seg < m - 2 && t > this.knots[seg + 1]) seg++;
        const t0 = this.knots[seg], t1 = this.knots[seg + 1], h = t1 - t0;
        const a = (t1 - t) / h, b = (t - t0) / h;
        let v = a * this.vals[seg] + b * this.vals[seg + 1];
        if (cubic) v += ((a * a * a - a) * this.m2[seg] + (b * b * b - b) * this.m2[seg + 1]) * (h * h) / 6;
        out[q * dim + k] = v;
      }
      // Ends exactly preserved.
      out[k] = path[k];
      out[(nOut - 1) * dim + k] = path[(nIn - 1) * dim + k];
    }
    return total;
  }

  /** Natural cubic spline second derivatives through (knots, vals)[0..m) (Thomas algorithm). */
  private spline(m: number): void {
    const x = this.knots, y = this.vals, M = this.m2, c = this.cp;
    M[0] = 0; M[m - 1] = 0; c[0] = 0;
    // Rows i = 1..m-2: h0 M_{i-1} + 2(h0 + h1) M_i + h1 M_{i+1} = 6 (dy1/h1 - dy0/h0).
    for (let i = 1; i < m - 1; i++) {
      const h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
      const r = 6 * ((y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0);
      const denom = 2 * (h0 + h1) - h0 * c[i - 1];
      c[i] = h1 / denom;
      M[i] = (r - h0 * M[i - 1]) / denom;
    }
    for (let i = m - 2; i >= 1; i--) M[i] -= c[i] * M[i + 1];
  }
}

/** Resamples a path ([n][dim]) to nOut points equally spaced in arc length. */
export function resamplePath(path: ArrayLike<number>, dim: number, nOut: number, method: PathInterpolation = 'cubic'): Float64Array {
  const n = pathPoints(path, dim);
  const out = new Float64Array(nOut * dim);
  new ArcLengthResampler(n, nOut, dim, method).resample(path, out);
  return out;
}
