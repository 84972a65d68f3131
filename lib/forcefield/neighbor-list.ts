/**
 * A buffered (Verlet) neighbour list for a rectangular periodic box: every non-excluded pair closer
 * than cutoff + buffer under the minimum-image convention, built with a cell list (O(N)) and rebuilt
 * only when an atom has moved more than buffer / 2 since the last build (then no pair can have come
 * from beyond cutoff + buffer to within the cut-off) or the box has changed.
 *
 * Storage: a half list in CSR form, partners j > i of atom i at `pairs[start[i] .. start[i + 1])`.
 * Buffers grow only at a rebuild; checking the displacement allocates nothing.
 */
export class NeighborList {
  readonly nAtoms: number;
  readonly cutoff: number;
  readonly buffer: number;
  /** CSR offsets, length nAtoms + 1. */
  readonly start: Int32Array;
  /** Partner atom indices (j > i). */
  pairs: Int32Array;
  /** Number of builds so far (for tests and diagnostics). */
  builds = 0;
  private valid = false;
  private readonly exStart: Int32Array;
  private readonly exJ: Int32Array;
  private readonly xRef: Float64Array;
  private readonly boxRef = new Float64Array(3);
  private readonly mark: Int32Array;
  private cellHead = new Int32Array(0);
  private readonly cellNext: Int32Array;
  private readonly cellOf: Int32Array;

  /**
   * @param exclusions excluded pairs [i, j] (either order): never listed
   */
  constructor(nAtoms: number, cutoff: number, buffer: number, exclusions: readonly (readonly [number, number])[]) {
    if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new RangeError(`NeighborList: cut-off must be positive, got ${cutoff}`);
    if (!(buffer >= 0) || !Number.isFinite(buffer)) throw new RangeError(`NeighborList: buffer must be non-negative, got ${buffer}`);
    this.nAtoms = nAtoms;
    this.cutoff = cutoff;
    this.buffer = buffer;
    this.start = new Int32Array(nAtoms + 1);
    this.pairs = new Int32Array(Math.max(16, nAtoms * 64));
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
    this.mark = new Int32Array(nAtoms).fill(-1);
    this.cellNext = new Int32Array(nAtoms);
    this.cellOf = new Int32Array(nAtoms);
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

  private build(x: Float64Array, o: number, box: Float64Array): void {
    const n = this.nAtoms;
    this.boxRef.set(box);
    for (let k = 0; k < 3 * n; k++) this.xRef[k] = x[o + k];
    const rl = this.cutoff + this.buffer, rl2 = rl * rl;
    const Lx = box[0], Ly = box[1], Lz = box[2];
    const cx = Math.floor(Lx / rl), cy = Math.floor(Ly / rl), cz = Math.floor(Lz / rl);
    const useCells = cx >= 3 && cy >= 3 && cz >= 3;
    const mark = this.mark, exS = this.exStart, exJ = this.exJ;
    let pairs = this.pairs, np = 0;
    const push = (j: number) => {
      if (np === pairs.length) {
        const grown = new Int32Array(2 * pairs.length);
        grown.set(pairs);
        pairs = grown;
      }
      pairs[np++] = j;
    };
    if (useCells) {
      const nc = cx * cy * cz;
      if (this.cellHead.length < nc) this.cellHead = new Int32Array(nc);
      const head = this.cellHead, next = this.cellNext, cellOf = this.cellOf;
      head.fill(-1, 0, nc);
      for (let a = 0; a < n; a++) {
        let sx = x[o + 3 * a] / Lx, sy = x[o + 3 * a + 1] / Ly, sz = x[o + 3 * a + 2] / Lz;
        sx -= Math.floor(sx);
        sy -= Math.floor(sy);
        sz -= Math.floor(sz);
        const ix = Math.min(cx - 1, Math.floor(sx * cx)), iy = Math.min(cy - 1, Math.floor(sy * cy)), iz = Math.min(cz - 1, Math.floor(sz * cz));
        const c = (ix * cy + iy) * cz + iz;
        cellOf[a] = c;
        next[a] = head[c];
        head[c] = a;
      }
      for (let i = 0; i < n; i++) {
        this.start[i] = np;
        for (let e = exS[i]; e < exS[i + 1]; e++) mark[exJ[e]] = i;
        const c = cellOf[i];
        const ix = Math.floor(c / (cy * cz)), iy = Math.floor(c / cz) % cy, iz = c % cz;
        const xi = x[o + 3 * i], yi = x[o + 3 * i + 1], zi = x[o + 3 * i + 2];
        for (let ddx = -1; ddx <= 1; ddx++) {
          const jx = (ix + ddx + cx) % cx;
          for (let ddy = -1; ddy <= 1; ddy++) {
            const jy = (iy + ddy + cy) % cy;
            for (let ddz = -1; ddz <= 1; ddz++) {
              const jz = (iz + ddz + cz) % cz;
              for (let j = head[(jx * cy + jy) * cz + jz]; j >= 0; j = next[j]) {
                if (j <= i || mark[j] === i) continue;
                let dx = xi - x[o + 3 * j], dy = yi - x[o + 3 * j + 1], dz = zi - x[o + 3 * j + 2];
                dx -= Lx * Math.round(dx / Lx);
                dy -= Ly * Math.round(dy / Ly);
                dz -= Lz * Math.round(dz / Lz);
                if (dx * dx + dy * dy + dz * dz < rl2) push(j);
              }
            }
          }
        }
      }
    } else {
      // fewer than 3 cells along an axis: check every pair (minimum image)
      for (let i = 0; i < n; i++) {
        this.start[i] = np;
        for (let e = exS[i]; e < exS[i + 1]; e++) mark[exJ[e]] = i;
        const xi = x[o + 3 * i], yi = x[o + 3 * i + 1], zi = x[o + 3 * i + 2];
        for (let j = i + 1; j < n; j++) {
          if (mark[j] === i) continue;
          let dx = xi - x[o + 3 * j], dy = yi - x[o + 3 * j + 1], dz = zi - x[o + 3 * j + 2];
          dx -= Lx * Math.round(dx / Lx);
          dy -= Ly * Math.round(dy / Ly);
          dz -= Lz * Math.round(dz / Lz);
          if (dx * dx + dy * dy + dz * dz < rl2) push(j);
        }
      }
    }
    this.start[n] = np;
    this.pairs = pairs;
    mark.fill(-1);
    this.builds++;
    this.valid = true;
  }
}
