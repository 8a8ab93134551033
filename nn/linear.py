"""``nn.Linear``: y = x W^T + b."""

import numpy as np

from nn import functional as F
from nn import init
from nn.module import Module, cast_input
from nn.parameter import Parameter


def check_size(value, name, layer):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{layer}: {name} must be a non-negative int, got {value!r}")
    return int(value)


class Linear(Module):
    """Fully connected layer, PyTorch's ``nn.Linear``.

    x: (*, in_features) -> (*, out_features). Parameters ``weight`` (out_features, in_features)
    and ``bias`` (out_features,), both U(-1/sqrt(in_features), 1/sqrt(in_features)), float32
    unless ``dtype`` says otherwise; the input is cast to the parameters' dtype.

    bias=True (the default) adds the bias; bias=False leaves it out (``bias`` is None).
    """

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features = check_size(in_features, "in_features", "Linear")
        self.out_features = check_size(out_features, "out_features", "Linear")
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw ``weight`` and ``bias`` again from U(-1/sqrt(in_features), 1/sqrt(in_features))."""
        init.default_weight_and_bias_(self.weight, self.bias)

    def forward(self, x):
        return F.linear(cast_input(x, self.weight.dtype, "Linear"), self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
