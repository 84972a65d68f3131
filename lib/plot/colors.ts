/** Viridis (plotly's stops), for colouring things plotly cannot colour by value, like quiver bins. */
const VIRIDIS: Array<[number, string]> = [
  [0, '#440154'], [0.111, '#482878'], [0.222, '#3e4989'], [0.333, '#31688e'], [0.444, '#26828e'],
  [0.556, '#1f9e89'], [0.667, '#35b779'], [0.778, '#6ece58'], [0.889, '#b5de2b'], [1, '#fde725'],
];

export type ColorStops = Array<[number, string]>;

function rgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`colour "${hex}" is not #rrggbb`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** The colour at t in [0, 1] of a colour scale given as sorted [position, '#rrggbb'] stops. */
export function colorAt(t: number, stops: ColorStops = VIRIDIS): string {
  if (Number.isNaN(t)) throw new RangeError('colorAt: t is NaN');
  const u = Math.min(1, Math.max(0, t));
  let k = 1;
  while (k < stops.length - 1 && stops[k][0] < u) k++;
  const [p0, c0] = stops[k - 1], [p1, c1] = stops[k];
  const f = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
  const a = rgb(c0), b = rgb(c1);
  return `rgb(${a.map((v, i) => Math.round(v + f * (b[i] - v))).join(',')})`;
}

export const viridis: ColorStops = VIRIDIS;
