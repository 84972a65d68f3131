import { readFileSync } from 'node:fs';
import { displayData, escapeHtml, inNotebook, newDisplayId } from '../report/display.js';
import { figureJson, figureSize, type Figure } from './figure.js';
import { plotlyPath, renderImage, type ImageFormat } from './render.js';

/**
 * How show() draws: 'interactive' (plotly.js in the page) or 'static' (an image rendered by Chromium,
 * which keeps saved notebooks small). RARELAB_FIGURES chooses; `npm run reproduce` and
 * scripts/nbconvert.ts set 'static', a live notebook defaults to 'interactive'.
 */
export function figureOutput(): 'interactive' | 'static' {
  const v = process.env.RARELAB_FIGURES;
  if (v === undefined || v === '' || v === 'interactive') return 'interactive';
  if (v === 'static') return 'static';
  throw new Error(`RARELAB_FIGURES must be "interactive" or "static", got "${v}"`);
}

/**
 * Sends a UMD JavaScript bundle (plus optional script after it) into the notebook page once per kernel
 * session, remembered under `key` in a global flag; `force` sends it again (e.g. after reloading the page
 * while the kernel kept running). module/define/exports are hidden so the bundle's UMD header assigns its
 * global (window.Plotly, window.$3Dmol) even in pages with require.js (classic Notebook); "</script" is
 * escaped.
 */
export function injectScriptOnce(key: string, path: string, label: string, options: { force?: boolean; after?: string } = {}): void {
  const flag = Symbol.for(key);
  const g = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (g[flag] && !options.force) return;
  const src = readFileSync(path, 'utf8').replace(/<\/script/gi, '<\\/script');
  displayData({
    'text/html': `<script type="text/javascript">(function(module, exports, define){${src}\n})(undefined, undefined, undefined);${options.after ? `\n${options.after}` : ''}</script>`,
    'text/plain': `${label} loaded`,
  });
  g[flag] = true;
}

/** Puts plotly.js into the notebook page, once per kernel session: the ~4.8 MB bundle is sent in one output instead of with every chart. */
export function injectPlotly(options: { force?: boolean } = {}): void {
  injectScriptOnce('rarelab.plot.plotlyInjected', plotlyPath(), 'plotly.js', options);
}

/**
 * Shows a figure in the notebook: interactive (plotly.js injected once per session) or, in 'static'
 * mode, as a PNG (default) or SVG image. Await it: static images are rendered asynchronously.
 * Outside a notebook it prints a one-line note.
 */
export async function show(fig: Figure, options: { format?: ImageFormat } = {}): Promise<void> {
  const label = `figure ${fig.name ?? '(unnamed)'}`;
  if (!inNotebook()) {
    console.log(`${label}: not in a notebook; use exportFigure() to write it to files`);
    return;
  }
  if (figureOutput() === 'static') {
    const format = options.format ?? 'png';
    const img = await renderImage(fig, format);
    if (img === null) {
      displayData({ 'text/plain': `${label}: no static image (no Chromium); see the exported HTML` });
      return;
    }
    const { width, height } = figureSize(fig);
    const mime = format === 'png' ? 'image/png' : 'image/svg+xml';
    displayData({ [mime]: img, 'text/plain': label }, { metadata: { [mime]: { width, height } } });
    return;
  }
  injectPlotly();
  const id = `rarelab-${newDisplayId()}`;
  const { width, height } = figureSize(fig);
  const json = figureJson(fig).replace(/<\//g, '<\\/');
  displayData({
    'text/html': `<div id="${id}" style="width:${width}px;height:${height}px"></div>
<script type="text/javascript">(function(){var el=document.getElementById(${JSON.stringify(id)});var f=${json};
if(window.Plotly){window.Plotly.newPlot(el,f.data,f.layout,f.config);}
else{el.textContent=${JSON.stringify(`${escapeHtml(label)}: plotly.js is not loaded in this page (page reloaded?); run rl.injectPlotly({ force: true }) and show it again`)};}})();</script>`,
    'text/plain': label,
  });
}
