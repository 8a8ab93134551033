"""``nn.Dropout`` and ``nn.Dropout2d``: inverted dropout (of elements, of whole channels) while
training, the identity in eval mode."""

from nn import functional as F
from nn.module import Module


class Dropout(Module):
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) while
    ``training``; pass the input through unchanged after ``eval()``. Any shape in and out.
    ``p`` outside [0, 1] raises ValueError.

    Defaults p=0.5, inplace=False (accepted for PyTorch compatibility and ignored).
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        F._check_dropout_probability(p)
        self.p = p
        self.inplace = inplace

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Module):
    """Zero whole channels x[n, c] with probability ``p`` (scaling the rest by 1/(1-p)) while
    ``training``; the identity after ``eval()``. x: (N, C, H, W) (or (N, C, L), as PyTorch)
    -> same shape. ``p`` outside [0, 1] raises ValueError.

    Defaults p=0.5, inplace=False (accepted for PyTorch compatibility and ignored).
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        F._check_dropout_probability(p)
        self.p = p
        self.inplace = inplace

    def forward(self, x):
        return F.dropout2d(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
