"""conv2d and max_pool2d benchmark: agrad vs PyTorch CPU vs lesson 9's batched NumPy, one run.

Cases (float32, batch 64): LeNet-5's two convolutions, two 3x3 "same" convolutions and a 2x2
max pool; each timed forward only and forward + backward (gradients for every input: x, weight
and bias, as PyTorch computes them when all require grad).

The in-house baseline is lesson 9's ("CNN Improvements") batched code: ``im2col_batch`` /
``col2im_batch`` looping over the output positions, ``Y_mat = W_row @ X_mat`` and the matching
backward, with the bias added and differentiated the obvious way (the lesson leaves it out).

Run: ``python benchmarks/bench_conv.py [--repeats 30] [--threads 2] [--cpu-time]``. Prints
milliseconds (the median of each implementation's quietest block of 5 calls; see ``timings``)
and the ratio agrad / torch, next to the ratio of the medians of all calls as a noise check.
"""

import argparse
import contextlib
import time

import numpy as np
import timing
from timing import timings

import autograd as ag
from autograd.im2col import col2im_batch as lesson_col2im_batch
from autograd.im2col import im2col_batch as lesson_im2col_batch
from autograd.ops.conv import conv2d
from autograd.ops.pool import max_pool2d

ag.keep_freed_memory()  # as agrad train does (autograd.memory)

CONV_CASES = [
    # name, x shape, C_out, kernel, padding
    ("LeNet conv1 (64,1,28,28)->6 5x5 p2", (64, 1, 28, 28), 6, 5, 2),
    ("LeNet conv2 (64,6,14,14)->16 5x5", (64, 6, 14, 14), 16, 5, 0),
    ("(64,16,32,32)->16 3x3 p1", (64, 16, 32, 32), 16, 3, 1),
    ("(64,32,16,16)->64 3x3 p1", (64, 32, 16, 16), 64, 3, 1),
]
POOL_CASE = ("max_pool2d 2x2 (64,16,32,32)", (64, 16, 32, 32), 2)


# -- lesson 9's batched implementation (its loops over output positions: nn.lesson_layers) ---------
def lesson_conv_forward(x, weight, bias, p):
    N = x.shape[0]
    C_out, _, kH, kW = weight.shape
    x_padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p > 0 else x
    H_out, W_out = x_padded.shape[2] - kH + 1, x_padded.shape[3] - kW + 1
    X_col = lesson_im2col_batch(x_padded, kH, kW)
    K, L = X_col.shape[1:]
    W_col = weight.reshape(C_out, -1)
    Y_mat = W_col @ X_col.transpose(1, 0, 2).reshape(K, N * L)
    out = Y_mat.reshape(C_out, N, H_out, W_out).transpose(1, 0, 2, 3) + bias.reshape(1, -1, 1, 1)
    return out, (X_col, x_padded.shape, W_col)


def lesson_conv_backward(dY, cache, weight, p):
    X_col, (N, C_in, H_pad, W_pad), W_col = cache
    C_out, _, kH, kW = weight.shape
    K, L = X_col.shape[1:]
    dY_mat = dY.reshape(N, C_out, L).transpose(1, 0, 2).reshape(C_out, N * L)
    X_mat = X_col.transpose(1, 0, 2).reshape(K, N * L)
    dW = (dY_mat @ X_mat.T).reshape(weight.shape)
    db = dY.sum(axis=(0, 2, 3))
    dX_cols = (W_col.T @ dY_mat).reshape(K, N, L).transpose(1, 0, 2)
    dX_pad = lesson_col2im_batch(dX_cols, C_in, H_pad, W_pad, kH, kW)
    dX = dX_pad[:, :, p:-p, p:-p] if p > 0 else dX_pad
    return dX, dW, db


def lesson_maxpool_forward(x, k):
    N, C, H, W = x.shape
    H_out, W_out = (H - k) // k + 1, (W - k) // k + 1
    X_col = lesson_im2col_batch(x, k, k, stride=k).reshape(N, C, k * k, H_out * W_out)
    max_idx = X_col.argmax(axis=2)
    out = X_col.max(axis=2).reshape(N, C, H_out, W_out)
    return out, (x.shape, max_idx)


def lesson_maxpool_backward(dY, cache, k):
    (N, C, H, W), max_idx = cache
    L = dY.shape[2] * dY.shape[3]
    dX_cols = np.zeros((N, C, k * k, L), dtype=dY.dtype)
    n_idx = np.arange(N)[:, None, None]
    c_idx = np.arange(C)[None, :, None]
    l_idx = np.arange(L)[None, None, :]
    dX_cols[n_idx, c_idx, max_idx, l_idx] = dY.reshape(N, C, L)
    return lesson_col2im_batch(dX_cols.reshape(N, C * k * k, L), C, H, W, k, k, stride=k)


def conv_timings(shape, c_out, k, p, repeats, torch, rng):
    F = torch.nn.functional
    x = rng.standard_normal(shape, dtype=np.float32)
    w = (rng.standard_normal((c_out, shape[1], k, k), dtype=np.float32) * 0.1).astype(np.float32)
    b = rng.standard_normal(c_out, dtype=np.float32)
    ax, aw, ab = ag.Tensor(x), ag.Tensor(w), ag.Tensor(b)
    tx, tw, tb = (torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))
    dy = rng.standard_normal(conv2d(ax, aw, ab, padding=p).shape, dtype=np.float32)
    tdy = torch.from_numpy(dy)

    def agrad_forward():
        with ag.no_grad():
            conv2d(ax, aw, ab, padding=p)

    def agrad_both():
        for t in (ax, aw, ab):
            t.zero_grad()
        conv2d(ax, aw, ab, padding=p).backward(dy)

    def torch_forward():
        with torch.no_grad():
            F.conv2d(tx, tw, tb, padding=p)

    def torch_both():
        for t in (tx, tw, tb):
            t.grad = None
        F.conv2d(tx, tw, tb, padding=p).backward(tdy)

    def lesson_forward():
        lesson_conv_forward(x, w, b, p)

    def lesson_both():
        _, cache = lesson_conv_forward(x, w, b, p)
        lesson_conv_backward(dy, cache, w, p)

    forward = timings({"agrad": agrad_forward, "torch": torch_forward, "lesson": lesson_forward}, repeats)
    both = timings({"agrad": agrad_both, "torch": torch_both, "lesson": lesson_both}, repeats)
    return forward, both


def pool_timings(shape, k, repeats, torch, rng):
    F = torch.nn.functional
    x = rng.standard_normal(shape, dtype=np.float32)
    ax, tx = ag.Tensor(x), torch.from_numpy(x.copy()).requires_grad_()
    dy = rng.standard_normal(max_pool2d(ax, k).shape, dtype=np.float32)
    tdy = torch.from_numpy(dy)

    def agrad_forward():
        with ag.no_grad():
            max_pool2d(ax, k)

    def agrad_both():
        ax.zero_grad()
        max_pool2d(ax, k).backward(dy)

    def torch_forward():
        with torch.no_grad():
            F.max_pool2d(tx, k)

    def torch_both():
        tx.grad = None
        F.max_pool2d(tx, k).backward(tdy)

    def lesson_both():
        _, cache = lesson_maxpool_forward(x, k)
        lesson_maxpool_backward(dy, cache, k)

    forward = timings(
        {"agrad": agrad_forward, "torch": torch_forward, "lesson": lambda: lesson_maxpool_forward(x, k)}, repeats
    )
    both = timings({"agrad": agrad_both, "torch": torch_both, "lesson": lesson_both}, repeats)
    return forward, both


def _blas():
    """numpy's BLAS and the kernels it picked: the GEMM speed behind every agrad conv."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS unknown"
    for info in threadpool_info():
        if info.get("user_api") == "blas" and "numpy" in info.get("filepath", ""):
            kernels = f"{info.get('architecture')} kernels, {info['num_threads']} threads"
            return f"{info['internal_api']} {info['version']}, {kernels}"
    return "BLAS unknown"


def _blas_threads(threads):
    """Limit numpy's BLAS to ``threads`` (threadpoolctl, installed with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(threads, user_api="blas")


def _run(repeats, torch):
    rng = np.random.default_rng(0)
    rows = []
    for name, shape, c_out, k, p in CONV_CASES:
        forward, both = conv_timings(shape, c_out, k, p, repeats, torch, rng)
        rows += [(name, "forward", forward), (name, "fwd+bwd", both)]
    name, shape, k = POOL_CASE
    forward, both = pool_timings(shape, k, repeats, torch, rng)
    rows += [(name, "forward", forward), (name, "fwd+bwd", both)]
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed calls per implementation and case")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads for torch and for numpy's BLAS (1 gives steadier ratios on a busy machine)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time CPU seconds of this process (with --threads 1: unaffected by other processes "
                             "taking turns on the cores)")
    args = parser.parse_args(argv)
    if args.cpu_time and args.threads != 1:
        parser.error("--cpu-time adds up the CPU time of every thread: use it with --threads 1")
    timing.CLOCK = time.process_time if args.cpu_time else time.perf_counter
    try:
        import torch
    except ImportError:
        raise SystemExit("bench_conv: PyTorch is the reference; install it: pip install -e '.[torch]'") from None
    torch.set_num_threads(args.threads)
    with _blas_threads(args.threads):
        rows = _run(args.repeats, torch)
        blas = _blas()
    clock = "CPU time" if args.cpu_time else "wall time"
    print(f"float32, torch {torch.__version__} with {args.threads} threads, numpy {np.__version__} ({blas}), "
          f"{clock}, {args.repeats} calls each (ms)")
    header = (f"| {'case':<36} | {'pass':<7} | {'agrad':>7} | {'torch':>7} | {'agrad/torch':>11} "
              f"| {'(all calls)':>11} | {'lesson 9':>8} |")
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for name, kind, t in rows:
        (agrad, agrad_all), (torch_ms, torch_all), (lesson, _) = t["agrad"], t["torch"], t["lesson"]
        cells = (f"{agrad:7.3f} | {torch_ms:7.3f} | {agrad / torch_ms:10.2f}x | {agrad_all / torch_all:10.2f}x "
                 f"| {lesson:8.3f}")
        print(f"| {name:<36} | {kind:<7} | {cells} |")
    print("ms: median of the quietest block of calls; (all calls): the ratio of the medians of every call, which "
          "machine noise moves.")


if __name__ == "__main__":
    main()
