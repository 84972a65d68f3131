/** Pearson correlation coefficient of two equally long samples; NaN when either has zero variance. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n || n < 2) throw new RangeError(`pearson: need two samples of equal length >= 2, got ${a.length} and ${b.length}`);
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) throw new RangeError(`pearson: value ${i} is not finite (${a[i]}, ${b[i]})`);
    ma += a[i]; mb += b[i];
  }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}
