import type { PlotTrace } from './figure.js';
import { colorAt, viridis, type ColorStops } from './colors.js';

/**
 * A scalar field on a rectangular grid: z[j * x.length + i] = f(x[i], y[j]) (rows along y), or z as
 * rows z[j][i].
 */
export interface GridField {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  z: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
}

/** Points as {x, y} arrays, or flattened [n][2] (the library's coordinate layout). */
export type Points = { x: ArrayLike<number>; y: ArrayLike<number> } | ArrayLike<number>;

function xy(points: Points, where: string): { x: number[]; y: number[] } {
  if ('x' in points && 'y' in points && typeof points.x === 'object') {
    const p = points as { x: ArrayLike<number>; y: ArrayLike<number> };
    if (p.x.length !== p.y.length) throw new Error(`${where}: x has ${p.x.length} values, y has ${p.y.length}`);
    return { x: Array.from(p.x), y: Array.from(p.y) };
  }
  const flat = points as ArrayLike<number>;
  if (flat.length % 2 !== 0) throw new Error(`${where}: flattened [n][2] points need an even length, got ${flat.length}`);
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < flat.length; i += 2) { x.push(flat[i]); y.push(flat[i + 1]); }
  return { x, y };
}

function rows(field: GridField, where: string): number[][] {
  const nx = field.x.length, ny = field.y.length;
  const z = field.z;
  if (z.length === ny && ny > 0 && typeof z[0] === 'object') {
    const out = Array.from(z as ArrayLike<ArrayLike<number>>, (r) => Array.from(r));
    out.forEach((r, j) => { if (r.length !== nx) throw new Error(`${where}: row ${j} of z has ${r.length} values, x has ${nx}`); });
    return out;
  }
  const flat = z as ArrayLike<number>;
  if (flat.length !== nx * ny) throw new Error(`${where}: z has ${flat.length} values, expected x.length * y.length = ${nx} * ${ny}`);
  const out: number[][] = [];
  for (let j = 0; j < ny; j++) out.push(Array.from({ length: nx }, (_, i) => flat[j * nx + i]));
  return out;
}

export interface FieldOptions {
  name?: string;
  colorscale?: string | ColorStops;
  zmin?: number;
  zmax?: number;
  showscale?: boolean;
  colorbarTitle?: string;
}

/** Heatmap of a 2-D field. Values above zmax / below zmin are drawn in the end colours. */
export function heatmap(field: GridField, options: FieldOptions = {}): PlotTrace {
  return {
    type: 'heatmap', x: Array.from(field.x), y: Array.from(field.y), z: rows(field, 'heatmap'),
    name: options.name, colorscale: options.colorscale ?? 'Viridis', zmin: options.zmin, zmax: options.zmax,
    showscale: options.showscale ?? true, colorbar: options.colorbarTitle ? { title: { text: options.colorbarTitle } } : undefined,
  } as PlotTrace;
}

/**
 * Contour plot of a 2-D field; `levels` = {start, end, size}; `linesOnly` draws isolines without fill, in
 * `lineColor` and `lineDash` (for two sets of isolines on one plot).
 */
export function contour(field: GridField, options: FieldOptions & { levels?: { start: number; end: number; size: number }; linesOnly?: boolean; lineColor?: string; lineDash?: LineOptions['dash'] } = {}): PlotTrace {
  return {
    type: 'contour', x: Array.from(field.x), y: Array.from(field.y), z: rows(field, 'contour'),
    name: options.name, colorscale: options.colorscale ?? 'Viridis', zmin: options.zmin, zmax: options.zmax,
    showscale: options.showscale ?? !options.linesOnly,
    colorbar: options.colorbarTitle ? { title: { text: options.colorbarTitle } } : undefined,
    autocontour: options.levels === undefined, contours: { ...(options.levels ?? {}), coloring: options.linesOnly ? 'none' : 'fill' },
    line: options.lineColor || options.lineDash ? { color: options.lineColor, dash: options.lineDash } : undefined,
  } as PlotTrace;
}

export interface LineOptions {
  name?: string;
  color?: string;
  width?: number;
  dash?: 'solid' | 'dot' | 'dash' | 'longdash' | 'dashdot';
  /** Draw markers at the points too. */
  markers?: boolean;
  showlegend?: boolean;
}

/** A polyline through the points (e.g. a path or a curve y(x)). */
export function line(points: Points, options: LineOptions = {}): PlotTrace {
  const { x, y } = xy(points, 'line');
  return {
    type: 'scatter', mode: options.markers ? 'lines+markers' : 'lines', x, y, name: options.name,
    line: { color: options.color, width: options.width ?? 2, dash: options.dash }, showlegend: options.showlegend,
  } as PlotTrace;
}

export interface MarkerOptions {
  name?: string;
  /** One colour, or one value per point mapped through colorscale. */
  color?: string | ArrayLike<number>;
  colorscale?: string | ColorStops;
  cmin?: number;
  cmax?: number;
  showscale?: boolean;
  colorbarTitle?: string;
  size?: number;
  symbol?: string;
  /** Outline colour. */
  lineColor?: string;
  showlegend?: boolean;
}

/** Markers at the points. */
export function markers(points: Points, options: MarkerOptions = {}): PlotTrace {
  const { x, y } = xy(points, 'markers');
  const byValue = options.color !== undefined && typeof options.color !== 'string';
  if (byValue && (options.color as ArrayLike<number>).length !== x.length) {
    throw new Error(`markers: ${x.length} points but ${(options.color as ArrayLike<number>).length} colour values`);
  }
  return {
    type: 'scatter', mode: 'markers', x, y, name: options.name, showlegend: options.showlegend,
    marker: {
      color: byValue ? Array.from(options.color as ArrayLike<number>) : options.color,
      colorscale: byValue ? options.colorscale ?? 'Viridis' : undefined,
      cmin: options.cmin, cmax: options.cmax,
      showscale: byValue ? options.showscale ?? false : undefined,
      colorbar: byValue && options.colorbarTitle ? { title: { text: options.colorbarTitle } } : undefined,
      size: options.size ?? 7, symbol: options.symbol,
      line: options.lineColor ? { color: options.lineColor, width: 1 } : undefined,
    },
  } as PlotTrace;
}

export interface QuiverOptions {
  name?: string;
  /** Length in data units of the longest arrow; default 8% of the larger side of the points' bounding box. */
  maxLength?: number;
  /** Arrow-head length as a fraction of the arrow; default 0.3. */
  head?: number;
  color?: string;
  /** One value per arrow: arrows are drawn in `bins` colour groups of the colour scale (plotly lines cannot vary colour along a trace). */
  colorBy?: ArrayLike<number>;
  colorscale?: ColorStops;
  cmin?: number;
  cmax?: number;
  bins?: number;
  /** Markers at the arrow tails coloured by colorBy, with a colour bar; default true with colorBy. */
  tails?: boolean;
  colorbarTitle?: string;
  width?: number;
}

/**
 * Arrows (x, y) → (x + s u, y + s v) as line segments with two-stroke heads, since plotly has no quiver
 * trace. One scale s for all arrows, so lengths compare. Returns the traces to add to a figure.
 */
export function quiver(points: Points, u: ArrayLike<number>, v: ArrayLike<number>, options: QuiverOptions = {}): PlotTrace[] {
  const { x, y } = xy(points, 'quiver');
  const n = x.length;
  if (u.length !== n || v.length !== n) throw new Error(`quiver: ${n} points but ${u.length} u and ${v.length} v values`);
  if (options.colorBy && options.colorBy.length !== n) throw new Error(`quiver: ${n} points but ${options.colorBy.length} colorBy values`);
  let longest = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(u[i]) || !Number.isFinite(v[i])) throw new Error(`quiver: arrow ${i} is not finite (u=${u[i]}, v=${v[i]})`);
    longest = Math.max(longest, Math.hypot(u[i], v[i]));
  }
  const span = n > 0 ? Math.max(Math.max(...x) - Math.min(...x), Math.max(...y) - Math.min(...y)) : 1;
  const maxLength = options.maxLength ?? 0.08 * (span > 0 ? span : 1);
  const s = longest > 0 ? maxLength / longest : 0;
  const head = options.head ?? 0.3;
  const cos = Math.cos(Math.PI / 7), sin = Math.sin(Math.PI / 7); // heads open ±25.7°

  const values = options.colorBy ? Array.from(options.colorBy) : null;
  const cmin = options.cmin ?? (values ? Math.min(...values) : 0);
  const cmax = options.cmax ?? (values ? Math.max(...values) : 1);
  const bins = values ? options.bins ?? 8 : 1;
  const groups: number[][] = Array.from({ length: bins }, () => []);
  for (let i = 0; i < n; i++) {
    const t = values && cmax > cmin ? (values[i] - cmin) / (cmax - cmin) : 0;
    groups[Math.min(bins - 1, Math.max(0, Math.floor(t * bins)))].push(i);
  }
  const traces: PlotTrace[] = groups.map((idx, b) => {
    const sx: Array<number | null> = [], sy: Array<number | null> = [];
    for (const i of idx) {
      const dx = s * u[i], dy = s * v[i];
      const tx = x[i] + dx, ty = y[i] + dy;
      const hx = -head * dx, hy = -head * dy; // back along the shaft, rotated both ways
      sx.push(x[i], tx, null, tx + cos * hx - sin * hy, tx, tx + cos * hx + sin * hy, null);
      sy.push(y[i], ty, null, ty + sin * hx + cos * hy, ty, ty - sin * hx + cos * hy, null);
    }
    const color = values ? colorAt((b + 0.5) / bins, options.colorscale ?? viridis) : options.color ?? '#222';
    return {
      type: 'scatter', mode: 'lines', x: sx, y: sy, name: options.name, showlegend: false, hoverinfo: 'skip',
      line: { color, width: options.width ?? 1.5 },
    } as PlotTrace;
  }).filter((_, b) => groups[b].length > 0);
  if (values && (options.tails ?? true)) {
    traces.push(markers({ x, y }, {
      name: options.name, color: values, colorscale: options.colorscale ?? viridis, cmin, cmax, size: 4,
      showscale: true, colorbarTitle: options.colorbarTitle, showlegend: false,
    }));
  }
  return traces;
}
