// Child process of atomic-write.test.ts: starts replacing a file, says "mid" once half of the new content
// is written, then blocks until the parent kills it with SIGKILL (a crash in the middle of a save).
// argv: <target> <'atomic' | 'plain'>
import { closeSync, openSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/files/atomic-write.js';

const [target, how] = process.argv.slice(2);
const half = 'new content, half 1 of 2\n'.repeat(4096);
const block = (): void => {
  writeSync(1, 'mid\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000); // killed long before this ends
};
if (how === 'atomic') {
  writeFileAtomic(target, (function* () {
    yield half;
    block();
    yield half.replace('half 1', 'half 2');
  })());
} else {
  // what writeFileSync does: truncate the target, then write into it
  const fd = openSync(target, 'w');
  writeSync(fd, half);
  block();
  writeSync(fd, half);
  closeSync(fd);
}
