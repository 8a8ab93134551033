"""``ag.Tensor`` as an array: its NumPy-like properties, conversions, printing and comparisons.

None of these is differentiable: they read or write ``value``.
"""

import numbers

import numpy as np

from autograd.arrays import as_array


class TensorArray:
    """Mixin of ``Tensor``: ``shape``, ``dtype``, ``item()``, ``numpy()``, ``len``, iteration,
    assignment into a leaf, ``repr`` and the comparisons (plain boolean arrays)."""

    __slots__ = ()

    # -- array-like properties -----------------------------------------------------------
    @property
    def data(self):
        """PyTorch's and micrograd's name for ``value``."""
        return self.value

    @data.setter
    def data(self, value):
        self.value = as_array(value, "Tensor.data")

    shape = property(lambda self: self.value.shape, doc="The value's shape, a tuple of ints.")
    ndim = property(lambda self: self.value.ndim, doc="The number of axes, ``len(shape)``.")
    dtype = property(lambda self: self.value.dtype, doc="The value's NumPy dtype.")
    size = property(lambda self: ElementCount(self.value.size, self.value.shape),
                    doc="The number of elements (NumPy's ``x.size``), callable as PyTorch's ``x.size()``: "
                        "see ``ElementCount``.")
    is_leaf = property(lambda self: not self.inputs, doc="True for a tensor no op built (it has no inputs).")

    def item(self):
        """The single element as a Python number; a ValueError for more than one element."""
        if self.value.size != 1:
            raise ValueError(f"item: only a single-element tensor has an item, shape {self.shape}")
        return self.value.item()

    def numpy(self):
        """The value itself, a NumPy array of ``shape`` (shared memory, not a copy)."""
        return self.value

    def tolist(self):
        """The value as nested Python lists."""
        return self.value.tolist()

    def __len__(self):
        if self.value.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.value)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __setitem__(self, index, new_value):
        if self.inputs:
            raise RuntimeError(
                f"in-place assignment into the result of {self.op!r} would break its "
                "backward; assign into a leaf tensor or build a new one"
            )
        self.value[_plain_index(index)] = as_array(new_value, "Tensor.__setitem__", "value")

    __hash__ = object.__hash__

    def __repr__(self):
        body = np.array2string(self.value, separator=", ", prefix="Tensor(")
        extra = f", dtype={self.value.dtype}" if self.value.dtype != np.float64 else ""
        if self.inputs:
            extra += f", op={self.op!r}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        if self.label:
            extra += f", label={self.label!r}"
        return f"Tensor({body}{extra})"

    # comparisons are not differentiable: they return plain boolean arrays; an ordering against
    # something that is not numbers is a TypeError naming it (== and != follow NumPy)
    def __lt__(self, other):
        return self.value < _compared(other, "<")

    def __le__(self, other):
        return self.value <= _compared(other, "<=")

    def __gt__(self, other):
        return self.value > _compared(other, ">")

    def __ge__(self, other):
        return self.value >= _compared(other, ">=")

    def __eq__(self, other):
        return self.value == _plain(other)

    def __ne__(self, other):
        return self.value != _plain(other)


class ElementCount(int):
    """``x.size``: the number of elements, an int, that can also be called as PyTorch's ``x.size()``.

    NumPy's ``size`` is a property (``x.size == 6``) and PyTorch's a method (``x.size() == (2, 3)``,
    ``x.size(1) == 3``); lesson code and torch code both reach for it, and each spelling on the other
    library would silently mean something else or fail. An int subclass serves both: arithmetic and
    comparisons are the int's (``x.size // 2`` is a plain int), and calling it gives the shape.
    ``size(dim=None)``: the shape tuple when dim is None (the default), else the length of axis ``dim``
    (negative counts from the end).
    """

    def __new__(cls, count, shape):
        self = super().__new__(cls, count)
        self.shape = shape
        return self

    def __call__(self, dim=None):
        if dim is None:
            return self.shape
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
            raise TypeError(f"Tensor.size: dim must be an int, got {type(dim).__name__} {dim!r}")
        if not -len(self.shape) <= dim < len(self.shape):
            raise IndexError(f"Tensor.size: dim {dim} is out of range for a {len(self.shape)}-d tensor "
                             f"(shape {self.shape})")
        return self.shape[dim]

    def __reduce__(self):
        # pickled or deep-copied (a count kept in a checkpoint's metadata), it is the plain number
        return int, (int(self),)


def _plain(x):
    return x.value if isinstance(x, TensorArray) else x


def _compared(other, op):
    """The other side of a comparison as numbers (a wrong type names the comparison)."""
    if isinstance(other, TensorArray):
        return other.value
    if type(other) in (int, float) or type(other) is np.ndarray:
        return other
    return as_array(other, f"Tensor {op}", "other")


def _plain_index(index):
    if isinstance(index, tuple):
        return tuple(_plain(i) for i in index)
    return _plain(index)
