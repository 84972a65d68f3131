/**
 * Normalised autocorrelation C(s) = <x(t+s) x(t)> / <x(t) x(t)> of one scalar time series, for
 * s = 0..maxLag frames (LSS paper, Sidky, Chen & Ferguson 2020, "Kinetics": C_i(s) of each slow
 * process psi_i). By default x is made mean-free first (SRV/TICA coordinates are mean-free already,
 * where this changes nothing). Series given as several trajectories are averaged over all pairs that
 * lie within one trajectory.
 */
export function autocorrelation(series: ArrayLike<number> | readonly ArrayLike<number>[], maxLag: number, options: { meanFree?: boolean } = {}): Float64Array {
  const trajs: ArrayLike<number>[] = isList(series) ? [...series] : [series];
  if (!Number.isInteger(maxLag) || maxLag < 0) throw new RangeError(`autocorrelation: maxLag must be a non-negative integer, got ${maxLag}`);
  let mean = 0, count = 0;
  trajs.forEach((x, t) => {
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) throw new RangeError(`autocorrelation: trajectory ${t}, frame ${i} is ${x[i]}`);
      mean += x[i]; count++;
    }
  });
  if (!trajs.some((x) => x.length > maxLag)) throw new RangeError(`autocorrelation: every trajectory is shorter than maxLag + 1 = ${maxLag + 1} frames`);
  mean = options.meanFree ?? true ? mean / count : 0;
  const c = new Float64Array(maxLag + 1);
  for (let s = 0; s <= maxLag; s++) {
    let sum = 0, pairs = 0;
    for (const x of trajs) for (let t = 0; t + s < x.length; t++) { sum += (x[t] - mean) * (x[t + s] - mean); pairs++; }
    c[s] = sum / pairs;
  }
  if (!(c[0] > 0)) throw new RangeError('autocorrelation: the series is constant');
  const c0 = c[0];
  for (let s = 0; s <= maxLag; s++) c[s] /= c0;
  return c;
}

function isList(x: ArrayLike<number> | readonly ArrayLike<number>[]): x is readonly ArrayLike<number>[] {
  return x.length > 0 && typeof (x as ArrayLike<unknown>)[0] === 'object';
}

/**
 * Least-squares fit of C(s) ≈ exp(-s dt / t) over the given lags (LSS paper's Ĉ_i(s) = exp(-s/t_i));
 * returns t in the unit of dt. A one-parameter problem: minimised over ln t by golden-section search
 * on a bracket found by scanning, then refined; the sum of squares is unimodal in practice for a
 * decaying C, and the scan guards against a poor start.
 */
export function fitExponentialDecay(c: ArrayLike<number>, options: { dt?: number; lags?: ArrayLike<number> } = {}): { timescale: number; rms: number } {
  const dt = options.dt ?? 1;
  const lags = options.lags ?? Array.from({ length: c.length }, (_, s) => s);
  if (!(dt > 0)) throw new RangeError(`fitExponentialDecay: dt must be positive, got ${dt}`);
  if (lags.length < 2) throw new RangeError('fitExponentialDecay: need at least two lags');
  for (let k = 0; k < lags.length; k++) {
    const s = lags[k];
    if (!Number.isInteger(s) || s < 0 || s >= c.length) throw new RangeError(`fitExponentialDecay: lag ${s} outside 0..${c.length - 1}`);
    if (!Number.isFinite(c[s])) throw new RangeError(`fitExponentialDecay: C(${s}) is ${c[s]}`);
  }
  const sse = (lnT: number) => { const t = Math.exp(lnT); let e = 0; for (let k = 0; k < lags.length; k++) { const s = lags[k]; e += (c[s] - Math.exp((-s * dt) / t)) ** 2; } return e; };
  const maxLag = Math.max(...Array.from(lags)) * dt || dt;
  // scan ln t over [ln(dt/100), ln(1000 maxLag)]
  const lo0 = Math.log(dt / 100), hi0 = Math.log(1000 * maxLag), steps = 200;
  let best = 0, bestE = Infinity;
  for (let i = 0; i <= steps; i++) { const e = sse(lo0 + ((hi0 - lo0) * i) / steps); if (e < bestE) { bestE = e; best = i; } }
  if (best === steps) throw new RangeError(`fitExponentialDecay: C does not decay within 1000 times the longest lag (t > ${Math.exp(hi0)})`);
  let a = lo0 + ((hi0 - lo0) * Math.max(0, best - 1)) / steps, b = lo0 + ((hi0 - lo0) * Math.min(steps, best + 1)) / steps;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = b - g * (b - a), x2 = a + g * (b - a), f1 = sse(x1), f2 = sse(x2);
  while (b - a > 1e-12) {
    if (f1 < f2) { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = sse(x1); }
    else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = sse(x2); }
  }
  const lnT = 0.5 * (a + b);
  return { timescale: Math.exp(lnT), rms: Math.sqrt(sse(lnT) / lags.length) };
}
