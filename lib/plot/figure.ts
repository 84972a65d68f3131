import type { Config, Data, Layout } from 'plotly.js-dist-min';

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

export const DEFAULT_WIDTH = 720;
export const DEFAULT_HEIGHT = 480;

export function figure(data: PlotTrace[], layout: PlotLayout = {}, options: { name?: string; config?: PlotConfig } = {}): Figure {
  if (!Array.isArray(data)) throw new TypeError('figure: data must be an array of traces');
  if (options.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.name)) {
    throw new Error(`figure: "${options.name}" is not a usable file name (letters, digits, . _ -)`);
  }
  return { data, layout: { width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, ...layout }, config: options.config, name: options.name };
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
