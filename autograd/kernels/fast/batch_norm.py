"""Fast batch-norm kernels: the reference's formulas over (N, C, L) views of the data.

The per-channel sums are ``einsum`` contractions, which read the data without making a
whole-size temporary (g * xhat); the elementwise passes write in place. The functions that make
several passes run them over a few images at a time (at most ``CHUNK_BYTES`` of each array), so
that the passes after the first read the chunk from the L2 cache instead of memory. Every
function takes ``out`` arrays (and sums only what it is given), so ``threaded`` can run the
images of a batch in parts, each part writing its slice of one output. The per-channel values a
pass applies (mean, 1/std, weight, bias, ...) are spread over a (C, L) array first where that is
small (``spread``): NumPy runs a pass over (n, C, L) with a (C, 1) operand far slower than with a
(C, L) one. ``benchmarks/bench_conv_rules.py --only batch_norm_chunk`` times the chunk size,
``--only batch_norm_spread`` the spreading."""

import math

import numpy as np

# a chunk this size of each of the two or three arrays a pass touches fits in a core's 2 MiB L2 here
CHUNK_BYTES = 512 << 10
# a (C, L) spread of per-channel values stays within this many bytes (so it stays in the L2 cache
# beside the chunks) and within this share of the data, which its making must not outweigh
SPREAD_BYTES = 256 << 10
SPREAD_SHARE = 1 / 4


def batch_norm_statistics(x):
    count = x.size // x.shape[1]
    mean = channel_sums(x) / count
    return mean, centered_square_sums(x, mean) / count


def channel_sums(x):
    """The per-channel sums (C,) of x (N, C, *spatial)."""
    return np.einsum("ncl->c", _nc_l(x))


def centered_square_sums(x, mean):
    """The per-channel sums (C,) of (x - mean)^2, through one chunk-sized temporary."""
    x_l = _nc_l(x)
    total = np.zeros(x.shape[1], dtype=np.result_type(x, mean))
    chunks = _chunks(x_l)
    centered_all = np.empty((chunks[0].stop - chunks[0].start, *x_l.shape[1:]), dtype=total.dtype) if chunks else None
    mean_l = spread(mean, x_l)
    for part in chunks:
        centered = np.subtract(x_l[part], mean_l, out=centered_all[: part.stop - part.start])
        total += np.einsum("ncl,ncl->c", centered, centered)
    return total


def batch_norm_normalize(x, mean, inv_std, weight, bias, out=None):
    """(xhat, y), written into ``out`` = (xhat, y) arrays of x's shape if given (y is xhat when
    weight and bias are None, and ``out[1]`` is then unused)."""
    affine = weight is not None or bias is not None
    xhat = np.empty_like(x) if out is None else out[0]
    y = (np.empty_like(x) if out is None else out[1]) if affine else xhat
    x_l, xhat_l, y_l = _nc_l(x), _nc_l(xhat), _nc_l(y)
    mean_l, inv_std_l = spread(mean, x_l), spread(inv_std, x_l)
    weight_l = None if weight is None else spread(weight, x_l)
    bias_l = None if bias is None else spread(bias, x_l)
    for part in _chunks(x_l):
        np.subtract(x_l[part], mean_l, out=xhat_l[part])
        xhat_l[part] *= inv_std_l
        if weight is not None:
            np.multiply(xhat_l[part], weight_l, out=y_l[part])
            if bias is not None:
                y_l[part] += bias_l
        elif bias is not None:
            np.add(xhat_l[part], bias_l, out=y_l[part])
    return xhat, y


def batch_norm_sums(g, xhat):
    g_l, xhat_l = _nc_l(g), _nc_l(xhat)
    g_sum = np.zeros(g.shape[1], dtype=np.result_type(g, xhat))
    g_xhat_sum = np.zeros_like(g_sum)
    for part in _chunks(g_l):
        g_sum += np.einsum("ncl->c", g_l[part])
        g_xhat_sum += np.einsum("ncl,ncl->c", g_l[part], xhat_l[part])
    return g_sum, g_xhat_sum


def batch_norm_input_grad(g, xhat, scale, mean_g, mean_g_xhat, out=None):
    """scale (g - mean_g - xhat mean_g_xhat) (scale g without the means), into ``out`` if given:
    an array that shares no memory with g or xhat, which are read after it is first written."""
    dx = np.empty_like(g) if out is None else out
    if out is not None and (np.shares_memory(out, g) or np.shares_memory(out, xhat)):
        raise ValueError("batch_norm_input_grad: out shares memory with g or xhat")
    g_l, xhat_l, dx_l = _nc_l(g), _nc_l(xhat), _nc_l(dx)
    scale_l = spread(scale, g_l)
    if mean_g is None:
        np.multiply(g_l, scale_l, out=dx_l)
        return dx
    mean_g_l, mean_g_xhat_l = spread(mean_g, g_l), spread(mean_g_xhat, g_l)
    for part in _chunks(g_l):
        d = dx_l[part]
        np.multiply(xhat_l[part], mean_g_xhat_l, out=d)
        d += mean_g_l
        np.subtract(g_l[part], d, out=d)
        d *= scale_l
    return dx


def spread(values, x_l):
    """Per-channel values (C,) as an operand of x_l (n, C, L): spread over a new (C, L) array
    where that stays within SPREAD_BYTES and SPREAD_SHARE of x_l, else a (C, 1) view."""
    column = np.asarray(values)[:, None]
    size = column.size * x_l.shape[2] * column.itemsize
    if size > SPREAD_BYTES or size > SPREAD_SHARE * x_l.nbytes:
        return column
    return np.repeat(column, x_l.shape[2], axis=1)


def _nc_l(x):
    """x (N, C, *spatial) as an (N, C, L) view."""
    return x.reshape(x.shape[0], x.shape[1], math.prod(x.shape[2:]))


def _chunks(x_l):
    """Slices of the images of x_l (N, C, L), each at most CHUNK_BYTES (one image at least)."""
    per_image = max(1, x_l[:1].nbytes)
    size = max(1, min(x_l.shape[0], CHUNK_BYTES // per_image))
    return [slice(start, min(start + size, x_l.shape[0])) for start in range(0, x_l.shape[0], size)]
