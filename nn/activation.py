"""Activation layers: ``ReLU``, ``Tanh``, ``Sigmoid`` (elementwise, any shape in and out)."""

from autograd.ops import elementwise
from nn.module import Module


class ReLU(Module):
    """max(x, 0). ``inplace`` is accepted for PyTorch compatibility and ignored: agrad never
    overwrites a value the backward pass may need.

    Elementwise: any shape in, the same shape out.
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return elementwise.relu(x)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Tanh(Module):
    """tanh(x), elementwise: any shape in, the same shape out."""

    def forward(self, x):
        return elementwise.tanh(x)


class Sigmoid(Module):
    """1 / (1 + exp(-x)), without overflow for any x; elementwise: any shape in, the same shape out."""

    def forward(self, x):
        return elementwise.sigmoid(x)
