"""Layers that only reshape or pass through: ``Flatten`` and ``Identity``."""

from autograd.ops import shape
from nn.module import Module


class Flatten(Module):
    """Merge axes start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W) with the defaults."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        return shape.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """Returns its input; takes (and ignores) any arguments, like PyTorch's, so it can stand
    in for a layer that is switched off.

    Any shape in, the same shape (the same tensor) out.
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x
