export * from './selection.js';
export * from './shooting.js';
