// lib/multitask: multitask CV learning (Sun et al.): encoder + linear classifier + potential-energy predictor, baselines, data.
export * from './weights.js';
export * from './losses.js';
export * from './model.js';
export * from './train.js';
export * from './data.js';
export * from './five-d.js';
