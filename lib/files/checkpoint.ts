/**
 * Resuming a long run from its checkpoint is exact only with the settings it was started with. A
 * checkpoint therefore records those settings (as JSON), and on resume they are compared with the ones
 * given; the first difference is reported by name rather than accepted silently.
 */

/** Raised when a checkpoint was written with other settings than the ones a resume is given. */
export class CheckpointMismatchError extends Error {
  constructor(readonly checkpoint: string, readonly setting: string, readonly saved: unknown, readonly given: unknown) {
    super(`${checkpoint} was written with ${setting} = ${show(saved)}, but the resume is given ${setting} = ${show(given)}; resume with the run's own settings, or start a new run under another checkpoint path`);
    this.name = 'CheckpointMismatchError';
  }
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/**
 * Throws CheckpointMismatchError at the first setting where `given` differs from `saved` (both plain JSON
 * values; `given` is round-tripped through JSON first, so typed arrays and undefined fields compare as
 * they were saved). Settings are named by their path, e.g. `learner.width` or `kernel.args[0].kT`.
 */
export function checkSameSettings(checkpoint: string, saved: unknown, given: unknown): void {
  const d = firstDifference(saved, toJson(given), '');
  if (d) throw new CheckpointMismatchError(checkpoint, d.path || '(settings)', d.saved, d.given);
}

/** A value as it reads back from a JSON file (typed arrays become arrays, undefined fields vanish). */
export function toJson(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) && !(x instanceof DataView) ? Array.from(x as unknown as ArrayLike<number>) : x)));
}

function firstDifference(a: unknown, b: unknown, path: string): { path: string; saved: unknown; given: unknown } | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    // a length difference is reported on the whole array: "masses = [..4 values]" reads better than an index
    if (a.length !== b.length) return { path, saved: a, given: b };
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : { path, saved: a, given: b };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
