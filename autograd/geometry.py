"""Where the windows of a convolution or a pool fall on its input: the geometry, nothing else.

Lesson 6 keeps ``Conv2d`` (semantics) apart from ``im2col`` (geometry); this is the geometry
every op and kernel shares. The notation is ``autograd.im2col``'s:

    N, C, H, W     the input (N, C, H, W)
    kH, kW         kernel size;  sH, sW stride;  dH, dW dilation (the step between two taps)
    padding        ((top, bottom), (left, right)) values added around the input
    H_pad, W_pad   the padded input's size
    H_out, W_out   output size: H_out = (H_pad - dH (kH - 1) - 1) // sH + 1
    L              windows per image, H_out * W_out
"""

import numbers


def is_int(value):
    """An int (Python's or NumPy's), not a bool: what every size argument must be."""
    return type(value) is int or (isinstance(value, numbers.Integral) and not isinstance(value, bool))


class WindowGeometry:
    """The windows of one op on an (N, C, H, W) input.

    kernel, stride, dilation: (height, width) pairs; padding: ((top, bottom), (left, right)).
    The ops check the arguments (``autograd.ops.conv_args``); this class only computes.
    """

    __slots__ = ("C", "H", "H_out", "H_pad", "N", "W", "W_out", "W_pad", "dilation", "kernel", "padding", "stride")

    def __init__(self, shape, kernel, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1)):
        self.N, self.C, self.H, self.W = shape
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation
        self.H_pad = self.H + padding[0][0] + padding[0][1]
        self.W_pad = self.W + padding[1][0] + padding[1][1]
        self.H_out = (self.H_pad - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
        self.W_out = (self.W_pad - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1

    @property
    def L(self):
        """Number of windows per image."""
        return self.H_out * self.W_out

    @property
    def shape(self):
        """The input's shape (N, C, H, W)."""
        return (self.N, self.C, self.H, self.W)

    @property
    def padded_shape(self):
        return (self.N, self.C, self.H_pad, self.W_pad)

    def with_channels(self, channels):
        """The same windows over an input of ``channels`` channels (a convolution's output side)."""
        return WindowGeometry((self.N, channels, self.H, self.W), self.kernel, self.stride, self.padding, self.dilation)

    def __repr__(self):
        return (f"WindowGeometry(shape={self.shape}, kernel={self.kernel}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation})")
