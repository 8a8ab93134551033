"""Core engine benchmark, side by side in one run.

1. The lecture's 1-hidden-layer Scalar net (n_hidden=20, 100 points): one epoch of
   forward + backward + update with ``ag.Scalar`` against the same code on micrograd's design
   (``MicrogradValue`` below: a set of children, a lambda per node, a recursive topological sort).
2. A 64-64-10 ReLU MLP step (batch 32, float32, cross-entropy, SGD) with ``ag.Tensor`` against
   PyTorch CPU (2 threads) when torch is installed.

Run: ``python benchmarks/bench_core.py`` (``make bench``). Prints median times and ratios.
"""

import sys

import numpy as np
from timing import median_time

import autograd as ag
from agrad.demo import GradientDescent, ScalarModel, ScalarMSE, lecture_data

ag.keep_freed_memory()  # as agrad train does (autograd.memory)


# -- micrograd's design, as a reference (karpathy/micrograd engine.py, condensed) ----------
class MicrogradValue:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, MicrogradValue) else MicrogradValue(other)
        out = MicrogradValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, MicrogradValue) else MicrogradValue(other)
        out = MicrogradValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        out = MicrogradValue(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = MicrogradValue(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()


def micrograd_epoch(params, x, y):
    w1, b1, w2, b2 = params
    for p in w1 + b1 + w2 + b2:
        p.grad = 0
    loss = MicrogradValue(0.0)
    for value, target in zip(x, y):
        xs = MicrogradValue(value)
        output = b2[0]
        for a, b, c in zip(w1, b1, w2):
            output = output + c * (a * xs + b).relu()
        loss = loss + (output - float(target)) ** 2
    loss = loss / len(x)
    loss.backward()
    for p in w1 + b1 + w2 + b2:
        p.data -= 0.05 * p.grad


def bench_scalar(repeats=7):
    x, y = lecture_data()
    model = ScalarModel(20)
    loss_fn = ScalarMSE()
    optimizer = GradientDescent(model.parameters, lr=0.05)

    def agrad_epoch():
        optimizer.zero_grad()
        loss = loss_fn.mse(model.forward(x), y)
        loss.backward()
        optimizer.step()

    rng = np.random.default_rng(42)
    params = [[MicrogradValue(v) for v in rng.standard_normal(20)] for _ in range(3)]
    params.append([MicrogradValue(rng.standard_normal())])
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)  # micrograd's recursive sort needs it for this graph
    try:
        t_micrograd = median_time(lambda: micrograd_epoch(params, x, y), repeats)
    finally:
        sys.setrecursionlimit(old_limit)
    t_agrad = median_time(agrad_epoch, repeats)
    return t_agrad, t_micrograd


# -- Tensor MLP step against PyTorch ---------------------------------------------------------
def agrad_mlp_step_fn(batch=32, seed=0):
    rng = np.random.default_rng(seed)
    w1 = ag.Tensor(rng.standard_normal((64, 64)).astype(np.float32) * 0.1)
    b1 = ag.Tensor(np.zeros(64, np.float32))
    w2 = ag.Tensor(rng.standard_normal((64, 10)).astype(np.float32) * 0.1)
    b2 = ag.Tensor(np.zeros(10, np.float32))
    params = (w1, b1, w2, b2)
    x = ag.Tensor(rng.standard_normal((batch, 64)).astype(np.float32), requires_grad=False)
    y = rng.integers(0, 10, batch)
    rows = np.arange(batch)

    def step():
        for p in params:
            p.zero_grad()
        logits = ag.relu(x @ w1 + b1) @ w2 + b2
        loss = -ag.mean(ag.log_softmax(logits, axis=1)[rows, y])
        loss.backward()
        for p in params:
            p.value -= 0.01 * p.grad

    return step


def torch_mlp_step_fn(torch, batch=32, seed=0):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(batch, 64)
    y = torch.randint(0, 10, (batch,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    return step


def main():
    t_agrad, t_micrograd = bench_scalar()
    print("Scalar net, one epoch (n_hidden=20, 100 points, forward+backward+update)")
    print(f"  ag.Scalar            {t_agrad * 1e3:8.1f} ms")
    print(f"  micrograd design     {t_micrograd * 1e3:8.1f} ms")
    print(f"  ratio agrad/micrograd {t_agrad / t_micrograd:.2f}")

    t_step = median_time(agrad_mlp_step_fn(), repeats=300, warmup=20)
    print("Tensor MLP step (64-64-10, batch 32, float32, forward+backward+SGD)")
    print(f"  ag.Tensor            {t_step * 1e6:8.1f} us")
    try:
        import torch
    except ImportError:
        print("  PyTorch not installed: no reference")
        return
    torch.set_num_threads(2)
    t_torch = median_time(torch_mlp_step_fn(torch), repeats=300, warmup=20)
    print(f"  PyTorch {torch.__version__} CPU  {t_torch * 1e6:8.1f} us")
    print(f"  ratio agrad/torch    {t_step / t_torch:.2f}")


if __name__ == "__main__":
    main()
