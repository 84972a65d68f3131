// lib/files: how rarelab writes files — atomically (temporary file, fsync, rename), and checkpoints that
// record the settings they were written with so a resume with other settings is refused by name.
export * from './atomic-write.js';
export * from './checkpoint.js';
