import { ARITY, activeNodes, terminals, type Genome, type GenomeShape } from './genome.js';

/** The weights of a genome's active expression: (node, input) pairs in a fixed order. */
export interface ActiveParameters {
  nodes: number[];
  /** Parameter p is input `which[p]` (0 or 1) of node `node[p]`. */
  node: Int32Array;
  which: Uint8Array;
}

export function activeParameters(shape: GenomeShape, g: Genome): ActiveParameters {
  const nodes = activeNodes(shape, g), node: number[] = [], which: number[] = [];
  for (const k of nodes) {
    node.push(k); which.push(0);
    if (ARITY[shape.functions[g.fn[k]]] === 2) { node.push(k); which.push(1); }
  }
  return { nodes, node: Int32Array.from(node), which: Uint8Array.from(which) };
}

export function getWeights(g: Genome, p: ActiveParameters): Float64Array {
  return Float64Array.from(p.node, (k, i) => (p.which[i] ? g.w1[k] : g.w0[k]));
}

export function setWeights(g: Genome, p: ActiveParameters, w: ArrayLike<number>): void {
  for (let i = 0; i < p.node.length; i++) (p.which[i] ? g.w1 : g.w0)[p.node[i]] = w[i];
}

/**
 * Evaluates a weighted CGP genome on N data points and, forward-mode, the derivatives with respect to
 * its active weights (for the Newton steps, Materials & Methods D). Buffers grow as needed and are
 * reused for every genome; values are float64.
 *
 * Layout: z [N][nVars] row-major; value [N]; jacobian [N][P] for the P active weights.
 */
export class GenomeEvaluator {
  private readonly val: Float64Array[];
  private der: Float64Array[];
  private maxP = 0;
  readonly value: Float64Array;
  jacobian = new Float64Array(0);

  constructor(readonly shape: GenomeShape, readonly z: Float64Array, readonly n: number) {
    if (z.length !== n * shape.nVars) throw new RangeError(`GenomeEvaluator: data has length ${z.length}, expected ${n} points x ${shape.nVars} variables`);
    for (let i = 0; i < z.length; i++) if (!Number.isFinite(z[i])) throw new RangeError(`symbolic regression: input ${i % shape.nVars} of point ${Math.floor(i / shape.nVars)} is ${z[i]}`);
    const slots = terminals(shape) + shape.nodes;
    this.val = Array.from({ length: slots }, () => new Float64Array(n));
    this.der = [];
    for (let v = 0; v < shape.nVars; v++) for (let i = 0; i < n; i++) this.val[v][i] = z[i * shape.nVars + v];
    for (let c = shape.nVars; c < terminals(shape); c++) this.val[c].fill(1);
    this.value = new Float64Array(n);
  }

  private ensure(P: number): void {
    if (P <= this.maxP) return;
    this.maxP = P;
    const slots = terminals(this.shape) + this.shape.nodes;
    this.der = Array.from({ length: slots }, () => new Float64Array(this.n * P));
  }

  /**
   * Fills `value` and, with `params`, `jacobian` [N][P]; returns false when any value or derivative is
   * not finite (log of a negative number, overflow): such an expression is invalid, never clamped.
   */
  run(g: Genome, params?: ActiveParameters): boolean {
    const { shape, n, val } = this;
    const T = terminals(shape);
    const P = params ? params.node.length : 0;
    const nodes = params ? params.nodes : activeNodes(shape, g);
    if (params) {
      this.ensure(P);
      for (let s = 0; s < T; s++) this.der[s].fill(0, 0, n * P);
      if (this.jacobian.length !== n * P) this.jacobian = new Float64Array(n * P);
    }
    const der = this.der;
    let p = 0; // index of the current node's first weight
    for (const k of nodes) {
      const f = shape.functions[g.fn[k]], binary = ARITY[f] === 2;
      const a = val[g.in0[k]], b = binary ? val[g.in1[k]] : a;
      const wa = g.w0[k], wb = binary ? g.w1[k] : 0;
      const v = val[T + k];
      const da = params ? der[g.in0[k]] : undefined, db = params && binary ? der[g.in1[k]] : undefined, dv = params ? der[T + k] : undefined;
      for (let i = 0; i < n; i++) {
        const x = wa * a[i], y = wb * b[i];
        let r: number, sa: number, sb = 0; // value and partials w.r.t. the weighted inputs x and y
        switch (f) {
          case 'add': r = x + y; sa = 1; sb = 1; break;
          case 'sub': r = x - y; sa = 1; sb = -1; break;
          case 'mul': r = x * y; sa = y; sb = x; break;
          case 'div': r = x / y; sa = 1 / y; sb = -r / y; break;
          case 'exp': r = Math.exp(x); sa = r; break;
          case 'log': r = Math.log(x); sa = 1 / x; break;
          case 'sin': r = Math.sin(x); sa = Math.cos(x); break;
          case 'cos': r = Math.cos(x); sa = -Math.sin(x); break;
          case 'tanh': r = Math.tanh(x); sa = 1 - r * r; break;
        }
        if (!Number.isFinite(r)) return false;
        v[i] = r;
        if (dv) {
          // d(w a)/dtheta = a e_w + w da/dtheta (chain rule through earlier nodes' weights)
          const o = i * P;
          for (let q = 0; q < p; q++) dv[o + q] = sa * wa * da![o + q] + (binary ? sb * wb * db![o + q] : 0);
          dv[o + p] = sa * a[i];
          if (binary) dv[o + p + 1] = sb * b[i];
          for (let q = p + (binary ? 2 : 1); q < P; q++) dv[o + q] = 0;
        }
      }
      p += binary ? 2 : 1;
    }
    this.value.set(val[g.output]);
    if (params) {
      this.jacobian.set(der[g.output].subarray(0, n * P));
      for (let i = 0; i < n * P; i++) if (!Number.isFinite(this.jacobian[i])) return false;
    }
    return true;
  }
}

const INFIX: Partial<Record<string, string>> = { add: '+', sub: '-', mul: '*', div: '/' };

/**
 * The active expression as a mathjs-parsable string, with variables by name and weights inlined at
 * full precision (parsing it back evaluates to the same numbers).
 */
export function genomeToString(shape: GenomeShape, g: Genome, variables: readonly string[]): string {
  const T = terminals(shape);
  const weighted = (w: number, s: number): string => {
    const num = w < 0 ? `(${w})` : `${w}`;
    if (s >= shape.nVars && s < T) return num; // constant terminal 1
    return w === 1 ? str(s) : `(${num} * ${str(s)})`;
  };
  const str = (s: number): string => {
    if (s < shape.nVars) return variables[s];
    if (s < T) return '1';
    const k = s - T, f = shape.functions[g.fn[k]];
    const a = weighted(g.w0[k], g.in0[k]);
    if (ARITY[f] === 1) return `${f}(${a})`;
    return `(${a} ${INFIX[f]} ${weighted(g.w1[k], g.in1[k])})`;
  };
  return str(g.output);
}
