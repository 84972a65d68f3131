/**
 * Run size of the notebooks: 'quick' (small sizes, the default, ≤ 90 s a notebook on 2 cores) or 'full'
 * (paper-size). Read from one place, the environment variable RARELAB_MODE, which `npm run reproduce
 * [-- --full]` and scripts/nbconvert.ts set; in JupyterLab set it before starting Jupyter, or assign
 * process.env.RARELAB_MODE in the notebook's first cell.
 */
export type RunMode = 'quick' | 'full';

export function mode(): RunMode {
  const raw = process.env.RARELAB_MODE;
  if (raw === undefined || raw === '') return 'quick';
  if (raw === 'quick' || raw === 'full') return raw;
  throw new Error(`RARELAB_MODE must be "quick" or "full", got "${raw}"`);
}

/** The value for the current mode, e.g. `byMode({ quick: 200, full: 5000 })`. */
export function byMode<T>(values: { quick: T; full: T }): T {
  return values[mode()];
}
