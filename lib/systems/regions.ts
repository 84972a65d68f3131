/**
 * Regions of configuration space as predicates `(x, offset) => boolean` on one configuration stored at
 * `x[offset ..]`: the states A and B of transition path sampling and of trajectory stopping.
 */
export type Region = (x: ArrayLike<number>, offset?: number) => boolean;

/**
 * Ball of `radius` around `centre` in the coordinates `indices` (default: the first centre.length
 * coordinates), e.g. a circle of radius 0.15 around a minimum in (x, y).
 */
export function ball(centre: ArrayLike<number>, radius: number, indices?: ArrayLike<number>): Region {
  const c = Float64Array.from(centre);
  const idx = Int32Array.from(indices ?? c.map((_, i) => i));
  if (idx.length !== c.length) throw new RangeError(`ball: ${idx.length} indices for a centre of length ${c.length}`);
  if (!(radius > 0) || !Number.isFinite(radius)) throw new RangeError(`ball: radius must be positive and finite, got ${radius}`);
  for (const v of c) if (!Number.isFinite(v)) throw new RangeError(`ball: centre has a non-finite coordinate ${v}`);
  const r2 = radius * radius;
  return (x, offset = 0) => {
    let d2 = 0;
    for (let k = 0; k < c.length; k++) {
      const d = x[offset + idx[k]] - c[k];
      d2 += d * d;
    }
    return d2 <= r2;
  };
}
