import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/files/atomic-write.js';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Name of rarelab's Jupyter kernel; notebooks/*.ipynb name it in metadata.kernelspec. */
export const KERNEL_NAME = 'rarelab';
export const KERNEL_DISPLAY_NAME = 'TypeScript (rarelab)';

/** The notebook-level metadata every rarelab notebook carries. */
export const NOTEBOOK_METADATA = {
  kernelspec: { name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME, language: 'typescript' },
  language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
};

/** Jupyter's per-user data folder, as jupyter_core computes it on Linux. */
export function jupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'jupyter');
}

/** Absolute path of `jupyter`, or null when Jupyter is not installed. */
export function findJupyter(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/bin')) {
    if (dir && existsSync(join(dir, 'jupyter'))) return join(dir, 'jupyter');
  }
  return null;
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
}

/**
 * The kernelspec: Node runs scripts/kernel-start.cjs, which enters the project folder and starts tslab.
 * Absolute paths, so JupyterLab started from anywhere (or from a desktop menu) finds them.
 */
export function kernelSpec(root: string, node: string = process.execPath): KernelSpec {
  return {
    argv: [node, join(root, 'scripts', 'kernel-start.cjs'), '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
  };
}

/**
 * Writes <jupyter data dir>/kernels/rarelab/kernel.json. No Python is needed to write it; when Jupyter
 * is installed, `jupyter kernelspec list` is asked whether it sees the kernel.
 * Returns the kernel folder.
 */
export function installKernel(root: string, dataDir: string = jupyterDataDir()): { dir: string; seenByJupyter: boolean | null } {
  const dir = join(dataDir, 'kernels', KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'kernel.json'), JSON.stringify(kernelSpec(root), null, 2) + '\n');
  const jupyter = findJupyter();
  if (!jupyter) return { dir, seenByJupyter: null };
  const listed = JSON.parse(execFileSync(jupyter, ['kernelspec', 'list', '--json'], {
    encoding: 'utf8',
    env: { ...process.env, JUPYTER_DATA_DIR: dataDir, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  })) as { kernelspecs: Record<string, { resource_dir: string }> };
  return { dir, seenByJupyter: listed.kernelspecs[KERNEL_NAME]?.resource_dir === dir };
}
