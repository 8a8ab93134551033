"""``bench_threads.py --calls``: every threaded kernel call split over agrad's threads and whole.

Under ``ag.use_threads(2)`` (BLAS on one thread), each kernel call of a LeNet-5 and a CIFAR-sized
step is timed split over the two threads (every ``MIN_SPLIT_*`` bar at 0) and whole on the calling
thread, alternating in blocks (``timing.timings``); each line prints the call's work, what the
``threaded`` rule does with it, and whether that is the faster (or within 5%). Each pass of a
convolution that copies its columns in the unpadded layout also gets a line timed split both
ways, its parts copying their columns in turns under one lock and free (``MIN_LOCKED_ROWS``: its
GEMM's rows).
"""

import numpy as np
from timing import timings

import autograd as ag
from autograd.geometry import WindowGeometry
from autograd.kernels import fast, threaded
from autograd.kernels.fast import conv_input

CONVS = [  # x shape, C_out, kernel, padding, stride
    ((64, 1, 28, 28), 6, 5, 2, 1), ((64, 6, 14, 14), 16, 5, 0, 1), ((64, 3, 32, 32), 16, 3, 1, 1),
    ((64, 16, 32, 32), 16, 3, 1, 1), ((64, 16, 32, 32), 32, 3, 1, 2), ((64, 32, 16, 16), 32, 3, 1, 1),
    ((64, 32, 16, 16), 64, 3, 1, 2), ((64, 64, 8, 8), 64, 3, 1, 1),
]
# stride-1 layers in the unpadded layout whose forward and dW GEMMs have 16 or 24 rows, either side
# of MIN_LOCKED_ROWS
LOCK_CASES = [((64, 16, 16, 16), 16, 3, 1, 1), ((64, 64, 16, 16), 16, 3, 1, 1), ((64, 16, 16, 16), 24, 3, 1, 1)]
# the inputs of the steps' pools and batch norms (VGG-small's too)
IMAGES = [(64, 6, 28, 28), (64, 16, 10, 10), (64, 16, 32, 32), (64, 32, 16, 16), (64, 64, 8, 8),
          (64, 32, 32, 32), (64, 64, 16, 16), (64, 128, 8, 8), (64, 64, 32, 32)]
BARS = ("MIN_SPLIT_FLOPS", "MIN_SPLIT_BYTES", "MIN_SPLIT_POOL_BYTES", "MIN_SPLIT_AVG_POOL_BYTES",
        "MIN_SPLIT_POOL_GRAD_BYTES", "MIN_SPLIT_SUM_BYTES", "MIN_SPLIT_BN_GRAD_BYTES")


def _split_always(fn):
    def call():
        saved = {name: getattr(threaded, name) for name in BARS}
        for name in BARS:
            setattr(threaded, name, 0)
        try:
            fn()
        finally:
            for name, value in saved.items():
                setattr(threaded, name, value)
    return call


def _locked(fn, locked):
    def call():
        saved = threaded.MIN_LOCKED_ROWS
        threaded.MIN_LOCKED_ROWS = 0 if locked else 1 << 62
        try:
            fn()
        finally:
            threaded.MIN_LOCKED_ROWS = saved
    return call


def _line(label, work, splits, split, whole, repeats):
    _versus(label, work, {"split": _split_always(split), "whole": whole}, "split" if splits else "whole", repeats)


def _versus(label, work, alternatives, rule, repeats):
    """Time the two ``alternatives`` (name: function) and say whether the ``rule``'s pick is the faster."""
    # back to back, as in a training step: after an idle pause the second core wakes slowly
    t = {name: fast_ms for name, (fast_ms, _) in timings(alternatives, repeats, settle=0).items()}
    other = min(ms for name, ms in t.items() if name != rule)
    verdict = "right" if t[rule] <= other * 1.05 else f"WRONG, {t[rule] / other:.2f}x the other"
    times = "  ".join(f"{name} {ms:6.3f}" for name, ms in t.items())
    print(f"  {label:<52} {work:>12}  {times} ms  rule: {rule} ({verdict})")


def calls_section(repeats, seed=0):
    rng = np.random.default_rng(seed)
    print(f"threaded kernel calls, 2 threads: split when a convolution has >= {threaded.MIN_SPLIT_FLOPS / 1e6:.0f} "
          f"MFLOP, max pooling >= {threaded.MIN_SPLIT_POOL_BYTES >> 20} MiB (its dX >= "
          f"{threaded.MIN_SPLIT_POOL_GRAD_BYTES >> 20} MiB), average pooling >= "
          f"{threaded.MIN_SPLIT_AVG_POOL_BYTES >> 20} MiB, normalising >= "
          f"{threaded.MIN_SPLIT_BYTES >> 20} MiB, batch norm's sums >= {threaded.MIN_SPLIT_SUM_BYTES >> 20} MiB "
          f"(its dX >= {threaded.MIN_SPLIT_BN_GRAD_BYTES >> 20} MiB); a split convolution's parts copy their "
          f"columns in turns from {threaded.MIN_LOCKED_ROWS} GEMM rows")
    with ag.use_threads(2):
        for case in CONVS:
            _conv_lines(rng, *case, repeats)
        for case in LOCK_CASES:
            _conv_lines(rng, *case, repeats, locks_only=True)
        for shape in IMAGES:
            _pool_lines(rng.standard_normal(shape, dtype=np.float32), repeats)
        for shape in IMAGES:
            _image_lines(rng.standard_normal(shape, dtype=np.float32), repeats)


def _conv_lines(rng, shape, c_out, k, p, s, repeats, locks_only=False):
    x = rng.standard_normal(shape, dtype=np.float32)
    w = rng.standard_normal((c_out, shape[1], k, k), dtype=np.float32)
    geom = WindowGeometry(shape, (k, k), (s, s), ((p, p), (p, p)))
    dy = rng.standard_normal((shape[0], c_out, geom.H_out, geom.W_out), dtype=np.float32)
    flops, bar = threaded._gemm(geom, c_out, 1)
    name, work = f"conv {shape}->{c_out} {k}x{k} s{s}", f"{flops / 1e6:.0f} MFLOP"
    passes = (("forward", c_out, lambda: threaded.conv2d(x, w, None, geom, 1),
               lambda: fast.conv2d(x, w, None, geom, 1)),
              ("dW", c_out, lambda: threaded.conv2d_weight_grad(x, dy, geom, 1),
               lambda: fast.conv2d_weight_grad(x, dy, geom, 1)),
              ("dX", shape[1], lambda: threaded.conv2d_input_grad(dy, w, geom, 1),
               lambda: fast.conv2d_input_grad(dy, w, geom, 1)))
    if not locks_only:
        for pass_name, _, split, whole in passes:
            _line(f"{name} {pass_name}", work, flops >= bar, split, whole, repeats)
    for pass_name, rows, call, _ in passes:  # the transposed dX route's GEMM: a row per input channel
        if _copies_call_by_call(geom, c_out, pass_name):  # elsewhere the lock is never taken
            split = _split_always(call)
            _versus(f"{name} {pass_name}, split", f"{rows} rows", {"locked": _locked(split, True),
                    "free": _locked(split, False)}, "locked" if rows >= threaded.MIN_LOCKED_ROWS else "free",
                    repeats)


def _copies_call_by_call(geom, c_out, pass_name):
    """Whether the pass copies its columns in the unpadded layout (where ``copy_lock`` is taken)."""
    if pass_name != "dX":
        return fast.conv.layout(geom).unpadded
    route, _, transposed = conv_input.input_grad_plan(geom, c_out, 1)
    return route == "transposed" and transposed.unpadded


def _pool_lines(x, repeats):
    size, shape = f"{x.nbytes >> 10} KiB", x.shape
    splits, grad_splits, avg_splits = (x.nbytes >= getattr(threaded, bar) for bar in (
        "MIN_SPLIT_POOL_BYTES", "MIN_SPLIT_POOL_GRAD_BYTES", "MIN_SPLIT_AVG_POOL_BYTES"))
    pool = WindowGeometry(shape, (2, 2), (2, 2))
    _, argmax = fast.max_pool2d(x, pool)
    dy = np.ones(argmax.shape, dtype=x.dtype)
    _line(f"max_pool2d {shape}", size, splits, lambda: threaded.max_pool2d(x, pool),
          lambda: fast.max_pool2d(x, pool), repeats)
    _line(f"max_pool2d dX {shape}", size, grad_splits, lambda: threaded.max_pool2d_input_grad(dy, argmax, pool),
          lambda: fast.max_pool2d_input_grad(dy, argmax, pool), repeats)
    _line(f"avg_pool2d {shape}", size, avg_splits, lambda: threaded.avg_pool2d(x, pool),
          lambda: fast.avg_pool2d(x, pool), repeats)
    _line(f"avg_pool2d dX {shape}", size, avg_splits, lambda: threaded.avg_pool2d_input_grad(dy, pool),
          lambda: fast.avg_pool2d_input_grad(dy, pool), repeats)


def _image_lines(x, repeats):
    c, size, shape = np.ones(x.shape[1], dtype=np.float32), f"{x.nbytes >> 10} KiB", x.shape
    _line(f"batch norm normalise {shape}", size, x.nbytes >= threaded.MIN_SPLIT_BYTES,
          lambda: threaded.batch_norm_normalize(x, c, c, c, c), lambda: fast.batch_norm_normalize(x, c, c, c, c),
          repeats)
    _line(f"batch norm dX {shape}", size, x.nbytes >= threaded.MIN_SPLIT_BN_GRAD_BYTES,
          lambda: threaded.batch_norm_input_grad(x, x, c, c, c), lambda: fast.batch_norm_input_grad(x, x, c, c, c),
          repeats)
    _line(f"batch norm statistics {shape}", size, x.nbytes >= threaded.MIN_SPLIT_SUM_BYTES,
          lambda: threaded.batch_norm_statistics(x), lambda: fast.batch_norm_statistics(x), repeats)
    _line(f"batch norm sums {shape}", size, x.nbytes >= threaded.MIN_SPLIT_SUM_BYTES,
          lambda: threaded.batch_norm_sums(x, x), lambda: fast.batch_norm_sums(x, x), repeats)
