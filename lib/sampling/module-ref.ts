import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../project/root.js';

/**
 * A serialisable recipe for an object that must be rebuilt in another thread or on another machine:
 * `module` is an absolute path (or package specifier) and `export` names a class (constructed with
 * `new`) or a factory function, called with `args`. Args must be structured-cloneable.
 */
export interface ModuleRef {
  module: string;
  export: string;
  args?: unknown[];
}

/** A ModuleRef to something exported from rarelab's own `lib/index.ts`, e.g. `libRef('MullerBrown', {scale: 1})`. */
export function libRef(exportName: string, ...args: unknown[]): ModuleRef {
  return { module: join(projectRoot(), 'lib', 'index.ts'), export: exportName, args };
}

const isClass = (f: unknown): boolean => typeof f === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(f));

type Namespace = Record<string, unknown>;

// This file runs in two module systems. Under tslab (a Jupyter kernel, scripts/notebook/execute.ts) it
// is compiled to CommonJS: its `require` serves tslab's compiled copies of the lib files, the very
// instances the notebook imported, and TypeScript has turned every `import()` here into `require()`,
// which cannot load a file URL. Under tsx (scripts, tests) and in worker threads it is an ES module
// without `require`, and `import()` works.
const cjsRequire: ((id: string) => unknown) | undefined = typeof require === 'function' ? require : undefined;

// A real dynamic import in both module systems: tslab compiles `import()` to `require()`, and tsx's own
// CommonJS build of its API cannot load its ESM half; a function made at run time escapes the compile.
const esmImport = (cjsRequire ? new Function('specifier', 'return import(specifier)') : (s: string) => import(s)) as (s: string) => Promise<unknown>;

/** tsx's scoped importer: loads TypeScript in a thread where plain Node cannot (a tslab kernel, a worker). */
async function tsxImport(url: string): Promise<Namespace> {
  const { tsImport } = (await esmImport('tsx/esm/api')) as { tsImport: (url: string, parent: string) => Promise<unknown> };
  return (await tsImport(url, pathToFileURL(join(projectRoot(), 'package.json')).href)) as Namespace;
}

const notFound = (err: unknown, codes: string[]) => codes.includes((err as { code?: string }).code ?? '');

/** A module through tslab's `require`: lib files by their compiled `.js` name, relative to this file as tslab resolves it. */
function requireModule(req: (id: string) => unknown, specifier: string): Namespace | undefined {
  let id = specifier;
  if (isAbsolute(specifier)) {
    id = relative(__dirname, specifier.replace(/\.([mc]?)ts$/, '.$1js')).split(sep).join('/');
    if (!id.startsWith('.')) id = `./${id}`;
  }
  try {
    return req(id) as Namespace;
  } catch (err) {
    // Not among tslab's compiled files (a module the notebook never imported) or ESM-only: tsx loads it.
    if (notFound(err, ['MODULE_NOT_FOUND', 'ERR_REQUIRE_ESM'])) return undefined;
    throw err;
  }
}

async function loadModule(specifier: string): Promise<Namespace> {
  if (isAbsolute(specifier) && !existsSync(specifier)) throw new Error(`instantiate: module file ${specifier} does not exist`);
  const url = isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier;
  if (cjsRequire) return requireModule(cjsRequire, specifier) ?? tsxImport(url);
  try {
    return (await import(url)) as Namespace;
  } catch (err) {
    // A plain Node thread cannot import .ts.
    if (notFound(err, ['ERR_UNKNOWN_FILE_EXTENSION', 'ERR_MODULE_NOT_FOUND'])) return tsxImport(url);
    throw err;
  }
}

// One load per module and thread: each tsx fallback would otherwise load a fresh copy of the module
// (and of everything it imports, tfjs included).
const modules = new Map<string, Promise<Namespace>>();

function importModule(specifier: string): Promise<Namespace> {
  let m = modules.get(specifier);
  if (!m) {
    m = loadModule(specifier);
    modules.set(specifier, m);
    m.catch(() => modules.delete(specifier));
  }
  return m;
}

/** Builds the object a ModuleRef describes. */
export async function instantiate<T>(ref: ModuleRef): Promise<T> {
  if (!ref || typeof ref.module !== 'string' || typeof ref.export !== 'string') {
    throw new TypeError(`instantiate: expected {module, export, args}, got ${JSON.stringify(ref)}`);
  }
  const mod = await importModule(ref.module);
  const target = mod[ref.export];
  if (typeof target !== 'function') {
    throw new TypeError(`instantiate: ${ref.module} has no exported class or function named "${ref.export}"`);
  }
  const args = ref.args ?? [];
  return (isClass(target)
    ? new (target as new (...a: unknown[]) => T)(...args)
    : await (target as (...a: unknown[]) => T | Promise<T>)(...args)) as T;
}
