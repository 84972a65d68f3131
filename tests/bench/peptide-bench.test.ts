import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failureReason, Reference } from '../../bench/peptide.bench.js';

// `npm run bench -- peptide` aborted entirely when gmx was installed but could not run (Debian's GROMACS
// 2022 mdrun dies on CPUs without rdtscp). A reference that fails is now reported as unavailable with its
// reason, once, and the bench goes on with rarelab's numbers.
const tmp = mkdtempSync(join(tmpdir(), 'rarelab-bench-'));
// What GROMACS prints when mdrun cannot run on this CPU: banner, then the reason after "Fatal error:".
const fakeGmx = join(tmp, 'gmx');
writeFileSync(fakeGmx, `#!/bin/sh
cat >&2 <<'MSG'
                      :-) GROMACS - gmx mdrun, 2022.5-Debian_2022.5_2 (-:

-------------------------------------------------------
Program:     gmx mdrun, version 2022.5-Debian_2022.5_2
Source file: src/gromacs/hardware/printhardware.cpp (line 123)

Fatal error:
The gmx binary was compiled to use the rdtscp CPU instruction. However, this
is not supported by the current hardware and continuing would lead to a crash.

For more information and tips for troubleshooting, please check the GROMACS
website at http://www.gromacs.org/Documentation/Errors
-------------------------------------------------------
MSG
exit 1
`);
chmodSync(fakeGmx, 0o755);

test('failureReason: the line after GROMACS\'s "Fatal error:", or "not installed"', () => {
  const run = spawnSync(fakeGmx, ['mdrun'], { encoding: 'utf8' });
  assert.is(run.status, 1);
  assert.is(failureReason({ stderr: run.stderr, stdout: run.stdout, message: 'Command failed: gmx mdrun' }),
    'The gmx binary was compiled to use the rdtscp CPU instruction. However, this is not supported by the current hardware and continuing would lead to a crash.');
  assert.is(failureReason(Object.assign(new Error('spawn gmx ENOENT'), { code: 'ENOENT' })), 'not installed');
  assert.is(failureReason({ stderr: 'Traceback ...\nModuleNotFoundError: No module named \'openmm\'\n' }), "ModuleNotFoundError: No module named 'openmm'");
});

test('a reference that fails is measured no more, and says why once', () => {
  let calls = 0;
  const ref = new Reference('GROMACS', () => { calls++; throw Object.assign(new Error('Command failed'), { stderr: 'Fatal error:\nno rdtscp\n' }); });
  const log = console.log;
  const lines: string[] = [];
  console.log = (m: string) => void lines.push(m);
  try {
    assert.is(ref.tryMeasure(), null);
    assert.is(ref.tryMeasure(), null);
  } finally {
    console.log = log;
  }
  assert.is(calls, 1);
  assert.is(ref.reason, 'no rdtscp');
  assert.equal(lines, ['peptide bench: GROMACS reference unavailable: no rdtscp']);
  const ok = new Reference('OpenMM', () => 42);
  assert.equal([ok.tryMeasure(), ok.reason], [42, null]);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
