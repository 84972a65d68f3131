// GROMACS topologies (AMBER force fields), coordinate files and the force field as a Potential.
export * from './preprocess.js';
export * from './topology.js';
export * from './forcefield.js';
export * from './coordinates.js';
export * from './systems.js';
export * from './fft.js';
export * from './erfc.js';
export * from './pme.js';
export * from './ewald.js';
export * from './neighbor-list.js';
export * from './periodic.js';
export * from './solvated.js';
