import { closeSync, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** What `writeFileAtomic` writes: text (UTF-8), bytes, or a sequence of them produced while writing. */
export type FileContent = string | Uint8Array;

/**
 * Replaces `path` with `content` so that a reader, or the file after a crash, sees either the complete
 * old file or the complete new one, never a mix or a truncated file:
 *  1. the content goes to a new temporary file in the same folder (a rename is atomic only within one
 *     file system), created exclusively so concurrent writers never share one;
 *  2. the temporary file is fsynced, so its data is on disk before any name points at it (otherwise a
 *     power cut after step 3 can leave an empty file under the target name on ext4/xfs);
 *  3. it is renamed over `path` (POSIX rename replaces the target atomically);
 *  4. the folder is fsynced, so the rename itself survives a power cut.
 * If anything fails before the rename (a chunk producer throws, the disk is full), the temporary file is
 * removed, the error is rethrown and `path` is untouched. An existing target's permission bits are kept.
 * `content` may be an iterable of chunks (e.g. a generator that serialises a large object piece by piece);
 * it is consumed while the temporary file is open.
 */
export function writeFileAtomic(path: string, content: FileContent | Iterable<FileContent>): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o666);
  } catch (e) {
    throw named(e, `writeFileAtomic: cannot create a temporary file next to ${path}`);
  }
  try {
    const mode = existingMode(path);
    if (mode !== undefined) fchmodSync(fd, mode);
    const chunks = typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
    for (const chunk of chunks) writeAll(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) ignoreErrors(() => closeSync(fd!));
    ignoreErrors(() => unlinkSync(tmp)); // the original error matters, not a failed clean-up
    throw e;
  }
  syncFolder(dir);
}

/** Copies `src` over `dest` atomically (see writeFileAtomic): an interrupted copy leaves no truncated file. */
export function copyFileAtomic(src: string, dest: string): void {
  writeFileAtomic(dest, readFileSync(src));
}

function ignoreErrors(f: () => void): void {
  try {
    f();
  } catch {
    // deliberately ignored (clean-up after another error)
  }
}

/** An Error saying what was being done, keeping the system error's code (ENOENT, EACCES, ...). */
function named(e: unknown, what: string): Error {
  const err = new Error(`${what}: ${(e as Error).message}`, { cause: e });
  (err as NodeJS.ErrnoException).code = (e as NodeJS.ErrnoException).code;
  return err;
}

function writeAll(fd: number, chunk: FileContent): void {
  if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) throw new TypeError(`writeFileAtomic: a chunk must be a string or bytes, got ${typeof chunk}`);
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  // writeSync may write less than asked (large buffers, pipes): loop until every byte is out.
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** fsync a folder so a rename in it is durable; file systems and platforms that cannot (Windows) are skipped. */
function syncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR' && code !== 'ENOTSUP') throw e;
  } finally {
    closeSync(fd);
  }
}
