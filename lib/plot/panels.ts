import { DEFAULT_HEIGHT, figure, type AxisInput, type Figure, type LayoutInput, type PlotTrace } from './figure.js';

export interface Panel {
  traces: PlotTrace[];
  title?: string;
  xaxis?: AxisInput;
  yaxis?: AxisInput;
}

const COLORED = new Set(['heatmap', 'contour']);

/**
 * Side-by-side panels in one figure (plotly subplots): panel k gets axes x{k+1}/y{k+1}, a title above
 * it, and the colour bars of its traces placed at its right edge instead of the figure's.
 */
export function panels(list: Panel[], options: { name?: string; title?: string; width?: number; height?: number; gap?: number; layout?: LayoutInput } = {}): Figure {
  const n = list.length;
  if (n === 0) throw new Error('panels: need at least one panel');
  const gap = options.gap ?? 0.14;
  if (!(gap >= 0 && gap * (n - 1) < 1)) throw new RangeError(`panels: gap ${gap} leaves no room for ${n} panels`);
  const w = (1 - gap * (n - 1)) / n;
  const layout: Record<string, unknown> = {
    width: options.width ?? 480 * n, height: options.height ?? DEFAULT_HEIGHT, showlegend: false,
    title: options.title ? { text: options.title } : undefined, annotations: [] as unknown[],
  };
  const data: PlotTrace[] = [];
  list.forEach((p, k) => {
    const x0 = k * (w + gap), x1 = x0 + w;
    const xa = k === 0 ? 'x' : `x${k + 1}`, ya = k === 0 ? 'y' : `y${k + 1}`;
    layout[k === 0 ? 'xaxis' : `xaxis${k + 1}`] = { ...p.xaxis, domain: [x0, x1], anchor: ya };
    layout[k === 0 ? 'yaxis' : `yaxis${k + 1}`] = { ...p.yaxis, anchor: xa };
    if (p.title) {
      (layout.annotations as unknown[]).push({ text: p.title, x: (x0 + x1) / 2, y: 1, xref: 'paper', yref: 'paper', xanchor: 'center', yanchor: 'bottom', showarrow: false, font: { size: 15 } });
    }
    for (const t of p.traces) {
      const tr: Record<string, unknown> = { ...(t as Record<string, unknown>), xaxis: xa, yaxis: ya };
      const bar = { x: x1 + 0.01, xanchor: 'left', len: 1 };
      if (COLORED.has(String(tr.type)) && tr.showscale !== false) tr.colorbar = { ...bar, ...(tr.colorbar as object | undefined) };
      const marker = tr.marker as Record<string, unknown> | undefined;
      if (marker?.showscale) tr.marker = { ...marker, colorbar: { ...bar, ...(marker.colorbar as object | undefined) } };
      data.push(tr as PlotTrace);
    }
  });
  return figure(data, { ...(layout as LayoutInput), ...options.layout }, { name: options.name });
}
