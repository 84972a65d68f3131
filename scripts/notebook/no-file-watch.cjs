// tslab's converter type-checks cells with a TypeScript watch program that also watches the files the
// cells import (lib/*.ts). When such a file changes on disk during a session (an editor saving, another
// process writing), TypeScript schedules a rebuild timer, and tslab's converter throws "Unexpected pending
// rebuildTimer" at the next cell, killing the run or the kernel. Node never reloads an imported module
// in a running kernel anyway, so watching buys nothing: turn the watchers into no-ops before tslab
// creates its converter. (Restart the kernel to pick up library edits, as with any Jupyter kernel.)
'use strict';
const path = require('node:path');

function disableFileWatching(root) {
  const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [path.join(root, 'node_modules', 'tslab')] }));
  const none = () => ({ close() {} });
  ts.sys.watchFile = none;
  ts.sys.watchDirectory = none;
}

module.exports = { disableFileWatching };
