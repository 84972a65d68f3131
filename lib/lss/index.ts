// lib/lss: the latent space simulator (Sidky, Chen & Ferguson, Chem. Sci. 2020): SRV encoder, MDN
// propagator, cWGAN-GP decoder, each a saveable model.
export * from './pairs.js';
export * from './early-stopping.js';
export * from './vamp-loss.js';
export * from './srv.js';
export * from './mdn.js';
export * from './input-gradient.js';
export * from './cwgan.js';
export * from './simulator.js';
