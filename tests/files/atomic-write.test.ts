import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyFileAtomic, writeFileAtomic } from '../../lib/files/atomic-write.js';
import { projectRoot } from '../../lib/project/root.js';

const OLD = 'the previous good file\n';

function withFolder(f: (dir: string, target: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    try {
      const target = join(dir, 'results.json');
      writeFileSync(target, OLD);
      await f(dir, target);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Runs tests/files/interrupted-writer.ts, SIGKILLs it once it reports being half-way through the write. */
function killMidWrite(target: string, how: 'atomic' | 'plain'): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('tests', 'files', 'interrupted-writer.ts'), target, how], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('mid\n')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(signal) : reject(new Error(`writer exited with ${code} before the kill: ${err}`))));
  });
}

test('replaces the file, keeps its permission bits, leaves no temporary file', withFolder((dir, target) => {
  chmodSync(target, 0o640);
  writeFileAtomic(target, '{"rows": []}\n');
  assert.is(readFileSync(target, 'utf8'), '{"rows": []}\n');
  assert.is(statSync(target).mode & 0o777, 0o640);
  writeFileAtomic(join(dir, 'new.bin'), Uint8Array.from([0, 255, 7]));
  assert.equal([...readFileSync(join(dir, 'new.bin'))], [0, 255, 7]);
  writeFileAtomic(join(dir, 'chunks.txt'), ['a', Buffer.from('b'), 'c']);
  assert.is(readFileSync(join(dir, 'chunks.txt'), 'utf8'), 'abc');
  copyFileAtomic(join(dir, 'chunks.txt'), join(dir, 'copy.txt'));
  assert.is(readFileSync(join(dir, 'copy.txt'), 'utf8'), 'abc');
  assert.equal(readdirSync(dir).sort(), ['chunks.txt', 'copy.txt', 'new.bin', 'results.json']);
}));

test('a serializer that throws midway leaves the old file intact and no temporary file', withFolder((dir, target) => {
  function* serialise(): Generator<string> {
    yield '{"rows": [';
    throw new Error('row 3 is not serialisable');
  }
  assert.throws(() => writeFileAtomic(target, serialise()), /row 3 is not serialisable/);
  assert.throws(() => writeFileAtomic(target, ['ok', 42 as unknown as string]), /a chunk must be a string or bytes, got number/);
  assert.is(readFileSync(target, 'utf8'), OLD);
  assert.equal(readdirSync(dir), ['results.json']);
}));

test('a missing folder is named with the target and the system error code', withFolder((dir) => {
  let e: NodeJS.ErrnoException | undefined;
  try { writeFileAtomic(join(dir, 'no-such-folder', 'x.json'), '{}'); } catch (err) { e = err as NodeJS.ErrnoException; }
  assert.match(e?.message ?? '', /writeFileAtomic: cannot create a temporary file next to .*no-such-folder\/x\.json: ENOENT/);
  assert.is(e?.code, 'ENOENT');
}));

test('a process killed with SIGKILL in the middle of a save: plain write destroys the file, writeFileAtomic keeps it', withFolder(async (dir, target) => {
  // The control shows the fault is real: a plain truncate-and-write leaves half a file.
  const plain = join(dir, 'plain.json');
  writeFileSync(plain, OLD);
  assert.is(await killMidWrite(plain, 'plain'), 'SIGKILL');
  const half = readFileSync(plain, 'utf8');
  assert.ok(half !== OLD && half.startsWith('new content, half 1') && !half.includes('half 2'), 'the plain write was cut half-way');
  assert.is(await killMidWrite(target, 'atomic'), 'SIGKILL');
  assert.is(readFileSync(target, 'utf8'), OLD);
  // The killed process could not remove its temporary file; it is a hidden file beside the target, never the target.
  assert.ok(readdirSync(dir).filter((f) => f !== 'results.json' && f !== 'plain.json').every((f) => /^\.results\.json\.\d+\.[0-9a-f]{8}\.tmp$/.test(f)));
  writeFileAtomic(target, 'next save\n');
  assert.is(readFileSync(target, 'utf8'), 'next save\n');
}));

test('every file write in lib/, scripts/ and bench/ goes through writeFileAtomic', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(projectRoot(), dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|cjs|js)$/.test(e.name) && rel !== join('lib', 'files', 'atomic-write.ts')) {
        const text = readFileSync(join(projectRoot(), rel), 'utf8');
        for (const m of text.matchAll(/\b(writeFileSync|copyFileSync|appendFileSync|createWriteStream|writeFile)\s*\(/g)) offenders.push(`${rel}: ${m[1]}`);
      }
    }
  };
  for (const d of ['lib', 'scripts', 'bench']) walk(d);
  assert.equal(offenders, []);
});

test.run();
