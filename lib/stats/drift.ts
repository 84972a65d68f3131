/**
 * Linear drift of a time series (e.g. the total energy of an NVE run): the least-squares slope of
 * y(t) = a + b t and its standard error for correlated noise. The residuals' integrated
 * autocorrelation time tau = 1 + 2 sum_k rho(k) (summed while rho(k) > 0, the initial positive
 * sequence) inflates the independent-noise variance of the slope, s^2 / sum (t - t_mean)^2, by tau:
 * a series of N samples carries about N / tau independent ones. Evenly spaced samples assumed. The
 * estimate of tau from the detrended residuals is low when N / tau is small: the error is calibrated
 * (tests/stats/drift.test.ts) for N / tau ~ 100, about 15 % too small for N / tau ~ 20.
 */
export interface LinearDrift {
  /** Slope b (units of y per unit of t). */
  slope: number;
  /** Its standard error, corrected for autocorrelation. */
  standardError: number;
  /** Intercept a. */
  intercept: number;
  /** Standard deviation of the residuals about the line. */
  residualSd: number;
  /** Integrated autocorrelation time of the residuals (in samples, >= 1). */
  tau: number;
}

export function linearDrift(t: ArrayLike<number>, y: ArrayLike<number>): LinearDrift {
  const n = t.length;
  if (y.length !== n) throw new RangeError(`linearDrift: ${n} times but ${y.length} values`);
  if (n < 4) throw new RangeError(`linearDrift: need at least 4 samples, got ${n}`);
  let tm = 0, ym = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(t[i]) || !Number.isFinite(y[i])) throw new RangeError(`linearDrift: sample ${i} is not finite (t ${t[i]}, y ${y[i]})`);
    tm += t[i] / n;
    ym += y[i] / n;
  }
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (t[i] - tm) ** 2;
    sxy += (t[i] - tm) * (y[i] - ym);
  }
  if (!(sxx > 0)) throw new RangeError('linearDrift: all samples at the same time');
  const slope = sxy / sxx, intercept = ym - slope * tm;
  const r = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    r[i] = y[i] - intercept - slope * t[i];
    ss += r[i] * r[i];
  }
  const var0 = ss / n;
  let tau = 1;
  if (var0 > 0) {
    for (let k = 1; k < n / 2; k++) {
      let c = 0;
      for (let i = 0; i + k < n; i++) c += r[i] * r[i + k];
      const rho = c / (n - k) / var0;
      if (!(rho > 0)) break;
      tau += 2 * rho;
    }
  }
  const s2 = ss / (n - 2);
  return { slope, standardError: Math.sqrt((s2 * tau) / sxx), intercept, residualSd: Math.sqrt(var0), tau };
}
