import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { initBackend, fusedActive, benchmarkTraining, benchmarkInference, type Activation } from '../lib/nn/index.js';
import { projectRoot } from '../lib/project/root.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * Neural-network throughput (issue 14): training steps/s (forward, backward, Adam update, loss read-back)
 * and predict / inputGrad points/s of
 *   - the 66-128-128-1 tanh MLP of issue 3 at batch 256 and 4096,
 *   - a 66-200-200-1 Swish MLP (two 200-wide hidden layers: the size of LSS's GAN networks) at batch 256,
 * on the active backend (fused WebAssembly kernels on wasm/cpu; tfjs-node when installed), next to tfjs
 * ops on the same backend and PyTorch (Debian python3-torch, /usr/bin/python3) on 1 and 2 threads with the
 * identical network, optimiser, loss and batch (bench/torch_mlp.py). The machine is shared, so rarelab and
 * PyTorch are measured interleaved, REPEATS times each, and the median is reported with the load average.
 */
const REPEATS = 3;
/** Seconds PyTorch times per measurement (rarelab times a fixed number of steps of similar length). */
const SECONDS = 1.5;

interface Case { name: string; layers: number[]; activation: Activation; batch: number; steps: number }
const CASES: Case[] = [
  { name: 'MLP 66-128-128-1 tanh', layers: [66, 128, 128, 1], activation: 'tanh', batch: 256, steps: 400 },
  { name: 'MLP 66-128-128-1 tanh', layers: [66, 128, 128, 1], activation: 'tanh', batch: 4096, steps: 25 },
  { name: 'MLP 66-200-200-1 swish', layers: [66, 200, 200, 1], activation: 'swish', batch: 256, steps: 250 },
];

interface TorchResult { stepsPerSecond: number; predictPointsPerSecond: number; threads: number; torch: string }

/** One long-lived PyTorch process answering one measurement request per line (bench/torch_mlp.py). */
class TorchBench {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  constructor() {
    this.proc = spawn('/usr/bin/python3', [join(projectRoot(), 'bench', 'torch_mlp.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async measure(c: Case, threads: number): Promise<TorchResult | { error: string }> {
    this.proc.stdin.write(`${c.layers.join('-')} ${c.activation === 'swish' ? 'swish' : 'tanh'} ${c.batch} ${SECONDS} ${threads}\n`);
    const next = await this.lines.next();
    if (next.done) return { error: 'PyTorch process ended (is /usr/bin/python3 with python3-torch installed?)' };
    return JSON.parse(next.value);
  }
  close(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

export async function run(): Promise<BenchResult[]> {
  const backend = await initBackend();
  const engine = fusedActive() ? 'fused' : backend;
  const torch = new TorchBench();
  const out: BenchResult[] = [];
  const load0 = loadavg()[0];
  try {
    for (const c of CASES) {
      const label = `${c.name} training, batch ${c.batch}, Adam`;
      const ours: number[] = [], tfjsOps: number[] = [], t1: number[] = [], t2: number[] = [], tp1: number[] = [];
      let torchError = '', torchVersion = '';
      for (let r = 0; r < REPEATS; r++) {
        ours.push(benchmarkTraining({ layers: c.layers, activation: c.activation, batchSize: c.batch, steps: c.steps, warmup: Math.ceil(c.steps / 10) }).stepsPerSecond);
        if (r === 0 && engine === 'fused') {
          // tfjs ops once (they are the slow reference of issue 14, not a target)
          tfjsOps.push(benchmarkTraining({ layers: c.layers, activation: c.activation, batchSize: c.batch, steps: Math.ceil(c.steps / 3), warmup: 5, engine: 'tfjs' }).stepsPerSecond);
        }
        for (const [threads, into] of [[1, t1], [2, t2]] as const) {
          const res = await torch.measure(c, threads);
          if ('error' in res) torchError = res.error;
          else {
            into.push(res.stepsPerSecond);
            if (threads === 1) tp1.push(res.predictPointsPerSecond);
            torchVersion = res.torch;
          }
        }
      }
      const mine = median(ours);
      out.push({ benchmark: `${label} (${backend}, ${engine}; median of ${REPEATS})`, value: mine, unit: 'steps/s', ...(t1.length ? { reference: `PyTorch ${torchVersion}, 1 thread`, referenceValue: median(t1) } : {}) });
      if (t2.length) out.push({ benchmark: `${label} (${backend}, ${engine}, 1 core) vs PyTorch 2 threads`, value: mine, unit: 'steps/s', reference: `PyTorch ${torchVersion}, 2 threads`, referenceValue: median(t2) });
      if (tfjsOps.length) out.push({ benchmark: `${label} (${backend}, tfjs ops, for comparison)`, value: tfjsOps[0], unit: 'steps/s', reference: `rarelab ${engine}`, referenceValue: mine });
      if (torchError) out.push({ benchmark: `${label}: PyTorch reference unavailable (${torchError})`, value: NaN, unit: '' });
      console.error(`bench nn: ${label}: rarelab ${ours.map((v) => v.toFixed(0)).join(', ')}; PyTorch 1 thread ${t1.map((v) => v.toFixed(0)).join(', ')}; 2 threads ${t2.map((v) => v.toFixed(0)).join(', ')}; load ${loadavg()[0].toFixed(1)}`);
      const inf = benchmarkInference({ layers: c.layers, activation: c.activation, points: 16384, batchSize: c.batch, repeats: 5 });
      const tp = median(tp1);
      out.push({ benchmark: `${c.name} predict, chunks of ${c.batch} (${backend}, ${engine})`, value: inf.predictPointsPerSecond, unit: 'points/s', ...(tp1.length ? { reference: `PyTorch ${torchVersion}, 1 thread, no_grad`, referenceValue: tp } : {}) });
      out.push({ benchmark: `${c.name} inputGrad, chunks of ${c.batch} (${backend}, ${engine})`, value: inf.inputGradPointsPerSecond, unit: 'points/s' });
    }
  } finally {
    torch.close();
  }
  out.push({ benchmark: `machine load average (1 min) at start / end of the nn bench`, value: load0, unit: 'load', reference: 'end', referenceValue: loadavg()[0] });
  return out;
}
