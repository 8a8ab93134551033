"""Fast kernel for a convolution's input gradient (the transposed convolution), by three routes.

All three compute dX = col2im(W_col^T @ dY_mat); ``input_grad_route`` picks the one that
measured fastest for the geometry (``benchmarks/bench_conv_rules.py --only routes`` times every
route on its shapes; ``ROUTE_RULES`` below is the table it supports):

- "col2im": W_col^T @ dY_mat, then one strided add per kernel position (any stride; a copy
  where the windows do not overlap);
- "transposed": lesson 001's "the backward is also a convolution": dY, padded by d(k-1) - p,
  correlated with the kernel turned 180 degrees and its channel axes swapped (stride 1);
- "rows": at stride 1, kW shifted copies of dY, one GEMM, then kH adds of whole rows.
"""

import numpy as np

from autograd import geometry
from autograd.kernels.fast import conv
from autograd.kernels.fast import windows as sw
from autograd.memory import workspace

# The rules of input_grad_route, in order; each row stands for the route that is fastest on the
# shapes it covers, on OpenBLAS's Haswell and SkylakeX kernels: benchmarks/bench_conv_rules.py
# --only routes --coretypes times every route against the row's pick.
ROUTE_RULES = (
    ("col2im", "stride > 1: the only general route"),
    ("rows", "more than 9 taps and C_out < 8 C per group (an output far smaller than the input too)"),
    ("transposed", "dY padded by at most the kernel span (stride 1), and C_out <= 2 C"),
    ("rows", "kW >= 3, C_out <= C (kH + 1), and an output at least half the padded input's height"),
    ("col2im", "everything else: kW < 3 (one or two shifted copies save little over its adds), many "
               "output channels per input channel, or an output under half the padded input's height"),
)


def conv2d_input_grad(dy, w, geom, groups, out=None, copy_lock=conv.NO_LOCK):
    """The kernels' conv2d_input_grad; ``out``: an (N, C, H, W) array of dy's dtype to write dX
    into; ``copy_lock``: as ``conv.conv2d``'s, for the transposed route, whose columns are the
    forward's kind (the other routes make none)."""
    if geom.kernel == (1, 1):
        return conv.into(out, conv.input_grad_1x1(dy, w, geom, groups))
    route, g, transposed = input_grad_plan(geom, w.shape[0], groups)
    with workspace() as scratch:
        if route == "transposed":
            return conv.correlate(dy, _flipped_transposed(w, groups), None, transposed, groups, scratch, out,
                                  copy_lock)
        if route == "rows":
            return _input_grad_rows(dy, w, g, groups, scratch, out)
        dy_mat = conv.output_grad_matrix(dy, g, w.shape[0], scratch)
        return _input_grad_col2im(dy_mat, w, g, groups, scratch, out)


def input_grad_plan(geom, c_out, groups):
    """(route, g, transposed) for dX of a convolution of geom with c_out output channels: the
    route ``input_grad_route`` gives, the layout geometry g the rows and col2im routes add into
    (padded), and the transposed route's geometry of dY (None where that route is impossible)."""
    g = conv.layout(geom, unpadded=False)
    transposed = _transposed_geometry(g, c_out)
    return input_grad_route(g, c_out, groups, transposed is not None), g, transposed


def input_grad_route(g, c_out, groups, transposable):
    """The route ``ROUTE_RULES`` gives: "col2im", "rows" or "transposed".

    g: the layout geometry (``conv.layout``); transposable: whether ``_transposed_geometry``
    exists for g (stride 1, padding within the kernel's span).
    """
    if g.stride != (1, 1):
        return "col2im"
    k_h, k_w = g.kernel
    if k_h * k_w > 9 and c_out // groups < 8 * (g.C // groups):
        return "rows"
    if transposable and c_out <= 2 * g.C:
        return "transposed"
    output_fills_input = g.H_pad <= 2 * g.H_out  # else most of the rows' adds land on zero rows
    if k_w >= 3 and output_fills_input and c_out <= (k_h + 1) * g.C:
        return "rows"
    return "col2im"


def _input_grad_rows(dy, w, g, groups, scratch, out=None):
    """Stride-1 dX with the kernel's columns folded into the GEMM: -> new (N, C, H, W), or into
    ``out``.

    dY is laid out channel first with full-width rows, (C_out, N*H_out*W_pad), zeros past W_out.
    Kernel position (i, j) sends dY[n, oh, ow] to input pixel (oh + i dH, ow + j dW); stacking dY
    shifted right by j dW for j = 0..kW-1 as rows (C_out kW, N H_out W_pad) makes the sum over j
    the GEMM's inner dimension: E_i = W_i (C, C_out kW) @ them holds, per input column, the
    gradient that kernel row i sends from output row oh to input row oh + i dH, and kH adds of
    contiguous runs of H_out x W_pad values put it there. A shift reads back into the previous
    row's tail, whose last (kW-1) dW values are the layout's zeros (a zero margin before the first).
    """
    (k_h, k_w), (d_h, d_w) = g.kernel, g.dilation
    n_img, c_out = dy.shape[0], dy.shape[1]
    run = g.H_out * g.W_pad
    margin = (k_w - 1) * d_w
    dy_ext = scratch((c_out, margin + n_img * run), dy.dtype)
    dy_ext[:, :margin] = 0
    dy_rows = dy_ext[:, margin:].reshape(c_out, n_img, g.H_out, g.W_pad)
    dy_rows[..., g.W_out:] = 0
    dy_rows[..., : g.W_out] = dy.transpose(1, 0, 2, 3)
    c_g, o_g = g.C // groups, c_out // groups
    # w_s[group, (i, c), (o, j)] = w[group o_g + o, c, i, j]
    w_s = w.reshape(groups, o_g, c_g, k_h, k_w).transpose(0, 3, 2, 1, 4).reshape(groups, k_h * c_g, o_g * k_w)
    rows = -(-k_h * c_g // conv.GEMM_ROWS) * conv.GEMM_ROWS
    if rows > k_h * c_g:  # zero rows up to a multiple of GEMM_ROWS, the product OpenBLAS runs faster
        w_s = np.concatenate([w_s, np.zeros((groups, rows - k_h * c_g, o_g * k_w), dtype=w_s.dtype)], axis=1)
    dx_pad = np.zeros((n_img, groups, c_g, g.H_pad, g.W_pad), dtype=dy.dtype)
    item = dy.itemsize
    # a slab's shifted copies and its product both within COLUMN_BYTES
    size = max(1, min(n_img, conv.COLUMN_BYTES // (max(c_out * k_w, groups * rows) * run * item)))
    stacked_all = scratch((c_out, k_w, size * run), dy.dtype)
    e_all = scratch((groups, rows, size * run), dy.dtype)
    for start in range(0, n_img, size):
        n = min(size, n_img - start)
        # shifted[o, j, t] = dy_rows[o, start run + t - j dW], read from a strided view
        shifted = np.lib.stride_tricks.as_strided(
            dy_ext[:, margin + start * run:], (c_out, k_w, n * run), (dy_ext.strides[0], -d_w * item, item))
        stacked = stacked_all[:, :, : n * run]
        np.copyto(stacked, shifted)
        e = e_all[:, :, : n * run]
        np.matmul(w_s, stacked.reshape(groups, o_g * k_w, n * run), out=e)
        e = e[:, : k_h * c_g].reshape(groups, k_h, c_g, n, g.H_out, g.W_pad).transpose(3, 0, 1, 2, 4, 5)
        for i in range(k_h):
            dx_pad[start:start + n, :, :, i * d_h:i * d_h + g.H_out] += e[:, :, i]
    return _from_padded(dx_pad.reshape(n_img, g.C, g.H_pad, g.W_pad), g, out)


def _input_grad_col2im(dy_mat, w, g, groups, scratch, out=None):
    """dX_mat = W_col^T @ dY_mat, then col2im (any stride): -> new (N, C, H, W), or into ``out``.

    Where no two windows share a pixel (a stride of at least the kernel's span), each kernel
    position's values are copied to their strided plane instead of added: no read of dX, and no
    zero fill where the windows tile the whole padded input.
    """
    k_h, k_w = g.kernel
    w_g = w.reshape(groups, w.shape[0] // groups, -1)
    dy_g = dy_mat.reshape(groups, dy_mat.shape[0] // groups, g.N, g.H_out * g.row)
    apart = sw.apart(g)
    if out is not None and g.padded_shape == g.shape:  # unpadded: col2im adds into out itself
        dx_pad = out
        if not sw.tiled(g):
            dx_pad[...] = 0
    else:
        dx_pad = (np.empty if sw.tiled(g) else np.zeros)(g.padded_shape, dtype=dy_mat.dtype)
    ranges = conv.slabs(g, g.C * k_h * k_w, dy_mat.dtype)
    d_cols_all = scratch((groups, w_g.shape[2], conv.largest(ranges) * g.H_out * g.row), dy_mat.dtype)
    for start, n in ranges:
        d_cols = d_cols_all[:, :, : n * g.H_out * g.row]
        np.matmul(w_g.transpose(0, 2, 1), dy_g[:, :, start:start + n].reshape(groups, dy_g.shape[1], -1), out=d_cols)
        d_cols = d_cols.reshape(g.C, k_h, k_w, n, g.H_out, g.row).transpose(3, 0, 1, 2, 4, 5)
        if apart:
            sw.write_windows(dx_pad[start:start + n], d_cols, g)
        else:
            sw.add_windows(dx_pad[start:start + n], d_cols, g)
    return out if dx_pad is out else _from_padded(dx_pad, g, out)


def _from_padded(dx_pad, g, out):
    """dX, the interior of its padded buffer dx_pad: a new array (dx_pad itself for an unpadded
    input), or copied into ``out``."""
    interior = sw.interior(dx_pad, g)
    return np.ascontiguousarray(interior) if out is None else conv.into(out, interior)


def _transposed_geometry(g, c_out):
    """dX as a stride-1 correlation of dY (N, C_out, H_out, W_out) padded by d(k-1) - p, or None.

    None for stride > 1, and when the padding is wider than the kernel's span (dY would need
    negative padding).
    """
    if g.stride != (1, 1):
        return None
    pads = []
    for (before, after), k, d in zip(g.padding, g.kernel, g.dilation):
        span = d * (k - 1)
        if before > span or after > span:
            return None
        pads.append((span - before, span - after))
    return conv.layout(geometry.WindowGeometry((g.N, c_out, g.H_out, g.W_out), g.kernel, (1, 1), tuple(pads),
                                               g.dilation))


def _flipped_transposed(w, groups):
    """The kernel of dX = dY * w: each group's (C_out/G, C/G) swapped, kH and kW reversed."""
    c_out, c_g, k_h, k_w = w.shape
    w_t = w.reshape(groups, c_out // groups, c_g, k_h, k_w).transpose(0, 2, 1, 3, 4)[..., ::-1, ::-1]
    return np.ascontiguousarray(w_t).reshape(groups * c_g, c_out // groups, k_h, k_w)
