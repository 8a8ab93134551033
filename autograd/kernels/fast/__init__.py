"""The fast kernels: the reference's arithmetic, tuned (interface: ``autograd.kernels``).

``conv`` (forward, weight gradient), ``conv_input`` (input gradient and its routes), ``pool``
and ``windows`` (the zero-copy strided windows all of them read); ``batch_norm``.
"""

from autograd.kernels.fast import windows
from autograd.kernels.fast.batch_norm import (
    batch_norm_input_grad,
    batch_norm_normalize,
    batch_norm_statistics,
    batch_norm_sums,
)
from autograd.kernels.fast.conv import conv2d, conv2d_weight_grad
from autograd.kernels.fast.conv_input import conv2d_input_grad
from autograd.kernels.fast.pool import (
    avg_pool2d,
    avg_pool2d_input_grad,
    max_pool2d,
    max_pool2d_gather,
    max_pool2d_input_grad,
)


def unfold(x, geom):
    return windows.unfold(x, windows.WindowGeometry.of(geom))


def fold(columns, geom):
    return windows.fold(columns, windows.WindowGeometry.of(geom))


__all__ = [
    "avg_pool2d", "avg_pool2d_input_grad", "batch_norm_input_grad", "batch_norm_normalize",
    "batch_norm_statistics", "batch_norm_sums", "conv2d", "conv2d_input_grad", "conv2d_weight_grad", "fold",
    "max_pool2d", "max_pool2d_gather", "max_pool2d_input_grad", "unfold",
]
