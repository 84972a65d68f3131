import { checkFrames, type Featurization } from './featurization.js';

/**
 * Solvent symmetry functions of AIMMD (Jung et al., Eqs. 6-8; after Behler-Parrinello and Geiger-Dellago),
 * invariant to translations, rotations and permutations of solvent atoms. Distances in nm.
 *
 *   f_c(r) = 1 / (1 + exp(alpha_c (r - r_c - 1/sqrt(alpha_c))))  for r <= r_c, 0 beyond     (Eq. 7)
 *   G2_i  = sum_j exp(-eta (r_ij - r_s)^2) f_c(r_ij)                                        (Eq. 6)
 *   G5_i  = sum_{j<k} (lambda + cos theta_ijk)^zeta exp(-eta [(r_ij - r_s)^2 + (r_ik - r_s)^2])
 *           f_c(r_ij) f_c(r_ik)                                                               (Eq. 8)
 * theta_ijk is the angle at the central atom i between solvent atoms j and k; zeta even, lambda = ±1.
 * Each value is divided by `normalization` (the paper divides by the expected number of atoms or pairs
 * for an isotropic distribution in the probing volume: see isotropicG2 / isotropicG5).
 */
export interface SymmetryFunctionSpec {
  kind: 'G2' | 'G5';
  /** Central (solute) atom index. */
  center: number;
  /** Solvent atom indices of one type (e.g. all water oxygens). */
  solvent: ArrayLike<number>;
  eta: number; // nm^-2
  rs: number; // nm
  rc: number; // nm
  /** Steepness of the Fermi cutoff, nm^-2 (alpha_c in Eq. 7). */
  alphaC: number;
  /** G5 only. */
  zeta?: number;
  lambda?: 1 | -1;
  /** Divide by this (default 1). */
  normalization?: number;
}

/** Fermi cutoff Eq. 7 and its derivative. */
export function fermiCutoff(r: number, rc: number, alphaC: number): { f: number; df: number } {
  if (r > rc) return { f: 0, df: 0 };
  const e = Math.exp(alphaC * (r - rc - 1 / Math.sqrt(alphaC)));
  const f = 1 / (1 + e);
  return { f, df: -alphaC * e * f * f };
}

function checkSpec(s: SymmetryFunctionSpec, atoms: number, q: number): void {
  const bad = (m: string) => { throw new RangeError(`symmetry function ${q} (${s.kind}): ${m}`); };
  if (s.kind !== 'G2' && s.kind !== 'G5') bad(`kind must be 'G2' or 'G5', got ${String(s.kind)}`);
  if (!Number.isInteger(s.center) || s.center < 0 || s.center >= atoms) bad(`center ${s.center} outside 0..${atoms - 1}`);
  for (let t = 0; t < s.solvent.length; t++) { const a = s.solvent[t]; if (!Number.isInteger(a) || a < 0 || a >= atoms || a === s.center) bad(`solvent atom ${a} invalid (outside 0..${atoms - 1} or the center)`); }
  for (const k of ['eta', 'rc', 'alphaC'] as const) if (!(s[k] > 0) || !Number.isFinite(s[k])) bad(`${k} must be positive, got ${s[k]}`);
  if (!(s.rs >= 0)) bad(`rs must be non-negative, got ${s.rs}`);
  if (s.kind === 'G5') {
    if (!Number.isInteger(s.zeta) || s.zeta! < 0 || s.zeta! % 2 !== 0) bad(`zeta must be an even non-negative integer, got ${s.zeta}`);
    if (s.lambda !== 1 && s.lambda !== -1) bad(`lambda must be +1 or -1, got ${s.lambda}`);
  }
  if (s.normalization !== undefined && !(s.normalization > 0)) bad(`normalization must be positive, got ${s.normalization}`);
}

/** A set of G2/G5 functions as a Featurization (values and exact gradients). */
export class SymmetryFunctions implements Featurization {
  readonly inputs: number;
  readonly names: string[];
  constructor(readonly atoms: number, readonly specs: SymmetryFunctionSpec[]) {
    specs.forEach((s, q) => checkSpec(s, atoms, q));
    this.inputs = specs.length;
    this.names = specs.map((s) => s.kind === 'G2' ? `G2_${s.center}(eta=${s.eta}, rs=${s.rs})` : `G5_${s.center}(eta=${s.eta}, rs=${s.rs}, zeta=${s.zeta}, lambda=${s.lambda})`);
  }

  transform(x: Float64Array, n: number): Float64Array {
    checkFrames('SymmetryFunctions.transform', x, n, this.atoms);
    const out = new Float64Array(n * this.inputs);
    for (let f = 0; f < n; f++) for (let q = 0; q < this.inputs; q++) out[f * this.inputs + q] = evaluate(this.specs[q], x, f * this.atoms * 3, null, 0);
    return out;
  }

  pullback(x: Float64Array, g: ArrayLike<number>): Float64Array {
    checkFrames('SymmetryFunctions.pullback', x, 1, this.atoms);
    if (g.length !== this.inputs) throw new RangeError(`SymmetryFunctions.pullback: ${g.length} feature gradients for ${this.inputs} features`);
    const grad = new Float64Array(this.atoms * 3);
    for (let q = 0; q < this.inputs; q++) if (g[q] !== 0) evaluate(this.specs[q], x, 0, grad, g[q]);
    return grad;
  }
}

/** Value of one symmetry function at frame offset o; with grad, adds scale * gradient into it. */
function evaluate(s: SymmetryFunctionSpec, x: Float64Array, o: number, grad: Float64Array | null, scale: number): number {
  const c = o + 3 * s.center, m = s.solvent.length;
  const norm = 1 / (s.normalization ?? 1);
  // per solvent atom: unit vector, distance, radial factor w = exp(-eta (r - rs)^2) f_c and dw/dr
  const u = new Float64Array(3 * m), r = new Float64Array(m), w = new Float64Array(m), dw = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const a = o + 3 * s.solvent[t];
    const dx = x[a] - x[c], dy = x[a + 1] - x[c + 1], dz = x[a + 2] - x[c + 2];
    const d = Math.hypot(dx, dy, dz);
    r[t] = d;
    if (d > s.rc || d === 0) continue;
    u[3 * t] = dx / d; u[3 * t + 1] = dy / d; u[3 * t + 2] = dz / d;
    const { f, df } = fermiCutoff(d, s.rc, s.alphaC);
    const gs = Math.exp(-s.eta * (d - s.rs) ** 2);
    w[t] = gs * f;
    dw[t] = gs * (df - 2 * s.eta * (d - s.rs) * f);
  }
  const addRadial = (t: number, coef: number) => {
    // d r_t / d x_solvent = u_t, d r_t / d x_center = -u_t
    const a = 3 * s.solvent[t], cc = 3 * s.center;
    for (let k = 0; k < 3; k++) { grad![a + k] += coef * u[3 * t + k]; grad![cc + k] -= coef * u[3 * t + k]; }
  };
  if (s.kind === 'G2') {
    let v = 0;
    for (let t = 0; t < m; t++) {
      v += w[t];
      if (grad && dw[t] !== 0) addRadial(t, scale * norm * dw[t]);
    }
    return v * norm;
  }
  const zeta = s.zeta!, lam = s.lambda!;
  let v = 0;
  for (let j = 0; j < m; j++) {
    if (w[j] === 0) continue;
    for (let k = j + 1; k < m; k++) {
      if (w[k] === 0) continue;
      const cos = u[3 * j] * u[3 * k] + u[3 * j + 1] * u[3 * k + 1] + u[3 * j + 2] * u[3 * k + 2];
      const base = lam + cos;
      const ang = zeta === 0 ? 1 : base ** zeta;
      v += ang * w[j] * w[k];
      if (grad) {
        const s0 = scale * norm;
        addRadial(j, s0 * ang * dw[j] * w[k]);
        addRadial(k, s0 * ang * w[j] * dw[k]);
        // d cos / d x_j = (u_k - cos u_j) / r_j, likewise for k; the center gets minus their sum
        const dAng = zeta === 0 ? 0 : s0 * zeta * base ** (zeta - 1) * w[j] * w[k];
        if (dAng !== 0) {
          const aj = 3 * s.solvent[j], ak = 3 * s.solvent[k], cc = 3 * s.center;
          for (let q = 0; q < 3; q++) {
            const gj = (dAng * (u[3 * k + q] - cos * u[3 * j + q])) / r[j];
            const gk = (dAng * (u[3 * j + q] - cos * u[3 * k + q])) / r[k];
            grad[aj + q] += gj; grad[ak + q] += gk; grad[cc + q] -= gj + gk;
          }
        }
      }
    }
  }
  return v * norm;
}

/** Radial integral  int_0^rc 4 pi r^2 exp(-eta (r - rs)^2) f_c(r) dr  (nm^3), by the midpoint rule. */
function shellVolume(s: Pick<SymmetryFunctionSpec, 'eta' | 'rs' | 'rc' | 'alphaC'>): number {
  const m = 4000, h = s.rc / m;
  let v = 0;
  for (let i = 0; i < m; i++) {
    const r = (i + 0.5) * h;
    v += 4 * Math.PI * r * r * Math.exp(-s.eta * (r - s.rs) ** 2) * fermiCutoff(r, s.rc, s.alphaC).f * h;
  }
  return v;
}

/** Expected G2 for an ideal (uniform, uncorrelated) solvent of number density rho (nm^-3). */
export function isotropicG2(rho: number, s: Pick<SymmetryFunctionSpec, 'eta' | 'rs' | 'rc' | 'alphaC'>): number {
  return rho * shellVolume(s);
}

/**
 * Expected G5 for an ideal solvent of density rho: pairs (rho V)^2 / 2 times the isotropic average of
 * (lambda + cos theta)^zeta, which is [(lambda + 1)^(zeta+1) - (lambda - 1)^(zeta+1)] / (2 (zeta + 1)).
 */
export function isotropicG5(rho: number, s: Pick<SymmetryFunctionSpec, 'eta' | 'rs' | 'rc' | 'alphaC' | 'zeta' | 'lambda'>): number {
  const z = s.zeta!, l = s.lambda!;
  const angular = ((l + 1) ** (z + 1) - (l - 1) ** (z + 1)) / (2 * (z + 1));
  const n = rho * shellVolume(s);
  return 0.5 * n * n * angular;
}
