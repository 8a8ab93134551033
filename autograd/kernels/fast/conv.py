"""Fast convolution kernels: the forward and the weight gradient (``conv_input`` has dX).

The arithmetic is the reference's (``Y_mat = W_col @ X_mat``, ``dW = dY_mat @ X_mat^T``); what
differs is how the columns X_mat (K, N*L), K = C*kH*kW, are made and fed to the GEMM:

- they are copied from a zero-copy window view (``windows``) straight into the layout the GEMM
  reads; at stride 1 in the full-width layout, so each copy moves long contiguous runs, and for a
  padded input with an output no wider than it, narrow rows and at most ``UNPADDED_TAPS`` kernel
  positions in its unpadded form, from x itself, never padded (more positions: the standard one);
- a slab of images at a time, the slab's columns at most ``COLUMN_BYTES``, so the GEMM reads them
  from cache; the weight gradient rebuilds them slab by slab instead of keeping the forward's;
- each GEMM gets the shape OpenBLAS runs fastest: dW as its transpose X_mat @ dY_mat^T, and a
  few ungrouped output channels short of ``GEMM_ROWS`` padded with zero rows to it;
- a 1x1 kernel needs no columns: a matmul per pixel.

``benchmarks/bench_conv_rules.py`` times each rule against its alternatives (sections
``column_bytes``, ``gemm_rows`` and ``layout``; ``--coretypes`` on OpenBLAS's Haswell and SkylakeX).
"""

import contextlib

import numpy as np

from autograd.kernels.fast import windows as sw
from autograd.memory import workspace

# a slab's columns stay within this many bytes: half a core's 2 MiB L2 here, so the GEMM
# reads them from L2 and the next slab's copy does not evict them
COLUMN_BYTES = 1 << 20
# OpenBLAS's float32 GEMM runs a product with 8 output channels faster than one with a few less:
# the forward's with 7, dW's (where they are the short side of X_mat @ dY_mat^T) with 5 to 7; with
# fewer channels, the zero rows cost more than the faster product saves
GEMM_ROWS = 8
MIN_PADDED_ROWS = 7
MIN_PADDED_DW_ROWS = 5
# past this many kernel positions, the unpadded layout's copy and edge zeroing per position cost
# more than one pad copy into the standard layout
UNPADDED_TAPS = 9
# on rows much wider than the padding, its pad copy costs no more than the unpadded layout's copy
# and zeroing per kernel position (with agrad's threads, less)
UNPADDED_GARBAGE = 1 / 8
# the ``copy_lock`` where the parts need not take turns: a call run whole, or one whose GEMMs are
# too short to hide another part's copies (``threaded.MIN_LOCKED_ROWS``)
NO_LOCK = contextlib.nullcontext()


def layout(geom, unpadded=True):
    """``geom`` in the layout the columns are copied in: full width where it pays (stride 1,
    rows at most twice the output's width). Where the caller can take it (``unpadded``: the
    forward, dW and dX by the transposed route, all through ``correlate`` or the weight
    gradient's columns) and the input is padded with an output no wider than it: the standard
    layout past ``UNPADDED_TAPS`` kernel positions, and unpadded where the padding would put at
    least ``UNPADDED_GARBAGE`` garbage columns per output column in the full-width rows."""
    full = geom.stride == (1, 1) and geom.kernel != (1, 1) and geom.W_pad <= 2 * geom.W_out
    if unpadded and full and geom.padded_shape != geom.shape and geom.W_out <= geom.W:
        if geom.kernel[0] * geom.kernel[1] > UNPADDED_TAPS:
            return sw.WindowGeometry.of(geom)
        if geom.W_pad - geom.W_out >= UNPADDED_GARBAGE * geom.W_out:
            return sw.WindowGeometry.of(geom, full_width=True, unpadded=True)
    return sw.WindowGeometry.of(geom, full_width=full)


def conv2d(x, w, bias, geom, groups, out=None, copy_lock=NO_LOCK):
    """The kernels' conv2d; ``out``: an (N, C_out, H_out, W_out) array of x's dtype to write y
    into (``threaded`` gives each part of a batch its slice of one output); ``copy_lock``: held
    while a slab's columns are copied call by call (``threaded`` shares one between the parts of
    a call, ``_columns`` says where)."""
    if geom.kernel == (1, 1):
        return into(out, _conv1x1(x, w, bias, geom, groups))
    with workspace() as scratch:
        return correlate(x, w, bias, layout(geom), groups, scratch, out, copy_lock)


def conv2d_weight_grad(x, dy, geom, groups, copy_lock=NO_LOCK):
    """dW = dY_mat @ X_mat^T, summed slab by slab (the columns are rebuilt, not kept).

    Computed as its transpose X_mat @ dY_mat^T: OpenBLAS runs that orientation faster for these
    long, thin products. Rebuilding the columns from the small input, a slab at a time in cache,
    costs less than reading the forward's whole matrix back from memory.
    """
    c_out = dy.shape[1]
    w_shape = (c_out, geom.C // groups, *geom.kernel)
    if geom.kernel == (1, 1):
        pixels = _picked_pixels(x, geom).reshape(geom.N, groups, geom.C // groups, geom.L)
        dy_g = dy.reshape(geom.N, groups, c_out // groups, geom.L)
        return np.matmul(dy_g, pixels.transpose(0, 1, 3, 2)).sum(axis=0).reshape(w_shape)
    g = layout(geom)
    with workspace() as scratch:
        dy_mat = output_grad_matrix(dy, g, gemm_rows(c_out, groups, MIN_PADDED_DW_ROWS), scratch)
        win = _window_view(x, g, scratch)
        k = g.C * g.kernel[0] * g.kernel[1]
        dy_g = dy_mat.reshape(groups, dy_mat.shape[0] // groups, g.N, g.H_out * g.row)
        dw_t = np.zeros((groups, k // groups, dy_g.shape[1]), dtype=x.dtype)
        ranges = slabs(g, k, x.dtype)
        cols = scratch((g.C, *g.kernel, largest(ranges), g.H_out, g.row), x.dtype)
        for start, n in ranges:
            dy_s = dy_g[:, :, start:start + n].reshape(groups, dy_g.shape[1], -1)
            dw_t += _columns(win, start, n, g, groups, cols, copy_lock) @ dy_s.transpose(0, 2, 1)
    return np.ascontiguousarray(dw_t.transpose(0, 2, 1)[:, : c_out // groups]).reshape(w_shape)


# -- the building blocks (conv_input uses them too) ----------------------------------------------
def gemm_rows(c_out, groups, least=None):
    """Rows of the GEMMs' output-channel side: C_out, or GEMM_ROWS for ``least`` (default
    MIN_PADDED_ROWS) to GEMM_ROWS - 1 ungrouped channels."""
    least = MIN_PADDED_ROWS if least is None else least
    return GEMM_ROWS if groups == 1 and least <= c_out < GEMM_ROWS else c_out


def correlate(x, w, bias, g, groups, scratch, out, copy_lock):
    """Y = W_col @ X_mat (+ bias): x (N, C, H, W), w (C_out, C/groups, kH, kW) in layout g -> new
    (N, C_out, H_out, W_out), or written into ``out``; ``copy_lock`` as ``_columns``'."""
    c_out, m = w.shape[0], g.H_out * g.row
    w_g = w.reshape(groups, c_out // groups, -1)
    rows = gemm_rows(c_out, groups)
    if rows > c_out:
        w_g = np.concatenate([w_g, np.zeros((1, rows - c_out, w_g.shape[2]), dtype=w.dtype)], axis=1)
    win = _window_view(x, g, scratch)
    y = scratch((rows, g.N, m), x.dtype)
    ranges = slabs(g, groups * w_g.shape[2], x.dtype)
    cols = scratch((g.C, *g.kernel, largest(ranges), g.H_out, g.row), x.dtype)
    for start, n in ranges:
        x_mat = _columns(win, start, n, g, groups, cols, copy_lock)
        np.matmul(w_g, x_mat, out=y[:, start:start + n].reshape(groups, -1, n * m))
    if bias is not None:  # here, along y's long rows: adding it in the transposing copy is slower
        y[:c_out] += bias.reshape(c_out, 1, 1)
    value = np.empty((g.N, c_out, g.H_out, g.W_out), dtype=x.dtype) if out is None else out
    np.copyto(value, y[:c_out].reshape(c_out, g.N, g.H_out, g.row)[..., : g.W_out].transpose(1, 0, 2, 3))
    return value


def output_grad_matrix(dy, g, rows, scratch):
    """dY (N, C_out, H_out, W_out) as the matrix dY_mat (rows, N*M) of the forward's GEMM, rows >=
    C_out: the rows past C_out and the full-width layout's garbage columns are zeros (they add
    nothing to dW)."""
    c_out = dy.shape[1]
    dy_mat = scratch((rows, g.N, g.H_out, g.row), dy.dtype)
    dy_mat[:c_out, ..., : g.W_out] = dy.transpose(1, 0, 2, 3)
    dy_mat[:c_out, ..., g.W_out:] = 0
    dy_mat[c_out:] = 0
    return dy_mat.reshape(rows, g.N * g.H_out * g.row)


def into(out, result):
    """result, copied into ``out`` if one is given (then out)."""
    if out is None:
        return result
    np.copyto(out, result)
    return out


def largest(ranges):
    """The largest slab's number of images (0 for none)."""
    return max((n for _, n in ranges), default=0)


def slabs(g, rows, dtype):
    """(start, n) ranges of images whose columns, rows x n*M values, fit in COLUMN_BYTES (none for
    an empty batch)."""
    per_image = max(1, rows * g.H_out * g.row * dtype.itemsize)
    size = max(1, min(g.N, COLUMN_BYTES // per_image))
    return [(start, min(size, g.N - start)) for start in range(0, g.N, size)]


def _window_view(x, g, scratch):
    """(C, kH, kW, N, H_out, row) windows of x, padded in scratch memory; in the unpadded
    layout, x itself (``_columns`` shifts it)."""
    if g.unpadded:
        return x
    x_pad = sw.pad(x, g, out=scratch(g.padded_shape, x.dtype))
    return sw.windows(x_pad, g).transpose(1, 2, 3, 0, 4, 5)


def _columns(win, start, n, g, groups, cols, copy_lock):
    """X_mat of images start..start+n as (groups, C*kH*kW/groups, n*M), copied into ``cols``
    (C, kH, kW, >= n, H_out, row). The unpadded layout's copies, a few per kernel position, are
    made holding ``copy_lock``; the other layouts' single copy does without."""
    if g.unpadded:
        with copy_lock:
            cols = sw.shifted_columns(win, g, start, n, cols.reshape(*cols.shape[:4], -1))
    else:
        cols = cols[:, :, :, :n]
        np.copyto(cols, win[:, :, :, start:start + n])
    return cols.reshape(groups, -1, n * g.H_out * g.row)


# -- a 1x1 kernel: a matmul per pixel ------------------------------------------------------------
def _picked_pixels(x, geom):
    """The pixels a 1x1 kernel visits: (N, C, H_out, W_out)."""
    s_h, s_w = geom.stride
    x_pad = sw.pad(x, sw.WindowGeometry.of(geom))
    return x_pad[:, :, :: s_h, :: s_w][:, :, : geom.H_out, : geom.W_out]


def _conv1x1(x, w, bias, geom, groups):
    """(G, C_out/G, C_in/G) @ (N, G, C_in/G, L), no columns."""
    c_out = w.shape[0]
    pixels = _picked_pixels(x, geom).reshape(geom.N, groups, geom.C // groups, geom.L)
    w_g = w.reshape(groups, c_out // groups, geom.C // groups)
    value = np.matmul(w_g, pixels).reshape(geom.N, c_out, geom.H_out, geom.W_out)
    if bias is not None:
        value += bias.reshape(c_out, 1, 1)
    return value


def input_grad_1x1(dy, w, geom, groups):
    """dX of a 1x1 kernel: W^T @ dY per pixel, scattered back to the pixels the kernel visited."""
    c_out, (s_h, s_w) = w.shape[0], geom.stride
    dy_g = dy.reshape(geom.N, groups, c_out // groups, geom.L)
    w_g = w.reshape(groups, c_out // groups, geom.C // groups)
    d_pixels = np.matmul(w_g.transpose(0, 2, 1), dy_g).reshape(geom.N, geom.C, geom.H_out, geom.W_out)
    if geom.padded_shape == geom.shape and (s_h, s_w) == (1, 1):
        return d_pixels
    g = sw.WindowGeometry.of(geom)
    dx_pad = np.zeros(g.padded_shape, dtype=dy.dtype)
    dx_pad[:, :, :: s_h, :: s_w][:, :, : geom.H_out, : geom.W_out] = d_pixels
    return np.ascontiguousarray(sw.interior(dx_pad, g))
