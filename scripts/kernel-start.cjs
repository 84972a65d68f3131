// Jupyter starts this file (see scripts/notebook/kernelspec.ts) to run tslab with the rarelab project
// folder as its working directory, wherever the notebook lives: tslab compiles notebook cells with the
// working folder as rootDir, so this is what lets notebooks/*.ipynb `import ... from './lib/index.js'`.
//
// It is tslab's own startKernel (tslab/dist/main.js) with one change: a cell also fails when a promise
// it started rejects unhandled (or an exception escapes asynchronously) before its reply is sent. Plain
// tslab prints those after the reply, where Jupyter drops them, and reports success. This matches the
// headless runner, scripts/notebook/execute.ts. Plain CommonJS on purpose: no loader in between.
'use strict';
const path = require('node:path');

const connectionFile = process.argv[2];
if (!connectionFile) {
  console.error('kernel-start: usage: node scripts/kernel-start.cjs <connection_file>');
  process.exit(2);
}
const configPath = path.resolve(connectionFile); // before chdir: Jupyter may pass a relative path
const root = path.resolve(__dirname, '..');
process.chdir(root);

const dist = path.join(root, 'node_modules', 'tslab', 'dist');
require('./notebook/no-file-watch.cjs').disableFileWatching(root);
const { cellErrorText, cellErrorPrinter } = require('./notebook/cell-errors.cjs');
const { createConverter } = require(path.join(dist, 'converter.js'));
const { createExecutor } = require(path.join(dist, 'executor.js'));
const { ZmqServer, JupyterHandlerImpl } = require(path.join(dist, 'jupyter.js'));

let node = null;
let browser = null;
const convs = {
  get node() { return (node ??= createConverter({ isJS: false, isBrowser: false })); },
  get browser() { return (browser ??= createConverter({ isJS: false, isBrowser: true })); },
  close() { node?.close(); browser?.close(); },
};
convs.node; // warm the converter, as tslab does
// Cell errors show the message and the cell's and lib/'s frames, not those of vm, tslab and this kernel.
const executor = createExecutor(root, convs, { log: console.log, error: cellErrorPrinter(root) });
const errorText = (e) => (e instanceof Error ? cellErrorText(e, root) : e);

let asyncFailure = false;
const onRejection = (reason) => {
  asyncFailure = true;
  console.error('UnhandledPromiseRejection:', errorText(reason));
};
process.on('unhandledRejection', onRejection);
// Takes uncaught exceptions before any 'uncaughtException' listener. tfjs-backend-wasm's emscripten glue,
// once initialised, adds listeners that rethrow, which would kill the kernel on the first failing
// promise; those are removed after every cell.
process.setUncaughtExceptionCaptureCallback((err) => {
  asyncFailure = true;
  console.error('UncaughtException:', errorText(err));
});
const dropForeignHandlers = () => {
  for (const l of process.listeners('unhandledRejection')) if (l !== onRejection) process.off('unhandledRejection', l);
};
const execute = executor.execute;
executor.execute = async (src) => {
  asyncFailure = false;
  try {
    const ok = await execute(src);
    await new Promise((r) => setImmediate(r)); // let this cell's unhandled rejections surface first
    return ok && !asyncFailure;
  } finally {
    dropForeignHandlers();
  }
};

const handler = new JupyterHandlerImpl(executor, false);
// Exit once the shutdown reply is out, even if a notebook left work behind (a browser, worker threads,
// timers) that would keep Node alive until Jupyter kills the kernel.
const handleShutdown = handler.handleShutdown.bind(handler);
handler.handleShutdown = (req) => {
  setTimeout(() => process.exit(0), 200).unref();
  return handleShutdown(req);
};
const server = new ZmqServer(handler, configPath);
process.on('SIGINT', () => executor.interrupt());
server.init();
