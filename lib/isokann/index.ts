// lib/isokann: the ISOKANN chi learner (estimator -> model) and its burst data.
export * from './data.js';
export * from './model.js';
export * from './learner.js';
export * from './muller-brown.js';
export * from './adaptive.js';
export * from './featurized.js';
export * from './coverage.js';
export * from './restrict.js';
