/**
 * Shooting-point selection rules for transition path sampling: unnormalised weights over the frames
 * of the current path. Frames inside the states get weight 0 (the caller zeroes them).
 */
export interface SelectionRule {
  readonly name: string;
  /** Weights of `nFrames` frames stored as `[frame][dim]`. */
  weights(frames: Float64Array, nFrames: number, dim: number): Float64Array;
}

/** Standard TPS: every frame equally likely. */
export const uniformSelection: SelectionRule = {
  name: 'uniform',
  weights: (_frames, nFrames) => new Float64Array(nFrames).fill(1),
};

/**
 * AIMMD's Cauchy-Lorentz rule, Eq. 4: p_sel(x) ∝ gamma^2 / (q(x)^2 + gamma^2), centred on the learned
 * transition state ensemble q = 0 (p_B = 1/2) with fat tails of scale gamma. `q` maps n frames to
 * their log-odds q(x) (Eq. 1), batched.
 */
export function lorentzianSelection(q: (frames: Float64Array, n: number) => Float64Array, gamma = 1): SelectionRule {
  if (!(gamma > 0) || !Number.isFinite(gamma)) throw new RangeError(`lorentzianSelection: gamma must be positive and finite, got ${gamma}`);
  const g2 = gamma * gamma;
  return {
    name: `Cauchy-Lorentz (gamma = ${gamma})`,
    weights(frames, nFrames) {
      const qs = q(frames, nFrames);
      if (qs.length !== nFrames) throw new RangeError(`lorentzianSelection: q returned ${qs.length} values for ${nFrames} frames`);
      const w = new Float64Array(nFrames);
      for (let i = 0; i < nFrames; i++) {
        if (!Number.isFinite(qs[i])) throw new RangeError(`lorentzianSelection: q(frame ${i}) is ${qs[i]}`);
        w[i] = g2 / (qs[i] * qs[i] + g2);
      }
      return w;
    },
  };
}
