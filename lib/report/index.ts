// lib/report: what notebooks report — run mode, output folder, data files, the paper-vs-ours table,
// timings and progress.
export * from './mode.js';
export * from './notebook.js';
export * from './display.js';
export * from './data.js';
export * from './results.js';
export * from './timer.js';
export * from './progress.js';
