"""conv2d and conv_transpose2d, PyTorch's F.conv2d / F.conv_transpose2d (lessons 6, 9 and 001).

Lesson 9's batched Conv2d: with ``X_col = im2col_batch(x_pad)`` and ``W_col`` the weight as a
(C_out, C*kH*kW) matrix,

    forward:   Y_mat = W_col @ X_mat                       (X_mat: X_col as (K, N*L))
    backward:  dW_col = dY_mat @ X_mat^T,   dX_mat = W_col^T @ dY_mat -> col2im -> dX

and lesson 001's remark that each of these is itself a convolution: dX is the *transposed*
convolution of dY with W (what ``conv_transpose2d`` computes) and dW the correlation of X with dY
(``conv2d_weight``). So the backward below is written with those two ops, and theirs with conv2d
and each other: every gradient is again made of convolutions, and each of the three ops has
one backward formula. The array work is a kernel call (``autograd.kernels``: the lessons' own
``reference`` code, or the tuned ``fast`` one).

Groups split the channels into ``groups`` independent convolutions (one GEMM per group).
"""

import numpy as np

from autograd import kernels
from autograd.ops.conv_args import conv_geometry, conv_transpose_geometry
from autograd.ops.shape import pad, reshape
from autograd.tensor import Tensor, as_tensor

# every backward is made of these ops, so it works on Tensor gradients too (ag.grad(create_graph=True))
TWICE_DIFFERENTIABLE = True


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation, PyTorch's ``F.conv2d``.

    x: (N, C_in, H, W); weight: (C_out, C_in/groups, kH, kW); bias: (C_out,) or None;
    stride, dilation: int or pair; padding: int, pair, "valid" or "same".
    Returns (N, C_out, H_out, W_out) with H_out = (H + 2 pH - dH (kH - 1) - 1) // sH + 1.
    Mixed dtypes promote as in NumPy (a float32 layer fed float64 lesson data computes in float64).
    """
    x, weight = as_tensor(x, "conv2d", "x"), as_tensor(weight, "conv2d", "weight")
    bias = None if bias is None else as_tensor(bias, "conv2d", "bias")
    geom, groups = conv_geometry(x.shape, weight.shape, None if bias is None else bias.shape,
                                 stride, padding, dilation, groups)
    return _conv2d(x, weight, bias, geom, groups)


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution, PyTorch's ``F.conv_transpose2d``: the input gradient of the
    conv2d with the same weight, stride, padding and dilation (each input pixel spreads its
    value over a kernel-sized window of the output, windows overlapping and adding up).

    x: (N, C_in, H_in, W_in); weight: (C_in, C_out/groups, kH, kW); bias: (C_out,) or None;
    stride, padding, output_padding, dilation: int or pair. Returns (N, C_out, H, W) with
    H = (H_in - 1) sH - 2 pH + dH (kH - 1) + output_padding + 1; output_padding (smaller than
    the stride or the dilation) picks among the output sizes that a stride > 1 maps to H_in.
    """
    x, weight = as_tensor(x, "conv_transpose2d", "x"), as_tensor(weight, "conv_transpose2d", "weight")
    bias = None if bias is None else as_tensor(bias, "conv_transpose2d", "bias")
    geom, groups = conv_transpose_geometry(x.shape, weight.shape, None if bias is None else bias.shape,
                                           stride, padding, output_padding, dilation, groups)
    if (geom.H_out, geom.W_out) != x.shape[2:]:
        # an output_padding of at least the stride: the convolution has windows past x's last
        # row or column, which see zeros
        x = pad(x, ((0, 0), (0, 0), (0, geom.H_out - x.shape[2]), (0, geom.W_out - x.shape[3])))
    output = conv2d_input(x, weight, geom, groups)
    return output if bias is None else output + reshape(bias, (-1, 1, 1))


def _conv2d(x, weight, bias, geom, groups):
    """conv2d on a checked geometry. Y = W_col @ X_col (+ bias)."""
    X, W, b = _arrays(x, weight, bias)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    if X.size and W.size:
        Y = kernels.current().conv2d(X, W, b, geom, groups)
    else:  # no images
        Y = np.zeros((geom.N, W.shape[0], geom.H_out, geom.W_out), dtype=X.dtype)
        if b is not None:
            Y += b.reshape(-1, 1, 1)
    output = Tensor(Y, inputs=inputs, op="conv2d")

    def _backward():
        dY = output.grad
        if x.requires_grad:
            x.accumulate_grad(conv2d_input(dY, weight, geom, groups))
        if weight.requires_grad:
            weight.accumulate_grad(conv2d_weight(x, dY, geom, groups))
        if bias is not None and bias.requires_grad:
            bias.accumulate_grad(dY.sum(axis=(0, 2, 3)))

    output._backward = _backward
    return output


def conv2d_input(dY, weight, geom, groups):
    """dX of the conv2d with geometry ``geom``: dX_mat = W_col^T @ dY_mat, then col2im.

    dY: (N, C_out, H_out, W_out) -> (N, C, H, W) (``geom``'s input): the transposed convolution.
    """
    dY, weight = as_tensor(dY), as_tensor(weight)
    dY_value, W = _arrays(dY, weight)
    if dY_value.size and W.size:
        dX = kernels.current().conv2d_input_grad(dY_value, W, geom, groups)
    else:
        dX = np.zeros(geom.shape, dtype=W.dtype)
    output = Tensor(dX, inputs=(dY, weight), op="conv_transpose2d")

    def _backward():
        g = output.grad  # (N, C, H, W)
        if dY.requires_grad:
            dY.accumulate_grad(_conv2d(as_tensor(g), weight, None, geom, groups))
        if weight.requires_grad:
            weight.accumulate_grad(conv2d_weight(g, dY, geom, groups))

    output._backward = _backward
    return output


def conv2d_weight(x, dY, geom, groups):
    """dW of the conv2d with geometry ``geom``: dW_col = dY_mat @ X_mat^T.

    x: (N, C, H, W), dY: (N, C_out, H_out, W_out) -> (C_out, C/groups, kH, kW).
    """
    x, dY = as_tensor(x), as_tensor(dY)
    X, dY_value = _arrays(x, dY)
    if X.size and dY_value.size:
        dW = kernels.current().conv2d_weight_grad(X, dY_value, geom, groups)
    else:
        dW = np.zeros((dY_value.shape[1], geom.C // groups, *geom.kernel), dtype=X.dtype)
    output = Tensor(dW, inputs=(x, dY), op="conv2d_weight")

    def _backward():
        g = output.grad  # (C_out, C/groups, kH, kW), a weight
        if x.requires_grad:
            x.accumulate_grad(conv2d_input(dY, g, geom, groups))
        if dY.requires_grad:
            dY.accumulate_grad(_conv2d(x, as_tensor(g), None, geom, groups))

    output._backward = _backward
    return output


def _arrays(*tensors):
    """The tensors' values in one floating dtype, NumPy's promotion (float64 for integers)."""
    present = [t for t in tensors if t is not None]
    dtype = np.result_type(*(t.value.dtype for t in present))
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    return [None if t is None else t.value.astype(dtype, copy=False) for t in tensors]
