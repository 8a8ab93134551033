"""Fast pooling kernels: the windows read through a zero-copy strided view, never as columns.

Max pooling copies the windows once, kernel position first, so the max and its first argmax
are elementwise operations over contiguous planes; its backward writes each kernel position's
strided plane at once where windows do not overlap, and adds at flat indices where they do.
Average pooling is a sum of kH kW strided planes.
"""

import numpy as np

from autograd.kernels.fast import windows as sw
from autograd.memory import workspace


def max_pool2d(x, geom):
    g = sw.WindowGeometry.of(geom)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    k_h, k_w = g.kernel
    with workspace() as scratch:
        win = sw.windows(sw.pad(x, g, fill, out=scratch(g.padded_shape, x.dtype)), g)
        # the windows, kernel position first: the max and argmax become elementwise over planes
        stack = scratch((k_h * k_w, g.N, g.C, g.H_out, g.W_out), x.dtype)
        np.copyto(stack.reshape(k_h, k_w, g.N, g.C, g.H_out, g.W_out), win.transpose(2, 3, 0, 1, 4, 5))
        value = stack.max(axis=0)
        return value, _first_argmax(stack, value, g)


def max_pool2d_input_grad(dy, argmax, geom):
    g = sw.WindowGeometry.of(geom)
    k_w = g.kernel[1]
    if sw.apart(g):
        # windows do not overlap: kernel position (i, j) of every window is its own strided
        # plane of x_pad, which receives dy where the max sat there and 0 elsewhere
        dx_pad = (np.empty if sw.tiled(g) else np.zeros)(g.padded_shape, dtype=dy.dtype)
        for i, j, plane in sw.planes(dx_pad, g):
            np.multiply(argmax == i * k_w + j, dy, out=plane)
    else:
        # overlapping windows: add every gradient at the flat index of its max in x_pad
        size = g.N * g.C * g.H_pad * g.W_pad
        dx_pad = np.bincount(_flat_argmax(argmax, g), weights=dy.reshape(-1), minlength=size).astype(dy.dtype)
        dx_pad = dx_pad.reshape(g.padded_shape)
    return np.ascontiguousarray(sw.interior(dx_pad, g))  # no copy for an unpadded input


def max_pool2d_gather(dx, argmax, geom):
    """dx read at each window's argmax (the adjoint of ``max_pool2d_input_grad``)."""
    g = sw.WindowGeometry.of(geom)
    return sw.pad(np.ascontiguousarray(dx), g).reshape(-1)[_flat_argmax(argmax, g)].reshape(argmax.shape)


def _flat_argmax(argmax, g):
    """The flat index in x_pad of each window's argmax: (N*C*H_out*W_out,) ints."""
    k_h, k_w = g.kernel
    corner = (
        np.arange(g.N * g.C).reshape(g.N, g.C, 1, 1) * (g.H_pad * g.W_pad)
        + (np.arange(g.H_out) * (g.stride[0] * g.W_pad)).reshape(g.H_out, 1)
        + np.arange(g.W_out) * g.stride[1]
    )
    offset = (np.arange(k_h).reshape(k_h, 1) * g.W_pad + np.arange(k_w)).reshape(-1)
    return (corner + offset[argmax]).reshape(-1)


def _first_argmax(stack, value, g):
    """The kernel position each window's gradient goes to, PyTorch's rule.

    stack: (kH*kW, N, C, H_out, W_out) windows, value: their max -> (N, C, H_out, W_out) ints.
    The first real element holding the max; the last NaN where the window holds one (the max is
    then NaN); a -inf padding cell never, so an all -inf window picks its first real element.
    """
    positions = stack.shape[0]
    padding = _padding_cells(g)
    # first position holding the max = how many positions in a row do not hold it
    argmax = np.zeros(value.shape, dtype=np.min_scalar_type(positions - 1))
    no_max_yet = np.ones(value.shape, dtype=bool)
    for q in range(positions - 1):
        misses = stack[q] != value
        if padding is not None:
            misses |= padding[q]
        np.logical_and(no_max_yet, misses, out=no_max_yet)
        argmax += no_max_yet
    if value.dtype.kind == "f":
        nan_windows = np.isnan(value)
        if nan_windows.any():
            for q in range(positions):
                argmax[nan_windows & np.isnan(stack[q])] = q
    return argmax


def _padding_cells(g):
    """(kH*kW, H_out, W_out) bools: which window cells fall on the padding; None without padding."""
    (top, bottom), (left, right) = g.padding
    if top == bottom == left == right == 0:
        return None
    (k_h, k_w), (s_h, s_w) = g.kernel, g.stride
    rows = np.arange(k_h)[:, None] + s_h * np.arange(g.H_out)  # (kH, H_out): row in the padded input
    cols = np.arange(k_w)[:, None] + s_w * np.arange(g.W_out)
    padded_rows = (rows < top) | (rows >= top + g.H)
    padded_cols = (cols < left) | (cols >= left + g.W)
    padded = padded_rows[:, None, :, None] | padded_cols[None, :, None, :]
    return padded.reshape(k_h * k_w, g.H_out, g.W_out)


def avg_pool2d(x, geom):
    g = sw.WindowGeometry.of(geom)
    k_h, k_w = g.kernel
    with workspace() as scratch:
        win = sw.windows(sw.pad(x, g, out=scratch(g.padded_shape, x.dtype)), g)
        # a sum of kH*kW strided planes: one elementwise add per kernel position
        value = np.array(win[:, :, 0, 0])
        for i in range(k_h):
            for j in range(k_w):
                if i or j:
                    value += win[:, :, i, j]
    value *= x.dtype.type(1.0 / (k_h * k_w))
    return value


def avg_pool2d_input_grad(dy, geom):
    g = sw.WindowGeometry.of(geom)
    k_h, k_w = g.kernel
    scale = dy.dtype.type(1.0 / (k_h * k_w))
    d_windows = np.broadcast_to((dy * scale)[:, :, None, None], (g.N, g.C, k_h, k_w, g.H_out, g.W_out))
    dx_pad = sw.add_windows(np.zeros(g.padded_shape, dtype=dy.dtype), d_windows, g)
    return np.ascontiguousarray(sw.interior(dx_pad, g))  # no copy for an unpadded input

