import { decodeBase64 } from '../files/base64.js';
import { PAIR_KERNELS_WASM_BASE64 } from './pair-kernels.wasm.js';
import type { NeighborList } from './neighbor-list.js';

/**
 * The real-space pair kernel of PeriodicForceField in WebAssembly SIMD (wasm/pair-kernels.ts, built by
 * `npm run build:wasm`): 1.5x the JavaScript loop on alanine dipeptide + 543 TIP3P, the same numbers to
 * rounding. One instance per neighbour list (walker), with its own memory holding the per-atom
 * parameters, the erfc table, the list (copied after each rebuild) and the positions and forces of
 * one evaluation.
 */
interface Exports {
  memory: WasmMemory;
  heapBase(): number;
  realSpace(nRec: number, recAtom: number, recShift: number, recStart: number, pairs: number, x: number, f: number, typeOf: number, nt: number, C6: number, C12: number, qk: number, q: number, tab: number, invH: number, rc2: number, minR2: number, kmax: number, out: number): number;
}

// The WebAssembly JS API typed locally, as lib/nn/fused.ts does: the notebook kernel (tslab) compiles with
// TypeScript 5.0's ES2022 library and no DOM types, whose WebAssembly namespace has no Module or Memory.
interface WasmModule { readonly __wasmModule?: never }
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
const WA = (globalThis as unknown as {
  WebAssembly?: { Module: new (bytes: Uint8Array) => WasmModule; Instance: new (module: WasmModule, imports: object) => { exports: unknown } };
}).WebAssembly;

let compiled: WasmModule | null | undefined;

/** True when this JavaScript engine runs the kernel (WebAssembly with SIMD); compiled once, synchronously (1.5 kB). */
export function wasmPairKernelAvailable(): boolean {
  if (compiled === undefined) {
    try {
      compiled = WA ? new WA.Module(decodeBase64(PAIR_KERNELS_WASM_BASE64)) : null;
    } catch {
      compiled = null; // no SIMD: PeriodicForceField keeps its JavaScript kernel
    }
  }
  return compiled !== null;
}

/** Per-atom and table parameters of the pair interactions (as PeriodicForceField holds them). */
export interface PairParameters {
  typeOf: Int32Array;
  nTypes: number;
  C6: Float64Array;
  C12: Float64Array;
  /** ke q_i (kJ/mol nm / e). */
  qk: Float64Array;
  /** q_i (e). */
  q: Float64Array;
  /** erfc(alpha r) cubic coefficients, 4 per interval. */
  table: Float64Array;
  tableInvH: number;
  cutoff: number;
  minDistance: number;
}

export class WasmPairKernel {
  private readonly k: Exports;
  private readonly nAtoms: number;
  private top: number;
  private readonly pX: number;
  private readonly pF: number;
  private readonly pType: number;
  private readonly pC6: number;
  private readonly pC12: number;
  private readonly pQk: number;
  private readonly pQ: number;
  private readonly pTab: number;
  private readonly pOut: number;
  private readonly listBase: number;
  private pRecAtom = 0;
  private pRecShift = 0;
  private pRecStart = 0;
  private pPairs = 0;
  private nRec = 0;
  private list: NeighborList | null = null;
  private listBuild = -1;
  /** [E_LJ, E_real, sum C12, sum C6, sum ke q q] of the last evaluation. */
  readonly sums = new Float64Array(5);

  constructor(private readonly p: PairParameters) {
    if (!wasmPairKernelAvailable()) throw new Error('WasmPairKernel: this JavaScript engine has no WebAssembly SIMD');
    this.k = new WA!.Instance(compiled!, {}).exports as unknown as Exports;
    const n = p.q.length;
    this.nAtoms = n;
    this.top = this.k.heapBase();
    this.pX = this.alloc(24 * n);
    this.pF = this.alloc(24 * n);
    this.pType = this.alloc(4 * n);
    this.pC6 = this.alloc(8 * p.C6.length);
    this.pC12 = this.alloc(8 * p.C12.length);
    this.pQk = this.alloc(8 * n);
    this.pQ = this.alloc(8 * n);
    this.pTab = this.alloc(8 * p.table.length);
    this.pOut = this.alloc(8 * 5);
    this.listBase = this.top;
    const b = this.k.memory.buffer;
    new Int32Array(b, this.pType, n).set(p.typeOf);
    new Float64Array(b, this.pC6, p.C6.length).set(p.C6);
    new Float64Array(b, this.pC12, p.C12.length).set(p.C12);
    new Float64Array(b, this.pQk, n).set(p.qk);
    new Float64Array(b, this.pQ, n).set(p.q);
    new Float64Array(b, this.pTab, p.table.length).set(p.table);
  }

  /** Bytes at a 16-aligned address, growing the memory as needed (views must be made afresh after). */
  private alloc(bytes: number): number {
    const at = (this.top + 15) & ~15;
    this.top = at + bytes;
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    return at;
  }

  /** Copies the list into the module's memory when it was rebuilt since the last call. */
  private syncList(nl: NeighborList): void {
    if (this.list === nl && this.listBuild === nl.builds) return;
    const nr = nl.count, np = nl.recordStart[nr];
    this.top = this.listBase;
    this.pRecAtom = this.alloc(4 * nr);
    this.pRecShift = this.alloc(24 * nr);
    this.pRecStart = this.alloc(4 * (nr + 1));
    this.pPairs = this.alloc(4 * np);
    const b = this.k.memory.buffer;
    new Int32Array(b, this.pRecAtom, nr).set(nl.recordAtom.subarray(0, nr));
    new Float64Array(b, this.pRecShift, 3 * nr).set(nl.recordShift.subarray(0, 3 * nr));
    new Int32Array(b, this.pRecStart, nr + 1).set(nl.recordStart.subarray(0, nr + 1));
    new Int32Array(b, this.pPairs, np).set(nl.pairs.subarray(0, np));
    this.nRec = nr;
    this.list = nl;
    this.listBuild = nl.builds;
  }

  /**
   * Real-space forces of positions x[o ..] added into f[fo ..]; energies and sums into `sums`. Returns
   * -1, or the atom pair [i, j] of an overlap (closer than the minimum distance).
   */
  compute(x: Float64Array, o: number, f: Float64Array, fo: number, nl: NeighborList): [number, number] | null {
    this.syncList(nl);
    const n3 = 3 * this.nAtoms, b = this.k.memory.buffer, p = this.p;
    new Float64Array(b, this.pX, n3).set(o === 0 && x.length === n3 ? x : x.subarray(o, o + n3));
    const fw = new Float64Array(b, this.pF, n3);
    fw.fill(0);
    const hit = this.k.realSpace(this.nRec, this.pRecAtom, this.pRecShift, this.pRecStart, this.pPairs, this.pX, this.pF, this.pType, p.nTypes, this.pC6, this.pC12, this.pQk, this.pQ, this.pTab, p.tableInvH, p.cutoff * p.cutoff, p.minDistance * p.minDistance, p.table.length / 4 - 1, this.pOut);
    if (hit >= 0) {
      let r = 0;
      while (nl.recordStart[r + 1] <= hit) r++;
      return [nl.recordAtom[r], nl.pairs[hit]];
    }
    for (let k = 0; k < n3; k++) f[fo + k] += fw[k];
    this.sums.set(new Float64Array(b, this.pOut, 5));
    return null;
  }
}
