import { existsSync, statSync } from 'node:fs';
import { copyFileAtomic, writeFileAtomic } from '../files/atomic-write.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { projectRoot } from '../project/root.js';
import { displayData, escapeHtml, inNotebook, newDisplayId, withFilesLine } from '../report/display.js';
import { figuresDir } from '../report/notebook.js';
import { colorAt, type ColorStops } from './colors.js';
import { removeStaleImages, withRendererPage } from './render.js';
import { figureOutput, injectScriptOnce } from './show.js';

/**
 * Molecule views with 3Dmol.js (npm package 3dmol): atoms coloured per atom (e.g. by their contribution
 * to a reaction coordinate, AIMMD Fig. 4B), shown interactively in a notebook (3Dmol.js sent to the page
 * once per kernel session), as a PNG rendered by the same headless Chromium as the plotly figures
 * (WebGL by Chromium's software rasteriser; no network), or as a standalone HTML page.
 */
export interface MoleculeView {
  /** File name for exportMolecule (letters, digits, . _ -). */
  name?: string;
  /** One structure in PDB format (bonds are found by 3Dmol.js from distances). */
  pdb: string;
  /** A CSS colour per atom in file order ('#rrggbb' or 'rgb(r,g,b)'); default 3Dmol.js's element colours. */
  colors?: string[];
  /** A label per atom (null or '' for none). */
  labels?: (string | null)[];
  /** Pixels; default 480 x 360. */
  width?: number;
  height?: number;
  /** A caption under the interactive view and in the HTML page. */
  caption?: string;
}

/** Blue (least) - white - red (most): the colouring of AIMMD's Figs. 4B and 5B. */
export const blueWhiteRed: ColorStops = [[0, '#2166ac'], [0.5, '#f7f7f7'], [1, '#b2182b']];

/**
 * One colour per value on a colour scale (default blue - white - red), values mapped linearly from
 * [min, max] (default their range) to [0, 1].
 */
export function colorsByValue(values: ArrayLike<number>, options: { min?: number; max?: number; stops?: ColorStops } = {}): string[] {
  if (values.length === 0) throw new RangeError('colorsByValue: no values');
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`colorsByValue: value ${i} is ${values[i]}`);
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const min = options.min ?? lo, max = options.max ?? hi;
  if (!(max >= min)) throw new RangeError(`colorsByValue: max ${max} is below min ${min}`);
  return Array.from(values, (v) => colorAt(max > min ? (v - min) / (max - min) : 0.5, options.stops ?? blueWhiteRed));
}

/** A molecule view; checks that colours and labels match the PDB's atoms. */
export function moleculeView(pdb: string, options: Omit<MoleculeView, 'pdb'> = {}): MoleculeView {
  const atoms = pdb.split(/\r?\n/).filter((l) => /^(ATOM  |HETATM)/.test(l)).length;
  if (atoms === 0) throw new Error('moleculeView: the PDB text has no ATOM/HETATM records');
  if (options.colors && options.colors.length !== atoms) throw new RangeError(`moleculeView: ${options.colors.length} colours for ${atoms} atoms`);
  if (options.labels && options.labels.length !== atoms) throw new RangeError(`moleculeView: ${options.labels.length} labels for ${atoms} atoms`);
  options.colors?.forEach((c, i) => {
    if (!/^#[0-9a-f]{6}$/i.test(c) && !/^rgb\(\d{1,3},\d{1,3},\d{1,3}\)$/.test(c)) throw new Error(`moleculeView: colour ${i} "${c}" is not #rrggbb or rgb(r,g,b)`);
  });
  if (options.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.name)) throw new Error(`moleculeView: "${options.name}" is not a usable file name (letters, digits, . _ -)`);
  for (const k of ['width', 'height'] as const) {
    const v = options[k];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new RangeError(`moleculeView: ${k} must be a positive integer, got ${v}`);
  }
  return { ...options, pdb };
}

function size(v: MoleculeView): { width: number; height: number } {
  return { width: v.width ?? 480, height: v.height ?? 360 };
}

/** Path of the 3Dmol.js bundle (self-contained, defines $3Dmol). */
export function threeDmolPath(): string {
  return createRequire(join(projectRoot(), 'package.json')).resolve('3dmol/build/3Dmol-min.js');
}

/**
 * The page-side drawing function, defined as `rarelabDrawMolecule(element, spec)` next to 3Dmol.js:
 * sticks and small spheres, one colour per atom, labels, oriented by zoomTo. ES5, no DOM types needed here.
 */
const DRAW_JS = `window.rarelabDrawMolecule = function (el, spec) {
  var v = $3Dmol.createViewer(el, { backgroundColor: 'white', antialias: true });
  var m = v.addModel(spec.pdb, 'pdb', { keepH: true });
  v.setStyle({}, { stick: { radius: 0.14 }, sphere: { scale: 0.25 } });
  if (spec.colors) for (var i = 0; i < spec.colors.length; i++) {
    v.setStyle({ index: i }, { stick: { radius: 0.14, color: spec.colors[i] }, sphere: { scale: 0.25, color: spec.colors[i] } });
  }
  if (spec.labels) {
    var atoms = m.selectedAtoms({});
    for (var j = 0; j < spec.labels.length; j++) if (spec.labels[j]) {
      v.addLabel(spec.labels[j], { position: { x: atoms[j].x, y: atoms[j].y, z: atoms[j].z }, fontSize: 11, fontColor: 'black', backgroundColor: 'white', backgroundOpacity: 0.6, showBackground: true, inFront: true });
    }
  }
  v.zoomTo();
  v.render();
  return v;
};`;

function specJson(v: MoleculeView): string {
  return JSON.stringify({ pdb: v.pdb, colors: v.colors ?? null, labels: v.labels ?? null }).replace(/<\//g, '<\\/');
}

/** Puts 3Dmol.js (~0.5 MB) and the drawing function into the notebook page, once per kernel session. */
export function inject3Dmol(options: { force?: boolean } = {}): void {
  injectScriptOnce('rarelab.plot.threeDmolInjected', threeDmolPath(), '3Dmol.js', { ...options, after: DRAW_JS });
}

/**
 * Renders the view to a PNG (base64) in headless Chromium, at twice the view's pixel size (3Dmol.js
 * renders antialiased views at a device pixel ratio of at least 2); null when no browser is installed.
 */
export async function renderMoleculeImage(view: MoleculeView): Promise<string | null> {
  const { width, height } = size(view);
  return withRendererPage(async (page) => {
    const ready = await page.evaluate(() => typeof (globalThis as unknown as { rarelabDrawMolecule?: unknown }).rarelabDrawMolecule === 'function', null);
    if (!ready) {
      await page.addScriptTag({ path: threeDmolPath() });
      await page.addScriptTag({ content: DRAW_JS });
    }
    const url = await page.evaluate(
      ({ spec, width, height }) => {
        // globalThis and a minimal document type: tslab type-checks lib without the DOM library.
        const g = globalThis as unknown as {
          document: { createElement(t: string): { style: { cssText: string }; remove(): void }; body: { appendChild(e: unknown): void } };
          rarelabDrawMolecule(el: unknown, spec: unknown): { pngURI(): string; clear(): void };
        };
        const el = g.document.createElement('div');
        el.style.cssText = `position:relative;width:${width}px;height:${height}px`;
        g.document.body.appendChild(el);
        const v = g.rarelabDrawMolecule(el, JSON.parse(spec));
        const png = v.pngURI();
        v.clear();
        el.remove();
        return png;
      },
      { spec: specJson(view), width, height },
    );
    if (!url.startsWith('data:image/png;base64,')) throw new Error(`renderMoleculeImage: Chromium returned no PNG (WebGL unavailable?): ${url.slice(0, 40)}`);
    return url.slice(url.indexOf(',') + 1);
  });
}

/**
 * Shows the molecule in the notebook: an interactive 3Dmol.js view (rotate, zoom), or in 'static' mode
 * (RARELAB_FIGURES=static, as `npm run reproduce` sets) a PNG. Outside a notebook prints a note.
 */
export async function showMolecule(view: MoleculeView): Promise<void> {
  const label = `molecule ${view.name ?? '(unnamed)'}`;
  if (!inNotebook()) {
    console.log(`${label}: not in a notebook; use exportMolecule() to write it to files`);
    return;
  }
  const { width, height } = size(view);
  if (figureOutput() === 'static') {
    const png = await renderMoleculeImage(view);
    if (png === null) {
      displayData({ 'text/plain': `${label}: no static image (no Chromium); see the exported HTML` });
      return;
    }
    displayData({ 'image/png': png, 'text/plain': label }, { metadata: { 'image/png': { width, height } } });
    return;
  }
  inject3Dmol();
  const id = `rarelab-mol-${newDisplayId()}`;
  displayData({
    'text/html': `<div id="${id}" style="position:relative;width:${width}px;height:${height}px"></div>${view.caption ? `<p>${escapeHtml(view.caption)}</p>` : ''}
<script type="text/javascript">(function(){var el=document.getElementById(${JSON.stringify(id)});var spec=${specJson(view)};
if(window.rarelabDrawMolecule){window.rarelabDrawMolecule(el,spec);}
else{el.textContent=${JSON.stringify(`${escapeHtml(label)}: 3Dmol.js is not loaded in this page (page reloaded?); run rl.inject3Dmol({ force: true }) and show it again`)};}})();</script>`,
    'text/plain': label,
  });
}

/** A standalone page with the interactive view, loading 3Dmol.js from `src`. */
export function moleculeHtml(view: MoleculeView, src: string): string {
  const { width, height } = size(view);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(view.name ?? 'molecule')}</title><script src="${src}"></script></head>
<body><div id="mol" style="position:relative;width:${width}px;height:${height}px"></div>${view.caption ? `<p>${escapeHtml(view.caption)}</p>` : ''}
<script>${DRAW_JS}
rarelabDrawMolecule(document.getElementById('mol'), ${specJson(view)});</script>
</body></html>
`;
}

export interface ExportedMolecule {
  html: string;
  /** Absent when no browser could render images. */
  png?: string;
}

/**
 * Writes <dir>/<name>.html (interactive; loads the 3Dmol-min.js copied once into dir's parent, i.e.
 * figures/3Dmol-min.js) and <name>.png (headless Chromium, twice the view's pixels; when there is none, a one-line
 * message, and a PNG of an earlier run under that name is removed). dir defaults to figures/<notebook>/, name to view.name.
 */
export async function exportMolecule(view: MoleculeView, dir: string = figuresDir(), name: string | undefined = view.name): Promise<ExportedMolecule> {
  if (!name) throw new Error('exportMolecule: the view has no name; pass one, or give moleculeView a name');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`exportMolecule: "${name}" is not a usable file name (letters, digits, . _ -)`);
  const src = threeDmolPath(), shared = join(dirname(dir), '3Dmol-min.js');
  if (!existsSync(shared) || statSync(shared).size !== statSync(src).size) copyFileAtomic(src, shared);
  const out: ExportedMolecule = { html: join(dir, `${name}.html`) };
  writeFileAtomic(out.html, moleculeHtml(view, '../3Dmol-min.js'));
  const png = await renderMoleculeImage(view);
  if (png !== null) {
    out.png = join(dir, `${name}.png`);
    writeFileAtomic(out.png, Buffer.from(png, 'base64'));
  } else removeStaleImages(join(dir, name), ['png']);
  return withFilesLine(out, `molecule ${name}`);
}
