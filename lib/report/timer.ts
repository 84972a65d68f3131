import { performance } from 'node:perf_hooks';
import { displayData, htmlTable, textTable } from './display.js';

export interface TimedSection {
  label: string;
  seconds: number;
}

/** Wall-clock time of a notebook's parts, so it can report how long each took. */
export class Timer {
  readonly sections: TimedSection[] = [];
  private readonly t0 = performance.now();

  /** Starts a section; call the returned function to end it (returns its seconds). */
  start(label: string): () => number {
    const t = performance.now();
    let ended = false;
    return () => {
      if (ended) throw new Error(`Timer: section "${label}" already ended`);
      ended = true;
      const seconds = (performance.now() - t) / 1000;
      this.sections.push({ label, seconds });
      return seconds;
    };
  }

  /** Runs fn as a section; a returned promise is timed until it settles. */
  time<T>(label: string, fn: () => T): T {
    const end = this.start(label);
    let out: T;
    try {
      out = fn();
    } catch (e) {
      end();
      throw e;
    }
    if (out instanceof Promise) return out.finally(end) as T;
    end();
    return out;
  }

  /** Seconds of the named section (summed if it ran several times). */
  seconds(label: string): number {
    const hits = this.sections.filter((s) => s.label === label);
    if (hits.length === 0) throw new Error(`Timer: no section "${label}" (have: ${this.sections.map((s) => s.label).join(', ') || 'none'})`);
    return hits.reduce((a, s) => a + s.seconds, 0);
  }

  /** Seconds since the timer was made. */
  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  private cells(): unknown[][] {
    return [...this.sections.map((s) => [s.label, s.seconds]), ['total (since start)', this.elapsed()]];
  }

  text(): string {
    return textTable(['section', 'seconds'], this.cells());
  }

  show(): void {
    displayData({ 'text/html': htmlTable(['section', 'seconds'], this.cells()), 'text/plain': this.text() });
  }
}

export function timer(): Timer {
  return new Timer();
}
