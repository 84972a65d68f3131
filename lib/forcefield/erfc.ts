/**
 * The error function and its complement to full double precision (JavaScript's Math has neither),
 * for Ewald sums: erf(alpha r)/r of excluded pairs and erfc(alpha r)/r of the real-space sum.
 *
 * - erf for |x| < 2.5 and erfc for x < 1.5: the series erf x = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) /
 *   (1 3 5 ... (2n+1)) (Abramowitz & Stegun 7.1.6), whose terms are all positive (no cancellation);
 *   erfc = 1 - erf there (relative error ~1e-15 below 1.5, growing to 1e-12 by 2.5, hence the switch).
 * - otherwise erfc from its continued fraction (A&S 7.1.14)
 *   erfc x = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))),
 *   evaluated by the modified Lentz algorithm to relative 1e-16.
 */
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x, sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

function erfcContinuedFraction(x: number): number {
  // erfc x = exp(-x^2)/sqrt(pi) / (x + a1/(x + a2/(x + ...))), a_k = k/2; modified Lentz
  const tiny = 1e-300;
  let f = x, C = x, D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    if (D === 0) D = tiny;
    C = x + a / C;
    if (C === 0) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function erf(x). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  const v = ax < 2.5 ? erfSeries(ax) : 1 - erfcContinuedFraction(ax);
  return x < 0 ? -v : v;
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate to ~1e-15 relative for x >= 0. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  return x < 1.5 ? 1 - erfSeries(x) : erfcContinuedFraction(x);
}
