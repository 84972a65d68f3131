import { isAbsolute, join } from 'node:path';
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

async function importModule(specifier: string): Promise<Record<string, unknown>> {
  const url = isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    // A plain Node thread (a worker, a tslab kernel) cannot import .ts; tsx's scoped importer can.
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' && code !== 'ERR_MODULE_NOT_FOUND') throw err;
    // The specifier is a variable so that tslab, which type-checks lib with Node10 resolution (blind to
    // tsx's "exports" map), does not try to resolve it.
    const tsxApi = 'tsx/esm/api';
    const { tsImport } = (await import(tsxApi)) as { tsImport: (url: string, parent: string) => Promise<unknown> };
    return (await tsImport(url, pathToFileURL(join(projectRoot(), 'package.json')).href)) as Record<string, unknown>;
  }
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
