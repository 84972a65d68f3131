import { pathPoints } from './reparametrize.js';

/**
 * Distances between discrete paths (flattened [n][dim] points, joined as polylines).
 */

/** Euclidean distance from point p (dim coordinates at p[offset..]) to the polyline through `path`. */
export function distanceToPolyline(p: ArrayLike<number>, path: ArrayLike<number>, dim: number, offset = 0): number {
  const n = path.length / dim;
  let best = Infinity;
  if (n === 1) {
    let d2 = 0;
    for (let k = 0; k < dim; k++) d2 += (p[offset + k] - path[k]) ** 2;
    return Math.sqrt(d2);
  }
  for (let i = 0; i < n - 1; i++) {
    // Project p onto segment [a, b]: t = clamp((p - a).(b - a) / |b - a|^2, 0, 1).
    let ab2 = 0, apab = 0;
    for (let k = 0; k < dim; k++) {
      const a = path[i * dim + k], ab = path[(i + 1) * dim + k] - a;
      ab2 += ab * ab;
      apab += (p[offset + k] - a) * ab;
    }
    const t = ab2 > 0 ? Math.min(1, Math.max(0, apab / ab2)) : 0;
    let d2 = 0;
    for (let k = 0; k < dim; k++) {
      const a = path[i * dim + k], q = a + t * (path[(i + 1) * dim + k] - a);
      d2 += (p[offset + k] - q) ** 2;
    }
    if (d2 < best) best = d2;
  }
  return Math.sqrt(best);
}

/** Distance of every point of path `a` to the polyline `b`. */
export function pathPointDistances(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): Float64Array {
  const na = pathPoints(a, dim, 'pathDistance: first path');
  pathPoints(b, dim, 'pathDistance: second path');
  const out = new Float64Array(na);
  for (let i = 0; i < na; i++) out[i] = distanceToPolyline(a, b, dim, i * dim);
  return out;
}

/** Mean over the points of path `a` of their distance to the polyline `b` (not symmetric). */
export function pathDistance(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): number {
  const d = pathPointDistances(a, b, dim);
  let s = 0;
  for (const v of d) s += v;
  return s / d.length;
}

/** Symmetric path distance: (pathDistance(a, b) + pathDistance(b, a)) / 2. */
export function symmetricPathDistance(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): number {
  return 0.5 * (pathDistance(a, b, dim) + pathDistance(b, a, dim));
}

/** Largest distance of a point of `a` to the polyline `b` (one-sided Hausdorff distance). */
export function maxPathDistance(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): number {
  let m = 0;
  for (const v of pathPointDistances(a, b, dim)) if (v > m) m = v;
  return m;
}
