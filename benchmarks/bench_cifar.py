"""CIFAR-sized training steps, side by side with PyTorch CPU in one run (float32, 2 threads).

1. One ResNet-20 step (batch 64, 3x32x32, SGD with momentum 0.9) and one VGG-small step:
   agrad vs the same model in PyTorch (tests/nn/torch_models.py), timed in alternating blocks
   (``timing.timings``): the median of each one's quietest block, and of all its calls.
2. Where agrad's time goes: a cProfile of a few ResNet-20 steps, grouped by op (the forward
   function, and its backward closure, of each file under autograd/ and nn/).
3. ConvTranspose2d on a decoder-sized case, forward and forward + backward, if autograd has
   the ``ag.conv_transpose2d`` op.

Run: ``python benchmarks/bench_cifar.py [--repeats 20] [--no-profile]``.
"""

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

import numpy as np
from timing import timings

import autograd as ag
import nn
import optim

ag.keep_freed_memory()  # as agrad train does (autograd.memory)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def agrad_step(model, x, y):
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    batch = ag.Tensor(x, requires_grad=False)

    def step():
        optimizer.zero_grad()
        loss_fn(model(batch), y).backward()
        optimizer.step()

    return step


def torch_step(torch, model, x, y):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch_x, batch_y = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss_fn(model(batch_x), batch_y).backward()
        optimizer.step()

    return step


def profile_by_op(step, calls=3, top=14):
    """(seconds per step, rows of (op, seconds per step, share)) from cProfile's own-time of
    every function under autograd/ and nn/ (a backward closure counts for the op it is in)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        step()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(tt for (_, _, _), (_, _, tt, _, _) in stats.items()) / calls
    by_op = {}
    root = str(Path(__file__).resolve().parents[1])
    for (filename, _, function), (_, _, tottime, _, _) in stats.items():
        if filename.startswith(root):
            where = Path(filename).relative_to(root).with_suffix("")
            key = f"{where}.{function}"
        elif filename.startswith("~") or "numpy" in filename:
            key = f"numpy/builtin: {function}"
        else:
            key = "other Python"
        by_op[key] = by_op.get(key, 0.0) + tottime / calls
    rows = sorted(by_op.items(), key=lambda kv: -kv[1])[:top]
    return total, [(name, seconds, seconds / total) for name, seconds in rows]


def row(name, agrad_ms, torch_ms):
    ratio = f"{agrad_ms / torch_ms:5.2f}" if torch_ms else "  n/a"
    torch_text = f"{torch_ms:9.2f}" if torch_ms else "      n/a"
    print(f"  {name:<44} {agrad_ms:9.2f} {torch_text} {ratio}   (ms)")


def conv_transpose_case(torch, repeats):
    if not hasattr(ag, "conv_transpose2d"):
        print("  ConvTranspose2d: ag.conv_transpose2d is not in this autograd yet, skipped")
        return
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 32, 8, 8), dtype=np.float32)
    layer = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1)
    reference = torch.nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1)
    x_ag, x_t = ag.Tensor(x), torch.from_numpy(x).requires_grad_()
    g = rng.standard_normal((64, 16, 16, 16), dtype=np.float32)
    g_t = torch.from_numpy(g)

    def ag_forward():
        with ag.no_grad():
            layer(x_ag)

    def ag_both():
        layer.zero_grad()
        x_ag.zero_grad()
        layer(x_ag).backward(g)

    def torch_forward():
        with torch.no_grad():
            reference(x_t)

    def torch_both():
        reference.zero_grad()
        x_t.grad = None
        reference(x_t).backward(g_t)

    ms = timings({"agf": ag_forward, "tf": torch_forward, "agb": ag_both, "tb": torch_both}, repeats=repeats)
    row("ConvTranspose2d (64,32,8,8)->16 3x3 s2 fwd", ms["agf"][0], ms["tf"][0])
    row("  forward + backward", ms["agb"][0], ms["tb"][0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    import torch

    from tests.nn.parity import torch_state_dict
    from tests.nn.torch_models import TorchVGG, torch_resnet

    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    x = rng.random((64, 3, 32, 32), dtype=np.float32)
    y = rng.integers(0, 10, 64)
    print(f"{'':46} {'agrad':>9} {'torch':>9} ratio")
    steps = {}
    for name, build, build_torch in (
        ("ResNet-20", nn.models.resnet20, lambda: torch_resnet((3, 3, 3))),
        ("VGG-small", nn.models.vgg_small, lambda: TorchVGG(nn.models.VGG_CONFIGS["small"])),
    ):
        np.random.seed(0)
        model, reference = build(), build_torch()
        reference.load_state_dict(torch_state_dict(model.state_dict()))
        steps[name] = agrad_step(model, x, y)
        ms = timings({"agrad": steps[name], "torch": torch_step(torch, reference, x, y)}, repeats=args.repeats)
        row(f"{name} SGD step, batch 64, 3x32x32", ms["agrad"][0], ms["torch"][0])
        print(f"  {'(median of all calls)':<44} {ms['agrad'][1]:9.2f} {ms['torch'][1]:9.2f} "
              f"{ms['agrad'][1] / ms['torch'][1]:5.2f}   (ms)")
    conv_transpose_case(torch, args.repeats)
    if not args.no_profile:
        total, rows = profile_by_op(steps["ResNet-20"])
        print(f"\nResNet-20 step under cProfile: {total * 1e3:.1f} ms of own time per step, by function:")
        for name, seconds, share in rows:
            print(f"  {name:<60} {seconds * 1e3:8.2f} ms  {share:6.1%}")


if __name__ == "__main__":
    main()
