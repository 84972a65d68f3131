export * from './module-ref.js';
export * from './runner.js';
export * from './langevin-kernel.js';
export { estimateRemainingSeconds, type RunProgress } from './run-progress.js';
