import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectRoot } from '../project/root.js';

let explicit: string | undefined;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkName(name: string, where: string): string {
  if (!NAME.test(name)) throw new Error(`${where}: "${name}" is not a usable notebook name (letters, digits, . _ -)`);
  return name;
}

/** Names the running notebook (its file name without .ipynb); its outputs go to figures/<name>/. */
export function useNotebook(name: string): void {
  explicit = checkName(name, 'useNotebook');
}

/**
 * The running notebook's name: the one given to useNotebook(), else RARELAB_NOTEBOOK (set by
 * `npm run reproduce` and scripts/nbconvert.ts), else the notebook path Jupyter Server passes to
 * kernels in JPY_SESSION_NAME.
 */
export function notebookName(): string {
  if (explicit) return explicit;
  const env = process.env.RARELAB_NOTEBOOK;
  if (env) return checkName(env, 'RARELAB_NOTEBOOK');
  const session = process.env.JPY_SESSION_NAME;
  if (session) return checkName(basename(session).replace(/\.ipynb$/, ''), 'JPY_SESSION_NAME');
  throw new Error('notebookName: unknown notebook; call useNotebook("<file name without .ipynb>") first');
}

/** figures/<notebook>/ under the project root, created if missing. */
export function figuresDir(name: string = notebookName()): string {
  const dir = join(projectRoot(), 'figures', checkName(name, 'figuresDir'));
  mkdirSync(dir, { recursive: true });
  return dir;
}
