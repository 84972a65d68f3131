import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;
let libraryCached: string | null | undefined;

/** The nearest ancestor of `start` (itself included) holding a package.json named "rarelab". */
function rarelabAbove(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'rarelab') return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * This module's own file, from the call site V8 records. `import.meta.url` would be the direct way,
 * but tslab compiles library code to CommonJS, where `import.meta` is a syntax error, and tsx's ESM has
 * no `__filename`; the call site names the file in both (a path under CommonJS, a file: URL under ESM).
 */
function thisModuleFile(): string | undefined {
  const savedPrepare = Error.prepareStackTrace, savedLimit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    Error.stackTraceLimit = 1;
    const frames = new Error().stack as unknown as NodeJS.CallSite[] | undefined;
    const name = Array.isArray(frames) ? frames[0]?.getFileName() : undefined;
    if (!name) return undefined;
    return name.startsWith('file:') ? fileURLToPath(name) : name;
  } catch {
    return undefined;
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}

/**
 * The rarelab folder this library was loaded from, found from the library's own location (not the
 * working directory): where its shipped data (data/forcefields, data/<system>) and packages live.
 * Undefined only if the library file's location cannot be read or has no rarelab package.json above it.
 */
export function libraryRoot(): string | undefined {
  if (libraryCached === undefined) {
    const file = thisModuleFile();
    libraryCached = (file && rarelabAbove(dirname(file))) ?? null;
  }
  return libraryCached ?? undefined;
}

/**
 * The rarelab project folder: the nearest ancestor of the working directory whose package.json is
 * named "rarelab" (so a script in one checkout using another's library writes into its own), else the
 * folder the library was loaded from (see libraryRoot).
 */
export function projectRoot(): string {
  if (cached) return cached;
  const found = rarelabAbove(process.cwd()) ?? libraryRoot();
  if (!found) throw new Error(`projectRoot: no package.json named "rarelab" above ${process.cwd()} or above the library's own files`);
  return (cached = found);
}
