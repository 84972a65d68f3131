/**
 * A buffered (Verlet) neighbour list for a rectangular periodic box: every non-excluded atom pair
 * closer than cutoff + buffer under some periodic image, stored with the image shift so the pair
 * kernel needs no minimum-image arithmetic. It is rebuilt only when an atom has moved more than
 * buffer / 2 since the last build (then no pair can have come from beyond cutoff + buffer to within
 * the cut-off) or the box has changed.
 *
 * Storage: records r = 0 .. count - 1, each an atom a = recordAtom[r], a lattice shift S (nm,
 * recordShift[3 r ..]) and partners b = pairs[recordStart[r] .. recordStart[r + 1]), meaning the pair
 * (a, b) at displacement d = x_a - x_b - S; each pair and image appears once. An atom has a record for
 * the partners in its own cluster and one per distinct shift among the others (1 to 8 typically; more
 * only for molecules broken across the box), so the inner loops are long. Within a record the partners
 * inside the cut-off at the build come first.
 *
 * The build searches candidates cluster by cluster, in the manner of GROMACS's cluster pair search
 * (Páll & Hess, Comput. Phys. Commun. 184, 2641 (2013)) with clusters of consecutive atoms of one
 * molecule (a whole water, or up to CLUSTER_SIZE atoms of a larger molecule): cluster centres c and
 * radii R are taken at the build, and only cluster pairs with an image at |c_I - c_J - S| < cutoff +
 * buffer + R_I + R_J have their atom pairs checked. Molecules broken across the box are fine: each
 * atom's image offset from its cluster's first atom is folded into the stored shifts.
 *
 * Buffers grow only at a rebuild; checking the displacement allocates nothing.
 */
export const CLUSTER_SIZE = 4;
// a lattice shift (kx, ky, kz) (box lengths, |k| < SHIFT_BASE / 2) as the exact number kx B^2 + ky B + kz
const SHIFT_BASE = 1 << 16, SHIFT_BASE2 = SHIFT_BASE * SHIFT_BASE, MAX_BOXES = SHIFT_BASE / 8;

export class NeighborList {
  readonly nAtoms: number;
  readonly cutoff: number;
  readonly buffer: number;
  /** Cluster k holds atoms clusterStart[k] .. clusterStart[k + 1] - 1. */
  readonly clusterStart: Int32Array;
  readonly nClusters: number;
  /** Number of records. */
  count = 0;
  /** Record r: its atom a. */
  recordAtom: Int32Array;
  /** Record r: lattice shift S (nm), 3 per record: d = x_a - x_b - S. */
  recordShift: Float64Array;
  /** Record r's partners are pairs[recordStart[r] .. recordStart[r + 1]) (length count + 1). */
  recordStart: Int32Array;
  /** Partner atoms b of all records. */
  pairs: Int32Array;
  /** Number of builds so far (for tests and diagnostics). */
  builds = 0;
  private valid = false;
  private readonly exStart: Int32Array;
  private readonly exJ: Int32Array;
  private readonly xRef: Float64Array;
  private readonly boxRef = new Float64Array(3);
  private readonly centre: Float64Array;
  private readonly radius: Float64Array;
  private readonly image: Int32Array; // per atom: lattice offset (in box lengths) from its cluster's first atom
  private readonly mark: Int32Array;
  // per-cluster scratch of the build: candidate clusters J and their shifts (in box lengths)
  private candJ = new Int32Array(64); // J, or -1 - J when atom pairs must be checked
  private candCode = new Float64Array(64); // shift k as kx B^2 + ky B + kz
  private candJ2 = new Int32Array(64); // scratch of sortCandidates
  private candCode2 = new Float64Array(64);
  private candKey = new Int32Array(64);
  // per-atom scratch of the build: the shift codes of its partners; the distinct shift codes of a
  // cluster's candidates and their counts (sortCandidates)
  private tmpCode = new Float64Array(256);
  private readonly shiftCode = new Float64Array(64);
  private readonly shiftCount = new Int32Array(64);
  private readonly xc: Float64Array;
  private readonly imageCode: Float64Array;

  /**
   * @param exclusions excluded pairs [i, j] (either order): never listed
   * @param molecules each atom's molecule index (atoms of a molecule contiguous); clusters never span
   *   two molecules. Default: every atom its own molecule, i.e. one-atom clusters.
   */
  constructor(nAtoms: number, cutoff: number, buffer: number, exclusions: readonly (readonly [number, number])[], molecules?: ArrayLike<number>) {
    if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new RangeError(`NeighborList: cut-off must be positive, got ${cutoff}`);
    if (!(buffer >= 0) || !Number.isFinite(buffer)) throw new RangeError(`NeighborList: buffer must be non-negative, got ${buffer}`);
    if (molecules && molecules.length !== nAtoms) throw new RangeError(`NeighborList: molecules has ${molecules.length} entries for ${nAtoms} atoms`);
    this.nAtoms = nAtoms;
    this.cutoff = cutoff;
    this.buffer = buffer;
    // clusters: runs of consecutive atoms of one molecule, split evenly into chunks of <= CLUSTER_SIZE
    const starts: number[] = [];
    for (let a0 = 0; a0 < nAtoms; ) {
      let a1 = a0 + 1;
      if (molecules) while (a1 < nAtoms && molecules[a1] === molecules[a0]) a1++;
      const len = a1 - a0, chunks = Math.ceil(len / CLUSTER_SIZE);
      for (let c = 0; c < chunks; c++) starts.push(a0 + Math.floor((c * len) / chunks));
      a0 = a1;
    }
    starts.push(nAtoms);
    this.clusterStart = Int32Array.from(starts);
    const nc = starts.length - 1;
    this.nClusters = nc;

    const count = new Int32Array(nAtoms + 1);
    for (const [i, j] of exclusions) {
      count[i + 1]++;
      count[j + 1]++;
    }
    for (let a = 0; a < nAtoms; a++) count[a + 1] += count[a];
    this.exStart = Int32Array.from(count);
    this.exJ = new Int32Array(count[nAtoms]);
    const fill = Int32Array.from(count);
    for (const [i, j] of exclusions) {
      this.exJ[fill[i]++] = j;
      this.exJ[fill[j]++] = i;
    }
    this.xRef = new Float64Array(3 * nAtoms);
    this.centre = new Float64Array(3 * nc);
    this.radius = new Float64Array(nc);
    this.image = new Int32Array(3 * nAtoms);
    this.xc = new Float64Array(3 * nAtoms);
    this.imageCode = new Float64Array(nAtoms);
    this.mark = new Int32Array(nAtoms).fill(-1);
    this.recordAtom = new Int32Array(Math.max(16, 2 * nAtoms));
    this.recordShift = new Float64Array(3 * this.recordAtom.length);
    this.recordStart = new Int32Array(this.recordAtom.length + 1);
    this.pairs = new Int32Array(Math.max(16, nAtoms * 64));
  }

  /** Rebuilds the list if needed for positions x[o ..] in box [Lx, Ly, Lz]; returns true when it rebuilt. */
  update(x: Float64Array, o: number, box: Float64Array): boolean {
    const n = this.nAtoms, ref = this.xRef, br = this.boxRef;
    if (this.valid && br[0] === box[0] && br[1] === box[1] && br[2] === box[2]) {
      const lim = 0.25 * this.buffer * this.buffer;
      let moved = false;
      for (let a = 0; a < 3 * n; a += 3) {
        const dx = x[o + a] - ref[a], dy = x[o + a + 1] - ref[a + 1], dz = x[o + a + 2] - ref[a + 2];
        if (dx * dx + dy * dy + dz * dz > lim) {
          moved = true;
          break;
        }
      }
      if (!moved) return false;
    }
    this.build(x, o, box);
    return true;
  }

  /** Forces a rebuild on the next update (after positions were changed by more than a step, e.g. a new frame). */
  invalidate(): void {
    this.valid = false;
  }

  /** Cluster centres and radii from the positions with each atom moved to its cluster's first atom's image. */
  private clusterGeometry(x: Float64Array, o: number, L: Float64Array): void {
    const cs = this.clusterStart, cen = this.centre, rad = this.radius, img = this.image;
    for (let c = 0; c < this.nClusters; c++) {
      const a0 = cs[c], a1 = cs[c + 1], m = a1 - a0;
      let cx = 0, cy = 0, cz = 0;
      for (let a = a0; a < a1; a++) {
        for (let d = 0; d < 3; d++) {
          if (!(Math.abs(x[o + 3 * a + d]) < MAX_BOXES * L[d])) throw new RangeError(`NeighborList: atom ${a + 1} is at ${x[o + 3 * a + d]} nm along ${'xyz'[d]}, more than ${MAX_BOXES} boxes out (or not finite); wrap the molecules back into the box (wrapMolecules)`);
          img[3 * a + d] = Math.round((x[o + 3 * a + d] - x[o + 3 * a0 + d]) / L[d]);
        }
        cx += x[o + 3 * a] - img[3 * a] * L[0];
        cy += x[o + 3 * a + 1] - img[3 * a + 1] * L[1];
        cz += x[o + 3 * a + 2] - img[3 * a + 2] * L[2];
      }
      cx /= m;
      cy /= m;
      cz /= m;
      let r2 = 0;
      for (let a = a0; a < a1; a++) {
        const dx = x[o + 3 * a] - img[3 * a] * L[0] - cx, dy = x[o + 3 * a + 1] - img[3 * a + 1] * L[1] - cy, dz = x[o + 3 * a + 2] - img[3 * a + 2] * L[2] - cz;
        r2 = Math.max(r2, dx * dx + dy * dy + dz * dz);
      }
      cen[3 * c] = cx;
      cen[3 * c + 1] = cy;
      cen[3 * c + 2] = cz;
      rad[c] = Math.sqrt(r2);
    }
  }

  /** Clusters J >= I with an image (shift k, in box lengths: c_I - c_J - k L) within reach of I; returns how many. */
  private candidates(I: number, rl: number, L: Float64Array): number {
    const cen = this.centre, rad = this.radius, nc = this.nClusters;
    const Lx = L[0], Ly = L[1], Lz = L[2], half = 0.5 * Math.min(Lx, Ly, Lz);
    const iLx = 1 / Lx, iLy = 1 / Ly, iLz = 1 / Lz;
    const xi = cen[3 * I], yi = cen[3 * I + 1], zi = cen[3 * I + 2], ri = rl + rad[I];
    let m = 0;
    for (let J = I; J < nc; J++) {
      const rr = ri + rad[J], rr2 = rr * rr;
      let dx = xi - cen[3 * J], dy = yi - cen[3 * J + 1], dz = zi - cen[3 * J + 2];
      const kx = Math.floor(dx * iLx + 0.5), ky = Math.floor(dy * iLy + 0.5), kz = Math.floor(dz * iLz + 0.5);
      dx -= kx * Lx;
      dy -= ky * Ly;
      dz -= kz * Lz;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (J !== I && d2 < rr2) m = this.addCandidate(m, J, kx, ky, kz, Math.sqrt(d2) + rad[I] + rad[J] < rl);
      // another image can be within reach only along an axis where the nearest one is farther than L - rr
      if (rr < half || (Math.abs(dx) <= Lx - rr && Math.abs(dy) <= Ly - rr && Math.abs(dz) <= Lz - rr)) continue;
      for (let sx = Math.ceil((-rr - dx) / Lx); sx * Lx + dx < rr; sx++) {
        for (let sy = Math.ceil((-rr - dy) / Ly); sy * Ly + dy < rr; sy++) {
          for (let sz = Math.ceil((-rr - dz) / Lz); sz * Lz + dz < rr; sz++) {
            if (sx === 0 && sy === 0 && sz === 0) continue; // the nearest image, above
            const ex = dx + sx * Lx, ey = dy + sy * Ly, ez = dz + sz * Lz;
            if (ex * ex + ey * ey + ez * ez >= rr2) continue;
            // an image of I itself: one of each pair of opposite shifts (k > 0 lexicographically)
            if (J === I && (sx < 0 || (sx === 0 && (sy < 0 || (sy === 0 && sz <= 0))))) continue;
            m = this.addCandidate(m, J, kx - sx, ky - sy, kz - sz, Math.sqrt(ex * ex + ey * ey + ez * ez) + rad[I] + rad[J] < rl);
          }
        }
      }
    }
    return m;
  }

  /** Adds candidate cluster J at shift k (box lengths); `inside`: every atom pair is within reach. */
  private addCandidate(m: number, J: number, kx: number, ky: number, kz: number, inside: boolean): number {
    if (m === this.candJ.length) {
      this.candJ = grow(this.candJ, m);
      this.candCode = grow(this.candCode, m);
    }
    this.candJ[m] = inside ? J : -1 - J;
    this.candCode[m] = kx * SHIFT_BASE2 + ky * SHIFT_BASE + kz;
    return m + 1;
  }

  /** Orders the first m candidates by shift code (a stable counting sort over the few distinct shifts); returns m. */
  private sortCandidates(m: number): number {
    const cj = this.candJ, cc = this.candCode, keys = this.shiftCode, cnt = this.shiftCount;
    if (this.candJ2.length < cj.length) {
      this.candJ2 = new Int32Array(cj.length);
      this.candCode2 = new Float64Array(cj.length);
    }
    const oj = this.candJ2, oc = this.candCode2, which = this.candKey.length < m ? (this.candKey = new Int32Array(2 * m)) : this.candKey;
    let nk = 0;
    for (let c = 0; c < m; c++) {
      let k = 0;
      while (k < nk && keys[k] !== cc[c]) k++;
      if (k === nk) {
        if (nk === keys.length) throw new Error('NeighborList: more than 64 distinct image shifts for one cluster; the box is far too small for the cut-off');
        keys[nk] = cc[c];
        cnt[nk++] = 0;
      }
      which[c] = k;
      cnt[k]++;
    }
    for (let k = 0, start = 0; k < nk; k++) {
      const c = cnt[k];
      cnt[k] = start;
      start += c;
    }
    for (let c = 0; c < m; c++) {
      const at = cnt[which[c]]++;
      oj[at] = cj[c];
      oc[at] = cc[c];
    }
    // the sorted copies become the candidate arrays (the old ones are the next scratch)
    this.candJ2 = cj;
    this.candCode2 = cc;
    this.candJ = oj;
    this.candCode = oc;
    return m;
  }

  private build(x: Float64Array, o: number, L: Float64Array): void {
    const n = this.nAtoms, cs = this.clusterStart, img = this.image, mark = this.mark, exS = this.exStart, exJ = this.exJ;
    this.boxRef.set(L);
    for (let k = 0; k < 3 * n; k++) this.xRef[k] = x[o + k];
    this.clusterGeometry(x, o, L);
    const Lx = L[0], Ly = L[1], Lz = L[2];
    // positions moved to their cluster's first atom's image: then an atom pair's shift is its clusters' shift
    const xc = this.xc, imgCode = this.imageCode;
    for (let a = 0; a < n; a++) {
      imgCode[a] = img[3 * a] * SHIFT_BASE2 + img[3 * a + 1] * SHIFT_BASE + img[3 * a + 2];
      xc[3 * a] = x[o + 3 * a] - img[3 * a] * Lx;
      xc[3 * a + 1] = x[o + 3 * a + 1] - img[3 * a + 1] * Ly;
      xc[3 * a + 2] = x[o + 3 * a + 2] - img[3 * a + 2] * Lz;
    }
    const rl = this.cutoff + this.buffer, rl2 = rl * rl, rc2 = this.cutoff * this.cutoff;
    let nRec = 0, np = 0;
    for (let I = 0; I < this.nClusters; I++) {
      // the clusters within reach, ordered by shift so that each atom's partners come in runs of one
      // shift: a run is a record (one per distinct shift unless molecules are broken across the box)
      const nCand = this.sortCandidates(this.candidates(I, rl, L));
      const candJ = this.candJ, candCode = this.candCode, a1 = cs[I + 1];
      if (this.tmpCode.length < (nCand + 1) * CLUSTER_SIZE) this.tmpCode = new Float64Array(2 * (nCand + 1) * CLUSTER_SIZE);
      if (this.pairs.length < np + (a1 - cs[I]) * (nCand + 1) * CLUSTER_SIZE) this.pairs = grow(this.pairs, np, np + (a1 - cs[I]) * (nCand + 1) * CLUSTER_SIZE);
      const code = this.tmpCode, pairs = this.pairs;
      for (let a = cs[I]; a < a1; a++) {
        for (let e = exS[a]; e < exS[a + 1]; e++) mark[exJ[e]] = a;
        const xa = xc[3 * a], ya = xc[3 * a + 1], za = xc[3 * a + 2], ca = imgCode[a];
        let m = 0;
        // partners b > a of its own cluster, then those of the candidates
        for (let b = a + 1; b < a1; b++) {
          if (mark[b] === a) continue;
          pairs[np + m] = b;
          code[m++] = ca - imgCode[b];
        }
        for (let c = 0; c < nCand; c++) {
          // the pair's shift: the clusters' shift plus each atom's offset from its cluster's first atom
          const cj = candJ[c], cc = candCode[c] + ca;
          if (cj >= 0) {
            for (let b = cs[cj]; b < cs[cj + 1]; b++) {
              if (mark[b] === a || b === a) continue;
              pairs[np + m] = b;
              code[m++] = cc - imgCode[b];
            }
            continue;
          }
          const J = -1 - cj;
          const kx = Math.round(candCode[c] / SHIFT_BASE2), ky = Math.round((candCode[c] - kx * SHIFT_BASE2) / SHIFT_BASE), kz = candCode[c] - kx * SHIFT_BASE2 - ky * SHIFT_BASE;
          const sx = xa - kx * Lx, sy = ya - ky * Ly, sz = za - kz * Lz;
          for (let b = cs[J]; b < cs[J + 1]; b++) {
            const dx = sx - xc[3 * b], dy = sy - xc[3 * b + 1], dz = sz - xc[3 * b + 2];
            if (dx * dx + dy * dy + dz * dz >= rl2 || mark[b] === a || b === a) continue;
            pairs[np + m] = b;
            code[m++] = cc - imgCode[b];
          }
        }
        // one record per run of equal shifts
        for (let p = 0; p < m; ) {
          const k = code[p];
          let q = p + 1;
          while (q < m && code[q] === k) q++;
          if (nRec + 1 >= this.recordAtom.length) {
            this.recordAtom = grow(this.recordAtom, nRec);
            this.recordShift = grow(this.recordShift, 3 * nRec);
            this.recordStart = grow(this.recordStart, nRec + 1);
          }
          const kx = Math.round(k / SHIFT_BASE2), ky = Math.round((k - kx * SHIFT_BASE2) / SHIFT_BASE);
          const Sx = kx * Lx, Sy = ky * Ly, Sz = (k - kx * SHIFT_BASE2 - ky * SHIFT_BASE) * Lz;
          this.recordAtom[nRec] = a;
          this.recordShift[3 * nRec] = Sx;
          this.recordShift[3 * nRec + 1] = Sy;
          this.recordShift[3 * nRec + 2] = Sz;
          this.recordStart[nRec++] = np + p;
          // partners within the cut-off now first, the buffer shell after: the kernels then meet long
          // runs of one outcome of the cut-off test (fewer mispredicted branches, fewer half-used lanes)
          const ax = x[o + 3 * a] - Sx, ay = x[o + 3 * a + 1] - Sy, az = x[o + 3 * a + 2] - Sz;
          for (let lo = np + p, hi = np + q - 1; ; ) {
            while (lo <= hi && dist2(x, o, pairs[lo], ax, ay, az) < rc2) lo++;
            while (lo < hi && dist2(x, o, pairs[hi], ax, ay, az) >= rc2) hi--;
            if (lo >= hi) break;
            const t = pairs[lo];
            pairs[lo++] = pairs[hi];
            pairs[hi--] = t;
          }
          p = q;
        }
        np += m;
      }
    }
    this.recordStart[nRec] = np;
    this.count = nRec;
    mark.fill(-1);
    this.builds++;
    this.valid = true;
  }
}

/** Squared distance of atom b (positions x[o ..]) from the point (ax, ay, az). */
function dist2(x: Float64Array, o: number, b: number, ax: number, ay: number, az: number): number {
  const dx = ax - x[o + 3 * b], dy = ay - x[o + 3 * b + 1], dz = az - x[o + 3 * b + 2];
  return dx * dx + dy * dy + dz * dz;
}

/** A copy of a typed array's first `used` elements in a buffer of at least `need` (default twice the length). */
function grow<T extends Int32Array | Float64Array>(a: T, used: number, need = 2 * a.length): T {
  const g = new (a.constructor as new (n: number) => T)(Math.max(need, 2 * a.length));
  g.set(a.subarray(0, used));
  return g;
}
