import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from '../project/root.js';
import { figureJson, figureSize, type Figure } from './figure.js';

export type ImageFormat = 'png' | 'svg';

// The few playwright-core calls used here, typed locally: its full typings add ~0.7 s to every
// notebook's first import under tslab.
/** The headless page figures are rendered in (plotly.js loaded); other renderers may add scripts to it. */
export interface RendererPage {
  setContent(html: string): Promise<void>;
  addScriptTag(options: { path?: string; content?: string }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  context(): { browser(): { close(): Promise<void> } | null };
}
interface Playwright {
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<{ newPage(): Promise<RendererPage> }> };
}

/** Chromium flags for a closed network (no background connections) and a root user (no sandbox). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Close the browser after this long without a figure, so scripts that never call closeBrowser() still exit. */
const IDLE_CLOSE_MS = 20_000;

interface RendererState {
  page: Promise<RendererPage | null> | null;
  queue: Promise<unknown>;
  idle: ReturnType<typeof setTimeout> | null;
  warned: boolean;
  /** Why the last launch gave no browser (the one-line notice), until the next successful launch. */
  unavailable: string | null;
  /** Images of an earlier run removed because this run could not render them (see removeStaleImages). */
  staleRemoved: string[];
}

/**
 * One browser per process, shared through globalThis: a notebook run by `npm run reproduce` loads its own
 * copy of lib/ (compiled by tslab), and the runner must still be able to close that browser.
 */
function state(): RendererState {
  const key = Symbol.for('rarelab.plot.renderer');
  const g = globalThis as unknown as Record<symbol, RendererState | undefined>;
  return (g[key] ??= { page: null, queue: Promise.resolve(), idle: null, warned: false, unavailable: null, staleRemoved: [] });
}

function req(): NodeRequire {
  return createRequire(join(projectRoot(), 'package.json'));
}

/** Path of the plotly.js bundle shipped by plotly.js-dist-min. */
export function plotlyPath(): string {
  return req().resolve('plotly.js-dist-min');
}

/** The Chromium used for images: RARELAB_CHROMIUM, else Debian's /usr/bin/chromium; null if absent. */
export function chromiumPath(): string | null {
  const path = process.env.RARELAB_CHROMIUM || '/usr/bin/chromium';
  return existsSync(path) ? path : null;
}

async function launch(s: RendererState): Promise<RendererPage | null> {
  const exe = chromiumPath();
  const none = (why: string): null => {
    s.unavailable = why;
    if (!s.warned) console.warn(`rarelab plot: ${why}; figures are written as HTML only`);
    s.warned = true;
    return null;
  };
  if (!exe) return none(`no Chromium at ${process.env.RARELAB_CHROMIUM || '/usr/bin/chromium'} (apt-get install chromium, or set RARELAB_CHROMIUM)`);
  const { chromium } = req()('playwright-core') as Playwright;
  try {
    // playwright gives each launch a fresh temporary user-data-dir and removes it on close.
    const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: plotlyPath() });
    s.unavailable = null;
    return page;
  } catch (e) {
    return none(`Chromium at ${exe} did not start (${String((e as Error).message ?? e).split('\n')[0]})`);
  }
}

/**
 * Closes the shared browser (if any) once pending figures are done; the next figure starts a new one,
 * or, when there is still none, prints the one-line notice again (once per run of figures, e.g. per notebook).
 */
export function closeBrowser(): Promise<void> {
  const s = state();
  const job = s.queue.then(async () => {
    if (s.idle) clearTimeout(s.idle);
    s.idle = null;
    s.warned = false;
    const pending = s.page;
    s.page = null;
    const page = pending ? await pending.catch(() => null) : null;
    await page?.context().browser()?.close();
  });
  s.queue = job.catch(() => undefined);
  return job;
}

/**
 * Why this process could not render images (the notice printed, without its tail), or null when it could
 * or has not tried; stays set until a browser starts.
 */
export function imagesUnavailable(): string | null {
  return state().unavailable;
}

/**
 * Removes `<base>.<ext>` for each extension if present: images written by an earlier run that this run
 * could not render, which would otherwise sit next to the new HTML and data as if they matched them.
 * The paths removed are remembered for the run's summary (staleImagesRemoved).
 */
export function removeStaleImages(base: string, exts: readonly string[]): void {
  for (const ext of exts) {
    const path = `${base}.${ext}`;
    if (!existsSync(path)) continue;
    rmSync(path);
    state().staleRemoved.push(path);
  }
}

/** Images removed by removeStaleImages in this process, in order; `clear` forgets them. */
export function staleImagesRemoved(options: { clear?: boolean } = {}): string[] {
  const s = state();
  const out = [...s.staleRemoved];
  if (options.clear) s.staleRemoved = [];
  return out;
}

/**
 * Runs `fn` on the shared headless page, after any pending render (one at a time); resolves to null,
 * without calling fn, when no browser is installed (after a one-line message, printed once).
 */
export function withRendererPage<T>(fn: (page: RendererPage) => Promise<T>): Promise<T | null> {
  const s = state();
  const job = s.queue.then(async () => {
    if (s.idle) clearTimeout(s.idle);
    s.page ??= launch(s);
    const page = await s.page;
    if (!page) return null;
    try {
      return await fn(page);
    } finally {
      s.idle = setTimeout(() => void closeBrowser(), IDLE_CLOSE_MS);
      s.idle.unref();
    }
  });
  s.queue = job.catch(() => undefined);
  return job;
}

/**
 * Renders the figure with Plotly.toImage in headless Chromium: SVG text, or PNG as base64. Returns null
 * when no browser is installed (after a one-line message, printed once).
 */
export async function renderImage(fig: Figure, format: ImageFormat, options: { scale?: number } = {}): Promise<string | null> {
  if (format !== 'png' && format !== 'svg') throw new Error(`renderImage: format must be "png" or "svg", got "${format}"`);
  return withRendererPage(async (page) => {
    const { width, height } = figureSize(fig);
    const url = await page.evaluate(
      ({ json, format, width, height, scale }) => {
        const f = JSON.parse(json);
        // globalThis, not window: tslab type-checks lib without the DOM library.
        const P = (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly;
        return P.toImage(f, { format, width, height, scale });
      },
      { json: figureJson(fig), format, width, height, scale: options.scale ?? 1 },
    );
    const comma = url.indexOf(',');
    return format === 'svg' ? decodeURIComponent(url.slice(comma + 1)) : url.slice(comma + 1);
  });
}
