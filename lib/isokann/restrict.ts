import type { Region } from '../systems/regions.js';
import { checkBurstData, type BurstData } from './data.js';

/**
 * ISOKANN learns the slowest process present in its data (the dominant non-trivial Koopman
 * eigenfunction), whatever the caller had in mind. When a slower process than the one of interest is
 * sampled at all — alanine dipeptide at 800 K in vacuum isomerises its ACE peptide bond (omega cis/trans,
 * a relaxation slower than the phi flip) — a handful of such points is enough for chi to become that
 * process. Restricting the data to a metastable manifold (here: both peptide bonds trans) removes it:
 * the start points outside, and those with a burst that leaves, are dropped. On that manifold the
 * Koopman operator is the one of the process conditioned on staying inside for tau, whose slowest
 * mode is the process of interest when leaving is rare on the scale of tau (the dropped fraction
 * measures how rare; report it).
 */

/**
 * The start points of `data` whose start and every burst end lie in `inside` (a Region on one
 * configuration, as lib/systems/regions.ts and lib/features dihedralBox build), with the indices kept
 * and the number dropped. Throws when no point is left.
 */
export function restrictBursts(data: BurstData, inside: Region): { data: BurstData; kept: Int32Array; dropped: number } {
  checkBurstData(data, 'restrictBursts');
  if (typeof inside !== 'function') throw new TypeError(`restrictBursts: inside must be a Region (x, offset) => boolean, got ${typeof inside}`);
  const { n, bursts: M, dim } = data;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = inside(data.x, i * dim);
    for (let j = 0; ok && j < M; j++) ok = inside(data.y, (i * M + j) * dim);
    if (ok) keep.push(i);
  }
  if (keep.length === 0) throw new RangeError(`restrictBursts: none of the ${n} start points has its start and all ${M} burst ends inside the region`);
  const x = new Float64Array(keep.length * dim), y = new Float64Array(keep.length * M * dim);
  keep.forEach((i, k) => {
    x.set(data.x.subarray(i * dim, (i + 1) * dim), k * dim);
    y.set(data.y.subarray(i * M * dim, (i + 1) * M * dim), k * M * dim);
  });
  return { data: { x, y, n: keep.length, bursts: M, dim, lag: data.lag }, kept: Int32Array.from(keep), dropped: n - keep.length };
}
