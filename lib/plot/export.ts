import { existsSync, statSync } from 'node:fs';
import { copyFileAtomic, writeFileAtomic } from '../files/atomic-write.js';
import { dirname, join } from 'node:path';
import { withFilesLine } from '../report/display.js';
import { figuresDir } from '../report/notebook.js';
import { figureJson, figureSize, type Figure } from './figure.js';
import { plotlyPath, removeStaleImages, renderImage } from './render.js';

export interface ExportedFigure {
  html: string;
  /** Absent when no browser could render images. */
  png?: string;
  svg?: string;
}

/** Copies plotly.min.js into `dir` unless an identical-size copy is there; returns its path. */
export function sharePlotly(dir: string): string {
  const src = plotlyPath();
  const dst = join(dir, 'plotly.min.js');
  if (!existsSync(dst) || statSync(dst).size !== statSync(src).size) copyFileAtomic(src, dst);
  return dst;
}

/** A standalone page showing the figure, loading plotly.js from `plotlySrc`. */
export function figureHtml(fig: Figure, plotlySrc: string): string {
  const { width, height } = figureSize(fig);
  const title = fig.name ?? 'figure';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title><script src="${plotlySrc}"></script></head>
<body><div id="fig" style="width:${width}px;height:${height}px"></div>
<script>const f = ${figureJson(fig).replace(/<\//g, '<\\/')}; Plotly.newPlot('fig', f.data, f.layout, f.config);</script>
</body></html>
`;
}

/**
 * The figure with every trace given a uid ("t0", "t1", ... unless it has one): plotly.js names colour
 * bars ("cb<uid>") and contour clip paths ("clip<uid>") after the trace uid, which it otherwise draws at
 * random, so that an exported SVG would change on every run.
 */
export function withStableTraceUids(fig: Figure): Figure {
  return { ...fig, data: fig.data.map((t, i) => ((t as { uid?: unknown }).uid ? t : { ...t, uid: `t${i}` })) };
}

/**
 * The SVG text plotly.js exports, made reproducible: an unchanged figure gives an identical file.
 * - plotly.js names the defs, clip paths, gradients and legend clip after a random per-plot id
 *   (fullLayout._uid, e.g. "499fec" in "defs-499fec", "clip499fecxyplot", "g499fec-cbt0"); it becomes
 *   "fig" inside id attributes and #references (other text is left alone: the id may also occur as
 *   digits of a coordinate).
 * - Attributes are sorted by name within each tag: plotly sets some in a different order on the first
 *   figure rendered in a fresh page than on later ones (the legend's background rect).
 * XMLSerializer writes every attribute as name="value" with `"` escaped, which the patterns rely on.
 */
export function stableSvgIds(svg: string): string {
  const m = /<defs id="defs-([0-9A-Za-z]+)"/.exec(svg);
  const uid = m ? m[1] : null;
  const renamed = uid === null ? svg : svg.replace(/(\bid="|url\(['"]?#|href="#)([^"')]*)/g, (_all, pre: string, value: string) => pre + value.split(uid).join('fig'));
  return renamed.replace(/<([A-Za-z][\w:.-]*)((?:\s+[^\s=<>"/]+="[^"]*")+)\s*(\/?)>/g, (_all, name: string, attrs: string, close: string) => {
    const list = Array.from(attrs.matchAll(/\s+([^\s=<>"/]+)="([^"]*)"/g), (a) => [a[1], a[2]] as const);
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `<${name}${list.map(([k, v]) => ` ${k}="${v}"`).join('')}${close}>`;
  });
}

/**
 * Writes <dir>/<name>.html (interactive; loads the plotly.min.js copied once into dir's parent, i.e.
 * figures/plotly.min.js), <name>.png and <name>.svg (rendered by headless Chromium; when there is none,
 * a one-line message, and PNG/SVG files of an earlier run under that name are removed: they would no
 * longer match the HTML and data). The SVG's ids are stable (withStableTraceUids, stableSvgIds): an
 * unchanged figure exports to an identical file. dir defaults to figures/<notebook>/, name to fig.name.
 */
export async function exportFigure(fig: Figure, dir: string = figuresDir(), name: string | undefined = fig.name): Promise<ExportedFigure> {
  if (!name) throw new Error('exportFigure: the figure has no name; pass one, or create it with figure(data, layout, { name })');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`exportFigure: "${name}" is not a usable file name (letters, digits, . _ -)`);
  sharePlotly(dirname(dir));
  const out: ExportedFigure = { html: join(dir, `${name}.html`) };
  writeFileAtomic(out.html, figureHtml(fig, '../plotly.min.js'));
  const stable = withStableTraceUids(fig);
  const svg = await renderImage(stable, 'svg');
  if (svg === null) {
    removeStaleImages(join(dir, name), ['svg', 'png']);
    return withFilesLine(out, `figure ${name}`);
  }
  out.svg = join(dir, `${name}.svg`);
  writeFileAtomic(out.svg, stableSvgIds(svg));
  const png = await renderImage(stable, 'png', { scale: 2 });
  if (png !== null) {
    out.png = join(dir, `${name}.png`);
    writeFileAtomic(out.png, Buffer.from(png, 'base64'));
  }
  // a cell ending in `await exportFigure(fig)` shows this line, not the object's fields
  return withFilesLine(out, `figure ${name}`);
}
