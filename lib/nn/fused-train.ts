import { tf } from './backend.js';
import { FusedNet } from './fused.js';
import { GradientWorker } from './fused-parallel.js';
import type { BuiltinLoss } from './losses.js';
import type { Mlp } from './mlp.js';

/**
 * The Trainer's fused path (see lib/nn/fused.ts): the network's weights are copied into a FusedNet at the
 * start of `fit` and back into its tfjs variables at the end (also when training diverges), so the Mlp
 * stays the one owner of the weights and everything outside a `fit` call sees them as usual. The
 * optimiser state (moments as flat buffers, Adam's running beta powers, the iteration count) lives here
 * and is exported in exactly the format of the tfjs optimisers, so a checkpoint written by either path
 * resumes on the other.
 */
export interface FusedOptimizerOptions {
  optimizer: 'adam' | 'nesterov' | 'sgd';
  learningRate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** 1, or 2 to split each minibatch between the calling thread and a worker thread (fused-parallel.ts). */
  threads: number;
}

/** One optimiser entry of TrainerState (tfjs's NamedTensor, as plain arrays). */
export interface OptimizerEntry {
  name: string;
  shape: number[];
  values: number[];
}

/** Builds an engine for `net`; the caller has checked that the fused path applies (fusedActive, no dropout). */
export function fusedNetFor(net: Mlp): FusedNet {
  const c = net.config;
  return new FusedNet({ layers: c.layers, activation: c.activation, outputActivation: c.outputActivation, normalization: c.normalization });
}

/** Copies the network's tfjs variables into the engine's flat parameter buffer. */
export function loadWeights(net: Mlp, eng: FusedNet): void {
  const p = eng.paramView();
  net.kernels.forEach((k, l) => {
    p.set(k.dataSync() as Float32Array, eng.kernelOffset[l]);
    p.set(net.biases[l].dataSync() as Float32Array, eng.biasOffset[l]);
  });
}

/** Writes the engine's parameters back into the network's tfjs variables. */
export function storeWeights(net: Mlp, eng: FusedNet): void {
  const p = eng.paramView();
  const L = net.config.layers;
  tf.tidy(() => {
    net.kernels.forEach((k, l) => {
      k.assign(tf.tensor2d(p.slice(eng.kernelOffset[l], eng.kernelOffset[l] + L[l] * L[l + 1]), [L[l], L[l + 1]]));
      net.biases[l].assign(tf.tensor1d(p.slice(eng.biasOffset[l], eng.biasOffset[l] + L[l + 1])));
    });
  });
}

export class FusedTraining {
  readonly engine: FusedNet;
  /** Optimiser iterations applied (tfjs's `iter`). */
  iterations = 0;
  /** Adam's running float32 products beta1^(t+1), beta2^(t+1), as tfjs keeps them. */
  private accBeta1: number;
  private accBeta2: number;
  /** Moments exist from the first applied step on (as in tfjs, where they are created then). */
  private hasMoments = false;
  private readonly slotSuffix: string[];

  constructor(readonly net: Mlp, readonly o: FusedOptimizerOptions, readonly loss: BuiltinLoss) {
    this.engine = fusedNetFor(net);
    this.slotSuffix = { adam: ['m', 'v'], nesterov: ['momentum'], sgd: [] as string[] }[o.optimizer];
    this.engine.slots(this.slotSuffix.length);
    this.accBeta1 = Math.fround(o.beta1);
    this.accBeta2 = Math.fround(o.beta2);
  }

  private worker?: GradientWorker;
  private yb = new Float32Array(0);

  /**
   * One optimiser step on the minibatch of rows perm[s..s+b-1] of x [*][inDim] and y [*][targetDim]:
   * forward and backward pass (the first half of the rows on a worker thread when threads is 2), then the
   * loss and squared gradient norm (weight decay included); the update is applied only when both are finite.
   */
  step(x: ArrayLike<number>, y: ArrayLike<number>, perm: ArrayLike<number>, s: number, b: number, batchSize: number): { loss: number; g2: number } {
    const eng = this.engine, m = this.loss.targetDim(this.net.outputDim), d = this.net.inputDim;
    const gather = (into: Float32Array, from: ArrayLike<number>, w: number, start: number, rows: number) => {
      for (let i = 0; i < rows; i++) {
        const r = perm[start + i] * w;
        for (let k = 0; k < w; k++) into[i * w + k] = from[r + k];
      }
    };
    // the worker's share: the first half of the rows (none for a single-row batch)
    const wr = this.o.threads > 1 ? b >> 1 : 0;
    if (wr > 0) {
      this.worker ??= new GradientWorker(
        { layers: this.net.config.layers, activation: this.net.config.activation, outputActivation: this.net.config.outputActivation, normalization: this.net.config.normalization },
        this.loss.name, eng.size, batchSize >> 1, m,
      );
      gather(this.worker.input, x, d, s, wr);
      gather(this.worker.target, y, m, s, wr);
      this.worker.start(eng.paramView(), wr, b);
    }
    const own = b - wr;
    if (this.yb.length < own * m) this.yb = new Float32Array(own * m);
    eng.setInput(x, own, s + wr, perm);
    gather(this.yb, y, m, s + wr, own);
    const out = eng.forward(own);
    let loss = this.loss.valueAndGrad(out, this.yb.subarray(0, own * m), b, eng.outputGradView(own));
    eng.backward(own, true, false);
    if (wr > 0) loss += this.worker!.finish(eng);
    loss = Math.fround(loss);
    const g2 = eng.decayAndNorm(this.o.weightDecay);
    if (Number.isFinite(loss) && Number.isFinite(g2)) this.apply();
    return { loss, g2 };
  }

  private apply(): void {
    const o = this.o, eng = this.engine;
    if (o.optimizer === 'adam') {
      eng.adam(o.learningRate, o.beta1, o.beta2, o.epsilon, Math.fround(1 - this.accBeta1), Math.fround(1 - this.accBeta2));
      this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(o.beta1));
      this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(o.beta2));
    } else if (o.optimizer === 'nesterov') {
      eng.momentum(o.learningRate, o.momentum, true);
    } else {
      eng.sgd(o.learningRate);
    }
    this.hasMoments = true;
    this.iterations++;
  }

  /** Ends the worker thread, if any. */
  dispose(): void {
    this.worker?.close();
    this.worker = undefined;
  }

  /** The optimiser part of TrainerState: [iter, moments...] named and ordered as tfjs's getWeights. */
  optimizerState(): { optimizer: OptimizerEntry[]; adamBetaPowers?: [number, number] } {
    const entries: OptimizerEntry[] = [{ name: 'iter', shape: [], values: [this.iterations] }];
    if (this.hasMoments) {
      const vars = this.net.variables, slots = this.moments;
      this.slotSuffix.forEach((suffix, s) => {
        vars.forEach((v, j) => {
          const [off, len] = this.slice(j);
          entries.push({ name: `${v.name}/${suffix}`, shape: [...v.shape], values: Array.from(slots[s].subarray(off, off + len)) });
        });
      });
    }
    const state: { optimizer: OptimizerEntry[]; adamBetaPowers?: [number, number] } = { optimizer: entries };
    if (this.o.optimizer === 'adam') state.adamBetaPowers = [this.accBeta1, this.accBeta2];
    return state;
  }

  /** Live views of the moment buffers (re-made on each use: a memory grow detaches old views). */
  private get moments(): Float32Array[] {
    return this.engine.slots(this.slotSuffix.length);
  }

  /** Restores what `optimizerState` (or the tfjs path) wrote; the caller has validated it. */
  setOptimizerState(optimizer: OptimizerEntry[], adamBetaPowers?: [number, number]): void {
    this.iterations = optimizer[0].values[0];
    const moments = optimizer.slice(1);
    const nVars = this.net.variables.length;
    this.hasMoments = moments.length > 0;
    const slots = this.moments;
    for (const m of slots) m.fill(0);
    moments.forEach((m, i) => {
      const [off] = this.slice(i % nVars);
      slots[Math.floor(i / nVars)].set(m.values, off);
    });
    if (adamBetaPowers) [this.accBeta1, this.accBeta2] = adamBetaPowers.map(Math.fround);
  }

  /** Offset and length of network variable j (kernel 0, bias 0, kernel 1, ...) in the flat buffers. */
  private slice(j: number): [number, number] {
    const l = j >> 1, L = this.net.config.layers;
    return j % 2 === 0 ? [this.engine.kernelOffset[l], L[l] * L[l + 1]] : [this.engine.biasOffset[l], L[l + 1]];
  }
}
