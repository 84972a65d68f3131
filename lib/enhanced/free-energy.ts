import { Rng } from '../dynamics/rng.js';
import { autocorrelation } from '../kinetics/autocorrelation.js';
import { EnhancedSamplingError } from './errors.js';
import { logSumExp, mbar } from './mbar.js';
import { checkWindows, type UmbrellaData, type UmbrellaWindow } from './umbrella.js';

/** Equal bins on [lo, hi] of the CV; the PMF is reported at the bin centres. */
export interface CvGrid {
  lo: number;
  hi: number;
  bins: number;
}

/**
 * Zero of the free energy: 'minimum' puts the lowest bin at 0; 'density' makes F = -ln rho(s), with
 * rho the probability density of the CV normalised over the grid (sum_b exp(-F_b) * width = 1), which
 * does not tie the zero to one noisy bin.
 */
export type PmfZero = 'minimum' | 'density';

export interface PmfOptions {
  method: 'mbar' | 'wham';
  grid: CvGrid;
  zero?: PmfZero;
  /** Bootstrap error bars: `samples` resamples, each window resampled by moving blocks. */
  bootstrap?: {
    samples: number;
    seed: number;
    /** Block length in frames, or 'auto' (default): ceil of each window's statistical inefficiency g = 1 + 2 sum_t (1 - t/N) rho(t). */
    blockLength?: number | 'auto';
  };
}

export interface Pmf {
  method: 'mbar' | 'wham';
  zero: PmfZero;
  /** Bin centres of the CV grid. */
  centers: Float64Array;
  /** Free energy in kT at each bin centre (Infinity where no sample fell). */
  f: Float64Array;
  /** Bootstrap standard deviation in kT (NaN without bootstrap, or where fewer than half the resamples were finite). */
  error: Float64Array;
  /** Samples (all windows) per bin. */
  counts: Float64Array;
  /** Reduced free energies of the biased windows, f_0 = 0 (kT). */
  windowF: Float64Array;
  /** Samples outside the grid (used by MBAR for the window free energies, ignored by WHAM). */
  outside: number;
  /** Block length used by the bootstrap for each window (frames). */
  blockLengths?: Int32Array;
}

function checkGrid(g: CvGrid): void {
  if (!Number.isFinite(g.lo) || !Number.isFinite(g.hi) || !(g.hi > g.lo)) throw new EnhancedSamplingError(`umbrellaPmf: grid needs finite lo < hi, got [${g.lo}, ${g.hi}]`);
  if (!Number.isInteger(g.bins) || g.bins < 1) throw new EnhancedSamplingError(`umbrellaPmf: grid bins must be a positive integer, got ${g.bins}`);
}

/** Throws EnhancedSamplingError on windows without samples, non-finite CV values, kappa ≤ 0 or kT ≤ 0. */
export function checkUmbrellaData(data: UmbrellaData, where = 'umbrellaPmf'): void {
  checkWindows(data.windows, where);
  if (!(data.kT > 0) || !Number.isFinite(data.kT)) throw new EnhancedSamplingError(`${where}: kT must be a finite number > 0, got ${data.kT}`);
  if (data.samples.length !== data.windows.length) throw new EnhancedSamplingError(`${where}: ${data.samples.length} sample series for ${data.windows.length} windows`);
  data.samples.forEach((s, k) => {
    if (s.length === 0) throw new EnhancedSamplingError(`${where}: window ${k} (centre ${data.windows[k].center}) has no samples`);
    for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i])) throw new EnhancedSamplingError(`${where}: window ${k}, sample ${i} has CV value ${s[i]}`);
  });
}

/** Reduced bias beta U_k(s) = kappa_k (s - s_k)^2 / (2 kT). */
const reducedBias = (w: UmbrellaWindow, s: number, kT: number) => (0.5 * w.kappa * (s - w.center) ** 2) / kT;

/**
 * Potential of mean force along the CV from umbrella windows, in kT, by MBAR (binned reference-state
 * weights of all samples) or WHAM (Kumar et al. 1992: histograms, bias at the bin centres, solved by
 * the self-consistent iteration), with optional bootstrap errors.
 */
export function umbrellaPmf(data: UmbrellaData, options: PmfOptions): Pmf {
  checkUmbrellaData(data);
  checkGrid(options.grid);
  if (options.method !== 'mbar' && options.method !== 'wham') throw new EnhancedSamplingError(`umbrellaPmf: method must be 'mbar' or 'wham', got ${options.method}`);
  const zero = options.zero ?? 'minimum';
  if (zero !== 'minimum' && zero !== 'density') throw new EnhancedSamplingError(`umbrellaPmf: zero must be 'minimum' or 'density', got ${zero}`);
  const estimate = options.method === 'mbar' ? mbarPmf : whamPmf;
  const base = estimate(data, options.grid, zero);
  const { lo, hi, bins } = options.grid;
  const width = (hi - lo) / bins;
  const centers = Float64Array.from({ length: bins }, (_, b) => lo + (b + 0.5) * width);
  const error = new Float64Array(bins).fill(NaN);
  let blockLengths: Int32Array | undefined;
  const bs = options.bootstrap;
  if (bs) {
    if (!Number.isInteger(bs.samples) || bs.samples < 2) throw new EnhancedSamplingError(`umbrellaPmf: bootstrap samples must be an integer ≥ 2, got ${bs.samples}`);
    if (!Number.isInteger(bs.seed) || bs.seed < 0) throw new EnhancedSamplingError(`umbrellaPmf: bootstrap seed must be a non-negative integer, got ${bs.seed}`);
    const L = bs.blockLength ?? 'auto';
    if (L !== 'auto' && (!Number.isInteger(L) || L < 1)) throw new EnhancedSamplingError(`umbrellaPmf: blockLength must be a positive integer or 'auto', got ${L}`);
    blockLengths = Int32Array.from(data.samples, (s) => Math.min(s.length, L === 'auto' ? Math.ceil(statisticalInefficiency(s)) : L));
    const reps: Float64Array[] = [];
    for (let r = 0; r < bs.samples; r++) {
      const rng = new Rng(bs.seed).fork(r);
      const samples = data.samples.map((s, k) => blockResample(s, blockLengths![k], rng));
      reps.push(estimate({ ...data, samples }, options.grid, zero, base.windowF).f);
    }
    for (let b = 0; b < bins; b++) {
      let n = 0, m = 0, m2 = 0;
      for (const f of reps) if (Number.isFinite(f[b])) { n++; m += f[b]; m2 += f[b] * f[b]; }
      if (n >= Math.max(2, bs.samples / 2)) { m /= n; error[b] = Math.sqrt(Math.max(0, (m2 - n * m * m) / (n - 1))); }
    }
  }
  return { method: options.method, zero, centers, f: base.f, error, counts: base.counts, windowF: base.windowF, outside: base.outside, blockLengths };
}

interface Estimate { f: Float64Array; counts: Float64Array; windowF: Float64Array; outside: number }

function binOf(s: number, g: CvGrid): number {
  if (s < g.lo || s > g.hi) return -1;
  return Math.min(g.bins - 1, Math.floor(((s - g.lo) / (g.hi - g.lo)) * g.bins));
}

/** F_b from unnormalised log probabilities of the bins, with the zero convention. */
function toFreeEnergy(logP: Float64Array, width: number, zero: PmfZero): Float64Array {
  const f = new Float64Array(logP.length);
  const ref = zero === 'density' ? logSumExp(logP) + Math.log(width) : Math.max(...logP);
  for (let b = 0; b < f.length; b++) f[b] = ref - logP[b];
  return f;
}

function mbarPmf(data: UmbrellaData, grid: CvGrid, zero: PmfZero, initial?: Float64Array): Estimate {
  const K = data.windows.length;
  const counts = data.samples.map((s) => s.length);
  const N = counts.reduce((a, b) => a + b, 0);
  const s = new Float64Array(N);
  let o = 0;
  for (const x of data.samples) { s.set(x, o); o += x.length; }
  const u = new Float64Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) u[k * N + n] = reducedBias(data.windows[k], s[n], data.kT);
  // Bootstrap replicates (warm-started) need the PMF to ~1e-4 kT, not to rounding: a looser tolerance saves Newton steps.
  const res = mbar(u, counts, initial ? { initial, tolerance: 1e-8 } : {});
  // Unbiased density of bin b: sum of the reference-state weights exp(logW_n) of its samples (Eq. 9 / 15).
  const perBin: number[][] = Array.from({ length: grid.bins }, () => []);
  const binCounts = new Float64Array(grid.bins);
  let outside = 0;
  for (let n = 0; n < N; n++) {
    const b = binOf(s[n], grid);
    if (b < 0) { outside++; continue; }
    perBin[b].push(res.logW[n]);
    binCounts[b]++;
  }
  const logP = Float64Array.from(perBin, (l) => logSumExp(l));
  return { f: toFreeEnergy(logP, (grid.hi - grid.lo) / grid.bins, zero), counts: binCounts, windowF: res.f, outside };
}

function whamPmf(data: UmbrellaData, grid: CvGrid, zero: PmfZero, initial?: Float64Array): Estimate {
  const K = data.windows.length, B = grid.bins;
  const width = (grid.hi - grid.lo) / B;
  const n = new Float64Array(B); // total histogram
  const Nk = new Float64Array(K);
  let outside = 0;
  data.samples.forEach((x, k) => {
    for (let i = 0; i < x.length; i++) {
      const b = binOf(x[i], grid);
      if (b < 0) { outside++; continue; }
      n[b]++; Nk[k]++;
    }
  });
  Nk.forEach((c, k) => { if (c === 0) throw new EnhancedSamplingError(`umbrellaPmf (wham): window ${k} has no samples inside the grid [${grid.lo}, ${grid.hi}]`); });
  const u = new Float64Array(K * B);
  for (let k = 0; k < K; k++) for (let b = 0; b < B; b++) u[k * B + b] = reducedBias(data.windows[k], grid.lo + (b + 0.5) * width, data.kT);
  const f = initial ? Float64Array.from(initial) : new Float64Array(K);
  const logP = new Float64Array(B);
  const tk = new Float64Array(K), tb = new Float64Array(B);
  const logNk = Nk.map(Math.log);
  // WHAM equations: p_b = n_b / sum_k N_k exp(f_k - u_kb);  f_k = -ln sum_b p_b exp(-u_kb).
  let converged = false;
  for (let it = 0; it < 200000 && !converged; it++) {
    for (let b = 0; b < B; b++) {
      if (n[b] === 0) { logP[b] = -Infinity; continue; }
      for (let k = 0; k < K; k++) tk[k] = logNk[k] + f[k] - u[k * B + b];
      logP[b] = Math.log(n[b]) - logSumExp(tk);
    }
    let change = 0;
    const f0 = -logSumExp(logP.map((lp, b) => lp - u[b]));
    for (let k = 0; k < K; k++) {
      for (let b = 0; b < B; b++) tb[b] = logP[b] - u[k * B + b];
      const fk = -logSumExp(tb) - f0;
      change = Math.max(change, Math.abs(fk - f[k]));
      f[k] = fk;
    }
    converged = change < 1e-9;
  }
  if (!converged) throw new Error('umbrellaPmf (wham): the self-consistent iteration did not converge in 200000 iterations');
  return { f: toFreeEnergy(logP, width, zero), counts: n, windowF: f, outside };
}

/**
 * Statistical inefficiency g = 1 + 2 sum_{t≥1} (1 - t/N) rho(t) of a time series, summed until rho
 * first drops to ≤ 0 (Chodera et al., J. Chem. Theory Comput. 3, 26 (2007)); 1 for uncorrelated data.
 */
export function statisticalInefficiency(x: ArrayLike<number>): number {
  const N = x.length;
  if (N < 4) return 1;
  const rho = autocorrelation(x, Math.floor(N / 2));
  let g = 1;
  for (let t = 1; t < rho.length; t++) {
    if (rho[t] <= 0) break;
    g += 2 * (1 - t / N) * rho[t];
  }
  return Math.max(1, g);
}

/** A moving-block bootstrap resample of a series (blocks of `L` consecutive frames, random starts), same length. */
export function blockResample(x: Float64Array, L: number, rng: Rng): Float64Array {
  const N = x.length;
  const out = new Float64Array(N);
  for (let o = 0; o < N; o += L) {
    const start = rng.int(N - L + 1);
    out.set(x.subarray(start, start + Math.min(L, N - o)), o);
  }
  return out;
}
