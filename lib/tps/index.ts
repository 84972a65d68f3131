export * from './selection.js';
export * from './shooting.js';
export * from './likelihood.js';
export * from './relevance.js';
export * from './committor.js';
export * from './aimmd.js';
export * from './direct-committor.js';
export * from './experiment.js';
