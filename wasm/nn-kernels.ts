// AssemblyScript source of rarelab's fused dense-network kernels (lib/nn/fused.ts loads the result).
// Built by `npm run build:wasm` (scripts/build-wasm.ts) into lib/nn/nn-kernels.wasm and its base64 twin
// lib/nn/nn-kernels.wasm.ts; both are committed, so users need no AssemblyScript compiler.
//
// Everything works on raw float32 arrays in this module's linear memory, row-major, at byte addresses the
// caller (lib/nn/fused.ts) allocates above heapBase(). No allocation, no runtime, no exceptions here.
// SIMD: 128-bit f32x4 (wasm SIMD, in every current browser and Node >= 16); no relaxed SIMD (FMA), which
// Node 20 does not enable by default.

/** First free byte address after this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

// a * b + c on four lanes: one fused multiply-add where the build has relaxed SIMD (npm run build:wasm
// makes both binaries; lib/nn/fused.ts loads the relaxed one when the engine validates it), else mul + add.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// ---------------------------------------------------------------------------------------------------
// Matrix product C[n][m] (=|+=) bias[m] + sum_p A(i, p) B[p][m], A(i, p) at a + 4 * (i * rs + p * ps).
// (rs, ps) = (k, 1) is A [n][k] row-major (forward pass, C = A B); (1, n') is A^T for A [k'][n] (weight
// gradient, C = X^T dZ). B [k][m] and C [n][m] are contiguous rows. A 4-row x 8-column register block
// keeps 8 accumulators in xmm registers (x86 has 16): each k step is 2 vector loads of B, 4 splats and
// 16 vector mul/add for 64 flops.
// ---------------------------------------------------------------------------------------------------
export function gemm(a: usize, rs: i32, ps: i32, b: usize, c: usize, bias: usize, n: i32, k: i32, m: i32, accumulate: i32): void {
  if (m == 1 && ps == 1) { matVec(a, rs, b, c, bias, n, k, accumulate); return; }
  if (m == 1 && rs == 1) { vecMatT(a, ps, b, c, n, k, accumulate); return; }
  const rsb = <usize>rs << 2, psb = <usize>ps << 2, mb = <usize>m << 2;
  const m8 = m & ~7, m4 = m & ~3;
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const a0 = a + <usize>i * rsb, a1 = a0 + rsb, a2 = a1 + rsb, a3 = a2 + rsb;
    const c0 = c + <usize>i * mb, c1 = c0 + mb, c2 = c1 + mb, c3 = c2 + mb;
    let j = 0;
    for (; j < m8; j += 8) {
      const jb = <usize>j << 2;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      if (accumulate) {
        s00 = v128.load(c0 + jb); s01 = v128.load(c0 + jb, 16);
        s10 = v128.load(c1 + jb); s11 = v128.load(c1 + jb, 16);
        s20 = v128.load(c2 + jb); s21 = v128.load(c2 + jb, 16);
        s30 = v128.load(c3 + jb); s31 = v128.load(c3 + jb, 16);
      } else if (bias) {
        const b0 = v128.load(bias + jb), b1 = v128.load(bias + jb, 16);
        s00 = b0; s01 = b1; s10 = b0; s11 = b1; s20 = b0; s21 = b1; s30 = b0; s31 = b1;
      }
      let bp = b + jb, ap = <usize>0;
      for (let p = 0; p < k; p++) {
        const x0 = v128.load(bp), x1 = v128.load(bp, 16);
        const w0 = f32x4.splat(load<f32>(a0 + ap));
        s00 = madd(w0, x0, s00); s01 = madd(w0, x1, s01);
        const w1 = f32x4.splat(load<f32>(a1 + ap));
        s10 = madd(w1, x0, s10); s11 = madd(w1, x1, s11);
        const w2 = f32x4.splat(load<f32>(a2 + ap));
        s20 = madd(w2, x0, s20); s21 = madd(w2, x1, s21);
        const w3 = f32x4.splat(load<f32>(a3 + ap));
        s30 = madd(w3, x0, s30); s31 = madd(w3, x1, s31);
        bp += mb; ap += psb;
      }
      v128.store(c0 + jb, s00); v128.store(c0 + jb, s01, 16);
      v128.store(c1 + jb, s10); v128.store(c1 + jb, s11, 16);
      v128.store(c2 + jb, s20); v128.store(c2 + jb, s21, 16);
      v128.store(c3 + jb, s30); v128.store(c3 + jb, s31, 16);
    }
    for (; j < m4; j += 4) {
      const jb = <usize>j << 2;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      if (accumulate) {
        s0 = v128.load(c0 + jb); s1 = v128.load(c1 + jb); s2 = v128.load(c2 + jb); s3 = v128.load(c3 + jb);
      } else if (bias) {
        s0 = v128.load(bias + jb); s1 = s0; s2 = s0; s3 = s0;
      }
      let bp = b + jb, ap = <usize>0;
      for (let p = 0; p < k; p++) {
        const x0 = v128.load(bp);
        s0 = madd(f32x4.splat(load<f32>(a0 + ap)), x0, s0);
        s1 = madd(f32x4.splat(load<f32>(a1 + ap)), x0, s1);
        s2 = madd(f32x4.splat(load<f32>(a2 + ap)), x0, s2);
        s3 = madd(f32x4.splat(load<f32>(a3 + ap)), x0, s3);
        bp += mb; ap += psb;
      }
      v128.store(c0 + jb, s0); v128.store(c1 + jb, s1); v128.store(c2 + jb, s2); v128.store(c3 + jb, s3);
    }
    for (; j < m; j++) {
      for (let r = 0; r < 4; r++) {
        const ar = a0 + <usize>r * rsb, cr = c0 + <usize>r * mb + (<usize>j << 2);
        scalarCell(ar, psb, b + (<usize>j << 2), mb, cr, bias ? load<f32>(bias + (<usize>j << 2)) : 0, k, accumulate);
      }
    }
  }
  for (; i < n; i++) {
    const ar = a + <usize>i * rsb, cr = c + <usize>i * mb;
    let j = 0;
    for (; j < m4; j += 4) {
      const jb = <usize>j << 2;
      let s = f32x4.splat(0);
      if (accumulate) s = v128.load(cr + jb);
      else if (bias) s = v128.load(bias + jb);
      let bp = b + jb, ap = <usize>0;
      for (let p = 0; p < k; p++) {
        s = madd(f32x4.splat(load<f32>(ar + ap)), v128.load(bp), s);
        bp += mb; ap += psb;
      }
      v128.store(cr + jb, s);
    }
    for (; j < m; j++) scalarCell(ar, psb, b + (<usize>j << 2), mb, cr + (<usize>j << 2), bias ? load<f32>(bias + (<usize>j << 2)) : 0, k, accumulate);
  }
}

// One output column (m = 1), A rows contiguous: c[i] = bias + A[i][:] . b, four lanes along k.
function matVec(a: usize, rs: i32, b: usize, c: usize, bias: usize, n: i32, k: i32, accumulate: i32): void {
  const k4 = k & ~3, rsb = <usize>rs << 2;
  for (let i = 0; i < n; i++) {
    const ar = a + <usize>i * rsb;
    let s = f32x4.splat(0);
    let p = 0;
    for (; p < k4; p += 4) s = madd(v128.load(ar + (<usize>p << 2)), v128.load(b + (<usize>p << 2)), s);
    let t: f32 = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
    for (; p < k; p++) t += load<f32>(ar + (<usize>p << 2)) * load<f32>(b + (<usize>p << 2));
    const cp = c + (<usize>i << 2);
    store<f32>(cp, accumulate ? load<f32>(cp) + t : bias ? load<f32>(bias) + t : t);
  }
}

// One output column (m = 1) of A^T b, A(i, p) = a[p * ps + i]: c[i] = sum_p a[p][i] b[p], four lanes along i.
function vecMatT(a: usize, ps: i32, b: usize, c: usize, n: i32, k: i32, accumulate: i32): void {
  const n4 = n & ~3, psb = <usize>ps << 2;
  let i = 0;
  for (; i < n4; i += 4) {
    const ib = <usize>i << 2;
    let s = accumulate ? v128.load(c + ib) : f32x4.splat(0);
    let ap = a + ib;
    for (let p = 0; p < k; p++) {
      s = f32x4.add(s, f32x4.mul(v128.load(ap), f32x4.splat(load<f32>(b + (<usize>p << 2)))));
      ap += psb;
    }
    v128.store(c + ib, s);
  }
  for (; i < n; i++) {
    let s: f32 = accumulate ? load<f32>(c + (<usize>i << 2)) : 0;
    for (let p = 0; p < k; p++) s += load<f32>(a + ((<usize>p * ps + i) << 2)) * load<f32>(b + (<usize>p << 2));
    store<f32>(c + (<usize>i << 2), s);
  }
}

// One output element: a single column of B (stride mb bytes), e.g. the 1-wide output layer.
// @ts-ignore: decorator
@inline function scalarCell(ar: usize, psb: usize, bp: usize, mb: usize, cp: usize, init: f32, k: i32, accumulate: i32): void {
  let s: f32 = accumulate ? load<f32>(cp) : init;
  let ap = <usize>0;
  for (let p = 0; p < k; p++) {
    s += load<f32>(ar + ap) * load<f32>(bp);
    ap += psb; bp += mb;
  }
  store<f32>(cp, s);
}

/** out[m][n] = in[n][m]^T (for dX = dZ W^T through the forward gemm). */
export function transpose(src: usize, dst: usize, n: i32, m: i32): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) store<f32>(dst + ((<usize>j * n + i) << 2), load<f32>(src + ((<usize>i * m + j) << 2)));
  }
}

/** out[j] = sum_i a[i][j] over n rows of width m (bias gradient). */
export function colSum(a: usize, out: usize, n: i32, m: i32): void {
  const mb = <usize>m << 2, m4 = m & ~3;
  let j = 0;
  for (; j < m4; j += 4) {
    let s = f32x4.splat(0);
    let p = a + (<usize>j << 2);
    for (let i = 0; i < n; i++) { s = f32x4.add(s, v128.load(p)); p += mb; }
    v128.store(out + (<usize>j << 2), s);
  }
  for (; j < m; j++) {
    let s: f32 = 0;
    let p = a + (<usize>j << 2);
    for (let i = 0; i < n; i++) { s += load<f32>(p); p += mb; }
    store<f32>(out + (<usize>j << 2), s);
  }
}

// ---------------------------------------------------------------------------------------------------
// Activations: codes shared with lib/nn/fused.ts (ACTIVATION_CODES). y = f(z) in place or to another
// buffer; the backward pass gets z, y and dy and writes dz = f'(z) dy.
// ---------------------------------------------------------------------------------------------------
const LINEAR = 0, TANH = 1, SIGMOID = 2, SELU = 3, RELU = 4, ELU = 5, SOFTPLUS = 6, SWISH = 7;
const SELU_SCALE: f32 = 1.0507009873554804934193349852946;
const SELU_ALPHA: f32 = 1.6732632423543772848170429916717;

// @ts-ignore: decorator
@inline function sigmoidf(x: f32): f32 {
  return 1 / (1 + Mathf.exp(-x));
}

// @ts-ignore: decorator
@inline function softplusf(x: f32): f32 {
  // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)
  return Mathf.max(x, 0) + <f32>Math.log1p(<f64>Mathf.exp(-Mathf.abs(x)));
}


// ---------------------------------------------------------------------------------------------------
// Four-lane exp, tanh and sigmoid. exp(y) = 2^n e^r with n = round(y / ln 2), r = y - n ln 2 in two
// parts (Cody & Waite), |r| <= ln(2)/2, and e^r by its Taylor series to r^7 (truncation < 6e-9
// relative). tanh(x) = sign(x) (1 - 2 / (e^(2|x|) + 1)) for |x| >= 0.5; below 0.5 that form cancels, so
// the odd Taylor series of tanh to x^13 is used there (truncation < 1e-7 relative at |x| = 0.5).
// Both are within 2 float32 ulp of the correctly rounded values (checked against Math.tanh / Math.exp
// over a grid in tests/nn/fused.test.ts).
// ---------------------------------------------------------------------------------------------------
// @ts-ignore: decorator
@inline function expv(y: v128): v128 {
  y = f32x4.min(f32x4.max(y, f32x4.splat(-87.0)), f32x4.splat(88.0));
  // t = y / ln 2 + 1.5 * 2^23 rounds y / ln 2 to the integer n in t's low mantissa bits
  const t = f32x4.add(f32x4.mul(y, f32x4.splat(1.4426950408889634)), f32x4.splat(12582912.0));
  const n = f32x4.sub(t, f32x4.splat(12582912.0));
  const r = f32x4.sub(f32x4.sub(y, f32x4.mul(n, f32x4.splat(0.693145751953125))), f32x4.mul(n, f32x4.splat(1.4286068203094172e-6)));
  let p = f32x4.splat(<f32>(1.0 / 5040));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 720)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 120)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 24)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 6)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  // 2^n as float bits: (n + 127) << 23, with n = bits(t) - bits(1.5 * 2^23)
  const scale = i32x4.shl(i32x4.add(t, i32x4.splat(127 - 0x4B400000)), 23);
  return f32x4.mul(p, scale);
}

// @ts-ignore: decorator
@inline function tanhv(x: v128): v128 {
  const sign = v128.and(x, i32x4.splat(0x80000000));
  const a = f32x4.min(f32x4.abs(x), f32x4.splat(9.0)); // tanh(9) rounds to 1 in float32
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(expv(f32x4.add(a, a)), f32x4.splat(1))));
  const a2 = f32x4.mul(a, a);
  let p = f32x4.splat(<f32>(21844.0 / 6081075));
  p = f32x4.sub(f32x4.mul(p, a2), f32x4.splat(<f32>(1382.0 / 155925)));
  p = f32x4.add(f32x4.mul(p, a2), f32x4.splat(<f32>(62.0 / 2835)));
  p = f32x4.sub(f32x4.mul(p, a2), f32x4.splat(<f32>(17.0 / 315)));
  p = f32x4.add(f32x4.mul(p, a2), f32x4.splat(<f32>(2.0 / 15)));
  p = f32x4.sub(f32x4.mul(p, a2), f32x4.splat(<f32>(1.0 / 3)));
  const small = f32x4.add(a, f32x4.mul(f32x4.mul(p, a2), a));
  return v128.or(v128.bitselect(small, big, f32x4.lt(a, f32x4.splat(0.5))), sign);
}

// @ts-ignore: decorator
@inline function sigmoidv(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))));
}

export function activate(z: usize, y: usize, len: i32, act: i32): void {
  const end = z + (<usize>len << 2);
  let q = y;
  if (act == LINEAR) { if (z != y) memory.copy(y, z, <usize>len << 2); return; }
  if (act == RELU) {
    const zero = f32x4.splat(0);
    const end4 = z + (<usize>(len & ~3) << 2);
    let p = z;
    for (; p < end4; p += 16) { v128.store(q, f32x4.max(v128.load(p), zero)); q += 16; }
    for (; p < end; p += 4) { store<f32>(q, Mathf.max(load<f32>(p), 0)); q += 4; }
    return;
  }
  if (act == TANH || act == SIGMOID || act == SWISH) {
    const end4 = z + (<usize>(len & ~3) << 2);
    let p = z;
    for (; p < end4; p += 16) {
      const x = v128.load(p);
      v128.store(q, act == TANH ? tanhv(x) : act == SIGMOID ? sigmoidv(x) : f32x4.mul(x, sigmoidv(x)));
      q += 16;
    }
    if (p == end) return;
    // the last 1-3 values through the same four-lane code, so every element is rounded identically
    const t = memory.data(16);
    v128.store(t, f32x4.splat(0));
    memory.copy(t, p, end - p);
    const x = v128.load(t);
    v128.store(t, act == TANH ? tanhv(x) : act == SIGMOID ? sigmoidv(x) : f32x4.mul(x, sigmoidv(x)));
    memory.copy(q, t, end - p);
    return;
  }
  for (let p = z; p < end; p += 4) {
    const x = load<f32>(p);
    let r: f32;
    if (act == TANH) r = Mathf.tanh(x);
    else if (act == SIGMOID) r = sigmoidf(x);
    else if (act == SELU) r = x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * (Mathf.exp(x) - 1);
    else if (act == ELU) r = x > 0 ? x : Mathf.exp(x) - 1;
    else if (act == SOFTPLUS) r = softplusf(x);
    else r = x * sigmoidf(x); // SWISH
    store<f32>(q, r);
    q += 4;
  }
}

export function activateBackward(z: usize, y: usize, dy: usize, dz: usize, len: i32, act: i32): void {
  const n = <usize>len << 2;
  if (act == LINEAR) { if (dy != dz) memory.copy(dz, dy, n); return; }
  if (act == TANH) {
    // dz = dy (1 - y^2), four lanes at a time
    const one = f32x4.splat(1);
    const n4 = <usize>(len & ~3) << 2;
    let o: usize = 0;
    for (; o < n4; o += 16) {
      const yy = v128.load(y + o);
      v128.store(dz + o, f32x4.mul(v128.load(dy + o), f32x4.sub(one, f32x4.mul(yy, yy))));
    }
    for (; o < n; o += 4) { const yy = load<f32>(y + o); store<f32>(dz + o, load<f32>(dy + o) * (1 - yy * yy)); }
    return;
  }
  let o0: usize = 0;
  if (act == SWISH) {
    // dz = dy (s + z s (1 - s)), s = sigmoid(z)
    const one = f32x4.splat(1);
    const n4 = <usize>(len & ~3) << 2;
    for (; o0 < n4; o0 += 16) {
      const x = v128.load(z + o0), s = sigmoidv(x);
      v128.store(dz + o0, f32x4.mul(v128.load(dy + o0), f32x4.add(s, f32x4.mul(f32x4.mul(x, s), f32x4.sub(one, s)))));
    }
  }
  for (let o: usize = o0; o < n; o += 4) {
    const x = load<f32>(z + o), yy = load<f32>(y + o), g = load<f32>(dy + o);
    let r: f32;
    if (act == SIGMOID) r = g * yy * (1 - yy);
    else if (act == RELU) r = x > 0 ? g : 0;
    // from z, not y: y + scale alpha (or y + 1) would cancel for very negative z
    else if (act == SELU) r = x > 0 ? g * SELU_SCALE : g * (SELU_SCALE * SELU_ALPHA * Mathf.exp(x));
    else if (act == ELU) r = x > 0 ? g : g * Mathf.exp(x);
    else if (act == SOFTPLUS) r = g * sigmoidf(x);
    else { const s = sigmoidf(x); r = g * (s + x * s * (1 - s)); } // SWISH
    store<f32>(dz + o, r);
  }
}

// ---------------------------------------------------------------------------------------------------
// Optimisers over one flat parameter buffer (all layers' kernels and biases back to back), in the same
// float32 operation order as tfjs 4's AdamOptimizer / MomentumOptimizer / SGDOptimizer, so that equal
// gradients give bit-equal updates.
// ---------------------------------------------------------------------------------------------------

/** g += wd * w (the gradient of the L2 penalty (wd / 2) |w|^2), then returns sum g^2 (float64). */
export function decayAndNorm(w: usize, g: usize, len: i32, wd: f32): f64 {
  let s: f64 = 0;
  const end = <usize>len << 2;
  for (let o: usize = 0; o < end; o += 4) {
    let x = load<f32>(g + o);
    if (wd != 0) { x = x + load<f32>(w + o) * wd; store<f32>(g + o, x); }
    s += <f64>(x * x);
  }
  return s;
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) as tfjs applies it: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * w += -lr (m / c1) / (sqrt(v / c2) + eps), with c1 = 1 - beta1^t, c2 = 1 - beta2^t given by the caller.
 */
export function adam(w: usize, g: usize, m: usize, v: usize, len: i32, lr: f32, b1: f32, omb1: f32, b2: f32, omb2: f32, c1: f32, c2: f32, eps: f32): void {
  const vb1 = f32x4.splat(b1), vomb1 = f32x4.splat(omb1), vb2 = f32x4.splat(b2), vomb2 = f32x4.splat(omb2);
  const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vnlr = f32x4.splat(-lr);
  const end = <usize>len << 2, end4 = <usize>(len & ~3) << 2;
  let o: usize = 0;
  for (; o < end4; o += 16) {
    const gg = v128.load(g + o);
    const mm = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(gg, vomb1));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(gg, gg), vomb2));
    v128.store(m + o, mm);
    v128.store(v + o, vv);
    const step = f32x4.div(f32x4.div(mm, vc1), f32x4.add(f32x4.sqrt(f32x4.div(vv, vc2)), veps));
    v128.store(w + o, f32x4.add(f32x4.mul(step, vnlr), v128.load(w + o)));
  }
  for (; o < end; o += 4) {
    const gg = load<f32>(g + o);
    const mm = load<f32>(m + o) * b1 + gg * omb1;
    const vv = load<f32>(v + o) * b2 + gg * gg * omb2;
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    store<f32>(w + o, (mm / c1) / (Mathf.sqrt(vv / c2) + eps) * -lr + load<f32>(w + o));
  }
}

/** SGD with momentum as tfjs: a = mu a + g; w += -lr (g + mu a) (Nesterov) or -lr a (plain). */
export function momentum(w: usize, g: usize, a: usize, len: i32, lr: f32, mu: f32, nesterov: i32): void {
  const end = <usize>len << 2;
  for (let o: usize = 0; o < end; o += 4) {
    const gg = load<f32>(g + o);
    const aa = load<f32>(a + o) * mu + gg;
    store<f32>(a + o, aa);
    const d = nesterov ? (gg + aa * mu) : aa;
    store<f32>(w + o, d * -lr + load<f32>(w + o));
  }
}

/** Plain SGD as tfjs: w += -lr g. */
export function sgd(w: usize, g: usize, len: i32, lr: f32): void {
  const end = <usize>len << 2;
  for (let o: usize = 0; o < end; o += 4) store<f32>(w + o, load<f32>(g + o) * -lr + load<f32>(w + o));
}

/** dst[i] += src[i] (summing the gradients of two workers). */
export function addInto(dst: usize, src: usize, len: i32): void {
  const end = <usize>len << 2, end4 = <usize>(len & ~3) << 2;
  let o: usize = 0;
  for (; o < end4; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  for (; o < end; o += 4) store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
}
