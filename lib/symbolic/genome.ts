import type { Rng } from '../dynamics/rng.js';

/**
 * Weighted Cartesian genetic programming genome (Miller; the differentiable CGP of dcgpy used by Jung
 * et al., Materials & Methods D): one row of `nodes` function nodes after the terminals (the input
 * variables, then constant terminals of value 1). Node k reads any two earlier slots (levels-back =
 * everything), each through a real weight, f(w0 a, w1 b), so the genome encodes a directed acyclic graph
 * whose weights are optimised by Newton steps; the output gene names the slot that is the expression.
 * Weights make linear combinations and scales free, so the evolutionary search only has to find the
 * structure. Only the nodes reachable from the output are "active"; their count is the complexity.
 */
export type FunctionName = 'add' | 'sub' | 'mul' | 'div' | 'exp' | 'log' | 'sin' | 'cos' | 'tanh';

export const ARITY: Readonly<Record<FunctionName, 1 | 2>> = { add: 2, sub: 2, mul: 2, div: 2, exp: 1, log: 1, sin: 1, cos: 1, tanh: 1 };

export interface GenomeShape {
  nVars: number;
  /** Constant terminals (value 1; their weights give any constant). */
  nConsts: number;
  nodes: number;
  functions: readonly FunctionName[];
}

export interface Genome {
  /** Function index into shape.functions, per node. */
  fn: Int32Array;
  /** Input slots of node k: in0[k], in1[k] (in1 unused by unary functions). */
  in0: Int32Array;
  in1: Int32Array;
  /** Weights of the two inputs of node k: w0[k], w1[k]. */
  w0: Float64Array;
  w1: Float64Array;
  /** Slot of the expression's value. */
  output: number;
}

export function terminals(shape: GenomeShape): number {
  return shape.nVars + shape.nConsts;
}

export function randomGenome(shape: GenomeShape, rng: Rng): Genome {
  const T = terminals(shape), n = shape.nodes;
  const g: Genome = { fn: new Int32Array(n), in0: new Int32Array(n), in1: new Int32Array(n), w0: new Float64Array(n).fill(1), w1: new Float64Array(n).fill(1), output: 0 };
  for (let k = 0; k < n; k++) {
    g.fn[k] = rng.int(shape.functions.length);
    g.in0[k] = rng.int(T + k);
    g.in1[k] = rng.int(T + k);
  }
  g.output = T + rng.int(n);
  return g;
}

export function cloneGenome(g: Genome): Genome {
  return { fn: g.fn.slice(), in0: g.in0.slice(), in1: g.in1.slice(), w0: g.w0.slice(), w1: g.w1.slice(), output: g.output };
}

/** Active node indices (0-based among function nodes), in evaluation order. */
export function activeNodes(shape: GenomeShape, g: Genome): number[] {
  const T = terminals(shape);
  const used = new Uint8Array(T + shape.nodes);
  used[g.output] = 1;
  for (let s = T + shape.nodes - 1; s >= T; s--) {
    if (!used[s]) continue;
    const k = s - T;
    used[g.in0[k]] = 1;
    if (ARITY[shape.functions[g.fn[k]]] === 2) used[g.in1[k]] = 1;
  }
  const out: number[] = [];
  for (let k = 0; k < shape.nodes; k++) if (used[T + k]) out.push(k);
  return out;
}

/**
 * Point mutation: every gene changes with probability `rate` (at least one gene changes). Changes to
 * inactive genes leave the expression as it is; CGP relies on such neutral drift, which lets inactive
 * material accumulate and become useful later (Miller & Smith 2006).
 */
export function mutate(shape: GenomeShape, parent: Genome, rng: Rng, rate = 0.05): Genome {
  const g = cloneGenome(parent);
  const T = terminals(shape), n = shape.nodes, genes = 3 * n + 1;
  let changed = 0;
  while (changed === 0) {
    for (let gene = 0; gene < genes; gene++) {
      if (rng.next() >= rate) continue;
      changed++;
      if (gene === 3 * n) { g.output = T + rng.int(n); continue; }
      const k = Math.floor(gene / 3), part = gene % 3;
      // weights stay with the connection gene (Newton steps refit them), so a mutation that leaves
      // the active structure unchanged leaves the expression unchanged
      if (part === 0) g.fn[k] = rng.int(shape.functions.length);
      else if (part === 1) g.in0[k] = rng.int(T + k);
      else g.in1[k] = rng.int(T + k);
    }
  }
  return g;
}
