import type { Config, Data, Layout, LayoutAxis } from 'plotly.js-dist-min';

/** plotly.js trace, layout and config types (from plotly.js-dist-min's own typings). */
export type PlotTrace = Data;
export type PlotLayout = Partial<Layout>;
export type PlotConfig = Partial<Config>;

/** A plotly figure with the name it is exported under (figures/<notebook>/<name>.html|png|svg). */
export interface Figure {
  data: PlotTrace[];
  layout: PlotLayout;
  config?: PlotConfig;
  name?: string;
}

/** An axis as plotly.js types it, with `title` also as the plain-text shorthand. */
export type AxisInput = Omit<Partial<LayoutAxis>, 'title'> & { title?: string | LayoutAxis['title'] };
/**
 * A layout as figure() takes it: plotly.js's, where the figure's and each axis's `title` may also be a
 * plain string, the shorthand plotly.js 1-2 accepted (`{ title: 'text' }`). plotly.js 3+ and its typings
 * take only `{ text }`; figure() converts, so the shorthand neither fails type checking nor is dropped.
 */
export type LayoutInput = Omit<PlotLayout, 'title' | 'xaxis' | 'yaxis' | `xaxis${number}` | `yaxis${number}`> & {
  title?: string | PlotLayout['title'];
  xaxis?: AxisInput;
  yaxis?: AxisInput;
  [axis: `xaxis${number}`]: AxisInput;
  [axis: `yaxis${number}`]: AxisInput;
};

/** The layout with every shorthand title (figure's, x/y axes') written as plotly.js 3+ wants it: { text }. */
export function normalizeLayout(layout: LayoutInput): PlotLayout {
  const out: Record<string, unknown> = { ...layout };
  const titled = (v: unknown) => (typeof v === 'string' ? { text: v } : v);
  if (out.title !== undefined) out.title = titled(out.title);
  for (const [key, axis] of Object.entries(out)) {
    if (/^[xy]axis\d*$/.test(key) && axis && typeof axis === 'object' && 'title' in axis) out[key] = { ...axis, title: titled((axis as { title: unknown }).title) };
  }
  return out as PlotLayout;
}

export const DEFAULT_WIDTH = 720;
export const DEFAULT_HEIGHT = 480;

export function figure(data: PlotTrace[], layout: LayoutInput = {}, options: { name?: string; config?: PlotConfig } = {}): Figure {
  if (!Array.isArray(data)) throw new TypeError('figure: data must be an array of traces');
  if (options.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.name)) {
    throw new Error(`figure: "${options.name}" is not a usable file name (letters, digits, . _ -)`);
  }
  return { data, layout: { width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, ...normalizeLayout(layout) }, config: options.config, name: options.name };
}

/** Width and height in CSS pixels (layout values, else the defaults). */
export function figureSize(fig: Figure): { width: number; height: number } {
  return { width: fig.layout.width ?? DEFAULT_WIDTH, height: fig.layout.height ?? DEFAULT_HEIGHT };
}

/**
 * The figure as JSON for plotly.js: typed arrays become plain arrays, and numbers keep 7 significant
 * digits (plenty for drawing; keeps saved HTML small — exact values go to writeData files).
 */
export function figureJson(fig: Figure): string {
  return JSON.stringify({ data: fig.data, layout: fig.layout, config: fig.config ?? {} }, (_key, v: unknown) => {
    if (typeof v === 'number') return Number.isFinite(v) ? Number(v.toPrecision(7)) : null;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}
