// lib/plot: figures for notebooks — a small typed layer over plotly.js (plotly.js-dist-min): build
// figures, show them in a notebook, export them to HTML/PNG/SVG through headless Chromium.
export * from './figure.js';
export * from './colors.js';
export * from './traces.js';
export * from './panels.js';
export * from './render.js';
export * from './export.js';
export * from './show.js';
export * from './molecule.js';
