"""PyTorch reference speed for bench/nn.bench.ts: the same MLP training step as rarelab's benchmarkTraining
(fully connected float32 network, hidden activation tanh or swish (SiLU), linear output, Adam with
lr 1e-3, betas (0.9, 0.999), eps 1e-7 as tfjs, MSE loss, one fixed random minibatch, loss read back every
step), and the forward pass (predict, 16384 points in chunks of BATCH) of the same network, on a given
number of threads.

usage: /usr/bin/python3 bench/torch_mlp.py LAYERS ACTIVATION BATCH SECONDS THREADS
  LAYERS as 66-128-128-1; steps are timed for about SECONDS (at least 5 steps) after a warm-up. Reads further requests from stdin, one "LAYERS ACTIVATION BATCH STEPS THREADS"
  line each (so the bench can interleave rarelab and PyTorch measurements in one PyTorch process), and
  prints one JSON line per request: {"stepsPerSecond" (wall clock), "stepsPerCpuSecond" (this process's
  CPU time, all threads: steady on a loaded machine), "predictPointsPerSecond", "threads", "torch"}.
  Without torch installed it prints {"error": ...} once and exits.
"""
import json
import sys
import time


def measure(torch, layers, activation, batch, seconds, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    mods = []
    for i in range(len(layers) - 1):
        mods.append(torch.nn.Linear(layers[i], layers[i + 1]))
        if i + 2 < len(layers):
            mods.append(torch.nn.Tanh() if activation == 'tanh' else torch.nn.SiLU())
    net = torch.nn.Sequential(*mods)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    x = torch.randn(batch, layers[0])
    y = torch.randn(batch, layers[-1])

    def step():
        opt.zero_grad(set_to_none=True)
        loss = ((net(x) - y) ** 2).sum() / batch
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(5):
        step()
    t0, c0 = time.perf_counter(), time.process_time()
    steps = 0
    while steps < 5 or time.perf_counter() - t0 < seconds:
        step()
        steps += 1
    train = steps / (time.perf_counter() - t0)
    train_cpu = steps / (time.process_time() - c0)
    xp = torch.randn(16384, layers[0])
    with torch.no_grad():
        for s in range(0, 16384, batch):
            net(xp[s:s + batch])
        t0 = time.perf_counter()
        reps = 2
        for _ in range(reps):
            for s in range(0, 16384, batch):
                net(xp[s:s + batch]).numpy()
        pred = reps * 16384 / (time.perf_counter() - t0)
    return {'stepsPerSecond': train, 'stepsPerCpuSecond': train_cpu, 'predictPointsPerSecond': pred, 'threads': threads, 'torch': torch.__version__}


def main():
    try:
        import torch
    except ImportError:
        print(json.dumps({'error': 'PyTorch is not installed for /usr/bin/python3 (Debian package python3-torch)'}), flush=True)
        return
    if len(sys.argv) > 1:
        run(torch, sys.argv[1:])
    # readline, not `for line in sys.stdin`, which reads ahead and would wait for more requests
    for line in iter(sys.stdin.readline, ''):
        if line.split():
            run(torch, line.split())


def run(torch, req):
    layers, activation, batch, seconds, threads = req
    r = measure(torch, [int(v) for v in layers.split('-')], activation, int(batch), float(seconds), int(threads))
    print(json.dumps(r), flush=True)


if __name__ == '__main__':
    main()
