// The process runNotebookIsolated (isolated.ts) starts for one notebook: runs it with executeNotebook,
// reports each cell as it starts and then the result over the IPC channel, and exits (a notebook may leave
// timers, workers or a browser behind). Arguments: <notebook path> <JSON of ChildOptions>.
import { imagesUnavailable, staleImagesRemoved } from '../../lib/plot/render.js';
import { executeNotebook } from './execute.js';
import type { ChildMessage, ChildOptions } from './isolated.js';

const [path, json] = process.argv.slice(2);
if (!path || !json || !process.send) {
  console.error('notebook child: usage: started by runNotebookIsolated (scripts/notebook/isolated.ts) with an IPC channel');
  process.exit(2);
}
const options = JSON.parse(json) as ChildOptions;
const send = (m: ChildMessage) => new Promise<void>((done) => process.send!(m, () => done()));
const res = await executeNotebook(path, {
  mode: options.mode,
  cellTimeout: options.cellTimeout,
  onCellStart: (c) => void process.send!({ type: 'cell', ...c } satisfies ChildMessage),
});
const { notebook: _saved, ...result } = res;
await send({ type: 'result', result, images: { unavailable: imagesUnavailable(), staleRemoved: staleImagesRemoved() } });
process.exit(0);
