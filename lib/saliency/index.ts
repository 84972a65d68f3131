// lib/saliency: gradient-based relevance of atoms and inputs for learned reaction coordinates.
export * from './atom-contributions.js';
export * from './level-set.js';
