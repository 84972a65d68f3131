import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let cached: string | undefined;

/**
 * The rarelab project folder: the nearest ancestor of the working directory whose package.json is
 * named "rarelab". Found from process.cwd() rather than the module's own URL because notebook code is
 * compiled to CommonJS by tslab, where `import.meta` does not exist.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = resolve(process.cwd());
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'rarelab') return (cached = dir);
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`projectRoot: no package.json named "rarelab" above ${process.cwd()}; start the kernel or script inside the rarelab folder`);
    dir = up;
  }
}
