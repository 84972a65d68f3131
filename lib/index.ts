// Public API of rarelab. Each capability lives in its own folder; this file only re-exports.
export * from './systems/potential.js';
export * from './systems/muller-brown.js';
export * from './dynamics/rng.js';
export * from './dynamics/langevin.js';
export * from './systems/harmonic.js';
export * from './systems/regions.js';
export * from './project/root.js';
export * from './sampling/index.js';
export * from './dynamics/constraints.js';
export * from './dynamics/verlet.js';
export * from './features/alignment.js';
export * from './systems/double-well.js';
export * from './tps/index.js';
export * from './systems/aimmd-toy.js';
