import { performance } from 'node:perf_hooks';
import { displayData, inNotebook, newDisplayId } from './display.js';

export interface Progress {
  /** Adds n (default 1) finished items. */
  tick(n?: number): void;
  /** Sets the number of finished items; `status` replaces the rate-based time estimate and adds a note. */
  set(done: number, status?: ProgressStatus): void;
  /** Marks the loop finished and shows the final line. */
  done(): void;
}

/** What the caller knows better than a rate: e.g. a worker pool's estimate with its tasks in flight. */
export interface ProgressStatus {
  /** Estimated seconds left (shown instead of the rate-based estimate), undefined when unknown. */
  remainingSeconds?: number;
  /** Shown after the elapsed time, e.g. "2 workers". */
  note?: string;
}

/**
 * Progress of a long loop. In a notebook one output line is updated in place (the saved notebook keeps
 * only the final line); elsewhere it goes to stderr (rewritten with \r on a terminal, otherwise a line
 * per ~10%). Updates are throttled to one per `intervalMs` (default 1000).
 */
export function progress(label: string, total: number, options: { intervalMs?: number } = {}): Progress {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`progress(${label}): total must be a non-negative integer, got ${total}`);
  const interval = options.intervalMs ?? 1000;
  const t0 = performance.now();
  const notebook = inNotebook();
  const id = newDisplayId();
  const tty = !notebook && process.stderr.isTTY === true;
  let count = 0;
  let last = -Infinity;
  let lastDecile = -1;
  let lastCount = -1;
  let shown = false;
  let finished = false;
  let status: ProgressStatus | undefined;

  const line = () => {
    const s = (performance.now() - t0) / 1000;
    const pct = total > 0 ? Math.floor((100 * count) / total) : 100;
    const left = status ? status.remainingSeconds : count > 0 ? (s * (total - count)) / count : undefined;
    const eta = left !== undefined && count < total ? `, ~${left.toFixed(1)} s left` : '';
    const note = status?.note ? `, ${status.note}` : '';
    return `${label}: ${count}/${total} (${pct}%) ${s.toFixed(1)} s${note}${eta}`;
  };
  const render = (force: boolean) => {
    const now = performance.now();
    if (!force && now - last < interval) return;
    last = now;
    if (notebook) {
      displayData({ 'text/plain': line() }, { id, update: shown, metadata: { rarelab: 'progress' } });
      shown = true;
    } else if (tty) {
      process.stderr.write(`\r${line()}${finished ? '\n' : ''}`);
    } else {
      const decile = total > 0 ? Math.floor((10 * count) / total) : 10;
      if (decile !== lastDecile || (finished && count !== lastCount)) {
        lastDecile = decile;
        lastCount = count;
        process.stderr.write(line() + '\n');
      }
    }
  };
  return {
    tick(n = 1) {
      count += n;
      render(false);
    },
    set(done: number, st?: ProgressStatus) {
      count = done;
      if (st) status = st;
      render(false);
    },
    done() {
      if (finished) return;
      finished = true;
      render(true);
    },
  };
}
