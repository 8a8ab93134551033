"""PyTorch's spellings of ``ag.Tensor``'s methods, for code and habits that come from torch:
``view``, ``view_as``, ``permute``, ``unsqueeze``, ``clamp``, ``clone``, ``dim()``, ``numel()``,
``requires_grad_()`` and ``abs(x)``.

Each is a thin alias onto an existing op: no derivative of its own. Arguments keep torch's names
(``dims``, ``dim``), and a wrong one is an error naming the method the user called
(``Tensor.view``), not the op underneath. Elsewhere: the reductions' ``dim=``/``keepdim=`` in
``autograd.ops.keywords``, ``x.size()`` in ``tensor_array.ElementCount``, and the functions
``ag.zeros``, ``ag.cat``, ... in ``autograd.torch_functions``.
"""

import numbers

import numpy as np

from autograd import ops
from autograd.ops.keywords import called_as


class TorchNames:
    """Mixin of ``Tensor``: PyTorch's names for agrad's reshape, transpose, expand_dims, clip, ..."""

    __slots__ = ()

    def view(self, *shape):
        """``ag.reshape``: ``x.view(2, 3)`` or ``x.view((2, 3))``; one entry may be -1. Unlike torch's
        ``view`` it never fails for a non-contiguous tensor (it copies then, as torch's ``reshape``),
        and there is no ``x.view(dtype)``: use ``astype``."""
        with called_as("Tensor.view", "reshape"):
            return ops.shape.reshape(self, shape[0] if len(shape) == 1 else shape)

    def view_as(self, other):
        """``x.view(other.shape)``: other is a Tensor (or array) whose shape this one takes."""
        shape = getattr(other, "shape", None)
        if not isinstance(shape, tuple):
            raise TypeError(f"Tensor.view_as: other must be a Tensor or an array, got {type(other).__name__}")
        with called_as("Tensor.view_as", "reshape"):
            return ops.shape.reshape(self, shape)

    def permute(self, *dims):
        """Axes reordered, torch's ``permute``: output axis i is this tensor's axis ``dims[i]``;
        ``x.permute(2, 0, 1)`` or ``x.permute((2, 0, 1))``, each axis once (negative ones count
        from the end). (A, B, C) with (2, 0, 1) -> (C, A, B)."""
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        return ops.shape.transpose(self, permutation(dims, self.ndim, "Tensor.permute"))

    def unsqueeze(self, dim):
        """A new axis of length 1 at ``dim`` (``ag.expand_dims``): (A, B) at 1 -> (A, 1, B); dim
        counts in the output, from -ndim-1 to ndim, as torch's."""
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
            raise TypeError(f"Tensor.unsqueeze: dim must be an int, got {type(dim).__name__} {dim!r}")
        if not -self.ndim - 1 <= dim <= self.ndim:
            raise ValueError(f"Tensor.unsqueeze: dim {dim} is out of range for a {self.ndim}-d tensor "
                             f"(from {-self.ndim - 1} to {self.ndim})")
        return ops.shape.expand_dims(self, int(dim))

    def clamp(self, min=None, max=None):
        """``ag.clip(self, min, max)``, torch's ``clamp``; min=None, max=None (the defaults) leave that
        side open, but one of them must be given."""
        with called_as("Tensor.clamp", "clip"):
            return ops.elementwise.clip(self, min, max)

    def clamp_min(self, min):
        """``x.clamp(min=min)``: values below ``min`` raised to it."""
        if min is None:
            raise TypeError("Tensor.clamp_min: min must be a number, array or Tensor, got None")
        with called_as("Tensor.clamp_min", "clip"):
            return ops.elementwise.clip(self, min, None)

    def clamp_max(self, max):
        """``x.clamp(max=max)``: values above ``max`` lowered to it."""
        if max is None:
            raise TypeError("Tensor.clamp_max: max must be a number, array or Tensor, got None")
        with called_as("Tensor.clamp_max", "clip"):
            return ops.elementwise.clip(self, None, max)

    def clone(self):
        """``ag.clone(self)``: a copy in new memory, in the graph (its gradient flows back to this tensor)."""
        return ops.elementwise.clone(self)

    def __abs__(self):
        return ops.elementwise.abs(self)

    def dim(self):
        """The number of axes, ``ndim`` (torch's ``x.dim()``)."""
        return self.value.ndim

    def numel(self):
        """The number of elements, ``size`` as a plain int (torch's ``x.numel()``)."""
        return int(self.value.size)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` (default True) in place and return this tensor, torch's rules: on a
        leaf it may go either way; the result of an op already requires grad, and turning that off
        is a RuntimeError (``detach()`` gives a copy cut from the graph). Only a floating tensor can
        require grad."""
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"Tensor.requires_grad_: requires_grad must be True or False, got "
                            f"{type(requires_grad).__name__} {requires_grad!r}")
        if self.inputs:
            if not requires_grad:
                raise RuntimeError(f"Tensor.requires_grad_: only a leaf's requires_grad can be changed, and this "
                                   f"tensor is the result of {self.op!r}; use detach() to cut it from the graph")
            return self
        if requires_grad and self.value.dtype.kind != "f":
            raise TypeError(f"Tensor.requires_grad_: only a floating tensor can require grad, this one is {self.dtype}")
        self.requires_grad = bool(requires_grad)
        return self


def permutation(dims, ndim, op):
    """``dims`` checked to list each of ``ndim`` axes once, as non-negative ints (``permute``'s argument)."""
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral):
            raise TypeError(f"{op}: dims must be ints, got {type(d).__name__} {d!r} in {dims!r}")
    if len(dims) != ndim or not all(-ndim <= d < ndim for d in dims):
        raise ValueError(f"{op}: dims {tuple(dims)} must list each axis of the {ndim}-d tensor once")
    axes = tuple(int(d) % ndim for d in dims)
    if len(set(axes)) != ndim:
        raise ValueError(f"{op}: dims {tuple(dims)} repeat an axis: each of the {ndim} axes must appear once")
    return axes
