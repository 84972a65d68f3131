import { decodeBase64 } from '../files/base64.js';
/// <reference lib="dom" /> // WebAssembly types: tslab compiles notebooks without the DOM lib
import { NN_KERNELS_RELAXED_WASM_BASE64, NN_KERNELS_WASM_BASE64 } from './nn-kernels.wasm.js';

/**
 * The parts of the WebAssembly JS API used here, typed locally: tslab compiles notebooks with TypeScript
 * 5.0's ES2022 library and no DOM types, where the global `WebAssembly` namespace has no Memory, Module,
 * Instance, validate or compile, so naming them failed every notebook at its first cell.
 */
export interface WasmModule { readonly __wasmModule?: never }
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
const WA = (globalThis as unknown as {
  WebAssembly: { validate(bytes: Uint8Array): boolean; compile(bytes: Uint8Array): Promise<WasmModule>; Instance: new (module: WasmModule, imports: object) => { exports: unknown } };
}).WebAssembly;

/**
 * Fused dense-network kernels: rarelab's own WebAssembly (SIMD) forward pass, backward pass and optimiser
 * update for an Mlp, used instead of tfjs ops when the tfjs backend is wasm or cpu (see backend.ts,
 * `fusedActive`). Built from wasm/nn-kernels.ts (AssemblyScript) by `npm run build:wasm`; the binary is
 * embedded as base64 (nn-kernels.wasm.ts), so it loads the same way in Node and in a browser page.
 *
 * Why (profile of one Adam step of the 66-128-128-1 tanh MLP at batch 256 on tfjs-backend-wasm, issue
 * 14): ~160 tfjs kernels per step; the three matMuls of the forward pass and four of the backward pass
 * are only ~40% of the time; the rest is per-op dispatch, six explicit transposes, element-wise tanh and
 * its gradient as separate ops, and Adam as ~10 small ops on each of the 6 variables. Here one step is
 * ~20 kernel calls on buffers that never leave wasm memory, and Adam is one pass over a flat buffer.
 *
 * Two builds of the same source: SIMD128, and SIMD128 + relaxed SIMD, whose fused multiply-add makes the
 * matrix products ~1.45x faster (measured 30 -> 44 GFLOP/s on one core). The relaxed build is used where
 * the engine accepts it: Chrome >= 114, Node >= 22, and Node 20, whose V8 (11.3) has it behind the flag
 * --experimental-wasm-relaxed-simd, which loadFusedKernels sets (it is read when a module is validated;
 * V8 11.4 shipped the feature unflagged). `initBackend({ relaxedSimd: false })` keeps the plain build.
 * FMA rounds once where mul + add rounds twice, so the two builds differ in the last bits; each is
 * deterministic on a given machine.
 *
 * Semantics are those of the tfjs path (same float32 model, same loss definitions, same optimiser
 * formulas in the same float32 operation order); results differ from it only by float32 rounding of
 * sums taken in a different order.
 */

interface KernelExports {
  memory: WasmMemory;
  heapBase(): number;
  gemm(a: number, rs: number, ps: number, b: number, c: number, bias: number, n: number, k: number, m: number, accumulate: number): void;
  transpose(src: number, dst: number, n: number, m: number): void;
  colSum(a: number, out: number, n: number, m: number): void;
  activate(z: number, y: number, len: number, act: number): void;
  activateBackward(z: number, y: number, dy: number, dz: number, len: number, act: number): void;
  decayAndNorm(w: number, g: number, len: number, wd: number): number;
  adam(w: number, g: number, m: number, v: number, len: number, lr: number, b1: number, omb1: number, b2: number, omb2: number, c1: number, c2: number, eps: number): void;
  momentum(w: number, g: number, a: number, len: number, lr: number, mu: number, nesterov: number): void;
  sgd(w: number, g: number, len: number, lr: number): void;
  addInto(dst: number, src: number, len: number): void;
}

/** Activation codes of wasm/nn-kernels.ts. */
export const ACTIVATION_CODES = { linear: 0, tanh: 1, sigmoid: 2, selu: 3, relu: 4, elu: 5, softplus: 6, swish: 7 } as const;
export type FusedActivation = keyof typeof ACTIVATION_CODES;

let compiled: WasmModule | undefined;
let variant: 'relaxed-simd' | 'simd' | undefined;
let loadError: Error | undefined;

/** Whether this engine validates the relaxed-SIMD build, enabling V8's flag for it on Node 20. */
async function relaxedSupported(bytes: Uint8Array): Promise<boolean> {
  if (WA.validate(bytes)) return true;
  const node = typeof process !== 'undefined' ? process.versions?.node : undefined;
  if (!node || Number(node.split('.')[0]) !== 20) return false;
  try {
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WA.validate(bytes);
}

/**
 * Compiles the kernel module (once): the relaxed-SIMD build when allowed and supported, else the SIMD128
 * build. Resolves to false, remembering why, when this engine cannot run either (no WebAssembly SIMD);
 * lib/nn then uses tfjs ops for everything.
 */
export async function loadFusedKernels(options: { relaxedSimd?: boolean } = {}): Promise<boolean> {
  if (compiled) return true;
  if (loadError) return false;
  try {
    const relaxed = decodeBase64(NN_KERNELS_RELAXED_WASM_BASE64);
    if (options.relaxedSimd !== false && (await relaxedSupported(relaxed))) {
      compiled = await WA.compile(relaxed);
      variant = 'relaxed-simd';
    } else {
      compiled = await WA.compile(decodeBase64(NN_KERNELS_WASM_BASE64));
      variant = 'simd';
    }
    return true;
  } catch (e) {
    loadError = e as Error;
    return false;
  }
}

/** The compiled kernel module and its build, to hand to a worker thread (see lib/nn/fused-worker.ts). */
export function compiledKernels(): { module: WasmModule; variant: 'relaxed-simd' | 'simd' } {
  if (!compiled || !variant) throw new Error('rarelab/nn: the fused kernels are not loaded; call `await initBackend()` first');
  return { module: compiled, variant };
}

/** In a worker: uses the module compiled by the parent thread (so both run the very same code). */
export function useCompiledKernels(module: WasmModule, build: 'relaxed-simd' | 'simd'): void {
  compiled = module;
  variant = build;
}

/** Which build of the kernels is loaded ('relaxed-simd' with fused multiply-add, or 'simd'), if any. */
export function fusedKernelVariant(): 'relaxed-simd' | 'simd' | undefined {
  return variant;
}

/** True once `loadFusedKernels` has compiled the module. */
export function fusedKernelsLoaded(): boolean {
  return compiled !== undefined;
}

/** A fresh instance of the kernels with its own memory (one per network engine / worker). */
function instantiate(): KernelExports {
  if (!compiled) throw new Error(`rarelab/nn: the fused kernels are not loaded${loadError ? ` (${loadError.message})` : ''}; call \`await initBackend()\` first`);
  return new WA.Instance(compiled, {}).exports as unknown as KernelExports;
}

export interface FusedNetConfig {
  layers: readonly number[];
  activation: FusedActivation;
  outputActivation: FusedActivation;
  /** Input standardisation x -> (x - mean) / std, as in the Mlp. */
  normalization?: { mean: readonly number[]; std: readonly number[] };
}

/**
 * One network's parameters, gradients and per-batch buffers in one kernel instance's memory.
 * Parameters are one flat float32 buffer in tfjs variable order: kernel 0 [in][out], bias 0, kernel 1, ...
 */
export class FusedNet {
  readonly layers: readonly number[];
  /** Total parameter count (length of the flat buffers). */
  readonly size: number;
  /** Float offsets of each layer's kernel and bias in the flat buffers. */
  readonly kernelOffset: number[] = [];
  readonly biasOffset: number[] = [];
  private readonly k: KernelExports;
  private readonly act: number[] = [];
  private readonly shift?: Float32Array;
  private readonly invScale?: Float32Array;
  private top: number; // bump allocator, bytes
  private readonly params: number; // byte addresses
  private readonly grads: number;
  private slotAddr: number[] = [];
  private rowsTop: number; // where the per-batch region starts
  private rows = 0; // rows the per-batch region holds
  private h: number[] = []; // per layer l = 0..L: post-activation (h[0] the (normalised) input)
  private z: number[] = []; // per layer l = 1..L: pre-activation (== h[l] for a linear layer)
  private dA = 0;
  private dB = 0;
  private wT = 0;
  private view!: Float32Array;

  constructor(cfg: FusedNetConfig) {
    this.k = instantiate();
    this.layers = [...cfg.layers];
    const L = this.layers;
    let off = 0;
    for (let l = 0; l + 1 < L.length; l++) {
      this.kernelOffset.push(off);
      off += L[l] * L[l + 1];
      this.biasOffset.push(off);
      off += L[l + 1];
      this.act.push(ACTIVATION_CODES[l + 2 < L.length ? cfg.activation : cfg.outputActivation]);
    }
    this.size = off;
    if (cfg.normalization) {
      this.shift = Float32Array.from(cfg.normalization.mean);
      this.invScale = Float32Array.from(cfg.normalization.std, (s) => 1 / s);
    }
    this.top = align(this.k.heapBase());
    this.params = this.alloc(off);
    this.grads = this.alloc(off);
    let maxW = 0;
    for (let l = 0; l + 1 < L.length; l++) maxW = Math.max(maxW, L[l] * L[l + 1]);
    this.wT = this.alloc(maxW);
    this.rowsTop = this.top;
  }

  /** Reserves `floats` float32 values (16-byte aligned), growing memory; returns the byte address. */
  private alloc(floats: number): number {
    const at = this.top;
    this.top = align(at + 4 * floats);
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    return at;
  }

  /** Float32 view of the whole memory (re-made after a grow detaches the old buffer). */
  private f32(): Float32Array {
    if (this.view?.buffer !== this.k.memory.buffer) this.view = new Float32Array(this.k.memory.buffer);
    return this.view;
  }

  /** The flat parameters (a live view: valid until the next allocation). */
  paramView(): Float32Array {
    return this.f32().subarray(this.params >> 2, (this.params >> 2) + this.size);
  }

  /** The flat gradient of the last `backward` (live view). */
  gradView(): Float32Array {
    return this.f32().subarray(this.grads >> 2, (this.grads >> 2) + this.size);
  }

  /** `count` optimiser slots (e.g. Adam's m and v), each a flat buffer like the parameters, zeroed. */
  slots(count: number): Float32Array[] {
    if (this.slotAddr.length < count) {
      if (this.rows > 0) throw new Error('FusedNet: optimiser slots must be created before the first batch');
      while (this.slotAddr.length < count) this.slotAddr.push(this.alloc(this.size));
      this.rowsTop = this.top;
    }
    const f = this.f32();
    return this.slotAddr.slice(0, count).map((a) => f.subarray(a >> 2, (a >> 2) + this.size));
  }

  /** Makes the per-batch buffers hold `n` rows. */
  private ensureRows(n: number): void {
    if (n <= this.rows) return;
    const L = this.layers;
    this.top = this.rowsTop;
    const maxWidth = Math.max(...L);
    this.h = [this.alloc(n * L[0])];
    this.z = [0];
    for (let l = 1; l < L.length; l++) {
      const z = this.alloc(n * L[l]);
      this.z.push(z);
      this.h.push(this.act[l - 1] === ACTIVATION_CODES.linear ? z : this.alloc(n * L[l]));
    }
    this.dA = this.alloc(n * maxWidth);
    this.dB = this.alloc(n * maxWidth);
    this.rows = n;
  }

  /**
   * Writes n input rows to the input buffer in float32 with the network's standardisation applied: rows
   * start..start+n-1 of x [*][inDim], or rows perm[start..start+n-1] when a permutation is given.
   */
  setInput(x: ArrayLike<number>, n: number, start = 0, perm?: ArrayLike<number>): void {
    this.ensureRows(n);
    const d = this.layers[0];
    const f = this.f32(), at = this.h[0] >> 2;
    const { shift, invScale } = this;
    for (let i = 0; i < n; i++) {
      const src = (perm ? perm[start + i] : start + i) * d, dst = at + i * d;
      if (!shift) {
        for (let c = 0; c < d; c++) f[dst + c] = x[src + c];
      } else {
        // as the tfjs path: (float32(x) - mean) * (1 / std), each operation rounded to float32
        for (let c = 0; c < d; c++) f[dst + c] = Math.fround(Math.fround(x[src + c]) - shift[c]) * invScale![c];
      }
    }
  }

  /** Forward pass on the n rows set by setInput; returns a live view of the outputs [n][outDim]. */
  forward(n: number): Float32Array {
    const L = this.layers, k = this.k;
    for (let l = 0; l + 1 < L.length; l++) {
      const din = L[l], dout = L[l + 1];
      k.gemm(this.h[l], din, 1, this.params + 4 * this.kernelOffset[l], this.z[l + 1], this.params + 4 * this.biasOffset[l], n, din, dout, 0);
      if (this.h[l + 1] !== this.z[l + 1]) k.activate(this.z[l + 1], this.h[l + 1], n * dout, this.act[l]);
    }
    const out = this.h[L.length - 1] >> 2;
    return this.f32().subarray(out, out + n * L[L.length - 1]);
  }

  /** Live view of the buffer that `backward` reads the output gradient dLoss/dOutput [n][outDim] from. */
  outputGradView(n: number): Float32Array {
    return this.f32().subarray(this.dA >> 2, (this.dA >> 2) + n * this.layers[this.layers.length - 1]);
  }

  /**
   * Backward pass after `forward(n)`, from the output gradient written to `outputGradView(n)`.
   * `params`: write the parameter gradient to gradView(). `input`: return the gradient with respect to the
   * (unstandardised) inputs [n][inDim] as a live view; otherwise undefined.
   */
  backward(n: number, params: boolean, input: boolean): Float32Array | undefined {
    const L = this.layers, k = this.k;
    let cur = this.dA, next = this.dB;
    for (let l = L.length - 1; l >= 1; l--) {
      const din = L[l - 1], dout = L[l];
      k.activateBackward(this.z[l], this.h[l], cur, cur, n * dout, this.act[l - 1]);
      if (params) {
        // dW = H^T dZ: A(i, p) = H[p][i], i.e. row stride 1, inner stride din; summed over blocks of
        // ROW_BLOCK rows, so the H and dZ rows that a block streams past the accumulators stay in cache
        // (one pass over 4096 rows took 1.8x longer per row than 256-row blocks)
        const dW = this.grads + 4 * this.kernelOffset[l - 1];
        for (let r = 0; r < n; r += ROW_BLOCK) {
          const rows = Math.min(ROW_BLOCK, n - r);
          k.gemm(this.h[l - 1] + 4 * r * din, 1, din, cur + 4 * r * dout, dW, 0, din, rows, dout, r > 0 ? 1 : 0);
        }
        k.colSum(cur, this.grads + 4 * this.biasOffset[l - 1], n, dout);
      }
      if (l > 1 || input) {
        // dH = dZ W^T, through the forward gemm on an explicit transpose (W^T is small)
        k.transpose(this.params + 4 * this.kernelOffset[l - 1], this.wT, din, dout);
        k.gemm(cur, dout, 1, this.wT, next, 0, n, dout, din, 0);
        [cur, next] = [next, cur];
      }
    }
    if (!input) return undefined;
    const d = L[0], at = cur >> 2;
    const g = this.f32().subarray(at, at + n * d);
    if (this.invScale) for (let i = 0; i < n * d; i++) g[i] = Math.fround(g[i] * this.invScale[i % d]);
    return g;
  }

  /** Adds weightDecay * w to the gradient (L2 penalty) and returns its squared norm. */
  decayAndNorm(weightDecay: number): number {
    return this.k.decayAndNorm(this.params, this.grads, this.size, weightDecay);
  }

  /** One Adam update from gradView() with bias corrections c1 = 1 - beta1^t, c2 = 1 - beta2^t (float32). */
  adam(lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): void {
    const [m, v] = this.slotAddr;
    this.k.adam(this.params, this.grads, m, v, this.size, lr, beta1, Math.fround(1 - beta1), beta2, Math.fround(1 - beta2), c1, c2, eps);
  }

  momentum(lr: number, mu: number, nesterov: boolean): void {
    this.k.momentum(this.params, this.grads, this.slotAddr[0], this.size, lr, mu, nesterov ? 1 : 0);
  }

  sgd(lr: number): void {
    this.k.sgd(this.params, this.grads, this.size, lr);
  }

  /** Adds another flat gradient (a worker's part of the batch) into gradView(). */
  addGrad(other: Float32Array): void {
    const g = this.gradView();
    for (let i = 0; i < g.length; i++) g[i] += other[i];
  }
}

/** Rows per block of the weight-gradient products (see FusedNet.backward). */
const ROW_BLOCK = 256;

function align(bytes: number): number {
  return (bytes + 15) & ~15;
}
