import { MullerBrown } from '../systems/muller-brown.js';
import type { IntegratorSpec } from '../sampling/langevin-kernel.js';
import { sampleBursts, uniformPoints, type BurstData } from './data.js';
import type { IsokannOptions } from './learner.js';

/**
 * The tested ISOKANN setup for the Müller-Brown potential (AMORE-MD Figure 1), in the potential's
 * reduced units (energy as in the standard surface, time such that the mobility is 1). Why each value
 * is what it is: lib/isokann/README.md. The grid solver gives, for this kT, implied timescales
 * t2 ≈ 18 (deep basin A vs the B/C pair) and t3 ≈ 0.22 (B vs C), so the lag sits between the
 * in-basin relaxation (≲ 0.06) and t3, and far below t2.
 */
export const MULLER_BROWN_ISOKANN = Object.freeze({
  /** k_B T = sigma^2 / 2 for ISOKANN.jl's noise sigma = 5 (its AMORE-MD Müller-Brown script). */
  kT: 12.5,
  /** Overdamped Langevin (Euler-Maruyama), mobility 1: dx = -grad V dt + sqrt(2 kT dt) xi. */
  integrator: Object.freeze({ kind: 'euler-maruyama', dt: 1e-4, kT: 12.5 }) as Readonly<IntegratorSpec>,
  /** Lag tau of each burst (500 steps of dt). */
  lag: 0.05,
  /** Start points: uniform in this box (ISOKANN.jl's Müller-Brown support) ... */
  box: Object.freeze({ lo: Object.freeze([-1.5, -0.5]), hi: Object.freeze([1.2, 2.0]) }),
  /** ... keeping only points with V <= maxEnergy (the saddles are at -40.7 and -72.2). */
  maxEnergy: 0,
  /** Number of start points and bursts per point. */
  points: 500,
  bursts: 10,
  /** Learner options (ISOKANN.jl defaults except where stated in the README). */
  learner: Object.freeze({
    hidden: [20, 20],
    activation: 'tanh',
    optimizer: 'adam',
    learningRate: 1e-3,
    weightDecay: 1e-4,
    batchSize: 100,
    iterations: 100,
    epochs: 5,
    /** chi ≈ 0 in the deep basin A. */
    orient: { low: [-0.558, 1.442] },
  }) as Readonly<IsokannOptions>,
});

export interface MullerBrownBurstOptions {
  /** Seed of the start points (seed) and of the bursts (seed + 1). */
  seed: number;
  /** Number of start points; default MULLER_BROWN_ISOKANN.points. */
  points?: number;
  /** Bursts per point; default MULLER_BROWN_ISOKANN.bursts. */
  bursts?: number;
}

/** ISOKANN training data on Müller-Brown with the MULLER_BROWN_ISOKANN setup, run in this thread. */
export function mullerBrownBursts(options: MullerBrownBurstOptions): BurstData {
  const p = MULLER_BROWN_ISOKANN;
  const n = options.points ?? p.points;
  const mb = new MullerBrown();
  const x = uniformPoints(n, { lo: p.box.lo, hi: p.box.hi, seed: options.seed, potential: mb, maxEnergy: p.maxEnergy });
  return sampleBursts(mb, x, n, { integrator: p.integrator, lag: p.lag, bursts: options.bursts ?? p.bursts, seed: options.seed + 1 });
}
