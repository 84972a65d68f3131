/** Shared plumbing of the iterative solvers (minimiser, saddle search, string method, chi-MEP). */

/** Checks that an option is a positive finite number (or integer), returning the default when undefined. */
export function positiveOption(name: string, v: number | undefined, dflt: number, integer = false): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new RangeError(`${name} must be a positive ${integer ? 'integer' : 'finite number'}, got ${v}`);
  }
  return v;
}

/**
 * Thrown by an iterative solver that did not converge, only when the caller asked for it
 * (`throwOnFail`); `result` holds what the solver reached.
 */
export class ConvergenceError<R> extends Error {
  constructor(name: string, message: string, readonly result: R) {
    super(message);
    this.name = name;
  }
}
