"""Kernels: the array arithmetic behind the convolution, pooling and batch-norm ops, swappable.

The ops (``autograd.ops.conv``, ``pool``, ``fold``; ``nn.functional.batch_norm``) hold the
semantics: argument checks, the graph node, and each backward written with other ops. The heavy
array work is a call into the kernels in use, a module with these functions (NumPy arrays in,
new NumPy arrays out; ``geom`` an ``autograd.geometry.WindowGeometry`` of the op's input,
``groups`` an int):

    conv2d(x, w, bias, geom, groups)            x (N, C, H, W), w (C_out, C/G, kH, kW), bias (C_out,)
                                                or None -> y (N, C_out, H_out, W_out)
    conv2d_input_grad(dy, w, geom, groups)      dy (N, C_out, H_out, W_out) -> dx (N, C, H, W)
                                                (the transposed convolution)
    conv2d_weight_grad(x, dy, geom, groups)     -> dw (C_out, C/G, kH, kW)
    max_pool2d(x, geom)                         -> y (N, C, H_out, W_out), argmax: the kernel position
                                                (i kW + j) each window's gradient goes to
    max_pool2d_input_grad(dy, argmax, geom)     -> dx (N, C, H, W): dy sent to each argmax
    max_pool2d_gather(dx, argmax, geom)         -> (N, C, H_out, W_out): dx read at each argmax
    avg_pool2d(x, geom)                         -> y (N, C, H_out, W_out), padding zeros counted
    avg_pool2d_input_grad(dy, geom)             -> dx (N, C, H, W)
    unfold(x, geom)                             -> columns (N, C kH kW, L)
    fold(columns, geom)                         -> (N, C, H, W), overlapping windows adding up

and batch normalisation over every axis but the channel axis 1 (``nn.functional.batch_norm``;
x, g, xhat (N, C, *spatial), the statistics and the affine parameters (C,), weight or bias None
for none):

    batch_norm_statistics(x)                    -> mean, biased variance
    batch_norm_normalize(x, mean, inv_std, weight, bias)
                                                -> xhat = (x - mean) inv_std, y = xhat weight + bias
    batch_norm_sums(g, xhat)                    -> sum of g, sum of g xhat
    batch_norm_input_grad(g, xhat, scale, mean_g, mean_g_xhat)
                                                -> dx = scale (g - mean_g - xhat mean_g_xhat), or
                                                scale g when the means are None (evaluation)

Implementations, tested equal (``tests/autograd/kernels``):

- ``reference``: the lessons' code, im2col + one GEMM + col2im in plain NumPy: the executable
  specification, short enough to read beside the slides;
- ``fast`` (the default): the same arithmetic tuned (strided windows, slabs that fit the cache,
  GEMM shapes, dX routes, scratch memory), each rule measured by a benchmark script;
- ``threaded``: ``fast`` with the batch split over agrad's own threads, BLAS on one thread
  (``ag.use_threads(n)`` turns it on).

``ag.use_kernels("reference")`` switches (also as a context manager), ``ag.available_kernels()``
lists the names.
"""

import importlib

from autograd.geometry import is_int

_NAMES = ("fast", "reference", "threaded")
_current = None
_blas_limit = None


def available_kernels():
    """The names ``use_kernels`` takes: ("fast", "reference", "threaded")."""
    return _NAMES


def current():
    """The kernel module in use (``fast`` unless ``use_kernels`` chose another)."""
    global _current
    if _current is None:
        _current = _load("fast")
    return _current


class use_kernels:
    """Run the conv/pool ops on the kernels ``name`` ("fast", "reference" or "threaded").

    A plain call switches until the next switch; as a context manager it switches back on exit:

    >>> with ag.use_kernels("reference"):
    ...     y = ag.conv2d(x, w)       # the lessons' im2col + GEMM + col2im
    """

    def __init__(self, name):
        global _current
        if name not in _NAMES:
            raise ValueError(f"use_kernels: name must be one of {', '.join(map(repr, _NAMES))}, got {name!r}")
        self._previous = current()
        _current = _load(name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        global _current
        _current = self._previous
        return False


class use_threads:
    """Run the convolutions and pools on ``threads`` threads of agrad's own, BLAS on one each.

    ``threads`` (a positive int): BLAS (OpenBLAS, MKL, ...) is limited to one thread for the
    whole process (threadpoolctl), and the kernels become ``threaded``: each call with enough
    work splits its batch into ``threads`` parts run side by side, so NumPy's copies use every
    core too and no BLAS thread spins waiting for work (a small call runs whole).
    ``threads=None``: the default, the ``fast`` kernels on BLAS's own threads. A plain call
    switches until the next one; as a context manager it puts back on exit what was in use
    before (kernels, threads and BLAS's limit). Nothing changes
    until you call it; ``agrad train --threads`` does. Switch between runs, not while another
    Python thread runs agrad ops.

    >>> ag.use_threads(2)                 # for the rest of the process
    >>> with ag.use_threads(2):           # for one block
    ...     train(model)
    """

    def __init__(self, threads):
        global _current
        if threads is not None and (not is_int(threads) or threads < 1):
            raise ValueError(f"use_threads: threads must be a positive int or None, got {threads!r}")
        threaded = importlib.import_module("autograd.kernels.threaded")
        self._previous = (current(), threaded.threads() if _blas_limit is not None else None)
        _limit_blas(threads is not None)
        threaded.set_threads(int(threads or 1))
        _current = _load("fast" if threads is None else "threaded")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        global _current
        kernels, threads = self._previous
        _limit_blas(threads is not None)
        importlib.import_module("autograd.kernels.threaded").set_threads(threads or 1)
        _current = kernels
        return False


def _limit_blas(one_thread):
    """BLAS on one thread (True) or on its own number again (False)."""
    global _blas_limit
    if one_thread and _blas_limit is None:
        import threadpoolctl

        _blas_limit = threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    elif not one_thread and _blas_limit is not None:
        _blas_limit.restore_original_limits()
        _blas_limit = None


def _load(name):
    return importlib.import_module(f"autograd.kernels.{name}")
