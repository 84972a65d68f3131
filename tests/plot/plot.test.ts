import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumPath, closeBrowser, colorAt, contour, exportFigure, figure, figureJson, heatmap, imagesUnavailable, line, markers, panels, plotlyPath, quiver, renderImage, show, stableSvgIds, staleImagesRemoved, viridis, withStableTraceUids } from '../../lib/plot/index.js';
import { projectRoot } from '../../lib/project/root.js';

const tmp = mkdtempSync(join(tmpdir(), 'rarelab-plot-'));
type Rec = Record<string, any>;

test('figureJson turns typed arrays into arrays, keeps 7 significant digits, NaN → null', () => {
  const fig = figure([line(Float64Array.from([0, 1 / 3, 1, NaN]))], { title: { text: 't' } }, { name: 'f' });
  const j = JSON.parse(figureJson(fig));
  assert.equal(j.data[0].x, [0, 1]);
  assert.equal(j.data[0].y, [0.3333333, null]);
  assert.is(j.layout.width, 720);
  assert.throws(() => figure([], {}, { name: 'a b' }), /not a usable file name/);
});

test('layout titles: the plotly shorthand { title: "text" } is accepted (types and runtime) and sent as { text }', () => {
  const f = figure([], { title: 'Fig. 1', xaxis: { title: 'x (nm)', range: [0, 1] }, yaxis: { title: { text: 'y', standoff: 4 } }, xaxis2: { title: 'x2' } });
  assert.equal(f.layout.title, { text: 'Fig. 1' });
  assert.equal(f.layout.xaxis, { title: { text: 'x (nm)' }, range: [0, 1] });
  assert.equal(f.layout.yaxis, { title: { text: 'y', standoff: 4 } });
  assert.equal((f.layout as Rec).xaxis2, { title: { text: 'x2' } });
  const p = panels([{ traces: [], xaxis: { title: 'phi' } }], { layout: { title: 'both' } }) as Rec;
  assert.equal([p.layout.title, p.layout.xaxis.title], [{ text: 'both' }, { text: 'phi' }]);
});

test('contour isolines: levels, no fill, line colour and dash; the field is reshaped like a heatmap', () => {
  const t = contour({ x: [0, 1], y: [0, 1, 2], z: [1, 2, 3, 4, 5, 6] }, { linesOnly: true, levels: { start: 0.1, end: 0.9, size: 0.1 }, lineColor: 'grey', lineDash: 'dash' }) as Rec;
  assert.equal(t.z, [[1, 2], [3, 4], [5, 6]]);
  assert.equal(t.contours, { start: 0.1, end: 0.9, size: 0.1, coloring: 'none' });
  assert.equal(t.line, { color: 'grey', dash: 'dash' });
  assert.is(t.showscale, false);
  assert.is((contour({ x: [0, 1], y: [0, 1], z: [1, 2, 3, 4] }) as Rec).line, undefined);
});

test('heatmap reshapes a flat row-major field to rows along y and checks sizes', () => {
  const x = [0, 1, 2], y = [10, 20];
  const t = heatmap({ x, y, z: Float64Array.from([1, 2, 3, 4, 5, 6]) }) as Rec;
  assert.equal(t.z, [[1, 2, 3], [4, 5, 6]]);
  assert.equal((heatmap({ x, y, z: [[1, 2, 3], [4, 5, 6]] }) as Rec).z, [[1, 2, 3], [4, 5, 6]]);
  assert.throws(() => heatmap({ x, y, z: [1, 2, 3] }), /z has 3 values, expected x.length \* y.length = 3 \* 2/);
  assert.throws(() => heatmap({ x, y, z: [[1, 2, 3], [4, 5]] }), /row 1 of z has 2 values, x has 3/);
});

test('line and markers accept flattened [n][2] points or {x, y}', () => {
  const l = line(Float64Array.from([1, 2, 3, 4, 5, 6])) as Rec;
  assert.equal([l.x, l.y], [[1, 3, 5], [2, 4, 6]]);
  assert.throws(() => line([1, 2, 3]), /even length, got 3/);
  const m = markers({ x: [0, 1], y: [2, 3] }, { color: Float64Array.from([0.1, 0.9]) }) as Rec;
  assert.equal(m.marker.color, [0.1, 0.9]);
  assert.is(m.marker.colorscale, 'Viridis');
  assert.throws(() => markers({ x: [0, 1], y: [2, 3] }, { color: [1] }), /2 points but 1 colour values/);
});

test('quiver: one scale for all arrows, longest = maxLength, heads at ±π/7 with 0.3 of the length', () => {
  const [t] = quiver([0, 0, 1, 1], [1, 0], [0, 2], { maxLength: 0.5 }) as Rec[];
  // arrow 0: (0,0) → (0.25, 0); arrow 1: (1,1) → (1, 1.5). 7 entries per arrow: shaft, null, head, null.
  assert.equal(t.x.slice(0, 3), [0, 0.25, null]);
  assert.equal(t.y.slice(7, 10), [1, 1.5, null]);
  const tip = [1, 1.5], s = Math.sin(Math.PI / 7), c = Math.cos(Math.PI / 7);
  const heads = [[t.x[10], t.y[10]], [t.x[12], t.y[12]]];
  assert.equal([t.x[11], t.y[11]], tip);
  for (const [h, sign] of [[heads[0], 1], [heads[1], -1]] as const) {
    assert.ok(Math.abs(h[0] - (tip[0] + sign * 0.15 * s)) < 1e-12, `head x ${h[0]}`);
    assert.ok(Math.abs(h[1] - (tip[1] - 0.15 * c)) < 1e-12, `head y ${h[1]}`);
  }
  assert.throws(() => quiver([0, 0], [NaN], [0]), /arrow 0 is not finite/);
  assert.throws(() => quiver([0, 0, 1, 1], [1], [0, 1]), /2 points but 1 u and 2 v values/);
});

test('quiver colorBy: arrows grouped in colour bins of the scale, plus tail markers with a colour bar', () => {
  const n = 8;
  const pts = Array.from({ length: 2 * n }, (_, i) => i);
  const val = Array.from({ length: n }, (_, i) => i / (n - 1));
  const traces = quiver(pts, new Array(n).fill(1), new Array(n).fill(0), { colorBy: val, bins: 4 }) as Rec[];
  assert.is(traces.length, 5);
  assert.equal(traces.slice(0, 4).map((t) => t.x.length / 7), [2, 2, 2, 2]);
  assert.equal(traces.slice(0, 4).map((t) => t.line.color), [0.125, 0.375, 0.625, 0.875].map((u) => colorAt(u)));
  assert.equal(traces[4].marker.color, val);
  assert.is(traces[4].marker.showscale, true);
});

test('colorAt interpolates the stops', () => {
  assert.is(colorAt(0), 'rgb(68,1,84)');
  assert.is(colorAt(1), 'rgb(253,231,37)');
  assert.is(colorAt(0.5, [[0, '#000000'], [1, '#ff0080']]), 'rgb(128,0,64)');
  assert.is(viridis.length, 10);
  assert.throws(() => colorAt(NaN), /NaN/);
});

test('panels: side-by-side domains, anchored axes, colour bars at each panel edge', () => {
  const f = panels([
    { title: 'V', traces: [heatmap({ x: [0, 1], y: [0, 1], z: [1, 2, 3, 4] }), line([0, 0, 1, 1])] },
    { title: 'chi', traces: [markers([0, 0], { color: [0.5], showscale: true })] },
  ], { gap: 0.2, name: 'two' }) as Rec;
  assert.equal(f.layout.xaxis.domain, [0, 0.4]);
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-12;
  assert.ok(near(f.layout.xaxis2.domain[0], 0.6) && f.layout.xaxis2.domain[1] === 1);
  assert.is(f.layout.yaxis2.anchor, 'x2');
  assert.equal(f.data.map((t: Rec) => [t.xaxis, t.yaxis]), [['x', 'y'], ['x', 'y'], ['x2', 'y2']]);
  assert.ok(near(f.data[0].colorbar.x, 0.41));
  assert.ok(near(f.data[2].marker.colorbar.x, 1.01));
  assert.equal(f.layout.annotations.map((a: Rec) => a.text), ['V', 'chi']);
  assert.ok(near(f.layout.annotations[0].x, 0.2) && near(f.layout.annotations[1].x, 0.8));
  assert.is(f.name, 'two');
  assert.is(f.layout.width, 960);
});

test('without a browser: one message, HTML only', async () => {
  await closeBrowser();
  const old = process.env.RARELAB_CHROMIUM;
  process.env.RARELAB_CHROMIUM = '/nonexistent/chromium';
  const warn = console.warn;
  const msgs: string[] = [];
  console.warn = (m: string) => void msgs.push(m);
  try {
    const dir = join(tmp, 'nobrowser');
    mkdirSync(dir);
    // images of an earlier run under the same name would no longer match the new HTML: removed
    writeFileSync(join(dir, 'f.png'), 'old');
    writeFileSync(join(dir, 'f.svg'), 'old');
    writeFileSync(join(dir, 'g.png'), 'another figure');
    staleImagesRemoved({ clear: true });
    const out = await exportFigure(figure([line([0, 0, 1, 1])], {}, { name: 'f' }), dir);
    assert.equal(Object.keys(out), ['html']);
    assert.is(await renderImage(figure([]), 'png'), null);
    assert.is(msgs.length, 1);
    assert.match(msgs[0], /no Chromium at \/nonexistent\/chromium .*figures are written as HTML only/);
    assert.equal([existsSync(join(dir, 'f.png')), existsSync(join(dir, 'f.svg')), existsSync(join(dir, 'g.png'))], [false, false, true]);
    assert.equal(staleImagesRemoved({ clear: true }), [join(dir, 'f.svg'), join(dir, 'f.png')]);
    assert.match(imagesUnavailable() ?? '', /^no Chromium at \/nonexistent\/chromium /);
    // the notice comes once per run of figures: again after closeBrowser (the runner closes it per notebook)
    await closeBrowser();
    await renderImage(figure([]), 'png');
    await renderImage(figure([]), 'png');
    assert.is(msgs.length, 2);
  } finally {
    console.warn = warn;
    if (old === undefined) delete process.env.RARELAB_CHROMIUM; else process.env.RARELAB_CHROMIUM = old;
    await closeBrowser();
  }
});

test('exportFigure writes HTML with a shared plotly.min.js, and SVG/PNG of the layout size', async () => {
  const dir = join(tmp, 'nb');
  mkdirSync(dir);
  const fig = figure([line({ x: [0, 1, 2], y: [3, 1, 2] }, { name: 'curve' })], { width: 400, height: 300 }, { name: 'curve' });
  const out = await exportFigure(fig, dir);
  // a cell ending in `await exportFigure(fig)` shows one line, not the object
  assert.is(inspect(out), `figure curve: ${join(dir, 'curve.html')}${chromiumPath() ? ', .svg, .png' : ''}`);
  const html = readFileSync(out.html, 'utf8');
  assert.match(html, /<script src="\.\.\/plotly\.min\.js"><\/script>/);
  assert.match(html, /"x":\[0,1,2\],"y":\[3,1,2\]/);
  assert.is(statSync(join(tmp, 'plotly.min.js')).size, statSync(plotlyPath()).size);
  if (!chromiumPath()) {
    console.log('  (no Chromium: SVG/PNG export not tested)');
    return;
  }
  const svg = readFileSync(out.svg!, 'utf8');
  assert.match(svg, /^<svg [^>]*height="300"[^>]*width="400"/);
  assert.match(svg, /class="scatterlayer/);
  const png = readFileSync(out.png!);
  assert.equal([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  assert.equal([png.readUInt32BE(16), png.readUInt32BE(20)], [800, 600]); // IHDR, scale 2
  const again = await exportFigure({ ...fig, name: 'curve2' }, dir); // the same browser, reused
  assert.ok(existsSync(again.png!));
  await closeBrowser();
});

test('stableSvgIds: the random plot id becomes "fig" in ids and #references only; attributes sorted', () => {
  const svg = '<svg><defs id="defs-49f0e1"><clipPath id="clip49f0e1xyplot"/><linearGradient id="g49f0e1-cbt0"/></defs>'
    + '<g clip-path="url(#clip49f0e1xyplot)"><rect style="fill: url(\'#g49f0e1-cbt0\');"/><use xlink:href="#clip49f0e1xyplot"/>'
    + '<path d="M49f0e1"/><text>49f0e1</text></g><defs id="topdefs-49f0e1"/></svg>';
  assert.is(stableSvgIds(svg), '<svg><defs id="defs-fig"><clipPath id="clipfigxyplot"/><linearGradient id="gfig-cbt0"/></defs>'
    + '<g clip-path="url(#clipfigxyplot)"><rect style="fill: url(\'#gfig-cbt0\');"/><use xlink:href="#clipfigxyplot"/>'
    + '<path d="M49f0e1"/><text>49f0e1</text></g><defs id="topdefs-fig"/></svg>');
  assert.is(stableSvgIds('<svg></svg>'), '<svg></svg>');
  assert.is(stableSvgIds('<svg><rect y="2" class="bg" x="1"/><text b="1" a="x&quot;y">a="2" b</text></svg>'),
    '<svg><rect class="bg" x="1" y="2"/><text a="x&quot;y" b="1">a="2" b</text></svg>');
  const f = withStableTraceUids(figure([line([0, 0, 1, 1]), { type: 'scatter', uid: 'mine' }]));
  assert.equal(f.data.map((t) => (t as Rec).uid), ['t0', 'mine']);
});

test('exportFigure: the same figure exported twice gives identical SVG and PNG files (no random ids)', async () => {
  if (!chromiumPath()) {
    console.log('  (no Chromium: SVG determinism not tested)');
    return;
  }
  const z = [0, 1, 2, 3, 4, 5];
  const fig = panels([
    { title: 'a', traces: [heatmap({ x: [0, 1, 2], y: [0, 1], z }, { colorbarTitle: 'z' }), contour({ x: [0, 1, 2], y: [0, 1], z }, { linesOnly: true, showscale: false }), line([0, 0, 2, 1], { name: 'l' })] },
    { title: 'b', traces: [markers([0, 0, 1, 1], { name: 'm' })] },
  ], { name: 'twice', width: 700, height: 300, layout: { showlegend: true } });
  const files = [];
  for (const d of ['run1', 'run2']) {
    mkdirSync(join(tmp, d));
    const out = await exportFigure(fig, join(tmp, d));
    files.push({ svg: readFileSync(out.svg!, 'utf8'), png: readFileSync(out.png!) });
  }
  await closeBrowser();
  assert.ok(files[0].svg.includes('id="defs-fig"'));
  assert.ok(files[0].svg === files[1].svg, 'identical SVG text');
  assert.ok(files[0].png.equals(files[1].png), 'identical PNG bytes');
});

test('show in a live notebook injects plotly.js once, then one interactive div per figure', async () => {
  const req = createRequire(join(projectRoot(), 'package.json'));
  const jupyter = req('tslab/dist/jupyter.js') as { lastWriteDisplayData: unknown };
  const outputs: Array<Record<string, string>> = [];
  const oldFig = process.env.RARELAB_FIGURES;
  delete process.env.RARELAB_FIGURES;
  jupyter.lastWriteDisplayData = (msg: { data: Record<string, string> }) => void outputs.push(msg.data);
  try {
    const fig = figure([line([0, 0, 1, 1])], {}, { name: 'live' });
    await show(fig);
    await show(fig);
  } finally {
    jupyter.lastWriteDisplayData = null;
    if (oldFig !== undefined) process.env.RARELAB_FIGURES = oldFig;
  }
  assert.is(outputs.length, 3);
  // after a page reload the chart says how to re-send plotly.js, as a notebook calls it
  assert.match(outputs[1]['text/html'], /plotly\.js is not loaded in this page \(page reloaded\?\); run rl\.injectPlotly\(\{ force: true \}\) and show it again/);
  assert.ok(outputs[0]['text/html'].length > statSync(plotlyPath()).size, 'the bundle, inline');
  assert.match(outputs[0]['text/html'], /^<script type="text\/javascript">\(function\(module, exports, define\)\{/);
  for (const o of outputs.slice(1)) {
    assert.ok(o['text/html'].length < 5000);
    assert.match(o['text/html'], /window\.Plotly\.newPlot\(el,f\.data,f\.layout,f\.config\)/);
    assert.is(o['text/plain'], 'figure live');
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
