// Reaction paths: string-method MEP, chi-MEP (AMORE-MD), arc-length reparametrisation, path distances.
export * from './reparametrize.js';
export * from './distance.js';
export * from './string.js';
export * from './chi-mep.js';
export * from './channels.js';
export * from './barriers.js';
