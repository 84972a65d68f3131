// Atomic file writes (temporary file, fsync, rename): every file rarelab writes goes through it.
export * from './atomic-write.js';
