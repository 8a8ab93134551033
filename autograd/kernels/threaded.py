"""The fast kernels with the batch split over agrad's own threads, each running BLAS on one core.

OpenBLAS splits every GEMM over a pool of its own threads, and those threads spin between
GEMMs while NumPy's copies (the columns, the padding, col2im's adds) run on one core. On a busy
machine a GEMM split in two also waits for whichever half the scheduler put off. Here agrad owns
the cores instead: ``ag.use_threads(n)`` sets BLAS to one thread and a kernel call with enough
work (the ``MIN_SPLIT_*`` bars) splits its images into n parts, each run by the ``fast`` kernel,
the first on the calling thread and the others on threads of a pool (batch norm's too: each part
sums its images' statistics, then normalises its slice of one output). NumPy releases the GIL in
its copies, ufuncs and GEMMs, so the parts run side by side, copies included. A smaller call
runs whole on the calling thread.

But every NumPy call takes the GIL back when it is done: when both threads run short calls
(the unpadded layout's column copies, a few per kernel position of a slab of a few hundred KiB),
they cost several times what they cost on one thread. Where a part's GEMMs outweigh those copies
(``MIN_LOCKED_ROWS``), the parts of a call therefore copy their columns in turns under one lock,
each while another part's GEMM runs (``fast``'s ``copy_lock``).
``benchmarks/bench_threads.py --gil`` measures the hand-off, ``--calls`` each call with and
without the lock.

The arithmetic is the ``fast`` kernels' (tested equal: the weight gradient sums its parts in
another order, so it agrees to rounding); only who runs it changes.
``benchmarks/bench_threads.py`` measures it against BLAS's own threads.
"""

import concurrent.futures
import itertools
import math
import threading

import numpy as np

from autograd.geometry import WindowGeometry
from autograd.kernels import fast
from autograd.kernels.fast.batch_norm import centered_square_sums, channel_sums

# each part gets at least this many images (a batch of fewer than 2 x MIN_IMAGES runs unsplit):
# a thread's hand-off would outweigh a smaller part's work
MIN_IMAGES = 2
# A call is split only when it has at least this much to do. Below that, the hand-off and the
# two threads taking turns on the GIL between NumPy's calls cost more than the second core saves
# (``benchmarks/bench_threads.py --calls`` times every kernel split and whole, by size).
MIN_SPLIT_FLOPS = 40e6  # a convolution: its GEMM's floating-point operations
MIN_SPLIT_BYTES = 2 << 20  # normalising, unfold and fold: the input
# pooling, by its input's bytes: memory-bound strided passes, which gain less from a second core
MIN_SPLIT_POOL_BYTES = 4 << 20  # max pooling
MIN_SPLIT_AVG_POOL_BYTES = 8 << 20  # average pooling and its input gradient
MIN_SPLIT_POOL_GRAD_BYTES = 16 << 20  # max pooling's input gradient (and its adjoint, the gather)
MIN_SPLIT_SUM_BYTES = 16 << 20  # batch norm's per-channel sums: the input they read
# batch norm's input gradient, by g's bytes: calls timed alone favour 8 MiB, but in a whole step
# (``bench_threads.py --bar``) splitting from 2 MiB is the faster
MIN_SPLIT_BN_GRAD_BYTES = 2 << 20
# The parts of a split convolution take turns at the unpadded layout's column copies (the only
# layout that copies a slab call by call) when its GEMM has at least this many rows (1.5 times as
# many operations per column value as 16): its GEMMs then outlast the copies, which run beside the
# other part's GEMM instead of contending with its copies for the GIL call by call. With 16 rows the
# turns win on some layers and lose on others. Measured with 2 threads; with n, one part's GEMM
# would have to outlast the other n - 1 parts' copies.
MIN_LOCKED_ROWS = 24
_pool = None
_threads = 1


def set_threads(threads):
    """Split kernel calls over ``threads`` threads (1: call ``fast`` directly)."""
    global _pool, _threads
    if threads == _threads:
        return
    # the old pool is not shut down: a call still running on it finishes, then its threads exit
    # with it when it is garbage-collected
    _pool = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="agrad-kernel") if threads > 1 else None
    _threads = threads


def threads():
    """How many threads the kernel calls are split over."""
    return _threads


def _parts(n, pool, threads):
    """(start, stop) of each thread's images."""
    count = min(threads, n // MIN_IMAGES) if pool is not None else 1
    bounds = np.linspace(0, n, max(count, 1) + 1).astype(int).tolist()
    return list(itertools.pairwise(bounds))


def _batch(geom, n):
    return WindowGeometry((n, *geom.shape[1:]), geom.kernel, geom.stride, geom.padding, geom.dilation)


def _split(function, geom, *per_image, combine="concatenate", work=None, bar=None, out=None):
    """``function(*parts_of_per_image, geometry_of_the_part)`` for each part of the batch, in
    parallel; the results concatenated along the batch axis (or summed: ``combine="sum"``), or,
    given ``out`` (the batch on axis 0), each part written into its slice of it through
    ``function``'s ``out`` keyword: no copy of the parts into one result (a call run as one part
    returns the function's own result instead).
    ``per_image`` arrays have the batch on axis 0 (None passes through). work: (an amount, the
    MIN_SPLIT_* it must reach to be split); default the image's (geom.shape) bytes and ``bar``
    (default MIN_SPLIT_BYTES)."""
    size, least = work or (math.prod(geom.shape) * per_image[0].itemsize, MIN_SPLIT_BYTES if bar is None else bar)

    def run(part):
        whole = part.stop - part.start == geom.N  # one part: the kernel's own result, not a copy into out
        return function(*[a if a is None else a[part] for a in per_image], _batch(geom, part.stop - part.start),
                        **({} if out is None or whole else {"out": out[part]}))

    results = _over_images(geom.N, run, split=size >= least)
    if len(results) == 1:
        return results[0]
    if out is not None:
        return out
    if combine == "sum":
        return sum(results[1:], results[0])
    if isinstance(results[0], tuple):
        return tuple(np.concatenate(pieces) for pieces in zip(*results))
    return np.concatenate(results)


def _over_images(n, function, split=True):
    """``function(images)`` for a slice of the batch per thread, in parallel (the calling thread
    runs the first): the results' list. split=False: one call for the whole batch."""
    pool = _pool  # one pool for the whole call, even if use_threads switches meanwhile
    parts = _parts(n, pool, _threads) if split else [(0, n)]
    if len(parts) == 1:
        return [function(slice(0, n))]
    jobs = [pool.submit(function, slice(start, stop)) for start, stop in parts[1:]]
    first = function(slice(*parts[0]))
    return [first, *(job.result() for job in jobs)]


def _gemm(geom, c_out, groups):
    """The work of a convolution call: its GEMM's operations, and the bar to split it."""
    return 2 * geom.N * geom.L * geom.C // groups * geom.kernel[0] * geom.kernel[1] * c_out, MIN_SPLIT_FLOPS


def _copy_lock(rows_per_group):
    """The lock the parts of one convolution call copy their columns under, for a GEMM of this
    many rows per group: a new one from MIN_LOCKED_ROWS rows, else none."""
    return threading.Lock() if rows_per_group >= MIN_LOCKED_ROWS else fast.conv.NO_LOCK


def conv2d(x, w, bias, geom, groups):
    y = np.empty((geom.N, w.shape[0], geom.H_out, geom.W_out), dtype=x.dtype)
    lock = _copy_lock(w.shape[0] // groups)
    return _split(lambda x, g, out=None: fast.conv2d(x, w, bias, g, groups, out=out, copy_lock=lock), geom, x,
                  work=_gemm(geom, w.shape[0], groups), out=y)


def conv2d_input_grad(dy, w, geom, groups):
    dx = np.empty(geom.shape, dtype=dy.dtype)
    lock = _copy_lock(geom.C // groups)  # the transposed route's GEMM: a row per input channel
    return _split(lambda dy, g, out=None: fast.conv2d_input_grad(dy, w, g, groups, out=out, copy_lock=lock), geom,
                  dy, work=_gemm(geom, w.shape[0], groups), out=dx)


def conv2d_weight_grad(x, dy, geom, groups):
    lock = _copy_lock(dy.shape[1] // groups)
    return _split(lambda x, dy, g: fast.conv2d_weight_grad(x, dy, g, groups, copy_lock=lock), geom, x, dy,
                  combine="sum", work=_gemm(geom, dy.shape[1], groups))


def max_pool2d(x, geom):
    return _split(fast.max_pool2d, geom, x, bar=MIN_SPLIT_POOL_BYTES)


def max_pool2d_input_grad(dy, argmax, geom):
    return _split(fast.max_pool2d_input_grad, geom, dy, argmax, bar=MIN_SPLIT_POOL_GRAD_BYTES)


def max_pool2d_gather(dx, argmax, geom):
    return _split(fast.max_pool2d_gather, geom, dx, argmax, bar=MIN_SPLIT_POOL_GRAD_BYTES)


def avg_pool2d(x, geom):
    return _split(fast.avg_pool2d, geom, x, bar=MIN_SPLIT_AVG_POOL_BYTES)


def avg_pool2d_input_grad(dy, geom):
    return _split(fast.avg_pool2d_input_grad, geom, dy, bar=MIN_SPLIT_AVG_POOL_BYTES)


def unfold(x, geom):
    return _split(fast.unfold, geom, x)


def fold(columns, geom):
    return _split(fast.fold, geom, columns)


# -- batch norm: each part of the batch sums its images, the sums are added, then each part
# normalises its images into its slice of one output
def batch_norm_statistics(x):
    count, split = x.size // x.shape[1], x.nbytes >= MIN_SPLIT_SUM_BYTES
    mean = sum(_over_images(x.shape[0], lambda part: channel_sums(x[part]), split)) / count
    return mean, sum(_over_images(x.shape[0], lambda part: centered_square_sums(x[part], mean), split)) / count


def batch_norm_normalize(x, mean, inv_std, weight, bias):
    xhat = np.empty_like(x)
    y = xhat if weight is None and bias is None else np.empty_like(x)
    _over_images(x.shape[0], lambda part: fast.batch_norm_normalize(
        x[part], mean, inv_std, weight, bias, out=(xhat[part], y[part])), x.nbytes >= MIN_SPLIT_BYTES)
    return xhat, y


def batch_norm_sums(g, xhat):
    sums = _over_images(g.shape[0], lambda part: fast.batch_norm_sums(g[part], xhat[part]),
                        g.nbytes >= MIN_SPLIT_SUM_BYTES)
    return sum(s[0] for s in sums), sum(s[1] for s in sums)


def batch_norm_input_grad(g, xhat, scale, mean_g, mean_g_xhat):
    dx = np.empty_like(g)
    _over_images(g.shape[0], lambda part: fast.batch_norm_input_grad(
        g[part], xhat[part], scale, mean_g, mean_g_xhat, out=dx[part]), g.nbytes >= MIN_SPLIT_BN_GRAD_BYTES)
    return dx
