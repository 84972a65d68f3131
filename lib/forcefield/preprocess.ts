import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The C-preprocessor subset GROMACS topologies use (what `gmx grompp` implements in gmxcpp):
 * `#include "file"` / `<file>`, `#define NAME [value]`, `#undef`, `#ifdef`, `#ifndef`, `#else`,
 * `#endif`, whole-word macro substitution in ordinary lines, `\` line continuation and `;` comments.
 * Lines inside a false `#ifdef` branch (e.g. `#ifdef POSRES` blocks when POSRES is not defined) are
 * dropped here as part of preprocessing, exactly as grompp drops them. Any other `#` directive
 * (`#if`, `#elif`, ...) is an error naming the file and line.
 */
export class TopologyError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(file !== undefined ? `${file}${line !== undefined ? `:${line}` : ''}: ${message}` : message);
    this.name = 'TopologyError';
  }
}

/** A preprocessed, comment-free, non-empty line with where it came from (1-based line number). */
export interface SourceLine {
  text: string;
  file: string;
  line: number;
}

export interface PreprocessOptions {
  /** Folders searched for `#include` after the including file's own folder, in order. */
  includeDirs?: string[];
  /** Where each includeDirs entry comes from (same order, e.g. 'GMXLIB'), named when an #include is not found. */
  includeDirSources?: string[];
  /** Appended to the message when an #include is not found (e.g. why a folder was not searched). */
  includeNote?: string;
  /** Initial macros, as grompp's `define = -DPOSRES` (value '' for a flag). */
  defines?: Record<string, string>;
  /** File reader (default: node:fs, UTF-8); return undefined when the file does not exist. */
  readFile?: (path: string) => string | undefined;
}

const MAX_DEPTH = 64;

function defaultRead(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/**
 * Preprocesses topology text. `fileName` names the text in messages and gives the folder searched
 * first for relative includes (default: the working directory).
 */
export function preprocessTopology(text: string, fileName = '<string>', options: PreprocessOptions = {}): SourceLine[] {
  const read = options.readFile ?? defaultRead;
  const defines = new Map<string, string>(Object.entries(options.defines ?? {}));
  const out: SourceLine[] = [];
  const includeDirs = options.includeDirs ?? [];

  const run = (src: string, file: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new TopologyError(`#include nesting deeper than ${MAX_DEPTH} (recursive include?)`, file);
    const raw = src.split(/\r?\n/);
    // condition stack: each entry is [active, seenElse, parentActive]
    const stack: { active: boolean; seenElse: boolean; parent: boolean; line: number }[] = [];
    const active = () => (stack.length === 0 ? true : stack[stack.length - 1].active);
    for (let n = 0; n < raw.length; n++) {
      const lineNo = n + 1;
      let line = raw[n];
      while (line.endsWith('\\') && n + 1 < raw.length) {
        line = line.slice(0, -1) + ' ' + raw[++n];
      }
      const trimmed = line.trim();
      if (trimmed.startsWith('#')) {
        const m = /^#\s*(\w+)\s*(.*)$/.exec(trimmed);
        if (!m) throw new TopologyError(`malformed preprocessor line "${trimmed}"`, file, lineNo);
        const [, dir, restRaw] = m;
        const rest = restRaw.replace(/;.*$/, '').trim();
        switch (dir) {
          case 'ifdef':
          case 'ifndef': {
            const name = rest.split(/\s+/)[0];
            if (!name) throw new TopologyError(`#${dir} without a macro name`, file, lineNo);
            const parent = active();
            const cond = dir === 'ifdef' ? defines.has(name) : !defines.has(name);
            stack.push({ active: parent && cond, seenElse: false, parent, line: lineNo });
            break;
          }
          case 'else': {
            const top = stack[stack.length - 1];
            if (!top || top.seenElse) throw new TopologyError('#else without a matching #ifdef/#ifndef', file, lineNo);
            top.seenElse = true;
            top.active = top.parent && !top.active;
            break;
          }
          case 'endif':
            if (!stack.pop()) throw new TopologyError('#endif without a matching #ifdef/#ifndef', file, lineNo);
            break;
          case 'define':
            if (active()) {
              const dm = /^(\w+)\s*(.*)$/.exec(rest);
              if (!dm) throw new TopologyError('#define without a macro name', file, lineNo);
              defines.set(dm[1], dm[2].trim());
            }
            break;
          case 'undef':
            if (active()) defines.delete(rest.split(/\s+/)[0]);
            break;
          case 'include':
            if (active()) {
              const im = /^["<]([^">]+)[">]$/.exec(rest);
              if (!im) throw new TopologyError(`#include needs "file" or <file>, got "${rest}"`, file, lineNo);
              const target = im[1];
              const candidates = isAbsolute(target)
                ? [target]
                : [join(dirname(file), target), ...includeDirs.map((d) => join(d, target))];
              let found: string | undefined;
              let body: string | undefined;
              for (const c of candidates) {
                body = read(c);
                if (body !== undefined) {
                  found = c;
                  break;
                }
              }
              if (found === undefined || body === undefined) {
                const sources = options.includeDirSources ?? [];
                const folders = isAbsolute(target)
                  ? [`${target} (an absolute path)`]
                  : [`${dirname(file)} (the including file's folder)`, ...includeDirs.map((d, k) => (sources[k] ? `${d} (${sources[k]})` : d))];
                const note = options.includeNote ? `; ${options.includeNote}` : '';
                throw new TopologyError(`#include "${target}" not found; searched ${folders.join(', ')}${note}`, file, lineNo);
              }
              run(body, found, depth + 1);
            }
            break;
          default:
            throw new TopologyError(`unsupported preprocessor directive #${dir}`, file, lineNo);
        }
        continue;
      }
      if (!active()) continue;
      let text = line.replace(/;.*$/, '').trim();
      if (!text) continue;
      if (defines.size > 0) text = substitute(text, defines);
      out.push({ text, file, line: lineNo });
    }
    if (stack.length) throw new TopologyError(`#ifdef/#ifndef opened at line ${stack[stack.length - 1].line} is never closed by #endif`, file);
  };
  run(text, fileName, 0);
  return out;
}

/** Whole-word macro substitution (repeated so macros may expand to macros, bounded). */
function substitute(text: string, defines: Map<string, string>): string {
  for (let pass = 0; pass < 8; pass++) {
    let changed = false;
    // identifiers as in gmxcpp: [A-Za-z_][A-Za-z0-9_]*, not preceded by an identifier character
    const next = text.replace(/(?<!\w)[A-Za-z_]\w*/g, (word) => {
      const v = defines.get(word);
      if (v !== undefined && v !== word) {
        changed = true;
        return v;
      }
      return word;
    });
    text = next;
    if (!changed) return text;
  }
  return text;
}

/** Reads and preprocesses a topology file from disk. */
export function preprocessTopologyFile(path: string, options: PreprocessOptions = {}): SourceLine[] {
  const read = options.readFile ?? defaultRead;
  const abs = resolve(path);
  const text = read(abs);
  if (text === undefined) throw new TopologyError(`topology file not found: ${abs}`);
  return preprocessTopology(text, abs, options);
}
