/**
 * Transitions between metastable cores (core-set / milestoning counting, Buchete & Hummer 2008): a
 * frame inside core k is assigned k, a frame in no core keeps the last core visited, so brief
 * excursions across a barrier that return to the same core are not counted. `cores` are disjoint
 * intervals [lo, hi) of a 1-D coordinate. Returns the count matrix N_ij of transitions from core i to
 * core j (i != j), their total, and the mean residence time in each core (frames between entering a core
 * and entering the next one, averaged over completed visits; NaN with none), i.e. mean first-passage
 * times out of each core.
 */
export function coreTransitions(x: ArrayLike<number>, cores: readonly (readonly [number, number])[]): { counts: Float64Array; total: number; meanResidence: Float64Array } {
  const k = cores.length;
  if (k < 2) throw new RangeError(`coreTransitions: need at least two cores, got ${k}`);
  const sorted = cores.map((c, i) => ({ c, i })).sort((a, b) => a.c[0] - b.c[0]);
  sorted.forEach(({ c, i }, s) => {
    if (!(c[1] > c[0])) throw new RangeError(`coreTransitions: core ${i} is empty ([${c[0]}, ${c[1]}))`);
    if (s > 0 && sorted[s - 1].c[1] > c[0]) throw new RangeError(`coreTransitions: cores ${sorted[s - 1].i} and ${i} overlap`);
  });
  const counts = new Float64Array(k * k);
  const resSum = new Float64Array(k), resN = new Float64Array(k);
  let last = -1, enteredAt = -1, total = 0;
  for (let t = 0; t < x.length; t++) {
    const v = x[t];
    if (!Number.isFinite(v)) throw new RangeError(`coreTransitions: frame ${t} is ${v}`);
    let s = -1;
    for (let q = 0; q < k; q++) if (v >= cores[q][0] && v < cores[q][1]) { s = q; break; }
    if (s < 0 || s === last) continue;
    if (last >= 0) {
      counts[last * k + s]++;
      total++;
      if (enteredAt >= 0) { resSum[last] += t - enteredAt; resN[last]++; }
      enteredAt = t;
    } else {
      enteredAt = -1; // the first visit started before the trajectory: its residence is incomplete
    }
    last = s;
  }
  return { counts, total, meanResidence: resSum.map((s, q) => (resN[q] > 0 ? s / resN[q] : NaN)) };
}
