"""Adaptive pooling and interpolation of ``nn.functional``: ``adaptive_avg_pool2d``,
``adaptive_max_pool2d`` and ``interpolate`` (nearest, nearest-exact, bilinear).

Notation: x is (N, C, H, W), the output (N, C, OH, OW). Adaptive pooling's window for output row
i spans input rows floor(i H / OH) .. ceil((i + 1) H / OH) - 1 (PyTorch's rule; windows may
overlap when OH does not divide H), and likewise for columns.

Average pooling and interpolation are separable linear maps: y = A_h x A_w^T with A_h (OH, H)
and A_w (OW, W) holding each output row's weights over the input rows (1/window length for the
mean, the two bilinear weights, one 1 for nearest), so the backward is dx = A_h^T g A_w. Max
pooling is separable too: the max over a rectangle is the max over its rows of the max over its
columns, taken with one gather per axis; the gradient goes to the first maximum in row-major
order, as PyTorch's.
"""

import math
import numbers

import numpy as np

from autograd.ops import dual
from autograd.ops.shape import reshape
from autograd.tensor import Tensor, as_tensor

# the closures below work on Tensor gradients too (their routing is linear, through ops.dual)
TWICE_DIFFERENTIABLE = {"_separable", "adaptive_avg_pool2d", "adaptive_max_pool2d"}


def _image_batch(input, function):
    x = as_tensor(input, function, "input")
    if x.ndim != 4:
        accepted = "(N, C, H, W)" if function == "interpolate" else "(N, C, H, W) or (C, H, W)"
        raise ValueError(f"{function}: expected input {accepted}, got shape {x.shape}")
    return x


def _output_size(output_size, in_size, function):
    """(OH, OW) from an int, a pair, or a pair with None (keep the input's size on that axis)."""
    pair = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(pair) != 2:
        raise ValueError(f"{function}: output_size must be an int or a pair, got {output_size!r}")
    sizes = []
    for size, keep in zip(pair, in_size):
        size = keep if size is None else size
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(f"{function}: output_size must hold positive ints (or None), got {output_size!r}")
        sizes.append(int(size))
    return tuple(sizes)


def adaptive_windows(in_size, out_size):
    """(starts, ends) of the windows of the ``out_size`` output positions (int arrays)."""
    i = np.arange(out_size)
    return (i * in_size) // out_size, -((-(i + 1) * in_size) // out_size)


def _average_matrix(in_size, out_size, dtype):
    starts, ends = adaptive_windows(in_size, out_size)
    columns = np.arange(in_size)
    inside = (columns >= starts[:, None]) & (columns < ends[:, None])
    return (inside / (ends - starts)[:, None]).astype(dtype)


def _separable(x, rows, cols, op):
    """y = rows @ x @ cols^T over the last two axes; rows: (OH, H), cols: (OW, W)."""
    output = Tensor(rows @ x.value @ cols.T, inputs=(x,), op=op)

    def _backward():
        x.accumulate_grad(rows.T @ output.grad @ cols)

    output._backward = _backward
    return output


def _unbatched(function, input, *args, **kwargs):
    """``function`` on an unbatched (C, H, W) input, as a batch of one (None: the input is batched)."""
    x = as_tensor(input, function.__name__, "input")
    if x.ndim != 3:
        return None
    result = function(reshape(x, (1, *x.shape)), *args, **kwargs)
    if isinstance(result, tuple):
        return reshape(result[0], result[0].shape[1:]), result[1][0]
    return reshape(result, result.shape[1:])


def adaptive_avg_pool2d(input, output_size):
    """Mean over adaptive windows: x (N, C, H, W) or (C, H, W) -> (N, C, OH, OW) for any OH, OW
    (an int, a pair, None keeps that axis). ``output_size=1`` is global average pooling."""
    unbatched = _unbatched(adaptive_avg_pool2d, input, output_size)
    if unbatched is not None:
        return unbatched
    x = _image_batch(input, "adaptive_avg_pool2d")
    (height, width), (oh, ow) = x.shape[2:], _output_size(output_size, x.shape[2:], "adaptive_avg_pool2d")
    if height % oh == 0 and width % ow == 0:
        # equal, disjoint windows: a reshape and a mean (global pooling is the case (1, 1))
        n, c = x.shape[:2]
        kh, kw = height // oh, width // ow
        value = x.value.reshape(n, c, oh, kh, ow, kw).mean(axis=(3, 5))
        output = Tensor(value, inputs=(x,), op="adaptive_avg_pool2d")

        def _backward():
            g = output.grad * x.dtype.type(1 / (kh * kw))
            spread = dual.broadcast_to(g[:, :, :, None, :, None], (n, c, oh, kh, ow, kw))
            x.accumulate_grad(spread.reshape(x.shape))

        output._backward = _backward
        return output
    return _separable(x, _average_matrix(height, oh, x.dtype), _average_matrix(width, ow, x.dtype),
                      "adaptive_avg_pool2d")


def _window_indices(in_size, out_size):
    """(out_size, L) input positions of each window, short windows padded by repeating their last
    position (a repeat never changes a max, and argmax finds the first occurrence)."""
    starts, ends = adaptive_windows(in_size, out_size)
    longest = int((ends - starts).max())
    return np.minimum(starts[:, None] + np.arange(longest), ends[:, None] - 1)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max over adaptive windows: x (N, C, H, W) or (C, H, W) -> (N, C, OH, OW). With
    ``return_indices`` also the (N, C, OH, OW) int64 flat index (row * W + column) of each
    maximum, as PyTorch."""
    unbatched = _unbatched(adaptive_max_pool2d, input, output_size, return_indices)
    if unbatched is not None:
        return unbatched
    x = _image_batch(input, "adaptive_max_pool2d")
    (height, width), (oh, ow) = x.shape[2:], _output_size(output_size, x.shape[2:], "adaptive_max_pool2d")
    rows, cols = _window_indices(height, oh), _window_indices(width, ow)
    across = x.value[:, :, :, cols]                                  # (N, C, H, OW, Lw)
    col_pick = across.argmax(axis=4)                                 # (N, C, H, OW)
    row_max = np.take_along_axis(across, col_pick[..., None], axis=4)[..., 0]
    down = row_max[:, :, rows, :]                                    # (N, C, OH, Lh, OW)
    row_pick = down.argmax(axis=3)                                   # (N, C, OH, OW)
    value = np.take_along_axis(down, row_pick[:, :, :, None, :], axis=3)[:, :, :, 0, :]
    best_row = rows[np.arange(oh)[:, None], row_pick]                # (N, C, OH, OW)
    best_col = cols[np.arange(ow), np.take_along_axis(col_pick, best_row, axis=2)]
    indices = best_row * width + best_col
    output = Tensor(value, inputs=(x,), op="adaptive_max_pool2d")

    def _backward():
        n, c = x.shape[:2]
        planes = (np.arange(n * c) * (height * width)).reshape(n, c, 1, 1)
        flat = dual.scatter_add(output.grad, indices + planes, x.value.size)
        x.accumulate_grad(flat.reshape(x.shape).astype(x.dtype, copy=False))

    output._backward = _backward
    return (output, indices) if return_indices else output


# -- interpolate ---------------------------------------------------------------------------
_MODES = ("nearest", "nearest-exact", "bilinear")


def _interpolation_matrix(in_size, out_size, mode, align_corners, scale_factor, dtype):
    """(out_size, in_size) weights of each output position over the input positions (PyTorch's
    source-index rules: upsample.h's area_pixel_compute_source_index and nearest's floor)."""
    dst = np.arange(out_size)
    matrix = np.zeros((out_size, in_size), dtype=np.float64)
    if mode in ("nearest", "nearest-exact"):
        # torch computes these indices in float32
        scale = np.float32(1 / scale_factor if scale_factor else in_size / out_size)
        offset = np.float32(0.5 if mode == "nearest-exact" else 0.0)
        src = np.floor((dst.astype(np.float32) + offset) * scale).astype(np.int64)
        matrix[dst, np.minimum(src, in_size - 1)] = 1
        return matrix.astype(dtype)
    if align_corners:
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        src = scale * dst
    else:
        scale = 1 / scale_factor if scale_factor else in_size / out_size
        src = np.maximum(scale * (dst + 0.5) - 0.5, 0.0)
    low = src.astype(np.int64)
    step = (low < in_size - 1).astype(np.int64)
    frac = src - low
    np.add.at(matrix, (dst, low), 1 - frac)
    np.add.at(matrix, (dst, low + step), frac)
    return matrix.astype(dtype)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Resize images x (N, C, H, W) to ``size`` = (OH, OW) (or an int for both) or by
    ``scale_factor`` (OH = floor(H * scale_factor)), PyTorch's ``F.interpolate``.

    mode: 'nearest' (source index floor(i * H / OH), PyTorch's legacy rule), 'nearest-exact'
    (floor((i + 0.5) * H / OH)) or 'bilinear' with ``align_corners`` (True: the corner pixels'
    centres line up; False, the default: their outer edges do).
    """
    x = _image_batch(input, "interpolate")
    if mode not in _MODES:
        raise ValueError(f"interpolate: mode must be one of {', '.join(_MODES)}, got {mode!r}")
    if align_corners is not None and mode != "bilinear":
        raise ValueError("interpolate: align_corners option can only be set with the interpolating modes: "
                         f"bilinear (got mode={mode!r})")
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    in_size = x.shape[2:]
    if size is not None:
        out_size = _output_size(size, in_size, "interpolate")
        scales = (None, None)
    else:
        scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor, scale_factor)
        if len(scales) != 2 or not all(isinstance(s, numbers.Real) and not isinstance(s, bool) and s > 0
                                       for s in scales):
            raise ValueError(f"interpolate: scale_factor must be a positive number or a pair, got {scale_factor!r}")
        out_size = tuple(math.floor(n * float(s)) for n, s in zip(in_size, scales))
        if min(out_size) < 1:
            raise ValueError(f"interpolate: scale_factor {scale_factor!r} gives an empty output for input "
                             f"{tuple(in_size)}")
    rows, cols = (_interpolation_matrix(n, m, mode, bool(align_corners), s, x.dtype)
                  for n, m, s in zip(in_size, out_size, scales))
    return _separable(x, rows, cols, f"interpolate({mode})")
