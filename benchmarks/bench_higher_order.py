"""Higher-order benchmark, side by side in one run (float64, 2 threads).

1. A Hessian-vector product of a small MLP's loss (784-64-10 tanh MLP, batch 32, cross-entropy)
   with respect to all its parameters: ``ag.functional.hvp`` against ``torch.autograd.functional.hvp``
   (both: two backward passes, the second through the graph of the first).
2. The second derivative of a conv2d-based loss: the gradient penalty |d loss / d x|^2 of a
   conv-tanh-pool-linear net (batch 16, 1x28x28, 8 3x3 filters), backpropagated to the weights.

Each side runs in a fresh process of its own (two libraries in one process slow each other), the
sides taking turns for 3 rounds. Run: ``python benchmarks/bench_higher_order.py``. Prints the
median over the rounds, the spread (min-max) and the ratio.
"""

import json
import statistics
import subprocess
import sys

import numpy as np
from timing import median_time

import autograd as ag
import nn.functional as F
from autograd import functional

ag.keep_freed_memory()  # as agrad train does (autograd.memory)


def mlp_case(random):
    x = random.standard_normal((32, 784))
    y = random.integers(0, 10, 32)
    params = [random.standard_normal(s) * 0.05 for s in [(64, 784), (64,), (10, 64), (10,)]]
    vectors = [random.standard_normal(p.shape) for p in params]
    return x, y, params, vectors


def agrad_hvp(x, y, params, vectors):
    data = ag.Tensor(x, requires_grad=False)

    def loss(w1, b1, w2, b2):
        return F.cross_entropy(F.linear(ag.tanh(F.linear(data, w1, b1)), w2, b2), y)

    tensors = tuple(ag.Tensor(p) for p in params)
    return lambda: functional.hvp(loss, tensors, tuple(vectors))


def torch_hvp(torch, x, y, params, vectors):
    data, labels = torch.tensor(x), torch.tensor(y)

    def loss(w1, b1, w2, b2):
        return torch.nn.functional.cross_entropy(
            torch.nn.functional.linear(torch.tanh(torch.nn.functional.linear(data, w1, b1)), w2, b2), labels)

    tensors = tuple(torch.tensor(p) for p in params)
    vs = tuple(torch.tensor(v) for v in vectors)
    return lambda: torch.autograd.functional.hvp(loss, tensors, vs)


def conv_case(random):
    x = random.standard_normal((16, 1, 28, 28))
    w = random.standard_normal((8, 1, 3, 3)) * 0.3
    head = random.standard_normal((10, 8 * 14 * 14)) * 0.01
    return x, w, head


def agrad_penalty(x, w, head):
    xs, ws, hs = ag.Tensor(x), ag.Tensor(w), ag.Tensor(head)

    def step():
        h = ag.max_pool2d(ag.tanh(ag.conv2d(xs, ws, padding=1)), 2)
        loss = ag.logsumexp(F.linear(h.reshape(16, -1), hs), axis=1).sum()
        (gx,) = ag.grad(loss, xs, create_graph=True)
        return ag.grad((gx * gx).sum(), [ws, hs])

    return step


def torch_penalty(torch, x, w, head):
    xs, ws, hs = (torch.tensor(a, requires_grad=True) for a in (x, w, head))

    def step():
        h = torch.nn.functional.max_pool2d(torch.tanh(torch.nn.functional.conv2d(xs, ws, padding=1)), 2)
        loss = torch.logsumexp(torch.nn.functional.linear(h.reshape(16, -1), hs), dim=1).sum()
        (gx,) = torch.autograd.grad(loss, xs, create_graph=True)
        return torch.autograd.grad((gx * gx).sum(), [ws, hs])

    return step


CASES = [("HVP of a 784-64-10 MLP (batch 32)", mlp_case, agrad_hvp, torch_hvp),
         ("gradient penalty through conv2d (batch 16, 28x28)", conv_case, agrad_penalty, torch_penalty)]


def worker(side):
    """One side in this process (two libraries in one process slow each other): a JSON line of ms."""
    random = np.random.default_rng(0)
    results = {}
    torch = None
    if side == "torch":
        import torch

        torch.set_num_threads(2)
    for name, make, ours, theirs in CASES:
        case = make(random)
        fn = ours(*case) if side == "agrad" else theirs(torch, *case)
        results[name] = 1e3 * median_time(fn, repeats=15, warmup=2)
    print(json.dumps(results))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        return worker(sys.argv[2])
    sides = ["agrad"]
    try:
        import torch  # noqa: F401

        sides.append("torch")
    except ImportError:
        print("PyTorch not installed: no reference")
    samples = {side: {name: [] for name, *_ in CASES} for side in sides}
    for round_ in range(3):  # the sides take turns, each in a fresh process
        for side in sides[round_ % len(sides):] + sides[:round_ % len(sides)]:
            out = subprocess.run([sys.executable, __file__, "--worker", side], capture_output=True, text=True,
                                 check=True)
            for name, ms in json.loads(out.stdout.strip().splitlines()[-1]).items():
                samples[side][name].append(ms)
    for name, *_ in CASES:
        print(name)
        for side in sides:
            values = samples[side][name]
            print(f"  {side:6s} {statistics.median(values):8.2f} ms  [{min(values):.2f}-{max(values):.2f}]")
        if "torch" in samples:
            ratio = statistics.median(samples["agrad"][name]) / statistics.median(samples["torch"][name])
            print(f"  ratio agrad/torch {ratio:.2f}")


if __name__ == "__main__":
    main()
