// Grid reference solver for 2-D overdamped Langevin dynamics (SqRA generator) and grid fields.
export * from './band.js';
export * from './lanczos.js';
export * from './field.js';
export * from './generator.js';
export * from './bin-chain.js';
