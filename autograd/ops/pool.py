"""max_pool2d and avg_pool2d, PyTorch's F.max_pool2d / F.avg_pool2d (lessons 6 and 000).

Both read the windows through the zero-copy view of ``autograd.sliding_windows``. Max pooling
keeps, as lesson 000's MaxPool2d does, the index of the maximum inside each window (the first
one on ties, as PyTorch) and its backward sends each gradient to that one input element.
"""

import numpy as np

from autograd import sliding_windows as sw
from autograd.ops.conv_args import pool_args
from autograd.ops.workspace import scratch
from autograd.tensor import Tensor, as_tensor


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max over each kH x kW window, channel by channel.

    x: (N, C, H, W) -> (N, C, H_out, W_out), H_out = (H + 2 pH - kH) // sH + 1; stride defaults to
    the kernel; the padding is -inf, at most half the kernel (PyTorch's rule), so every window
    holds at least one real element.
    """
    x = as_tensor(x)
    kernel, stride, padding = pool_args(x.shape, kernel_size, stride, padding, "max_pool2d")
    g = sw.WindowGeometry(x.shape, kernel, stride, padding)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    win = sw.windows(sw.pad(x.value, g, fill, out=scratch("pool input", g.padded_shape, x.dtype)), g)
    k_h, k_w = kernel
    positions = k_h * k_w
    # the windows, kernel position first: the max and argmax become elementwise over contiguous planes
    stack = scratch("max_pool2d windows", (positions, g.N, g.C, g.H_out, g.W_out), x.dtype)
    np.copyto(stack.reshape(k_h, k_w, g.N, g.C, g.H_out, g.W_out), win.transpose(2, 3, 0, 1, 4, 5))
    value = stack.max(axis=0)
    argmax = _first_argmax(stack, value, g)
    del stack, win
    output = Tensor(value, inputs=(x,), op="max_pool2d")

    def _backward():
        dy = output.grad
        if stride[0] >= k_h and stride[1] >= k_w:
            # windows do not overlap: kernel position (i, j) of every window is its own strided
            # plane of x_pad, which receives dy where the max sat there and 0 elsewhere
            tiled = padding == ((0, 0), (0, 0)) and stride == kernel and (g.H_out * k_h, g.W_out * k_w) == (g.H, g.W)
            dx_pad = (np.empty if tiled else np.zeros)(g.padded_shape, dtype=x.dtype)  # tiled: planes cover x
            h_span, w_span = stride[0] * (g.H_out - 1) + 1, stride[1] * (g.W_out - 1) + 1
            for i in range(k_h):
                for j in range(k_w):
                    plane = dx_pad[:, :, i:i + h_span:stride[0], j:j + w_span:stride[1]]
                    np.multiply(argmax == i * k_w + j, dy, out=plane)
        else:
            # overlapping windows: add every gradient at the flat index of its max in x_pad
            corner = (
                np.arange(g.N * g.C).reshape(g.N, g.C, 1, 1) * (g.H_pad * g.W_pad)
                + (np.arange(g.H_out) * (stride[0] * g.W_pad)).reshape(g.H_out, 1)
                + np.arange(g.W_out) * stride[1]
            )
            offset = (np.arange(k_h).reshape(k_h, 1) * g.W_pad + np.arange(k_w)).reshape(-1)
            flat = (corner + offset[argmax]).reshape(-1)
            size = g.N * g.C * g.H_pad * g.W_pad
            dx_pad = np.bincount(flat, weights=dy.reshape(-1), minlength=size).astype(x.dtype, copy=False)
            dx_pad = dx_pad.reshape(g.padded_shape)
        x.accumulate_grad(dx_pad if dx_pad.shape == x.shape else np.ascontiguousarray(sw.interior(dx_pad, g)))

    output._backward = _backward
    return output


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
    real_rows = (rows >= top) & (rows < top + g.H)
    real_cols = (cols >= left) & (cols < left + g.W)
    real = real_rows[:, None, :, None] & real_cols[None, :, None, :]
    return ~real.reshape(k_h * k_w, g.H_out, g.W_out)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Mean over each kH x kW window, padding zeros counted (PyTorch's count_include_pad=True).

    x: (N, C, H, W) -> (N, C, H_out, W_out); stride defaults to the kernel.
    """
    x = as_tensor(x)
    kernel, stride, padding = pool_args(x.shape, kernel_size, stride, padding, "avg_pool2d")
    g = sw.WindowGeometry(x.shape, kernel, stride, padding)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    win = sw.windows(sw.pad(x.value.astype(dtype, copy=False), g, out=scratch("pool input", g.padded_shape, dtype)), g)
    k_h, k_w = kernel
    scale = dtype.type(1.0 / (k_h * k_w))
    # a sum of kH*kW strided planes: one elementwise add per kernel position
    value = np.array(win[:, :, 0, 0])
    for i in range(k_h):
        for j in range(k_w):
            if i or j:
                value += win[:, :, i, j]
    value *= scale
    del win
    output = Tensor(value, inputs=(x,), op="avg_pool2d")

    def _backward():
        d_windows = np.broadcast_to((output.grad * scale)[:, :, None, None], (g.N, g.C, k_h, k_w, g.H_out, g.W_out))
        dx_pad = sw.add_windows(np.zeros(g.padded_shape, dtype=dtype), d_windows, g)
        x.accumulate_grad(dx_pad if dx_pad.shape == x.shape else np.ascontiguousarray(sw.interior(dx_pad, g)))

    output._backward = _backward
    return output

