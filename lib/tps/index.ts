export * from './selection.js';
export * from './shooting.js';
export * from './likelihood.js';
export * from './relevance.js';
