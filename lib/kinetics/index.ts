// lib/kinetics: Markov state models and their spectral analysis (implied timescales, eigenvectors).
export * from './msm.js';
export * from './covariance.js';
export * from './tica.js';
export * from './autocorrelation.js';
export * from './dihedral-msm.js';
export * from './core-transitions.js';
