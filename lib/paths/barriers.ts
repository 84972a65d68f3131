import type { Potential } from '../systems/potential.js';
import { minimize } from '../dynamics/minimize.js';
import { findSaddle } from '../dynamics/saddle.js';
import { stringMethod, type StringOptions, type StringResult } from './string.js';

export interface StringBarriers {
  /** Minimised end states and the highest saddle between them (coordinates and energies). */
  from: { x: Float64Array; energy: number };
  to: { x: Float64Array; energy: number };
  saddle: { x: Float64Array; energy: number; converged: boolean };
  /** Barrier from `from` to `to` and back: saddle energy minus each end's energy (energy units of the system). */
  forward: number;
  backward: number;
  string: StringResult;
}

/**
 * Barriers of the minimum energy path between two states: both ends are minimised, the string method
 * (lib/paths/string.ts) traces the path, and the highest image is refined to the exact index-1 saddle
 * (findSaddle, started along the path tangent), so the barrier does not depend on the image spacing.
 */
export function stringBarriers(potential: Potential, from: ArrayLike<number>, to: ArrayLike<number>, options: StringOptions = {}): StringBarriers {
  const d = potential.dim;
  if (from.length !== d || to.length !== d) throw new RangeError(`stringBarriers(${potential.name}): end points need ${d} coordinates, got ${from.length} and ${to.length}`);
  const a = minimize(potential, from), b = minimize(potential, to);
  const initial = new Float64Array(2 * d);
  initial.set(a.x, 0);
  initial.set(b.x, d);
  const s = stringMethod(potential, initial, { images: 60, ...options, throwOnFail: true });
  let top = 1;
  for (let i = 1; i < s.nImages - 1; i++) if (s.energies[i] > s.energies[top]) top = i;
  const tangent = Float64Array.from({ length: d }, (_, k) => s.images[(top + 1) * d + k] - s.images[(top - 1) * d + k]);
  const sp = findSaddle(potential, s.images.subarray(top * d, (top + 1) * d), { direction: tangent, maxStep: 0.02 });
  // Keep the refined saddle only if it is the path's own (close to the top image); else report the image.
  const dist = Math.hypot(...Array.from({ length: d }, (_, k) => sp.x[k] - s.images[top * d + k]));
  const spacing = s.length / (s.nImages - 1);
  const saddle = sp.converged && dist <= 2 * spacing
    ? { x: sp.x, energy: sp.energy, converged: true }
    : { x: s.images.slice(top * d, (top + 1) * d), energy: s.energies[top], converged: false };
  return {
    from: { x: a.x, energy: a.energy }, to: { x: b.x, energy: b.energy }, saddle,
    forward: saddle.energy - a.energy, backward: saddle.energy - b.energy, string: s,
  };
}
