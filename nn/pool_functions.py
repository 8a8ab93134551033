"""Pooling with all of PyTorch's options: dilation, ceil_mode, return_indices, count_include_pad,
divisor_override, and ``max_unpool2d``.

The plain cases go straight to autograd's ``max_pool2d`` / ``avg_pool2d``. The others take the
lessons' road, every step an op so the gradient comes with it: pad, ``unfold`` the windows into
columns (lesson 6's im2col), and reduce each column, the max by picking its first largest
element (PyTorch's choice on ties), the mean by dividing its sum by a count that the options
decide. ``max_unpool2d`` is the one new op: it puts each value back where
``max_pool2d(..., return_indices=True)`` found it.
"""

import numpy as np

from autograd.geometry import is_int
from autograd.ops import pool as _pool
from autograd.ops.conv_args import pair
from autograd.ops.fold import unfold
from autograd.ops.reduce import sum as _sum
from autograd.ops.shape import getitem, pad, reshape
from autograd.tensor import Tensor, as_tensor
from nn.resampling_functions import _unbatched

# max_unpool2d's closure works on Tensor gradients too (engine.primal): twice differentiable
TWICE_DIFFERENTIABLE = True


def _output_size(size, kernel, stride, padding, dilation, ceil_mode):
    """PyTorch's pooling output size; with ceil_mode the last window must still start inside the
    input or its left padding."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _settings(x, kernel_size, stride, padding, dilation, op):
    if x.ndim != 4:
        raise ValueError(f"{op}: expected input (N, C, H, W) or (C, H, W), got shape {x.shape}")
    kernel = pair(kernel_size, "kernel_size", op, minimum=1)
    stride = kernel if stride is None else pair(stride, "stride", op, minimum=1)
    padding = pair(padding, "padding", op, minimum=0)
    dilation = pair(dilation, "dilation", op, minimum=1)
    for p, k in zip(padding, kernel):
        if 2 * p > k:
            raise ValueError(f"{op}: padding {padding} must be at most half the kernel size {kernel}")
    return kernel, stride, padding, dilation


def check_divisor(divisor_override, op):
    """avg_pool2d's divisor_override: None or a nonzero int."""
    if divisor_override is not None and (not is_int(divisor_override) or divisor_override == 0):
        raise ValueError(f"{op}: divisor_override must be a nonzero int or None, got {divisor_override!r}")


def flag(value, name, op):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be True or False, got {value!r}")
    return bool(value)


def _window_columns(x, kernel, stride, padding, dilation, ceil_mode, fill, op):
    """x: (N, C, H, W) -> (columns (N, C, kH kW, OH OW), (OH, OW)): each output position's window."""
    n, c, height, width = x.shape
    out = [_output_size(size, k, s, p, d, ceil_mode)
           for size, k, s, p, d in zip((height, width), kernel, stride, padding, dilation)]
    if min(out) < 1:
        raise ValueError(f"{op}: input {height}x{width} is smaller than the kernel {kernel} "
                         f"(dilation {dilation}, padding {padding})")
    # ceil_mode's last window may reach past the padding: pad it too (fill never wins the max)
    extra = [max(0, (o - 1) * s + d * (k - 1) + 1 - (size + 2 * p))
             for o, s, d, k, size, p in zip(out, stride, dilation, kernel, (height, width), padding)]
    padded = pad(x, ((0, 0), (0, 0), (padding[0], padding[0] + extra[0]), (padding[1], padding[1] + extra[1])),
                 constant_values=fill)
    columns = unfold(padded, kernel, dilation=dilation, stride=stride)
    return reshape(columns, (n, c, kernel[0] * kernel[1], out[0] * out[1])), tuple(out)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Largest value in each window, PyTorch's ``F.max_pool2d`` with all its options.

    input: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out) (or (C, H_out, W_out)), with
    H_out = (H + 2 pH - dH (kH - 1) - 1) / sH + 1 rounded down, or up with ``ceil_mode``. Defaults:
    stride=None (the kernel size), padding=0 (-inf, at most half the kernel), dilation=1,
    ceil_mode=False, return_indices=False (True: also the int64 array, the output's shape, of each
    maximum's flat index row * W + column in its input plane, for ``max_unpool2d``).
    """
    op = "max_pool2d"
    ceil_mode, return_indices = flag(ceil_mode, "ceil_mode", op), flag(return_indices, "return_indices", op)
    unbatched = _unbatched(max_pool2d, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    if unbatched is not None:
        return unbatched
    x = as_tensor(input, op, "input")
    kernel, stride, padding, dilation = _settings(x, kernel_size, stride, padding, dilation, op)
    if dilation == (1, 1) and not ceil_mode and not return_indices:
        return _pool.max_pool2d(x, kernel, stride, padding)
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    columns, (oh, ow) = _window_columns(x, kernel, stride, padding, dilation, ceil_mode, lowest, op)
    n, c, _, positions = columns.shape
    flat, real = _window_positions(x.shape[2:], kernel, stride, padding, dilation, (oh, ow))
    best = _first_argmax(columns.value, real)
    picked = getitem(columns, (np.arange(n)[:, None, None], np.arange(c)[None, :, None], best,
                               np.arange(positions)[None, None, :]))
    output = reshape(picked, (n, c, oh, ow))
    if not return_indices:
        return output
    return output, flat[best, np.arange(positions)].astype(np.int64).reshape(n, c, oh, ow)


def _window_positions(size, kernel, stride, padding, dilation, out):
    """(flat, real), both (kH kW, OH OW): the flat index row * W + column of each window's tap
    in the input plane, and whether that tap is a real element (not padding)."""
    taps = np.arange(kernel[0] * kernel[1])
    windows = np.arange(out[0] * out[1])
    rows = (windows // out[1]) * stride[0] - padding[0] + (taps // kernel[1])[:, None] * dilation[0]
    cols = (windows % out[1]) * stride[1] - padding[1] + (taps % kernel[1])[:, None] * dilation[1]
    real = (rows >= 0) & (rows < size[0]) & (cols >= 0) & (cols < size[1])
    return rows * size[1] + cols, real


def _first_argmax(values, real):
    """The tap each window's max comes from, by PyTorch's CPU rules (as the fast kernels'): the
    first largest real element (padding never wins, so an all -inf window picks its first real
    element), and in a window holding NaN its last NaN. values: (N, C, kH kW, L) -> (N, C, L)."""
    best = np.argmax(values, axis=2)  # padding holds the dtype's lowest value: it wins only a tie
    first_real = np.argmax(real, axis=0)  # (L,): every window holds a real element (PyTorch's padding rule)
    best = np.where(real[best, np.arange(real.shape[1])], best, first_real)
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        last_nan = nan.shape[2] - 1 - np.argmax(nan[:, :, ::-1], axis=2)
        best = np.where(nan.any(axis=2), last_nan, best)
    return best


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean of each window, PyTorch's ``F.avg_pool2d`` with all its options.

    input: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out) (or (C, H_out, W_out)). Defaults:
    stride=None (the kernel size), padding=0 (zeros, at most half the kernel), ceil_mode=False
    (round the output size down), count_include_pad=True (the zero padding counts in the mean;
    False: only real elements), divisor_override=None (a nonzero int divides every window's sum
    instead).
    """
    op = "avg_pool2d"
    ceil_mode = flag(ceil_mode, "ceil_mode", op)
    count_include_pad = flag(count_include_pad, "count_include_pad", op)
    check_divisor(divisor_override, op)
    unbatched = _unbatched(avg_pool2d, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                           divisor_override)
    if unbatched is not None:
        return unbatched
    x = as_tensor(input, op, "input")
    kernel, stride, padding, _ = _settings(x, kernel_size, stride, padding, 1, op)
    if not ceil_mode and count_include_pad and divisor_override is None:
        return _pool.avg_pool2d(x, kernel, stride, padding)
    columns, (oh, ow) = _window_columns(x, kernel, stride, padding, (1, 1), ceil_mode, 0.0, op)
    n, c = x.shape[:2]
    sums = reshape(_sum(columns, axis=2), (n, c, oh, ow))
    if divisor_override is not None:
        return sums / x.dtype.type(divisor_override)
    counts = [_window_counts(o, k, s, p, size, count_include_pad)
              for o, k, s, p, size in zip((oh, ow), kernel, stride, padding, x.shape[2:])]
    return sums / np.outer(*counts).astype(x.dtype)


def _window_counts(out, kernel, stride, padding, size, count_include_pad):
    """How many elements each window along one axis averages (PyTorch's rule: a window is cut at
    the end of the padding, and without count_include_pad at the input's edges too)."""
    start = np.arange(out) * stride - padding
    end = np.minimum(start + kernel, size + padding)
    if count_include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Each value put back at its flat index; zeros elsewhere: PyTorch's ``F.max_unpool2d``, the
    inverse of ``max_pool2d(..., return_indices=True)`` on its maxima.

    input: (N, C, H, W) or (C, H, W); indices: int array of the same shape (flat row * W_out +
    column indices into each output plane) -> (N, C, H_out, W_out) with H_out = (H - 1) sH - 2 pH + kH.
    Defaults: stride=None (the kernel size), padding=0, output_size=None (that size; else
    (H_out, W_out) or (N, C, H_out, W_out): the pooled input's size, each within a stride of the
    default, as PyTorch). Backward: each input gets the gradient at its index.
    """
    op = "max_unpool2d"
    x = as_tensor(input, op, "input")
    indices = np.asarray(indices.value if isinstance(indices, Tensor) else indices)
    if indices.shape != x.shape or indices.dtype.kind not in "iu":
        raise ValueError(f"{op}: indices must be integers of the input's shape {x.shape}, "
                         f"got {indices.dtype} of shape {indices.shape}")
    if x.ndim == 3:
        batched = max_unpool2d(reshape(x, (1, *x.shape)), indices[None], kernel_size, stride, padding, output_size)
        return reshape(batched, batched.shape[1:])
    if x.ndim != 4:
        raise ValueError(f"{op}: expected input (N, C, H, W) or (C, H, W), got shape {x.shape}")
    height, width = _unpooled_size(x, kernel_size, stride, padding, output_size, op)
    n, c = x.shape[:2]
    flat_indices = indices.reshape(n, c, -1)
    if flat_indices.size and (flat_indices.min() < 0 or flat_indices.max() >= height * width):
        bad = flat_indices.max() if flat_indices.max() >= height * width else flat_indices.min()
        hint = " (pass output_size: the size of max_pool2d's input)" if output_size is None else ""
        raise ValueError(f"{op}: index {bad} is outside the {height}x{width} output{hint}")
    value = np.zeros((n, c, height * width), dtype=x.dtype)
    np.put_along_axis(value, flat_indices, x.value.reshape(n, c, -1), axis=2)
    output = Tensor(value.reshape(n, c, height, width), inputs=(x,), op="max_unpool2d")

    def _backward():
        # read back at each index: indexing means the same on an array and a Tensor gradient
        g = output.grad.reshape(n, c, height * width)[np.arange(n)[:, None, None], np.arange(c)[None, :, None],
                                                       flat_indices]
        x.accumulate_grad(g.reshape(x.shape))

    output._backward = _backward
    return output


def _unpooled_size(x, kernel_size, stride, padding, output_size, op):
    kernel = pair(kernel_size, "kernel_size", op, minimum=1)
    stride = kernel if stride is None else pair(stride, "stride", op, minimum=1)
    padding = pair(padding, "padding", op, minimum=0)
    sizes = tuple((size - 1) * s - 2 * p + k for size, k, s, p in zip(x.shape[-2:], kernel, stride, padding))
    if output_size is None:
        if min(sizes) < 1:
            raise ValueError(f"{op}: kernel {kernel}, stride {stride} and padding {padding} give an empty output")
        return sizes
    given = np.asarray(output_size.value if isinstance(output_size, Tensor) else output_size)
    if given.ndim != 1 or len(given) not in (2, 4) or given.dtype.kind not in "iu":
        raise ValueError(f"{op}: output_size must be (H_out, W_out) or (N, C, H_out, W_out), got {output_size!r}")
    wanted = tuple(int(v) for v in given[-2:])
    for want, default, s in zip(wanted, sizes, stride):
        if not default - s < want < default + s:  # the sizes a max_pool2d of this geometry maps to x's
            raise ValueError(f"{op}: output_size {tuple(wanted)} is not a size max_pool2d with kernel {kernel}, "
                             f"stride {stride} and padding {padding} maps to {x.shape[-2:]} (each between "
                             f"{default - s + 1} and {default + s - 1})")
    return wanted
