import type * as TF from '@tensorflow/tfjs';
import { Rng } from '../dynamics/rng.js';
import { fusedKernelsLoaded, loadFusedKernels } from './fused.js';
export { fusedKernelVariant } from './fused.js';

/**
 * tfjs backend selection. This folder (lib/nn) is the only place in rarelab that imports tfjs; the rest
 * of the library talks to networks through Float64Array in / Float64Array out.
 *
 * Order of preference with `prefer: 'auto'` (the default):
 *  1. 'tensorflow' — the native binding from the optional dependency `@tensorflow/tfjs-node`, used when
 *     it can be loaded (it cannot be installed on every machine);
 *  2. 'wasm' — `@tensorflow/tfjs-backend-wasm` (single-threaded in Node, SIMD when available);
 *  3. 'cpu' — the plain-JavaScript backend, with a warning (much slower).
 *
 * The wasm backend initialises asynchronously, so a notebook or script must `await initBackend()` (or its
 * alias `ready()`) once before building or training a network. tslab compiles notebooks to CommonJS,
 * where top-level await in library code is not possible; hence the explicit call.
 *
 * tfjs itself is loaded by that call, not when rarelab is imported: loading it takes 1-7 s (measured
 * 2.4 s alone on an idle core, ~7 s with the rest of the library under load), which a notebook that only
 * runs MD or reads a topology should not pay. Code in lib/nn reaches tfjs through `tf` below; this
 * module is the only one that loads it.
 *
 * All computations are float32 (every backend); values come back as Float64Array.
 *
 * On the wasm and cpu backends, Mlp training with a built-in loss, predict and inputGrad run on rarelab's
 * fused WebAssembly kernels (lib/nn/fused.ts), 2-4x faster than tfjs ops; custom losses, dropout and
 * everything else use tfjs. With tfjs-node ('tensorflow') everything uses tfjs. `setFusedKernels(false)`
 * (or `initBackend({ fused: false })`) turns the kernels off.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendOptions {
  /** Which backend to use; 'auto' (default) tries tensorflow, then wasm, then cpu. */
  prefer?: 'auto' | BackendName;
  /** Suppress the warning printed when falling back to cpu; default false. */
  quiet?: boolean;
  /** Use the fused WebAssembly kernels for Mlp training/inference on wasm and cpu; default true. */
  fused?: boolean;
  /**
   * Allow the relaxed-SIMD (fused multiply-add) build of those kernels, ~1.45x faster matrix products;
   * default true. On Node 20 this sets V8's --experimental-wasm-relaxed-simd (see lib/nn/fused.ts).
   */
  relaxedSimd?: boolean;
}

let current: BackendName | undefined;
let pending: Promise<BackendName> | undefined;
let tfjs: typeof TF | undefined;

const notLoaded = () => new Error('rarelab/nn: tfjs is not loaded yet; call `await initBackend()` (from rarelab\'s lib/nn) first');

/**
 * The tfjs namespace, usable once `initBackend()` has resolved (before that, any use throws an error
 * saying so). For code in lib/nn and for custom losses (see LossFn); other folders never touch tfjs.
 */
export const tf: typeof TF = new Proxy({} as typeof TF, {
  get(_target, key) {
    if (tfjs) return (tfjs as unknown as Record<string | symbol, unknown>)[key];
    if (typeof key === 'symbol') return undefined; // util.inspect, Symbol.toPrimitive, ...
    throw notLoaded();
  },
  has(_target, key) {
    if (!tfjs) throw notLoaded();
    return key in tfjs;
  },
});

/**
 * Emscripten's module (tfjs-backend-wasm) adds 'uncaughtException' and 'unhandledRejection' handlers
 * that re-throw from inside its one-line minified file, so Node prints that 38 KB line as the "source"
 * of every later uncaught error and exits with code 7. Its handlers do nothing else (they exist to exit
 * emscripten programs); this removes whichever handlers appeared while `load` ran, restoring Node's own
 * report (message and stack, exit code 1).
 */
async function withoutNewProcessHandlers<T>(load: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'];
  const emitter: NodeJS.EventEmitter = process;
  const before = events.map((ev) => new Set(emitter.listeners(ev)));
  try {
    return await load();
  } finally {
    events.forEach((ev, k) => {
      for (const l of emitter.listeners(ev)) if (!before[k].has(l)) emitter.removeListener(ev, l as (...args: unknown[]) => void);
    });
  }
}

/** Loads tfjs and registers the wasm backend (once); the import specifiers are literal so bundlers see them. */
async function loadTfjs(): Promise<typeof TF> {
  if (!tfjs) {
    const mod = await import('@tensorflow/tfjs');
    await withoutNewProcessHandlers(() => import('@tensorflow/tfjs-backend-wasm'));
    tfjs = mod;
  }
  return tfjs;
}

async function tryNode(): Promise<boolean> {
  // The specifier is kept in a variable so TypeScript does not require the optional package's types.
  const spec = '@tensorflow/tfjs-node';
  try {
    await import(spec);
  } catch {
    return false;
  }
  // tfjs-node registers 'tensorflow' with its own tfjs-core; it is usable only if that is our core too.
  if (tf.findBackendFactory('tensorflow') == null) return false;
  try {
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function trySet(name: BackendName): Promise<boolean> {
  try {
    // the wasm module is instantiated here (not at import), and installs its process handlers now
    return await withoutNewProcessHandlers(() => tf.setBackend(name));
  } catch {
    return false;
  }
}

async function choose(options: BackendOptions): Promise<BackendName> {
  const prefer = options.prefer ?? 'auto';
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(prefer)) {
    throw new RangeError(`initBackend: prefer must be 'auto', 'tensorflow', 'wasm' or 'cpu', got ${String(prefer)}`);
  }
  await loadTfjs();
  await loadFusedKernels(options); // false when this engine has no wasm SIMD: then tfjs does everything
  if (prefer === 'tensorflow') {
    if (await tryNode()) return 'tensorflow';
    throw new Error('initBackend: @tensorflow/tfjs-node could not be loaded (it is an optional dependency); use prefer: "auto" or "wasm"');
  }
  if (prefer === 'auto' && (await tryNode())) return 'tensorflow';
  if (prefer !== 'cpu') {
    if (await trySet('wasm')) return 'wasm';
    if (prefer === 'wasm') throw new Error('initBackend: the wasm backend failed to initialise');
    if (!options.quiet) console.warn('rarelab/nn: the wasm backend failed to initialise; falling back to the slow cpu backend');
  }
  if (await trySet('cpu')) return 'cpu';
  throw new Error('initBackend: no tfjs backend could be initialised (tried tensorflow, wasm, cpu)');
}

/**
 * Chooses and initialises the tfjs backend (see the module comment); resolves to its name. Calling it
 * again returns the backend already chosen unless a different `prefer` is given.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  const prefer = options.prefer ?? 'auto';
  if (options.fused !== undefined) fusedWanted = options.fused;
  if (current && (prefer === 'auto' || prefer === current)) return current;
  if (pending && prefer === 'auto') return pending;
  pending = choose(options).then((name) => {
    current = name;
    return name;
  });
  try {
    return await pending;
  } finally {
    pending = undefined;
  }
}

/** Alias of `initBackend()` with the default options, for notebooks: `await ready()`. */
export function ready(): Promise<BackendName> {
  return initBackend();
}

let fusedWanted = true;

/** Turns the fused WebAssembly kernels on or off for networks and Trainers created afterwards. */
export function setFusedKernels(enabled: boolean): void {
  fusedWanted = enabled;
}

/**
 * Whether Mlp training (built-in losses, no dropout), predict and inputGrad use the fused kernels: they
 * are loaded, wanted, and the backend is not native TensorFlow (which is as fast on its own).
 */
export function fusedActive(): boolean {
  return fusedWanted && fusedKernelsLoaded() && current !== undefined && current !== 'tensorflow';
}

/** The backend chosen by `initBackend`, or undefined before it has resolved. */
export function backendName(): BackendName | undefined {
  return current;
}

/** Throws a clear error when no backend has been initialised yet (networks need one). */
export function requireBackend(what: string): void {
  if (!current) throw new Error(`${what}: the tfjs backend is not initialised; call \`await initBackend()\` (from rarelab's lib/nn) first`);
}

/** Live tensor count (for leak checks in tests); 0 before tfjs is loaded. */
export function numTensors(): number {
  return tfjs ? tfjs.memory().numTensors : 0;
}

let globalRng = new Rng(0);

/**
 * Global seed for lib/nn: network initialisation, minibatch shuffling and dropout draw their seeds from
 * this stream whenever their options give no `seed`. Default seed 0, so even unseeded scripts repeat.
 */
export function setGlobalSeed(seed: number): void {
  globalRng = new Rng(seed);
}

/** The next 31-bit seed from the global stream (see setGlobalSeed). */
export function nextSeed(): number {
  return globalRng.seedInt();
}
