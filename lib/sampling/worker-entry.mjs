// Entry point of a sampling worker thread. Plain JavaScript so that a worker starts the same way
// whether the parent runs under tsx, a tslab kernel or compiled code; tsx then loads the TypeScript.
import { tsImport } from 'tsx/esm/api';

const { workerMain } = await tsImport('./worker.ts', import.meta.url);
workerMain();
