"""``nn.ConvTranspose2d``: the transposed ("fractionally strided") convolution, PyTorch's layer.

The layer holds the settings and the weights; the arithmetic is autograd's
``ag.conv_transpose2d`` op (looked up when the layer runs, through ``nn.functional``).
Output size per spatial axis:
(H - 1) stride - 2 padding + dilation (kernel - 1) + output_padding + 1.
"""

import numbers

import numpy as np

from autograd.ops.conv_args import pair
from nn import functional as F
from nn import init
from nn.conv import _as_batch, _unbatch
from nn.linear import check_size
from nn.module import Module, cast_input
from nn.parameter import Parameter


class ConvTranspose2d(Module):
    """x: (N, in_channels, H, W) or (in_channels, H, W) -> (N, out_channels, H_out, W_out).

    ``weight``: (in_channels, out_channels // groups, kH, kW) (PyTorch's layout: the transpose of
    a Conv2d mapping out_channels to in_channels); ``bias``: (out_channels,). Both drawn as
    PyTorch's: kaiming_uniform_(a=sqrt(5)) with fan_in = weight.shape[1] * kH * kW, and the bias
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)). ``output_padding`` (smaller than stride or dilation)
    adds rows/columns at the bottom/right, to pick one of the input sizes a strided Conv2d maps
    to the same output size; ``forward(x, output_size=...)`` picks it from the wanted size.

    Defaults: stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1,
    padding_mode="zeros" (the only mode), dtype=None (float32).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", dtype=None):
        super().__init__()
        self.in_channels = check_size(in_channels, "in_channels", "ConvTranspose2d")
        self.out_channels = check_size(out_channels, "out_channels", "ConvTranspose2d")
        if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups < 1:
            raise ValueError(f"ConvTranspose2d: groups must be a positive int, got {groups!r}")
        if self.in_channels % groups or self.out_channels % groups:
            raise ValueError(f"ConvTranspose2d: in_channels ({in_channels}) and out_channels ({out_channels}) "
                             f"must both be divisible by groups ({groups})")
        self.kernel_size = pair(kernel_size, "kernel_size", "ConvTranspose2d", 1)
        self.stride = pair(stride, "stride", "ConvTranspose2d", 1)
        self.padding = pair(padding, "padding", "ConvTranspose2d", 0)
        self.dilation = pair(dilation, "dilation", "ConvTranspose2d", 1)
        self.output_padding = pair(output_padding, "output_padding", "ConvTranspose2d", 0)
        for extra, s, d in zip(self.output_padding, self.stride, self.dilation):
            if extra >= s and extra >= d:
                raise ValueError(f"ConvTranspose2d: output_padding {self.output_padding} must be smaller than "
                                 f"either stride {self.stride} or dilation {self.dilation}")
        if padding_mode != "zeros":
            raise ValueError(f"ConvTranspose2d: only padding_mode='zeros' is supported, got {padding_mode!r}")
        self.padding_mode = padding_mode
        self.groups = int(groups)
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        weight_shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(np.empty(weight_shape, dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw ``weight`` and ``bias`` again as at construction: kaiming_uniform_(a=sqrt(5)) and
        U(-1/sqrt(fan_in), 1/sqrt(fan_in)), with fan_in = weight.shape[1] * kH * kW."""
        # torch's fan_in of a transposed weight is weight.shape[1] * kernel area, as for any weight
        init.default_weight_and_bias_(self.weight, self.bias)

    def _output_padding(self, in_size, output_size):
        """output_padding that makes the output ``output_size`` = (H_out, W_out) (PyTorch's rule)."""
        if output_size is None:
            return self.output_padding
        output_size = tuple(output_size)[-2:]
        if len(output_size) != 2:
            raise ValueError(f"ConvTranspose2d: output_size must give (H_out, W_out), got {output_size!r}")
        extras = []
        for axis in range(2):
            smallest = ((in_size[axis] - 1) * self.stride[axis] - 2 * self.padding[axis]
                        + self.dilation[axis] * (self.kernel_size[axis] - 1) + 1)
            largest = smallest + self.stride[axis] - 1
            if not smallest <= output_size[axis] <= largest:
                raise ValueError(f"ConvTranspose2d: requested an output size of {output_size}, but valid sizes "
                                 f"for input {tuple(in_size)} range from ({smallest}) to ({largest}) on axis "
                                 f"{axis}")
            extras.append(output_size[axis] - smallest)
        return tuple(extras)

    def forward(self, x, output_size=None):
        x, unbatched = _as_batch(cast_input(x, self.weight.dtype), "ConvTranspose2d")
        if x.shape[1] != self.in_channels:
            raise ValueError(f"ConvTranspose2d: input has {x.shape[1]} channels (shape {x.shape}), "
                             f"expected in_channels={self.in_channels}")
        output_padding = self._output_padding(x.shape[2:], output_size)
        y = F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, output_padding,
                               self.groups, self.dilation)
        return _unbatch(y, unbatched)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.output_padding != (0, 0):
            text += f", output_padding={self.output_padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text
