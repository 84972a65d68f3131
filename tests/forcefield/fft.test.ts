import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFT, FFT3D, RealFFT3D } from '../../lib/forcefield/index.js';
import { Rng } from '../../lib/dynamics/rng.js';

/** Direct O(n^2) DFT, sign -1 forward (numpy's convention), +1 inverse. */
function dft(x: Float64Array, n: number, sign: number): Float64Array {
  const y = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      sr += x[2 * j] * Math.cos(a) - x[2 * j + 1] * Math.sin(a);
      si += x[2 * j] * Math.sin(a) + x[2 * j + 1] * Math.cos(a);
    }
    y[2 * k] = sr;
    y[2 * k + 1] = si;
  }
  return y;
}

const random = (rng: Rng, m: number) => Float64Array.from({ length: m }, () => rng.normal());
const maxAbs = (a: Float64Array, b: Float64Array) => a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);

test('1-D FFT equals the direct DFT (forward and inverse) for every length 1..72 and for primes 97, 101 and 2*3*5*7*11', () => {
  const rng = new Rng(11);
  const lengths = [...Array.from({ length: 72 }, (_, k) => k + 1), 97, 101, 2310];
  for (const n of lengths) {
    const x = random(rng, 2 * n);
    const plan = new FFT(n);
    const y = x.slice();
    plan.forward(y);
    const z = x.slice();
    plan.inverse(z);
    const scale = Math.sqrt(n) * 10;
    assert.ok(maxAbs(y, dft(x, n, -1)) < 1e-13 * scale, `forward n=${n}: ${maxAbs(y, dft(x, n, -1))}`);
    assert.ok(maxAbs(z, dft(x, n, 1)) < 1e-13 * scale, `inverse n=${n}`);
  }
});

test('1-D FFT on a strided view leaves the other elements alone; forward then inverse is n times the input', () => {
  const rng = new Rng(3);
  const n = 24, stride = 3, off = 1;
  const data = random(rng, 2 * (off + n * stride));
  const before = data.slice();
  const plan = new FFT(n);
  plan.forward(data, off, stride);
  const line = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    line[2 * j] = before[2 * (off + j * stride)];
    line[2 * j + 1] = before[2 * (off + j * stride) + 1];
  }
  const ref = dft(line, n, -1);
  for (let j = 0; j < n; j++) {
    assert.ok(Math.abs(data[2 * (off + j * stride)] - ref[2 * j]) < 1e-12);
    assert.ok(Math.abs(data[2 * (off + j * stride) + 1] - ref[2 * j + 1]) < 1e-12);
  }
  for (let c = 0; c < data.length / 2; c++) {
    if (c >= off && (c - off) % stride === 0 && (c - off) / stride < n) continue;
    assert.is(data[2 * c], before[2 * c]);
    assert.is(data[2 * c + 1], before[2 * c + 1]);
  }
  plan.inverse(data, off, stride);
  for (let j = 0; j < n; j++) assert.ok(Math.abs(data[2 * (off + j * stride)] - n * before[2 * (off + j * stride)]) < 1e-11);
});

test('3-D FFT equals the direct 3-D DFT on a 6 x 5 x 7 grid; inverse(forward) = N x identity', () => {
  const rng = new Rng(5);
  const [nx, ny, nz] = [6, 5, 7];
  const x = random(rng, 2 * nx * ny * nz);
  const y = x.slice();
  const plan = new FFT3D(nx, ny, nz);
  plan.forward(y);
  let worst = 0;
  for (let kx = 0; kx < nx; kx++) for (let ky = 0; ky < ny; ky++) for (let kz = 0; kz < nz; kz++) {
    let sr = 0, si = 0;
    for (let ix = 0; ix < nx; ix++) for (let iy = 0; iy < ny; iy++) for (let iz = 0; iz < nz; iz++) {
      const a = -2 * Math.PI * ((kx * ix) / nx + (ky * iy) / ny + (kz * iz) / nz);
      const c = 2 * ((ix * ny + iy) * nz + iz);
      sr += x[c] * Math.cos(a) - x[c + 1] * Math.sin(a);
      si += x[c] * Math.sin(a) + x[c + 1] * Math.cos(a);
    }
    const c = 2 * ((kx * ny + ky) * nz + kz);
    worst = Math.max(worst, Math.abs(y[c] - sr), Math.abs(y[c + 1] - si));
  }
  assert.ok(worst < 1e-11, `3-D DFT difference ${worst}`);
  plan.inverse(y);
  const N = nx * ny * nz;
  assert.ok(maxAbs(y, x.map((v) => v * N)) < 1e-10);
  assert.throws(() => plan.forward(new Float64Array(10)), /FFT3D: data has length 10, expected 2 x 6 x 5 x 7 = 420/);
  assert.throws(() => new FFT(0), /FFT: length must be a positive integer, got 0/);
});

test('real 3-D FFT: half spectrum equals the complex 3-D FFT of the same real data (odd and even nz, odd number of z lines), and inverse(forward) = N x identity', () => {
  const rng = new Rng(8);
  for (const [nx, ny, nz] of [[6, 5, 7], [3, 5, 8], [4, 6, 21], [7, 3, 2]]) {
    const N = nx * ny * nz, real = random(rng, N);
    const full = new Float64Array(2 * N);
    for (let k = 0; k < N; k++) full[2 * k] = real[k];
    new FFT3D(nx, ny, nz).forward(full);
    const plan = new RealFFT3D(nx, ny, nz), nzh = plan.nzh;
    assert.is(nzh, Math.floor(nz / 2) + 1);
    const spec = new Float64Array(plan.spectrumLength);
    plan.forward(real, spec);
    let worst = 0;
    for (let kx = 0; kx < nx; kx++) for (let ky = 0; ky < ny; ky++) for (let kz = 0; kz < nzh; kz++) {
      const h = 2 * ((kx * ny + ky) * nzh + kz), c = 2 * ((kx * ny + ky) * nz + kz);
      worst = Math.max(worst, Math.abs(spec[h] - full[c]), Math.abs(spec[h + 1] - full[c + 1]));
    }
    assert.ok(worst < 1e-11, `${nx}x${ny}x${nz}: half spectrum differs by ${worst}`);
    const back = new Float64Array(N);
    plan.inverse(spec, back);
    assert.ok(maxAbs(back, real.map((v) => v * N)) < 1e-10, `${nx}x${ny}x${nz}: inverse`);
  }
  assert.throws(() => new RealFFT3D(4, 4, 4).forward(new Float64Array(10), new Float64Array(96)), /RealFFT3D: real data has length 10, expected 4 x 4 x 4 = 64/);
});

test.run();
