/**
 * A featurisation maps a molecular configuration x [nAtoms * 3] (nm) to network inputs f(x) [inputs]
 * and pulls gradients back: given dL/df, returns dL/dx = J^T dL/df. The pullback is what turns a
 * network's input gradient into per-atom contributions (AIMMD Eq. 5, AMORE-MD saliency).
 */
export interface Featurization {
  readonly inputs: number;
  readonly atoms: number;
  /** One name per input, for relevance tables. */
  readonly names: readonly string[];
  /** Features of n configurations [n][atoms*3] -> [n][inputs]. */
  transform(x: Float64Array, n: number): Float64Array;
  /** J^T g for configuration x (one frame, [atoms*3]) and g = dL/df [inputs]; returns [atoms*3]. */
  pullback(x: Float64Array, g: ArrayLike<number>): Float64Array;
}

/** Throws a clear error unless x holds n finite configurations of `atoms` atoms. */
export function checkFrames(what: string, x: ArrayLike<number>, n: number, atoms: number): void {
  if (!Number.isInteger(n) || n < 0 || x.length !== n * atoms * 3) throw new RangeError(`${what}: got ${x.length} coordinates, expected ${n} frames x ${atoms} atoms x 3`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new RangeError(`${what}: coordinate ${i % 3} of atom ${Math.floor(i / 3) % atoms} in frame ${Math.floor(i / (3 * atoms))} is ${x[i]}`);
}
