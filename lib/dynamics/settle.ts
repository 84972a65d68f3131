import { ConstraintError, projectFromItself } from './constraints.js';
import type { Constraints } from './constraints.js';

/**
 * SETTLE: the analytical solution of the SHAKE equations for rigid three-site waters (Miyamoto &
 * Kollman, J. Comput. Chem. 13, 952 (1992); "MK" below), and the matching velocity step of RATTLE
 * (a 3 x 3 linear solve per water). Coordinates flattened `[walker][atom * 3 + xyz]` (nm).
 *
 * Positions (MK Appendix A): the constraint forces of SHAKE act along the old bonds, so they lie in the
 * old molecular plane, keep the centre of mass and exert no torque about it. In the frame with Z
 * normal to the old plane and X perpendicular to the unconstrained oxygen position relative to the
 * new centre of mass, the constrained z coordinates therefore equal the unconstrained ones, which fixes
 * the out-of-plane angles phi and psi of the rigid triangle (MK eqs. A6-A7); the in-plane rotation
 * theta follows from zero torque, alpha sin(theta) + beta cos(theta) = gamma (MK eqs. A8-A10).
 */
export interface SettleWater {
  o: number;
  h1: number;
  h2: number;
  dOH: number;
  dHH: number;
}

export class SettleConstraints implements Constraints {
  readonly nAtoms: number;
  /** Oxygen, hydrogen 1, hydrogen 2 of each water (atom indices). */
  readonly atoms: Int32Array;
  private readonly mO: Float64Array;
  private readonly mH: Float64Array;
  // canonical triangle per water: centre of mass at the origin, O at (0, ra), H at (-+rc, -rb)
  private readonly ra: Float64Array;
  private readonly rb: Float64Array;
  private readonly rc: Float64Array;
  private readonly dOH: Float64Array;
  private readonly dHH: Float64Array;
  private readonly ref: Float64Array;

  /**
   * @param waters the waters (as Topology.settles)
   * @param atomMasses mass of every atom (amu); both hydrogens of a water must have the same mass
   */
  constructor(waters: readonly SettleWater[], atomMasses: ArrayLike<number>) {
    const nw = waters.length;
    this.nAtoms = atomMasses.length;
    this.atoms = new Int32Array(3 * nw);
    this.mO = new Float64Array(nw);
    this.mH = new Float64Array(nw);
    this.ra = new Float64Array(nw);
    this.rb = new Float64Array(nw);
    this.rc = new Float64Array(nw);
    this.dOH = new Float64Array(nw);
    this.dHH = new Float64Array(nw);
    const seen = new Uint8Array(this.nAtoms);
    waters.forEach((w, k) => {
      for (const a of [w.o, w.h1, w.h2]) {
        if (!Number.isInteger(a) || a < 0 || a >= this.nAtoms) throw new RangeError(`SettleConstraints: water ${k} has atom ${a}, outside 0..${this.nAtoms - 1}`);
        if (seen[a]) throw new RangeError(`SettleConstraints: atom ${a} is in two waters (water ${k})`);
        seen[a] = 1;
      }
      const mo = atomMasses[w.o], mh = atomMasses[w.h1];
      if (!(mo > 0) || !(mh > 0)) throw new RangeError(`SettleConstraints: water ${k} has non-positive masses ${mo}, ${mh}`);
      if (atomMasses[w.h2] !== mh) throw new RangeError(`SettleConstraints: water ${k}: the hydrogens have different masses (${mh}, ${atomMasses[w.h2]}); SETTLE needs equal ones`);
      if (!(w.dOH > 0) || !(w.dHH > 0) || !(w.dHH < 2 * w.dOH)) throw new RangeError(`SettleConstraints: water ${k}: distances dOH ${w.dOH}, dHH ${w.dHH} do not form a triangle`);
      this.atoms[3 * k] = w.o;
      this.atoms[3 * k + 1] = w.h1;
      this.atoms[3 * k + 2] = w.h2;
      this.mO[k] = mo;
      this.mH[k] = mh;
      const rc = 0.5 * w.dHH, h = Math.sqrt(w.dOH * w.dOH - rc * rc);
      this.ra[k] = (2 * mh * h) / (mo + 2 * mh);
      this.rb[k] = h - this.ra[k];
      this.rc[k] = rc;
      this.dOH[k] = w.dOH;
      this.dHH[k] = w.dHH;
    });
    this.ref = new Float64Array(3 * this.nAtoms);
  }

  /** Three distance constraints per water. */
  get count(): number {
    return 3 * this.mO.length;
  }

  /**
   * Moves x (unconstrained new positions) onto the constraints, given positions xRef that satisfy
   * them (the previous step); when v is given, adds the position correction / dt to it (as SHAKE does).
   */
  shake(xRef: Float64Array, x: Float64Array, nWalkers: number, v?: Float64Array, dt = 1): void {
    const dim = 3 * this.nAtoms, A = this.atoms, inv = 1 / dt;
    for (let w = 0; w < nWalkers; w++) {
      const o = w * dim;
      for (let k = 0, nw = this.mO.length; k < nw; k++) {
        const ia = o + 3 * A[3 * k], ib = o + 3 * A[3 * k + 1], ic = o + 3 * A[3 * k + 2];
        const mo = this.mO[k], mh = this.mH[k], M = mo + 2 * mh;
        const ra = this.ra[k], rb = this.rb[k], rc = this.rc[k];
        // old bond vectors (relative to the old oxygen)
        const b0x = xRef[ib] - xRef[ia], b0y = xRef[ib + 1] - xRef[ia + 1], b0z = xRef[ib + 2] - xRef[ia + 2];
        const c0x = xRef[ic] - xRef[ia], c0y = xRef[ic + 1] - xRef[ia + 1], c0z = xRef[ic + 2] - xRef[ia + 2];
        // new centre of mass and unconstrained positions relative to it
        const dx = (mo * x[ia] + mh * (x[ib] + x[ic])) / M, dy = (mo * x[ia + 1] + mh * (x[ib + 1] + x[ic + 1])) / M, dz = (mo * x[ia + 2] + mh * (x[ib + 2] + x[ic + 2])) / M;
        const a1x = x[ia] - dx, a1y = x[ia + 1] - dy, a1z = x[ia + 2] - dz;
        const b1x = x[ib] - dx, b1y = x[ib + 1] - dy, b1z = x[ib + 2] - dz;
        const c1x = x[ic] - dx, c1y = x[ic + 1] - dy, c1z = x[ic + 2] - dz;
        // frame: Z normal to the old plane, X = a1 x Z, Y = Z x X
        let zx = b0y * c0z - b0z * c0y, zy = b0z * c0x - b0x * c0z, zz = b0x * c0y - b0y * c0x;
        let xx = a1y * zz - a1z * zy, xy = a1z * zx - a1x * zz, xz = a1x * zy - a1y * zx;
        let yx = zy * xz - zz * xy, yy = zz * xx - zx * xz, yz = zx * xy - zy * xx;
        const nz = 1 / Math.sqrt(zx * zx + zy * zy + zz * zz), nx = 1 / Math.sqrt(xx * xx + xy * xy + xz * xz), ny = 1 / Math.sqrt(yx * yx + yy * yy + yz * yz);
        zx *= nz; zy *= nz; zz *= nz;
        xx *= nx; xy *= nx; xz *= nx;
        yx *= ny; yy *= ny; yz *= ny;
        if (!Number.isFinite(nx + ny + nz)) throw new ConstraintError(`${this.applying >= 0 ? 'SettleConstraints.apply' : 'SETTLE'}: water ${k} (atoms ${A[3 * k]}, ${A[3 * k + 1]}, ${A[3 * k + 2]}) of walker ${this.applying >= 0 ? this.applying : w} is degenerate (collinear atoms or oxygen at the centre of mass)`);
        // old vectors in the frame (z = 0), new positions in the frame (a1 has x = 0)
        const xb0 = b0x * xx + b0y * xy + b0z * xz, yb0 = b0x * yx + b0y * yy + b0z * yz;
        const xc0 = c0x * xx + c0y * xy + c0z * xz, yc0 = c0x * yx + c0y * yy + c0z * yz;
        const za1 = a1x * zx + a1y * zy + a1z * zz;
        const xb1 = b1x * xx + b1y * xy + b1z * xz, yb1 = b1x * yx + b1y * yy + b1z * yz, zb1 = b1x * zx + b1y * zy + b1z * zz;
        const xc1 = c1x * xx + c1y * xy + c1z * xz, yc1 = c1x * yx + c1y * yy + c1z * yz, zc1 = c1x * zx + c1y * zy + c1z * zz;
        // out-of-plane angles (MK A6, A7)
        const sinphi = za1 / ra;
        const cos2phi = 1 - sinphi * sinphi;
        if (!(cos2phi > 0)) this.tooFar(k, w);
        const cosphi = Math.sqrt(cos2phi);
        const sinpsi = (zb1 - zc1) / (2 * rc * cosphi);
        const cos2psi = 1 - sinpsi * sinpsi;
        if (!(cos2psi > 0)) this.tooFar(k, w);
        const cospsi = Math.sqrt(cos2psi);
        // the triangle tilted by phi and psi, before the in-plane rotation
        const ya2 = ra * cosphi;
        const xb2 = -rc * cospsi;
        const yb2 = -rb * cosphi - rc * sinpsi * sinphi;
        const yc2 = -rb * cosphi + rc * sinpsi * sinphi;
        const zb2 = -rb * sinphi + rc * sinpsi * cosphi;
        const zc2 = -rb * sinphi - rc * sinpsi * cosphi;
        // in-plane rotation theta from zero torque of the constraint forces (MK A8-A10)
        const al = xb2 * (xb0 - xc0) + yb0 * yb2 + yc0 * yc2;
        const be = xb2 * (yc0 - yb0) + xb0 * yb2 + xc0 * yc2;
        const ga = xb0 * yb1 - xb1 * yb0 + xc0 * yc1 - xc1 * yc0;
        const ab2 = al * al + be * be, disc = ab2 - ga * ga;
        if (!(disc >= 0)) this.tooFar(k, w);
        const sinth = (al * ga - be * Math.sqrt(disc)) / ab2;
        const costh = Math.sqrt(1 - sinth * sinth);
        // final positions in the frame
        const xa3 = -ya2 * sinth, ya3 = ya2 * costh, za3 = za1;
        const xb3 = xb2 * costh - yb2 * sinth, yb3 = xb2 * sinth + yb2 * costh, zb3 = zb2;
        const xc3 = -xb2 * costh - yc2 * sinth, yc3 = -xb2 * sinth + yc2 * costh, zc3 = zc2;
        // back to the lab frame
        const nax = dx + xa3 * xx + ya3 * yx + za3 * zx, nay = dy + xa3 * xy + ya3 * yy + za3 * zy, naz = dz + xa3 * xz + ya3 * yz + za3 * zz;
        const nbx = dx + xb3 * xx + yb3 * yx + zb3 * zx, nby = dy + xb3 * xy + yb3 * yy + zb3 * zy, nbz = dz + xb3 * xz + yb3 * yz + zb3 * zz;
        const ncx = dx + xc3 * xx + yc3 * yx + zc3 * zx, ncy = dy + xc3 * xy + yc3 * yy + zc3 * zy, ncz = dz + xc3 * xz + yc3 * yz + zc3 * zz;
        if (v) {
          v[ia] += (nax - x[ia]) * inv; v[ia + 1] += (nay - x[ia + 1]) * inv; v[ia + 2] += (naz - x[ia + 2]) * inv;
          v[ib] += (nbx - x[ib]) * inv; v[ib + 1] += (nby - x[ib + 1]) * inv; v[ib + 2] += (nbz - x[ib + 2]) * inv;
          v[ic] += (ncx - x[ic]) * inv; v[ic + 1] += (ncy - x[ic + 1]) * inv; v[ic + 2] += (ncz - x[ic + 2]) * inv;
        }
        x[ia] = nax; x[ia + 1] = nay; x[ia + 2] = naz;
        x[ib] = nbx; x[ib + 1] = nby; x[ib + 2] = nbz;
        x[ic] = ncx; x[ic + 1] = ncy; x[ic + 2] = ncz;
      }
    }
  }

  // While apply() projects walker `applying` (>= 0) there is no time step: messages speak of the structure.
  private applying = -1;

  private tooFar(k: number, w: number): never {
    const A = this.atoms;
    if (this.applying >= 0) {
      throw new ConstraintError(`SettleConstraints.apply: water ${k} (atoms ${A[3 * k]}, ${A[3 * k + 1]}, ${A[3 * k + 2]}) of walker ${this.applying} is too far from its rigid geometry to be put back on it; check the structure`);
    }
    throw new ConstraintError(`SETTLE: water ${k} (atoms ${A[3 * k]}, ${A[3 * k + 1]}, ${A[3 * k + 2]}) of walker ${w} moved too far in one step to be put back on its constraints; reduce the time step`);
  }

  /**
   * RATTLE's velocity step: removes the relative velocity along each of the three bonds of every water
   * by impulses along the (constrained) bond vectors, solving the 3 x 3 system K lambda = b exactly.
   */
  rattle(x: Float64Array, v: Float64Array, nWalkers: number): void {
    const dim = 3 * this.nAtoms, A = this.atoms;
    for (let w = 0; w < nWalkers; w++) {
      const o = w * dim;
      for (let k = 0, nw = this.mO.length; k < nw; k++) {
        const ia = o + 3 * A[3 * k], ib = o + 3 * A[3 * k + 1], ic = o + 3 * A[3 * k + 2];
        const io = 1 / this.mO[k], ih = 1 / this.mH[k];
        // bonds: 1 = O-H1 (a - b), 2 = O-H2 (a - c), 3 = H1-H2 (b - c)
        const r1x = x[ia] - x[ib], r1y = x[ia + 1] - x[ib + 1], r1z = x[ia + 2] - x[ib + 2];
        const r2x = x[ia] - x[ic], r2y = x[ia + 1] - x[ic + 1], r2z = x[ia + 2] - x[ic + 2];
        const r3x = x[ib] - x[ic], r3y = x[ib + 1] - x[ic + 1], r3z = x[ib + 2] - x[ic + 2];
        const d11 = r1x * r1x + r1y * r1y + r1z * r1z, d22 = r2x * r2x + r2y * r2y + r2z * r2z, d33 = r3x * r3x + r3y * r3y + r3z * r3z;
        const d12 = r1x * r2x + r1y * r2y + r1z * r2z, d13 = r1x * r3x + r1y * r3y + r1z * r3z, d23 = r2x * r3x + r2y * r3y + r2z * r3z;
        // impulses: v_a += io (l1 r1 + l2 r2), v_b += ih (-l1 r1 + l3 r3), v_c += ih (-l2 r2 - l3 r3)
        // conditions (v_a - v_b).r1 = 0, (v_a - v_c).r2 = 0, (v_b - v_c).r3 = 0
        const k11 = (io + ih) * d11, k12 = io * d12, k13 = -ih * d13;
        const k21 = io * d12, k22 = (io + ih) * d22, k23 = ih * d23;
        const k31 = -ih * d13, k32 = ih * d23, k33 = 2 * ih * d33;
        const vabx = v[ia] - v[ib], vaby = v[ia + 1] - v[ib + 1], vabz = v[ia + 2] - v[ib + 2];
        const vacx = v[ia] - v[ic], vacy = v[ia + 1] - v[ic + 1], vacz = v[ia + 2] - v[ic + 2];
        const b1 = -(vabx * r1x + vaby * r1y + vabz * r1z);
        const b2 = -(vacx * r2x + vacy * r2y + vacz * r2z);
        const b3 = -((vacx - vabx) * r3x + (vacy - vaby) * r3y + (vacz - vabz) * r3z);
        // Cramer's rule
        const c11 = k22 * k33 - k23 * k32, c12 = k23 * k31 - k21 * k33, c13 = k21 * k32 - k22 * k31;
        const det = k11 * c11 + k12 * c12 + k13 * c13;
        if (!(Math.abs(det) > 0)) throw new ConstraintError(`RATTLE (SETTLE water ${k}, walker ${w}): singular constraint matrix (collinear atoms)`);
        const id = 1 / det;
        const l1 = (b1 * c11 + k12 * (k23 * b3 - b2 * k33) + k13 * (b2 * k32 - k22 * b3)) * id;
        const l2 = (k11 * (b2 * k33 - k23 * b3) + b1 * c12 + k13 * (k21 * b3 - b2 * k31)) * id;
        const l3 = (k11 * (k22 * b3 - b2 * k32) + k12 * (b2 * k31 - k21 * b3) + b1 * c13) * id;
        v[ia] += io * (l1 * r1x + l2 * r2x); v[ia + 1] += io * (l1 * r1y + l2 * r2y); v[ia + 2] += io * (l1 * r1z + l2 * r2z);
        v[ib] += ih * (-l1 * r1x + l3 * r3x); v[ib + 1] += ih * (-l1 * r1y + l3 * r3y); v[ib + 2] += ih * (-l1 * r1z + l3 * r3z);
        v[ic] -= ih * (l2 * r2x + l3 * r3x); v[ic + 1] -= ih * (l2 * r2y + l3 * r3y); v[ic + 2] -= ih * (l2 * r2z + l3 * r3z);
      }
    }
  }

  /** Puts positions on the constraints (e.g. waters built with another geometry), keeping each water's centre of mass. */
  apply(x: Float64Array, nWalkers: number): void {
    projectFromItself(this.nAtoms, this.ref, x, nWalkers, (w) => (this.applying = w), (ref, view) => this.shake(ref, view, 1));
  }

  /** Largest relative deviation of an O-H or H-H distance from its target over all waters and walkers. */
  maxDeviation(x: Float64Array, nWalkers: number): number {
    const dim = 3 * this.nAtoms, A = this.atoms;
    let worst = 0;
    for (let w = 0; w < nWalkers; w++) {
      for (let k = 0; k < this.mO.length; k++) {
        const p = (i: number, j: number) => Math.hypot(x[w * dim + 3 * i] - x[w * dim + 3 * j], x[w * dim + 3 * i + 1] - x[w * dim + 3 * j + 1], x[w * dim + 3 * i + 2] - x[w * dim + 3 * j + 2]);
        const [a, b, c] = [A[3 * k], A[3 * k + 1], A[3 * k + 2]];
        worst = Math.max(worst, Math.abs(p(a, b) / this.dOH[k] - 1), Math.abs(p(a, c) / this.dOH[k] - 1), Math.abs(p(b, c) / this.dHH[k] - 1));
      }
    }
    return worst;
  }
}
