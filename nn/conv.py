"""Convolution and pooling layers: ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``, ``MaxUnpool2d``.

The layers hold the settings and the weights; the arithmetic (im2col + one GEMM per conv) is
autograd's ``conv2d`` / ``max_pool2d`` / ``avg_pool2d`` ops, and ``nn.pool_functions`` for the
pooling options those ops leave out. Like PyTorch's modules they take a
batch x: (N, C, H, W) or a single image x: (C, H, W), which gives an output without the batch
axis. Output size per spatial axis: floor((H + 2 padding - dilation (kernel - 1) - 1) / stride) + 1.
"""

import numbers

import numpy as np

from autograd.ops import shape
from autograd.ops.conv_args import pair
from autograd.tensor import Tensor, constant
from nn import functional as F
from nn import init, pool_functions
from nn.linear import check_size
from nn.module import Module, cast_input
from nn.parameter import Parameter


def _as_batch(x, layer):
    """x as a (N, C, H, W) Tensor and whether the caller gave one unbatched (C, H, W) image."""
    x = x if isinstance(x, Tensor) else constant(x, op=layer, name="input")
    if x.ndim == 4:
        return x, False
    if x.ndim == 3:
        return shape.reshape(x, (1, *x.shape)), True
    raise ValueError(f"{layer}: expected input (N, C, H, W) or (C, H, W), got shape {x.shape}")


def _unbatch(y, unbatched):
    return shape.reshape(y, y.shape[1:]) if unbatched else y


class Conv2d(Module):
    """2-D convolution (cross-correlation, as in every framework), PyTorch's ``nn.Conv2d``.

    x: (N, in_channels, H, W) or (in_channels, H, W) -> (N, out_channels, H_out, W_out).
    ``weight``: (out_channels, in_channels // groups, kH, kW); ``bias``: (out_channels,), both
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in_channels // groups * kH * kW; float32
    unless ``dtype`` says otherwise, and the input is cast to the parameters' dtype.
    ``padding`` is an int, a pair, 'valid' (none) or 'same' (output size = input size; stride 1
    only; an even total pad puts the extra row/column at the bottom/right, as PyTorch does).

    Defaults (PyTorch's): stride=1, padding=0, dilation=1, groups=1, bias=True,
    padding_mode='zeros' (the only mode); dtype=None gives float32.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", dtype=None):
        super().__init__()
        self.in_channels = check_size(in_channels, "in_channels", "Conv2d")
        self.out_channels = check_size(out_channels, "out_channels", "Conv2d")
        if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups < 1:
            raise ValueError(f"Conv2d: groups must be a positive int, got {groups!r}")
        if self.in_channels % groups or self.out_channels % groups:
            raise ValueError(f"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) must "
                             f"both be divisible by groups ({groups})")
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride = pair(stride, "stride", "Conv2d", 1)
        self.dilation = pair(dilation, "dilation", "Conv2d", 1)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Conv2d: padding must be 'same', 'valid', an int or a pair, got {padding!r}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("Conv2d: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = pair(padding, "padding", "Conv2d", 0)
        if padding_mode != "zeros":
            raise ValueError(f"Conv2d: only padding_mode='zeros' is supported, got {padding_mode!r}")
        self.padding_mode = padding_mode
        self.groups = int(groups)
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        weight_shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(np.empty(weight_shape, dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw ``weight`` and ``bias`` again from U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        init.default_weight_and_bias_(self.weight, self.bias)

    def forward(self, x):
        x, unbatched = _as_batch(cast_input(x, self.weight.dtype, "Conv2d"), "Conv2d")
        if x.shape[1] != self.in_channels:
            raise ValueError(f"Conv2d: input has {x.shape[1]} channels (shape {x.shape}), "
                             f"expected in_channels={self.in_channels}")
        y = F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
        return _unbatch(y, unbatched)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


def _check_pool_sizes(layer, kernel_size, stride, padding, dilation=1, **flags):
    """At construction, as PyTorch's layers fail early; the sizes are kept as given (PyTorch's repr)."""
    pair(kernel_size, "kernel_size", layer, 1)
    if stride is not None:
        pair(stride, "stride", layer, 1)
    pair(padding, "padding", layer, 0)
    pair(dilation, "dilation", layer, 1)
    for name, value in flags.items():
        pool_functions.flag(value, name, layer)


class MaxPool2d(Module):
    """Largest value in each window, PyTorch's ``nn.MaxPool2d`` (stride defaults to the kernel).

    x: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out); padding counts as -inf. The gradient
    goes to the largest element of each window (the first, on ties).

    Defaults (PyTorch's): stride=None (the kernel size), padding=0, dilation=1,
    return_indices=False (True: also return the int64 flat index of each maximum, for
    ``MaxUnpool2d``), ceil_mode=False (round the output size down; True: up).
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        _check_pool_sizes("MaxPool2d", kernel_size, stride, padding, dilation, return_indices=return_indices,
                          ceil_mode=ceil_mode)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, x):
        x, unbatched = _as_batch(x, "MaxPool2d")
        result = F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                              self.return_indices)
        if self.return_indices:
            return _unbatch(result[0], unbatched), result[1][0] if unbatched else result[1]
        return _unbatch(result, unbatched)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Mean of each window, PyTorch's ``nn.AvgPool2d`` (stride defaults to the kernel; zero
    padding counts in the mean, PyTorch's default count_include_pad=True).

    x: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).

    Defaults: stride=None (the kernel size), padding=0, ceil_mode=False (floor the output size),
    count_include_pad=True, divisor_override=None (divide by the window's size).
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        _check_pool_sizes("AvgPool2d", kernel_size, stride, padding, ceil_mode=ceil_mode,
                          count_include_pad=count_include_pad)
        pool_functions.check_divisor(divisor_override, "AvgPool2d")
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x):
        x, unbatched = _as_batch(x, "AvgPool2d")
        return _unbatch(F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                     self.count_include_pad, self.divisor_override), unbatched)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(Module):
    """Each value put back where ``MaxPool2d(..., return_indices=True)`` found it, zeros
    elsewhere: PyTorch's ``nn.MaxUnpool2d``. Call it as ``unpool(x, indices, output_size=None)``.

    x, indices: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out), H_out = (H - 1) sH - 2 pH + kH
    unless ``output_size`` (a sequence ending in (H_out, W_out): the pooled input's size) says.
    Defaults: stride=None (the kernel size), padding=0.
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        _check_pool_sizes("MaxUnpool2d", kernel_size, stride, padding)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, x, indices, output_size=None):
        return F.max_unpool2d(x, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
