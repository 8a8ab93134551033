"""im2col: the geometry of convolution and pooling, in the lessons' own names (pure NumPy).

Lesson 6 keeps ``Conv2d`` (semantics: weights, GEMM) apart from ``im2col`` (geometry: which
input values each output looks at). This module is the geometry, readable next to the slides:

- ``im2col(x, kH, kW, stride)``: one image (C, H, W) or (H, W) -> X_col (C*kH*kW, H_out*W_out)
  (lesson 6);
- ``im2col_batch`` / ``col2im_batch``: the whole batch, (N, C, H, W) <-> (N, C*kH*kW, L), and
  back with overlapping windows adding up (lesson 9, "CNN Improvements");
- ``im2col_matrix_dense`` / ``im2col_matrix_sparse``: im2col as a 0/1 matrix M, so that
  ``X.reshape(N, -1) @ M`` gives every patch (lecture 08).

These take an input that is already padded (as the lessons do). The ops (conv2d, max_pool2d,
unfold...) use the general, fast form in ``autograd.sliding_windows``: padding, stride and
dilation per axis, with the same layout.

Notation
    N          batch size
    C          channels (C_in for a convolution; C_out its output channels)
    H, W       input height and width (after padding, here)
    kH, kW     kernel height and width (lecture 08: a K x K kernel)
    stride     step between two neighbouring windows (sH, sW per axis)
    padding    values added around the input: zeros for conv/avg pool, -inf for max pool (pH, pW)
    dilation   step between two taps of one kernel (dH, dW); 1 here
    H_out, W_out   output size: H_out = (H + 2 pH - dH (kH - 1) - 1) // sH + 1
    L          windows per image: L = H_out * W_out (lecture 08 calls it P, the number of patches)
    X_col      columns: column l = oh * W_out + ow holds the window whose top-left corner is
               (oh * stride, ow * stride), flattened in (C, kH, kW) order
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import sparse

from autograd.geometry import is_int


def output_size(size, k, stride=1):
    """H_out (or W_out) for an input of ``size``, kernel ``k``, no padding: (size - k) // stride + 1."""
    return (size - k) // stride + 1


def im2col(x, kH, kW, stride=1):
    """One image's windows as columns (lesson 6).

    x: (C, H, W) or (H, W) -> X_col: (C*kH*kW, H_out*W_out), column ``oh * W_out + ow`` is the
    patch ``x[:, oh*stride : oh*stride + kH, ow*stride : ow*stride + kW]`` flattened. Equal to
    the lesson's double loop over (oh, ow), without the loop.
    """
    x = np.asarray(x)
    if x.ndim not in (2, 3):
        raise ValueError(f"im2col: x must be (C, H, W) or (H, W), got shape {x.shape}")
    image = x if x.ndim == 3 else x[None]
    return _im2col_batch(image[None], kH, kW, stride, "im2col")[0]


def im2col_batch(x, kH, kW, stride=1, dilation=1):
    """The whole batch at once (lesson 9): x (N, C, H, W) -> X_col (N, C*kH*kW, L).

    ``X_col[n]`` is ``im2col(x[n])``. stride and dilation: an int or a (height, width) pair
    (dilation: the step between two taps of the kernel, 1 in the lessons). The windows are a
    zero-copy view (``sliding_window_view``); the reshape makes the one copy.
    """
    return _im2col_batch(np.asarray(x), kH, kW, stride, "im2col_batch", dilation)


def _im2col_batch(x, kH, kW, stride, name, dilation=1):
    (sH, sW), (dH, dW) = _pair(name, "stride", stride), _pair(name, "dilation", dilation)
    _check_sizes(name, kH=kH, kW=kW)
    _check_batch(x, dH * (kH - 1) + 1, dW * (kW - 1) + 1, name)
    N, C = x.shape[:2]
    spans = (dH * (kH - 1) + 1, dW * (kW - 1) + 1)
    windows = sliding_window_view(x, spans, axis=(2, 3))[:, :, ::sH, ::sW, ::dH, ::dW]  # (N, C, H_out, W_out, kH, kW)
    H_out, W_out = windows.shape[2:4]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * kH * kW, H_out * W_out)


def col2im_batch(X_col, C, H, W, kH, kW, stride=1, dilation=1):
    """The adjoint of ``im2col_batch`` (lesson 9): X_col (N, C*kH*kW, L) -> (N, C, H, W).

    Every column value is added back where im2col read it, so pixels shared by overlapping
    windows receive the sum. One strided slice-add per kernel position (kH*kW of them) instead
    of the lesson's loop over the L windows.
    """
    X_col = np.asarray(X_col)
    name = "col2im_batch"
    (sH, sW), (dH, dW) = _pair(name, "stride", stride), _pair(name, "dilation", dilation)
    _check_sizes(name, minimum=0, C=C)  # no channels is an empty image, as in im2col_batch
    _check_sizes(name, H=H, W=W, kH=kH, kW=kW)
    span_h, span_w = dH * (kH - 1) + 1, dW * (kW - 1) + 1
    _check_kernel_fits(name, span_h, span_w, H, W)
    H_out, W_out = output_size(H, span_h, sH), output_size(W, span_w, sW)
    N = X_col.shape[0] if X_col.ndim == 3 else None
    if N is None or X_col.shape[1:] != (C * kH * kW, H_out * W_out):
        raise ValueError(
            f"col2im_batch: X_col must have shape (N, {C * kH * kW}, {H_out * W_out}) for C={C}, H={H}, W={W}, "
            f"kernel {kH}x{kW}, stride {stride}; got {X_col.shape}"
        )
    cols = X_col.reshape(N, C, kH, kW, H_out, W_out)
    x = np.zeros((N, C, H, W), dtype=X_col.dtype)
    for i in range(kH):
        for j in range(kW):
            x[:, :, i * dH:i * dH + sH * H_out:sH, j * dW:j * dW + sW * W_out:sW] += cols[:, :, i, j]
    return x


def im2col_matrix_dense(X, K):
    """im2col as a 0/1 matrix (lecture 08): M of shape (C*H*W, P*C*K*K), P = (H-K+1)*(W-K+1).

    X: (N, C, H, W), only its shape is used; stride 1, no padding. ``X.reshape(N, -1) @ M`` is
    X_patches flattened, so ``(X.reshape(N, -1) @ M).reshape(N, P, C, K, K)[n, p]`` is patch p of
    image n. Each column holds a single 1: the input element that patch entry copies.
    """
    rows, cols, shape = _patch_matrix_entries(X, K, "im2col_matrix_dense")
    M = np.zeros(shape)
    M[rows, cols] = 1.0
    return M


def im2col_matrix_sparse(X, K):
    """The same matrix as ``im2col_matrix_dense``, as a ``scipy.sparse`` CSR matrix."""
    rows, cols, shape = _patch_matrix_entries(X, K, "im2col_matrix_sparse")
    return sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=shape)


def _patch_matrix_entries(X, K, name):
    """Row (input element) and column (patch entry) of every 1 in the lecture's matrix."""
    shape = np.shape(X)
    _check_sizes(name, K=K)
    if len(shape) != 4:
        raise ValueError(f"{name}: X must be (N, C, H, W), got shape {tuple(shape)}")
    _, C, H, W = shape
    out_H, out_W = output_size(H, K), output_size(W, K)
    if out_H < 1 or out_W < 1:
        raise ValueError(f"{name}: kernel size {K} is larger than the image {H}x{W}")
    P = out_H * out_W
    # one entry per (patch p, channel c, kernel row i, kernel col j), in X_patches' order
    p, c, i, j = (a.reshape(-1) for a in np.indices((P, C, K, K)))
    rows = c * (H * W) + (p // out_W + i) * W + (p % out_W + j)
    return rows, np.arange(P * C * K * K), (C * H * W, P * C * K * K)


def _check_sizes(name, minimum=1, **sizes):
    """Every size an int >= minimum, or a ValueError naming it (the lessons' functions take plain ints)."""
    for size_name, value in sizes.items():
        if not is_int(value) or value < minimum:
            raise ValueError(f"{name}: {size_name} must be an int >= {minimum}, got {value!r}")


def _pair(name, size_name, value):
    """An int or a pair of ints >= 1 -> (height, width)."""
    if not isinstance(value, (tuple, list)):
        _check_sizes(name, **{size_name: value})
        return int(value), int(value)
    if len(value) != 2 or not all(is_int(v) and v >= 1 for v in value):
        raise ValueError(f"{name}: {size_name} must be an int >= 1 or a pair of them, got {value!r}")
    return int(value[0]), int(value[1])


def _check_batch(x, kH, kW, name):
    if x.ndim != 4:
        raise ValueError(f"{name}: x must be (N, C, H, W), got shape {x.shape}")
    _check_kernel_fits(name, kH, kW, *x.shape[2:])


def _check_kernel_fits(name, kH, kW, H, W):
    if kH > H or kW > W:
        raise ValueError(f"{name}: kernel {kH}x{kW} is larger than the image {H}x{W}")
