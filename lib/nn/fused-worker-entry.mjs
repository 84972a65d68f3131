// Entry point of a data-parallel training worker (lib/nn/fused-worker.ts). Plain JavaScript so that a
// worker starts the same way whether the parent runs under tsx, a tslab kernel or compiled code.
import { tsImport } from 'tsx/esm/api';

const { workerMain } = await tsImport('./fused-worker.ts', import.meta.url);
workerMain();
