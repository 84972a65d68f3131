// How a failing cell's error is printed, in the Jupyter kernel (kernel-start.cjs) and the headless runner
// (execute.ts): the message, then only the stack frames a notebook author can act on — the cell's own
// (evalmachine.<anonymous>) and the library's (<project>/lib/) — and one line counting the frames of
// Node's vm, tslab, the kernel and dependencies that are left out (RARELAB_FULL_STACK=1 keeps them).
// Without this, a clear first line is followed by 12-15 lines of vm/tslab/kernel frames.
// Plain CommonJS: the kernel loads it without a TypeScript loader.
'use strict';
const path = require('node:path');
const { inspect, types } = require('node:util');

const FRAME = /^\s+at /;

/** The error as inspect() prints it (message, stack, extra properties, cause), with foreign frames left out. */
function cellErrorText(err, root) {
  const text = inspect(err);
  if (process.env.RARELAB_FULL_STACK === '1') return text;
  const lib = path.join(root, 'lib') + path.sep;
  const ours = (line) => line.includes('evalmachine.<anonymous>') || line.includes(lib);
  // Node puts the source line an error was thrown from above a vm-run error ("file:line", the line, "^"):
  // worth keeping for a cell's or the library's line, noise for a throw inside the runner or a dependency.
  const arrow = /^(\S+:\d+)\n[^\n]*\n *\^+\n\n+/.exec(text);
  const lines = (arrow && !ours(arrow[1]) ? text.slice(arrow[0].length) : text).split('\n');
  const frames = lines.filter((l) => FRAME.test(l));
  let keep = ours;
  // Nothing of the cell's or the library's in the stack: the first frame still says where it happened.
  if (frames.length > 0 && !frames.some(keep)) keep = (line) => line === frames[0];
  const out = [];
  let hidden = 0;
  for (const line of lines) {
    if (FRAME.test(line) && !keep(line)) { hidden++; continue; }
    // the count goes where the hidden frames were, once per stack (an error's cause has its own)
    if (hidden > 0 && !FRAME.test(line)) { out.push(hiddenLine(hidden)); hidden = 0; }
    out.push(line);
  }
  if (hidden > 0) out.push(hiddenLine(hidden));
  return out.join('\n');
}

function hiddenLine(n) {
  return `    ... ${n} frame${n === 1 ? '' : 's'} of Node, tslab and dependencies not shown (RARELAB_FULL_STACK=1 shows them)`;
}

/** console.error for tslab's executor: errors printed through cellErrorText, other arguments as they are. */
function cellErrorPrinter(root, print = console.error) {
  return (...args) => print(...args.map((a) => (types.isNativeError(a) || a instanceof Error ? cellErrorText(a, root) : a)));
}

module.exports = { cellErrorText, cellErrorPrinter };
