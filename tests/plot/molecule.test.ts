import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumPath, closeBrowser, colorsByValue, exportMolecule, moleculeHtml, moleculeView, renderMoleculeImage, showMolecule, threeDmolPath, withRendererPage } from '../../lib/plot/index.js';
import { formatPdb, loadShippedSystem } from '../../lib/forcefield/index.js';
import { projectRoot } from '../../lib/project/root.js';

const tmp = mkdtempSync(join(tmpdir(), 'rarelab-mol-'));
const s = loadShippedSystem('alanine-dipeptide');
const pdb = formatPdb(s.atoms, [s.positions]);
const n = s.atoms.length;

test('colorsByValue: blue at the minimum, white in the middle, red at the maximum; fixed range', () => {
  assert.equal(colorsByValue([0, 0.5, 1]), ['rgb(33,102,172)', 'rgb(247,247,247)', 'rgb(178,24,43)']);
  assert.equal(colorsByValue([2, 4, 6]), colorsByValue([0, 0.5, 1]));
  assert.equal(colorsByValue([0.25], { min: 0, max: 1 }), ['rgb(140,175,210)']); // halfway blue -> white: (33+247)/2, (102+247)/2, (172+247)/2 rounded
  assert.equal(colorsByValue([3, 3]), ['rgb(247,247,247)', 'rgb(247,247,247)']);
  assert.throws(() => colorsByValue([0, NaN]), /value 1 is NaN/);
  assert.throws(() => colorsByValue([]), /no values/);
});

test('moleculeView checks colours, labels and names against the PDB', () => {
  const v = moleculeView(pdb, { name: 'ala', colors: new Array(n).fill('#ff0000') });
  assert.is(v.pdb, pdb);
  assert.throws(() => moleculeView('REMARK nothing\nEND\n'), /no ATOM\/HETATM records/);
  assert.throws(() => moleculeView(pdb, { colors: ['#ff0000'] }), /1 colours for 22 atoms/);
  assert.throws(() => moleculeView(pdb, { labels: ['a'] }), /1 labels for 22 atoms/);
  assert.throws(() => moleculeView(pdb, { colors: new Array(n).fill('red') }), /colour 0 "red" is not #rrggbb/);
  assert.throws(() => moleculeView(pdb, { name: 'a b' }), /not a usable file name/);
  assert.throws(() => moleculeView(pdb, { width: 0 }), /width must be a positive integer/);
  const html = moleculeHtml(v, '../3Dmol-min.js');
  assert.match(html, /<script src="\.\.\/3Dmol-min\.js"><\/script>/);
  assert.match(html, /rarelabDrawMolecule\(document\.getElementById\('mol'\), \{"pdb":"/);
});

/** Fractions of pixels that are clearly red, clearly blue, in a PNG (decoded by the browser). */
async function redBlue(png: string): Promise<{ red: number; blue: number; width: number; height: number } | null> {
  return withRendererPage((page) => page.evaluate(async (b64: string) => {
    const g = globalThis as unknown as { Image: new () => { src: string; decode(): Promise<void>; width: number; height: number }; document: { createElement(t: string): { width: number; height: number; getContext(k: string): { drawImage(i: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } } };
    const img = new g.Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = g.document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height).data;
    let red = 0, blue = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] > 120 && d[i + 1] < 80 && d[i + 2] < 80) red++;
      if (d[i + 2] > 100 && d[i] < 80 && d[i + 1] < 140) blue++;
    }
    const total = d.length / 4;
    return { red: red / total, blue: blue / total, width: img.width, height: img.height };
  }, png));
}

test('renderMoleculeImage: a PNG of the view size with the atoms in their colours (WebGL in headless Chromium)', async () => {
  if (!chromiumPath()) {
    console.log('  (no Chromium: molecule images not tested)');
    return;
  }
  // atoms of the first residue (ACE, 6 atoms) red, the rest blue
  const colors = s.atoms.map((a) => (a.resName === 'ACE' ? '#ff0000' : '#0000ff'));
  const png = (await renderMoleculeImage(moleculeView(pdb, { colors, width: 300, height: 200 })))!;
  const px = (await redBlue(png))!;
  assert.equal([px.width, px.height], [600, 400]); // device pixel ratio 2
  assert.ok(px.red > 0.003 && px.blue > 0.003, `red ${px.red}, blue ${px.blue} of the pixels`);
  assert.ok(px.blue > px.red, `16 blue atoms cover more than 6 red ones (blue ${px.blue}, red ${px.red})`);
  const allRed = (await redBlue((await renderMoleculeImage(moleculeView(pdb, { colors: new Array(n).fill('#ff0000'), width: 300, height: 200 })))!))!;
  assert.ok(allRed.blue < 1e-3 && allRed.red > px.red, `all red: red ${allRed.red}, blue ${allRed.blue}`);
  const dir = join(tmp, 'nb');
  mkdirSync(dir);
  const out = await exportMolecule(moleculeView(pdb, { name: 'ala', colors, labels: s.atoms.map((a) => a.name) }), dir);
  assert.is(statSync(join(tmp, '3Dmol-min.js')).size, statSync(threeDmolPath()).size);
  const file = readFileSync(out.png!);
  assert.equal([file.readUInt32BE(16), file.readUInt32BE(20)], [960, 720]); // default 480 x 360, device pixel ratio 2
  await closeBrowser();
});

test('showMolecule in a live notebook injects 3Dmol.js once, then one small interactive div per view', async () => {
  const req = createRequire(join(projectRoot(), 'package.json'));
  const jupyter = req('tslab/dist/jupyter.js') as { lastWriteDisplayData: unknown };
  const outputs: Array<Record<string, string>> = [];
  const old = process.env.RARELAB_FIGURES;
  delete process.env.RARELAB_FIGURES;
  jupyter.lastWriteDisplayData = (msg: { data: Record<string, string> }) => void outputs.push(msg.data);
  try {
    const v = moleculeView(pdb, { name: 'live' });
    await showMolecule(v);
    await showMolecule(v);
  } finally {
    jupyter.lastWriteDisplayData = null;
    if (old !== undefined) process.env.RARELAB_FIGURES = old;
  }
  assert.is(outputs.length, 3);
  assert.ok(outputs[0]['text/html'].length > statSync(threeDmolPath()).size, 'the bundle, inline');
  assert.match(outputs[0]['text/html'], /window\.rarelabDrawMolecule = function/);
  for (const o of outputs.slice(1)) {
    assert.ok(o['text/html'].length < pdb.length + 2000);
    assert.match(o['text/html'], /window\.rarelabDrawMolecule\(el,spec\)/);
    assert.is(o['text/plain'], 'molecule live');
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
