"""Training benchmark, side by side in one run (float32, 2 threads).

1. One LeNet-5 SGD step (batch 64, 1x28x28): agrad vs the same model in PyTorch CPU, and the
   lesson-000 design (batched im2col looping over output positions + GEMM, col2im) as the
   in-house baseline, written out in ``lesson_lenet.py``. Timed in alternating blocks
   (``timing.timings``): the median of each one's quietest block, and of all its calls.
2. One epoch of the default ``agrad train`` job (LeNet-5, digits at 28x28, batch 64, Adam) vs
   the equivalent PyTorch loop over the same arrays.
3. One MNIST-sized epoch (60,000 random 28x28 images, batch 64, SGD) for both.

Run: ``python benchmarks/bench_train.py`` (add ``--quick`` to skip the MNIST-sized epoch).
"""

import sys
import time

import numpy as np
from lesson_lenet import LessonLeNet5
from timing import timings

import autograd as ag
import nn
import optim
from agrad.registry import load_splits
from nn.data import DataLoader

ag.keep_freed_memory()  # as agrad train does (autograd.memory)


def torch_lenet5(torch):
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(),
        torch.nn.Linear(84, 10),
    )


def agrad_step_fn(x, y):
    np.random.seed(0)
    model = nn.LeNet5()
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    inputs = nn.data.TensorDataset(x, y)
    batch_x, batch_y = next(iter(DataLoader(inputs, batch_size=len(y))))

    def step():
        optimizer.zero_grad()
        loss_fn(model(batch_x), batch_y).backward()
        optimizer.step()

    return step


def torch_step_fn(torch, x, y):
    torch.manual_seed(0)
    model = torch_lenet5(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch_x, batch_y = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss_fn(model(batch_x), batch_y).backward()
        optimizer.step()

    return step


def lesson_step_fn(x, y):
    model = LessonLeNet5(seed=0)
    return lambda: model.sgd_step(x, y, lr=0.01)


def agrad_epoch(images, labels, make_optimizer, batch_size=64):
    np.random.seed(0)
    model = nn.LeNet5()
    optimizer = make_optimizer(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(nn.data.TensorDataset(images, labels), batch_size=batch_size, shuffle=True, seed=0)
    start = time.perf_counter()
    for batch_x, batch_y in loader:
        optimizer.zero_grad()
        loss_fn(model(batch_x), batch_y).backward()
        optimizer.step()
    return time.perf_counter() - start


def torch_epoch(torch, images, labels, make_optimizer, batch_size=64):
    torch.manual_seed(0)
    model = torch_lenet5(torch)
    optimizer = make_optimizer(model.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
    start = time.perf_counter()
    for batch_x, batch_y in loader:
        optimizer.zero_grad()
        loss_fn(model(batch_x), batch_y).backward()
        optimizer.step()
    return time.perf_counter() - start


def row(name, agrad_s, torch_s, unit=1e3, suffix="ms"):
    ratio = f"{agrad_s / torch_s:5.2f}" if torch_s else "  n/a"
    torch_text = f"{torch_s * unit:9.2f}" if torch_s else "      n/a"
    print(f"  {name:<44} {agrad_s * unit:9.2f} {torch_text} {ratio}   ({suffix})")


def main(quick=False):
    try:
        import torch
        torch.set_num_threads(2)
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    x = rng.random((64, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, 64)

    print(f"{'':46} {'agrad':>9} {'torch':>9} ratio")
    steps = {"agrad": agrad_step_fn(x, y), "lesson": lesson_step_fn(x, y)}
    if torch:
        steps["torch"] = torch_step_fn(torch, x, y)
    step_ms = timings(steps, repeats=60)
    t_torch = step_ms["torch"][0] / 1e3 if torch else None
    row("LeNet-5 SGD step, batch 64", step_ms["agrad"][0] / 1e3, t_torch)
    row("  lesson-000 batched NumPy (in-house baseline)", step_ms["lesson"][0] / 1e3, t_torch)
    if torch:
        print(f"  {'(step, median of all calls)':<44} {step_ms['agrad'][1]:9.2f} {step_ms['torch'][1]:9.2f} "
              f"{step_ms['agrad'][1] / step_ms['torch'][1]:5.2f}   (ms)")

    train_set, _, _ = load_splits("lenet5", "digits")
    images, labels = train_set.get_batch(np.arange(len(train_set)))
    t_agrad = agrad_epoch(images, labels, lambda p: optim.Adam(p, lr=1e-3))
    t_torch = torch_epoch(torch, images, labels, lambda p: torch.optim.Adam(p, lr=1e-3)) if torch else None
    row(f"epoch of agrad train's default ({len(labels)} digits)", t_agrad, t_torch, unit=1, suffix="s")

    if not quick:
        images = rng.random((60_000, 1, 28, 28), dtype=np.float32)
        labels = rng.integers(0, 10, 60_000)
        t_agrad = agrad_epoch(images, labels, lambda p: optim.SGD(p, lr=0.01, momentum=0.9))
        t_torch = (torch_epoch(torch, images, labels, lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9))
                   if torch else None)
        row("MNIST-sized epoch (60,000 images, SGD)", t_agrad, t_torch, unit=1, suffix="s")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
