// lib/symbolic: symbolic regression of reaction coordinates (CGP + Newton on constants, mathjs expressions).
export * from './genome.js';
export * from './evaluate.js';
export * from './regressor.js';
export * from './sweep.js';
