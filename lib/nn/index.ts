// lib/nn: the one place in rarelab that knows tfjs (backend choice, networks, training, save/load).
export * from './backend.js';
export * from './mlp.js';
export * from './train.js';
export * from './bench.js';
export * from './losses.js';
export * from './float64.js';
