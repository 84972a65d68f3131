import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { initBackend, fusedActive, fusedKernelVariant, benchmarkTraining, benchmarkInference, type Activation, type TrainingBenchResult } from '../lib/nn/index.js';
import { projectRoot } from '../lib/project/root.js';
import type { BenchResult } from './dynamics.bench.js';

/**
 * Neural-network throughput (issue 14): training steps/s (forward, backward, Adam update, loss read-back)
 * and predict / inputGrad points/s of
 *   - the 66-128-128-1 tanh MLP of issue 3 at batch 256 and 4096,
 *   - a 66-200-200-1 Swish MLP (two 200-wide hidden layers: the size of LSS's GAN networks) at batch 256,
 * on the active backend (fused WebAssembly kernels on wasm/cpu; tfjs-node when installed), next to tfjs
 * ops on the same backend and PyTorch (Debian python3-torch, /usr/bin/python3) on 1 and 2 threads with the
 * identical network, optimiser, loss and batch (bench/torch_mlp.py), and rarelab with `threads: 2`
 * (data-parallel with a worker thread). The machine is shared, so rarelab and PyTorch are measured
 * interleaved, REPEATS times each; medians are reported with the load average, both in wall-clock steps/s
 * and, for one thread, per CPU second of the process (steadier when other jobs take the cores).
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

interface TorchResult { stepsPerSecond: number; stepsPerCpuSecond: number; predictPointsPerSecond: number; threads: number; torch: string }

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
  const engine = fusedActive() ? `fused ${fusedKernelVariant()}` : `${backend} ops`;
  const torch = new TorchBench();
  const out: BenchResult[] = [];
  const load0 = loadavg()[0];
  try {
    for (const c of CASES) {
      const label = `${c.name} training, batch ${c.batch}, Adam`;
      const ours1: TrainingBenchResult[] = [], ours2: TrainingBenchResult[] = [], t1: TorchResult[] = [], t2: TorchResult[] = [];
      let tfjsOps: TrainingBenchResult | undefined;
      let torchError = '', torchVersion = '';
      const train = (threads: number) => benchmarkTraining({ layers: c.layers, activation: c.activation, batchSize: c.batch, steps: c.steps, warmup: Math.ceil(c.steps / 10), threads });
      for (let r = 0; r < REPEATS; r++) {
        // interleaved: rarelab 1 thread, PyTorch 1 thread, rarelab 2 threads, PyTorch 2 threads
        for (const threads of [1, 2]) {
          if (threads === 1 || fusedActive()) (threads === 1 ? ours1 : ours2).push(train(threads));
          const res = await torch.measure(c, threads);
          if ('error' in res) torchError = res.error;
          else {
            (threads === 1 ? t1 : t2).push(res);
            torchVersion = res.torch;
          }
        }
        // tfjs ops once (the slow reference of issue 14, not a target)
        if (r === 0 && fusedActive()) tfjsOps = benchmarkTraining({ layers: c.layers, activation: c.activation, batchSize: c.batch, steps: Math.ceil(c.steps / 4), warmup: 5, engine: 'tfjs' });
      }
      const wall = (v: { stepsPerSecond: number }[]) => median(v.map((r) => r.stepsPerSecond));
      const cpu = (v: { stepsPerCpuSecond?: number }[]) => median(v.map((r) => r.stepsPerCpuSecond ?? NaN));
      const ref = (v: TorchResult[], threads: number, value: number) => (v.length ? { reference: `PyTorch ${torchVersion}, ${threads} thread${threads > 1 ? 's' : ''}`, referenceValue: value } : {});
      out.push({ benchmark: `${label}: rarelab 1 thread (${engine}), wall clock`, value: wall(ours1), unit: 'steps/s', ...ref(t1, 1, wall(t1)) });
      out.push({ benchmark: `${label}: rarelab 1 thread (${engine}), per CPU second`, value: cpu(ours1), unit: 'steps/CPU-s', ...ref(t1, 1, cpu(t1)) });
      if (ours2.length) out.push({ benchmark: `${label}: rarelab 2 threads (${engine}), wall clock`, value: wall(ours2), unit: 'steps/s', ...ref(t2, 2, wall(t2)) });
      if (tfjsOps) out.push({ benchmark: `${label}: tfjs ops on ${backend} (before issue 14), wall clock`, value: tfjsOps.stepsPerSecond, unit: 'steps/s', reference: 'rarelab 1 thread, fused', referenceValue: wall(ours1) });
      if (torchError) out.push({ benchmark: `${label}: PyTorch reference unavailable (${torchError})`, value: NaN, unit: '' });
      console.error(`bench nn: ${label}: rarelab 1 thread ${ours1.map((v) => v.stepsPerSecond.toFixed(0)).join(', ')} (CPU ${ours1.map((v) => v.stepsPerCpuSecond?.toFixed(0)).join(', ')}); ` +
        `2 threads ${ours2.map((v) => v.stepsPerSecond.toFixed(0)).join(', ')}; PyTorch 1 thread ${t1.map((v) => v.stepsPerSecond.toFixed(0)).join(', ')} (CPU ${t1.map((v) => v.stepsPerCpuSecond.toFixed(0)).join(', ')}); ` +
        `2 threads ${t2.map((v) => v.stepsPerSecond.toFixed(0)).join(', ')}; load ${loadavg()[0].toFixed(1)}`);
      const inf = benchmarkInference({ layers: c.layers, activation: c.activation, points: 16384, batchSize: c.batch, repeats: 5 });
      out.push({ benchmark: `${c.name} predict, chunks of ${c.batch} (${engine})`, value: inf.predictPointsPerSecond, unit: 'points/s', ...(t1.length ? { reference: `PyTorch ${torchVersion}, 1 thread, no_grad`, referenceValue: median(t1.map((r) => r.predictPointsPerSecond)) } : {}) });
      out.push({ benchmark: `${c.name} inputGrad, chunks of ${c.batch} (${engine})`, value: inf.inputGradPointsPerSecond, unit: 'points/s' });
    }
  } finally {
    torch.close();
  }
  out.push({ benchmark: 'machine load average (1 min) at start / end of the nn bench', value: load0, unit: 'load', reference: 'end', referenceValue: loadavg()[0] });
  return out;
}
