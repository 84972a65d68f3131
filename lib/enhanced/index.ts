export * from './errors.js';
export * from './cv.js';
export * from './mbar.js';
export * from './umbrella.js';
export * from './free-energy.js';
export * from './path-cv.js';
export * from './barrier.js';
