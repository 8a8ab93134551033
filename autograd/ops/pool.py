"""max_pool2d and avg_pool2d, PyTorch's F.max_pool2d / F.avg_pool2d (lessons 6 and 9).

Lesson 9's MaxPool2d: the forward keeps, besides Y, the index of the maximum inside each window
(``max_idx``: the first one on ties, as PyTorch), and the backward routes each dY value to that
one input element (``dX_col[n, c, max_idx, l] = dY[n, c, l]``, then col2im). Average pooling
sends dY / (kH kW) to every element of the window. Each backward is itself an op, so it can be
differentiated again: routing through the stored argmax is linear in dY (its own backward reads
the gradient back at the argmax), and average pooling's backward is undone by average pooling.
The array work is a kernel call (``autograd.kernels``).
"""

import numpy as np

from autograd import kernels
from autograd.geometry import WindowGeometry
from autograd.ops.conv_args import pool_args
from autograd.tensor import Tensor, as_tensor

# every backward is made of these ops, so it works on Tensor gradients too (ag.grad(create_graph=True))
TWICE_DIFFERENTIABLE = True


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max over each kH x kW window, channel by channel.

    x: (N, C, H, W) -> (N, C, H_out, W_out), H_out = (H + 2 pH - kH) // sH + 1; stride defaults to
    the kernel; the padding is -inf, at most half the kernel (PyTorch's rule), so every window
    holds at least one real element.
    """
    x = as_tensor(x, "max_pool2d", "x")
    geom = WindowGeometry(x.shape, *pool_args(x.shape, kernel_size, stride, padding, "max_pool2d"))
    Y, max_idx = kernels.current().max_pool2d(x.value, geom)
    output = Tensor(Y, inputs=(x,), op="max_pool2d")

    def _backward():
        x.accumulate_grad(_route_to_argmax(output.grad, max_idx, geom))

    output._backward = _backward
    return output


def _route_to_argmax(dY, max_idx, geom):
    """dX: each dY value sent to its window's argmax (overlapping windows add up)."""
    dY = as_tensor(dY)
    output = Tensor(kernels.current().max_pool2d_input_grad(dY.value, max_idx, geom), inputs=(dY,), op="max_unpool")

    def _backward():
        dY.accumulate_grad(_read_at_argmax(output.grad, max_idx, geom))

    output._backward = _backward
    return output


def _read_at_argmax(dX, max_idx, geom):
    """dX (N, C, H, W) read at each window's argmax -> (N, C, H_out, W_out)."""
    dX = as_tensor(dX)
    output = Tensor(kernels.current().max_pool2d_gather(dX.value, max_idx, geom), inputs=(dX,), op="max_pool2d")

    def _backward():
        dX.accumulate_grad(_route_to_argmax(output.grad, max_idx, geom))

    output._backward = _backward
    return output


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Mean over each kH x kW window, padding zeros counted (PyTorch's count_include_pad=True).

    x: (N, C, H, W) -> (N, C, H_out, W_out); stride defaults to the kernel.
    """
    x = as_tensor(x, "avg_pool2d", "x")
    geom = WindowGeometry(x.shape, *pool_args(x.shape, kernel_size, stride, padding, "avg_pool2d"))
    return _avg_pool2d(x, geom)


def _avg_pool2d(x, geom):
    X = x.value if x.dtype.kind == "f" else x.value.astype(np.float64)
    output = Tensor(kernels.current().avg_pool2d(X, geom), inputs=(x,), op="avg_pool2d")

    def _backward():
        x.accumulate_grad(_spread_over_windows(output.grad, geom))

    output._backward = _backward
    return output


def _spread_over_windows(dY, geom):
    """dY / (kH kW) added to every element of its window: (N, C, H_out, W_out) -> (N, C, H, W)."""
    dY = as_tensor(dY)
    output = Tensor(kernels.current().avg_pool2d_input_grad(dY.value, geom), inputs=(dY,), op="avg_unpool")

    def _backward():
        dY.accumulate_grad(_avg_pool2d(as_tensor(output.grad), geom))

    output._backward = _backward
    return output
