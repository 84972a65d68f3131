/**
 * Complex fast Fourier transforms for the PME reciprocal sum: a mixed-radix Stockham autosort FFT of
 * any length (radices 4, 2, 3, 5 hard-coded, any other prime factor p by a butterfly pairing inputs r and
 * p - r, (p - 1)^2 real multiply-adds) and 3-D transforms built from it: complex (FFT3D) and real-to-
 * half-complex (RealFFT3D, half the work, for the real PME charge grid).
 *
 * Convention (as numpy and pocketfft): forward X[k] = sum_j x[j] exp(-2 pi i j k / n), inverse with
 * exp(+2 pi i j k / n), both unnormalised. Complex data are interleaved Float64Arrays [re0, im0, re1, ...].
 *
 * Stockham autosort (Van Loan, "Computational Frameworks for the FFT", 1992, sec. 1.7): stage s with
 * radix R and stride Ns (product of the earlier radices) reads element j + r n/R, multiplies it by the
 * twiddle w^(r (j mod Ns)), w = exp(-2 pi i / (Ns R)), does a length-R DFT and writes it to
 * (j div Ns) Ns R + (j mod Ns) + r Ns: no bit reversal, output in natural order after the last stage.
 */

/** Prime factors of n, 4s first (fewer stages), then 2, 3, 5, 7 and any larger primes. */
function factorize(n: number): number[] {
  const out: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    out.push(4);
    m /= 4;
  }
  for (const p of [2, 3, 5, 7]) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  for (let p = 11; m > 1; p += 2) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
    if (p * p > m && m > 1) {
      out.push(m);
      m = 1;
    }
  }
  return out;
}

/** A planned 1-D complex FFT of length n: twiddles and scratch are allocated once; transforms do not allocate. */
export class FFT {
  readonly n: number;
  readonly factors: readonly number[];
  // per stage: twiddle table [Ns * R] of (cos, sin) of -2 pi (j mod Ns) r / (Ns R), index (j mod Ns) * R + r
  private readonly tw: Float64Array[];
  // roots of unity for the generic radix butterflies: cos/sin(-2 pi k / R), k = 0..R-1, per distinct R
  private readonly roots = new Map<number, Float64Array>();
  private readonly work: Float64Array;
  private readonly work2: Float64Array;
  private readonly v: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT: length must be a positive integer, got ${n}`);
    this.n = n;
    this.factors = factorize(n);
    this.tw = [];
    let Ns = 1;
    for (const R of this.factors) {
      const t = new Float64Array(2 * Ns * R);
      for (let j = 0; j < Ns; j++) {
        for (let r = 0; r < R; r++) {
          const a = (-2 * Math.PI * j * r) / (Ns * R);
          t[2 * (j * R + r)] = Math.cos(a);
          t[2 * (j * R + r) + 1] = Math.sin(a);
        }
      }
      this.tw.push(t);
      if (R > 5 && !this.roots.has(R)) {
        const w = new Float64Array(2 * R);
        for (let k = 0; k < R; k++) {
          w[2 * k] = Math.cos((-2 * Math.PI * k) / R);
          w[2 * k + 1] = Math.sin((-2 * Math.PI * k) / R);
        }
        this.roots.set(R, w);
      }
      Ns *= R;
    }
    this.work = new Float64Array(2 * n);
    this.work2 = new Float64Array(2 * n);
    const maxR = Math.max(1, ...this.factors);
    this.v = new Float64Array(4 * maxR);
  }

  /** In-place forward transform of the n complex values at data[2 offset ..], stride `stride` complex elements. */
  forward(data: Float64Array, offset = 0, stride = 1): void {
    this.transform(data, offset, stride, 1);
  }

  /** In-place inverse transform (unnormalised: forward then inverse multiplies by n). */
  inverse(data: Float64Array, offset = 0, stride = 1): void {
    this.transform(data, offset, stride, -1);
  }

  private transform(data: Float64Array, offset: number, stride: number, sign: 1 | -1): void {
    const n = this.n;
    if (n === 1) return;
    // gather into contiguous buffer a; stages alternate a -> b -> a ...; scatter the result back.
    // The inverse is conj(FFT(conj(x))).
    let a = this.work, b = this.work2;
    const base = 2 * offset, st = 2 * stride;
    for (let j = 0; j < n; j++) {
      a[2 * j] = data[base + j * st];
      a[2 * j + 1] = sign * data[base + j * st + 1];
    }
    let Ns = 1;
    for (let s = 0; s < this.factors.length; s++) {
      const R = this.factors[s];
      this.stage(a, b, R, Ns, this.tw[s]);
      const t = a;
      a = b;
      b = t;
      Ns *= R;
    }
    for (let j = 0; j < n; j++) {
      data[base + j * st] = a[2 * j];
      data[base + j * st + 1] = sign * a[2 * j + 1];
    }
  }

  /** One Stockham stage from contiguous src to contiguous dst. */
  private stage(src: Float64Array, dst: Float64Array, R: number, Ns: number, tw: Float64Array): void {
    const n = this.n, m = n / R;
    const v = this.v;
    for (let j = 0; j < m; j++) {
      const jm = j % Ns;
      const t0 = jm * R;
      // load with twiddles
      for (let r = 0; r < R; r++) {
        const k = 2 * (j + r * m);
        const re = src[k], im = src[k + 1];
        const c = tw[2 * (t0 + r)], s = tw[2 * (t0 + r) + 1];
        v[2 * r] = re * c - im * s;
        v[2 * r + 1] = re * s + im * c;
      }
      const o = 2 * ((j - jm) * R + jm), step = 2 * Ns;
      if (R === 2) {
        const ar = v[0], ai = v[1], br = v[2], bi = v[3];
        dst[o] = ar + br; dst[o + 1] = ai + bi;
        dst[o + step] = ar - br; dst[o + step + 1] = ai - bi;
      } else if (R === 4) {
        const ar = v[0], ai = v[1], br = v[2], bi = v[3], cr = v[4], ci = v[5], dr = v[6], di = v[7];
        const s0r = ar + cr, s0i = ai + ci, s1r = ar - cr, s1i = ai - ci;
        const s2r = br + dr, s2i = bi + di, s3r = br - dr, s3i = bi - di;
        dst[o] = s0r + s2r; dst[o + 1] = s0i + s2i;
        // X1 = s1 - i s3, X3 = s1 + i s3 (forward, exp(-i pi/2) = -i)
        dst[o + step] = s1r + s3i; dst[o + step + 1] = s1i - s3r;
        dst[o + 2 * step] = s0r - s2r; dst[o + 2 * step + 1] = s0i - s2i;
        dst[o + 3 * step] = s1r - s3i; dst[o + 3 * step + 1] = s1i + s3r;
      } else if (R === 3) {
        const c3 = -0.5, s3 = -0.8660254037844386; // cos, sin(-2 pi / 3)
        const ar = v[0], ai = v[1], br = v[2], bi = v[3], cr = v[4], ci = v[5];
        const tr = br + cr, ti = bi + ci, ur = br - cr, ui = bi - ci;
        dst[o] = ar + tr; dst[o + 1] = ai + ti;
        const mr = ar + c3 * tr, mi = ai + c3 * ti;
        // X1 = a + w b + w^2 c, w = c3 + i s3: = m + i s3 (b - c)
        dst[o + step] = mr - s3 * ui; dst[o + step + 1] = mi + s3 * ur;
        dst[o + 2 * step] = mr + s3 * ui; dst[o + 2 * step + 1] = mi - s3 * ur;
      } else if (R === 5) {
        const c1 = 0.30901699437494745, s1 = -0.9510565162951535; // cos, sin(-2 pi / 5)
        const c2 = -0.8090169943749475, s2 = -0.5877852522924731; // cos, sin(-4 pi / 5)
        const ar = v[0], ai = v[1];
        const b1r = v[2] + v[8], b1i = v[3] + v[9], d1r = v[2] - v[8], d1i = v[3] - v[9];
        const b2r = v[4] + v[6], b2i = v[5] + v[7], d2r = v[4] - v[6], d2i = v[5] - v[7];
        dst[o] = ar + b1r + b2r; dst[o + 1] = ai + b1i + b2i;
        const m1r = ar + c1 * b1r + c2 * b2r, m1i = ai + c1 * b1i + c2 * b2i;
        const m2r = ar + c2 * b1r + c1 * b2r, m2i = ai + c2 * b1i + c1 * b2i;
        // i (s1 d1 + s2 d2) for X1; X4 the conjugate partner; X2 uses s2 d1 - s1 d2
        const n1r = -(s1 * d1i + s2 * d2i), n1i = s1 * d1r + s2 * d2r;
        const n2r = -(s2 * d1i - s1 * d2i), n2i = s2 * d1r - s1 * d2r;
        dst[o + step] = m1r + n1r; dst[o + step + 1] = m1i + n1i;
        dst[o + 4 * step] = m1r - n1r; dst[o + 4 * step + 1] = m1i - n1i;
        dst[o + 2 * step] = m2r + n2r; dst[o + 2 * step + 1] = m2i + n2i;
        dst[o + 3 * step] = m2r - n2r; dst[o + 3 * step + 1] = m2i - n2i;
      } else {
        // odd prime radix: pairing r with R - r, X_q = m_q - i n_q and X_{R-q} = m_q + i n_q with
        // m_q = a_0 + sum_r cos(2 pi r q / R) (a_r + a_{R-r}), n_q = sum_r sin(2 pi r q / R) (a_r - a_{R-r})
        const w = this.roots.get(R)!, H = (R - 1) >> 1, ps = 2 * R, pd = 2 * R + 2 * H;
        let x0r = v[0], x0i = v[1];
        for (let r = 1; r <= H; r++) {
          const ur = v[2 * r], ui = v[2 * r + 1], wr = v[2 * (R - r)], wi = v[2 * (R - r) + 1];
          v[ps + 2 * r - 2] = ur + wr;
          v[ps + 2 * r - 1] = ui + wi;
          v[pd + 2 * r - 2] = ur - wr;
          v[pd + 2 * r - 1] = ui - wi;
          x0r += ur + wr;
          x0i += ui + wi;
        }
        dst[o] = x0r;
        dst[o + 1] = x0i;
        for (let q = 1; q <= H; q++) {
          let mr = v[0], mi = v[1], nr = 0, ni = 0;
          for (let r = 1, k = q; r <= H; r++) {
            const c = w[2 * k], sn = -w[2 * k + 1];
            mr += c * v[ps + 2 * r - 2];
            mi += c * v[ps + 2 * r - 1];
            nr += sn * v[pd + 2 * r - 2];
            ni += sn * v[pd + 2 * r - 1];
            k += q;
            if (k >= R) k -= R;
          }
          dst[o + q * step] = mr + ni;
          dst[o + q * step + 1] = mi - nr;
          dst[o + (R - q) * step] = mr - ni;
          dst[o + (R - q) * step + 1] = mi + nr;
        }
      }
    }
  }
}

/**
 * 3-D complex FFT on an nx x ny x nz grid stored row-major (element (ix, iy, iz) at complex index
 * (ix ny + iy) nz + iz, interleaved re/im), by 1-D transforms along z, y and x.
 */
export class FFT3D {
  readonly shape: readonly [number, number, number];
  private readonly fx: FFT;
  private readonly fy: FFT;
  private readonly fz: FFT;

  constructor(nx: number, ny: number, nz: number) {
    this.shape = [nx, ny, nz];
    this.fx = new FFT(nx);
    this.fy = new FFT(ny);
    this.fz = new FFT(nz);
  }

  /** Complex values held (nx ny nz); the data array has twice this length. */
  get size(): number {
    return this.shape[0] * this.shape[1] * this.shape[2];
  }

  forward(data: Float64Array): void {
    this.run(data, false);
  }

  /** Unnormalised inverse: forward then inverse multiplies by nx ny nz. */
  inverse(data: Float64Array): void {
    this.run(data, true);
  }

  private run(data: Float64Array, inverse: boolean): void {
    const [nx, ny, nz] = this.shape;
    if (data.length !== 2 * nx * ny * nz) throw new RangeError(`FFT3D: data has length ${data.length}, expected 2 x ${nx} x ${ny} x ${nz} = ${2 * nx * ny * nz}`);
    for (let ix = 0; ix < nx; ix++) {
      for (let iy = 0; iy < ny; iy++) {
        const o = (ix * ny + iy) * nz;
        if (inverse) this.fz.inverse(data, o, 1);
        else this.fz.forward(data, o, 1);
      }
      for (let iz = 0; iz < nz; iz++) {
        const o = ix * ny * nz + iz;
        if (inverse) this.fy.inverse(data, o, nz);
        else this.fy.forward(data, o, nz);
      }
    }
    for (let iy = 0; iy < ny; iy++) {
      for (let iz = 0; iz < nz; iz++) {
        const o = iy * nz + iz;
        if (inverse) this.fx.inverse(data, o, ny * nz);
        else this.fx.forward(data, o, ny * nz);
      }
    }
  }
}

/**
 * 3-D FFT of real data on an nx x ny x nz grid (row-major, element (ix, iy, iz) at (ix ny + iy) nz + iz)
 * to its half spectrum: the nz/2 + 1 (rounded down) frequencies kz >= 0, the others being complex
 * conjugates (X(-k) = conj X(k) for real data). Spectrum element (kx, ky, kz) is complex index
 * (kx ny + ky) nzh + kz, interleaved re/im, nzh = floor(nz/2) + 1.
 *
 * The z lines are transformed two at a time as one complex line z = a + i b, then separated by
 * A(k) = (Z(k) + conj Z(n-k)) / 2 and B(k) = (Z(k) - conj Z(n-k)) / (2 i) (Press et al., Numerical
 * Recipes, sec. 12.3); the inverse builds Z = A + i B from the Hermitian halves and takes real and
 * imaginary parts. Only the nzh planes are transformed along y and x: about half the work of FFT3D.
 */
export class RealFFT3D {
  readonly shape: readonly [number, number, number];
  /** Frequencies kept along z: floor(nz / 2) + 1. */
  readonly nzh: number;
  private readonly fx: FFT;
  private readonly fy: FFT;
  private readonly fz: FFT;
  private readonly line: Float64Array;

  constructor(nx: number, ny: number, nz: number) {
    this.shape = [nx, ny, nz];
    this.nzh = (nz >> 1) + 1;
    this.fx = new FFT(nx);
    this.fy = new FFT(ny);
    this.fz = new FFT(nz);
    this.line = new Float64Array(2 * nz);
  }

  /** Length of the spectrum array: 2 nx ny nzh. */
  get spectrumLength(): number {
    return 2 * this.shape[0] * this.shape[1] * this.nzh;
  }

  /** Forward transform of `real` (nx ny nz values) into `spectrum` (spectrumLength values). */
  forward(real: Float64Array, spectrum: Float64Array): void {
    const [nx, ny, nz] = this.shape, nzh = this.nzh, z = this.line, nLines = nx * ny;
    this.check(real, spectrum);
    for (let l = 0; l < nLines; l += 2) {
      const two = l + 1 < nLines, ra = l * nz, rb = ra + nz;
      for (let j = 0; j < nz; j++) {
        z[2 * j] = real[ra + j];
        z[2 * j + 1] = two ? real[rb + j] : 0;
      }
      this.fz.forward(z);
      const sa = 2 * l * nzh, sb = sa + 2 * nzh;
      for (let k = 0; k < nzh; k++) {
        const m = k === 0 ? 0 : nz - k;
        const zr = z[2 * k], zi = z[2 * k + 1], cr = z[2 * m], ci = -z[2 * m + 1]; // Z(k), conj Z(n - k)
        spectrum[sa + 2 * k] = 0.5 * (zr + cr);
        spectrum[sa + 2 * k + 1] = 0.5 * (zi + ci);
        if (two) {
          spectrum[sb + 2 * k] = 0.5 * (zi - ci);
          spectrum[sb + 2 * k + 1] = -0.5 * (zr - cr);
        }
      }
    }
    for (let ix = 0; ix < nx; ix++) for (let kz = 0; kz < nzh; kz++) this.fy.forward(spectrum, ix * ny * nzh + kz, nzh);
    for (let i = 0, m = ny * nzh; i < m; i++) this.fx.forward(spectrum, i, m);
  }

  /**
   * Unnormalised inverse of a Hermitian half spectrum (it is overwritten) into `real`: forward then
   * inverse multiplies by nx ny nz.
   */
  inverse(spectrum: Float64Array, real: Float64Array): void {
    const [nx, ny, nz] = this.shape, nzh = this.nzh, z = this.line, nLines = nx * ny;
    this.check(real, spectrum);
    for (let i = 0, m = ny * nzh; i < m; i++) this.fx.inverse(spectrum, i, m);
    for (let ix = 0; ix < nx; ix++) for (let kz = 0; kz < nzh; kz++) this.fy.inverse(spectrum, ix * ny * nzh + kz, nzh);
    for (let l = 0; l < nLines; l += 2) {
      const two = l + 1 < nLines, sa = 2 * l * nzh, sb = sa + 2 * nzh;
      // Z(k) = A(k) + i B(k), with A(n - k) = conj A(k) and B likewise for the upper half
      for (let k = 0; k < nz; k++) {
        const h = k < nzh ? k : nz - k, c = k < nzh ? 1 : -1;
        const ar = spectrum[sa + 2 * h], ai = c * spectrum[sa + 2 * h + 1];
        const br = two ? spectrum[sb + 2 * h] : 0, bi = two ? c * spectrum[sb + 2 * h + 1] : 0;
        z[2 * k] = ar - bi;
        z[2 * k + 1] = ai + br;
      }
      this.fz.inverse(z);
      const ra = l * nz, rb = ra + nz;
      for (let j = 0; j < nz; j++) {
        real[ra + j] = z[2 * j];
        if (two) real[rb + j] = z[2 * j + 1];
      }
    }
  }

  private check(real: Float64Array, spectrum: Float64Array): void {
    const [nx, ny, nz] = this.shape;
    if (real.length !== nx * ny * nz) throw new RangeError(`RealFFT3D: real data has length ${real.length}, expected ${nx} x ${ny} x ${nz} = ${nx * ny * nz}`);
    if (spectrum.length !== this.spectrumLength) throw new RangeError(`RealFFT3D: spectrum has length ${spectrum.length}, expected 2 x ${nx} x ${ny} x ${this.nzh} = ${this.spectrumLength}`);
  }
}
