import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Optimal superposition of a structure onto a reference (Kabsch problem) by Horn's quaternion method
 * (J. Opt. Soc. Am. A 4, 629 (1987)): the rotation maximising sum_a ref_a . R r_a is R(q) for the top
 * eigenvector q of a 4x4 symmetric matrix N built from the correlation S_kl = sum_a r_a^k ref_a^l.
 * Coordinates are flattened `[atom*3 + xyz]` (nm). The aligned-Cartesian featurisation
 * y_a = R (x_a - c) comes with an exact vector-Jacobian product (rotation derivative included), so a
 * network on aligned coordinates can be differentiated back to the atoms.
 */
export interface AlignOptions {
  /** Atoms used for the fit (default: all); every atom is transformed. */
  fitAtoms?: ArrayLike<number>;
}

export interface Alignment {
  /** Aligned coordinates R (x - c), flattened. */
  aligned: Float64Array;
  /** Row-major 3x3 rotation. */
  rotation: Float64Array;
  /** Unit quaternion of the rotation. */
  quaternion: Float64Array;
  /** Centroid of the fit atoms that was removed. */
  centroid: Float64Array;
  /** RMSD over the fit atoms after alignment (nm). */
  rmsd: number;
  /** Vector-Jacobian product: gradient w.r.t. x of a scalar whose gradient w.r.t. the aligned coordinates is g. */
  pullback(g: Float64Array): Float64Array;
}

/** Horn's N(S) for a 3x3 correlation S (row-major). */
function hornN(S: ArrayLike<number>): number[][] {
  const [xx, xy, xz, yx, yy, yz, zx, zy, zz] = Array.from(S);
  return [
    [xx + yy + zz, yz - zy, zx - xz, xy - yx],
    [yz - zy, xx - yy - zz, xy + yx, zx + xz],
    [zx - xz, xy + yx, -xx + yy - zz, yz + zy],
    [xy - yx, zx + xz, yz + zy, -xx - yy + zz],
  ];
}

function rotationOf(q: ArrayLike<number>): Float64Array {
  const [a, b, c, d] = [q[0], q[1], q[2], q[3]];
  return Float64Array.from([
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d,
  ]);
}

/** dR_ij/dq_m, [m][9]. */
function rotationDerivative(q: ArrayLike<number>): Float64Array[] {
  const [a, b, c, d] = [2 * q[0], 2 * q[1], 2 * q[2], 2 * q[3]];
  return [
    Float64Array.from([a, -d, c, d, a, -b, -c, b, a]),
    Float64Array.from([b, c, d, c, -b, -a, d, a, -b]),
    Float64Array.from([-c, b, a, b, c, d, -a, d, -c]),
    Float64Array.from([-d, -a, b, a, -d, c, b, c, d]),
  ];
}

function checkCoords(x: ArrayLike<number>, what: string): number {
  if (x.length % 3 !== 0 || x.length === 0) throw new RangeError(`align: ${what} length ${x.length} is not a positive multiple of 3`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new RangeError(`align: ${what} atom ${Math.floor(i / 3)} has a non-finite coordinate ${x[i]}`);
  return x.length / 3;
}

/** Aligns `x` onto `reference` (same atom count) and returns the alignment with its Jacobian pullback. */
export function align(x: ArrayLike<number>, reference: ArrayLike<number>, options: AlignOptions = {}): Alignment {
  const n = checkCoords(x, 'coordinates');
  if (checkCoords(reference, 'reference') !== n) throw new RangeError(`align: ${n} atoms but the reference has ${reference.length / 3}`);
  const fit = Int32Array.from(options.fitAtoms ?? Array.from({ length: n }, (_, i) => i));
  if (fit.length < 3) throw new RangeError(`align: need at least 3 fit atoms, got ${fit.length}`);
  for (const a of fit) if (a < 0 || a >= n) throw new RangeError(`align: fit atom ${a} outside 0..${n - 1}`);
  const c = new Float64Array(3), cr = new Float64Array(3);
  for (const a of fit) for (let k = 0; k < 3; k++) { c[k] += x[3 * a + k] / fit.length; cr[k] += reference[3 * a + k] / fit.length; }
  const S = new Float64Array(9);
  for (const a of fit) {
    for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) S[3 * k + l] += (x[3 * a + k] - c[k]) * (reference[3 * a + l] - cr[l]);
  }
  const N = hornN(S);
  const eig = new EigenvalueDecomposition(new Matrix(N), { assumeSymmetric: true });
  const vals = eig.realEigenvalues;
  const V = eig.eigenvectorMatrix;
  let top = 0;
  for (let i = 1; i < 4; i++) if (vals[i] > vals[top]) top = i;
  const q = Float64Array.from([0, 1, 2, 3].map((i) => V.get(i, top)));
  if (q[0] < 0 || (q[0] === 0 && q[1] < 0)) q.forEach((v, i) => (q[i] = -v)); // q and -q are the same rotation
  const R = rotationOf(q);
  const aligned = new Float64Array(3 * n);
  for (let a = 0; a < n; a++) {
    const r0 = x[3 * a] - c[0], r1 = x[3 * a + 1] - c[1], r2 = x[3 * a + 2] - c[2];
    for (let i = 0; i < 3; i++) aligned[3 * a + i] = R[3 * i] * r0 + R[3 * i + 1] * r1 + R[3 * i + 2] * r2 + cr[i];
  }
  let msd = 0;
  for (const a of fit) for (let k = 0; k < 3; k++) msd += (aligned[3 * a + k] - reference[3 * a + k]) ** 2;
  const gap = vals[top] - Math.max(...Array.from(vals).filter((_, i) => i !== top));

  const pullback = (g: Float64Array): Float64Array => {
    if (g.length !== 3 * n) throw new RangeError(`align.pullback: gradient length ${g.length}, expected ${3 * n}`);
    if (!(gap > 1e-12 * Math.abs(vals[top]))) throw new Error('align.pullback: the optimal rotation is degenerate (collinear or symmetric fit atoms); its derivative is undefined');
    const out = new Float64Array(3 * n);
    // direct term R^T g_a, and M_ij = sum_a g_a^i r_a^j for the rotation term
    const M = new Float64Array(9);
    const sumG = new Float64Array(3);
    for (let a = 0; a < n; a++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let i = 0; i < 3; i++) s += R[3 * i + j] * g[3 * a + i];
        out[3 * a + j] = s;
        sumG[j] += s;
        const r = x[3 * a + j] - c[j];
        for (let i = 0; i < 3; i++) M[3 * i + j] += g[3 * a + i] * r;
      }
    }
    // centroid: y_b depends on -c for every atom b; c is the mean over the fit atoms
    for (const a of fit) for (let j = 0; j < 3; j++) out[3 * a + j] -= sumG[j] / fit.length;
    // rotation: s_m = sum_ij dR_ij/dq_m M_ij; u = (N - lambda I)^+ s; dq = -(N - lambda I)^+ dN q
    const dR = rotationDerivative(q);
    const sv = dR.map((d) => d.reduce((acc, v, k) => acc + v * M[k], 0));
    const u = new Float64Array(4);
    for (let e = 0; e < 4; e++) {
      if (e === top) continue;
      let proj = 0;
      for (let m = 0; m < 4; m++) proj += V.get(m, e) * sv[m];
      const w = proj / (vals[e] - vals[top]);
      for (let m = 0; m < 4; m++) u[m] += w * V.get(m, e);
    }
    // T_kl = u^T (dN/dS_kl) q; N is linear in S
    const T = new Float64Array(9);
    for (let kl = 0; kl < 9; kl++) {
      const unit = new Float64Array(9);
      unit[kl] = 1;
      const E = hornN(unit);
      let t = 0;
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) t += u[i] * E[i][j] * q[j];
      T[kl] = t;
    }
    // dS_kl/dx_a^k = ref_a^l - cr_l for fit atoms (the centroid term vanishes: centred ref sums to 0)
    for (const a of fit) {
      for (let k = 0; k < 3; k++) {
        let s = 0;
        for (let l = 0; l < 3; l++) s += (reference[3 * a + l] - cr[l]) * T[3 * k + l];
        out[3 * a + k] -= s;
      }
    }
    return out;
  };

  return { aligned, rotation: R, quaternion: q, centroid: c, rmsd: Math.sqrt(msd / fit.length), pullback };
}
