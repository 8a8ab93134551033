"""Ops that move values around without arithmetic: reshape, transpose, indexing, padding,
joining and splitting. Each backward moves the gradient back the same way in reverse, with
moves that work on an array and on a Tensor alike (so ``ag.grad(..., create_graph=True)`` can
differentiate it again).
"""

import itertools
import math
import numbers

import numpy as np

from autograd.ops import dual
from autograd.ops.args import is_int, number_or_array, shape_tuple
from autograd.ops.axes import normalize_axes, normalize_axis
from autograd.ops.broadcast import unbroadcast
from autograd.tensor import Tensor, as_tensor

TWICE_DIFFERENTIABLE = True  # every closure below works on Tensor gradients too


def reshape(x, shape):
    """The same elements in a new ``shape`` (one entry may be -1); the output has that shape."""
    x = as_tensor(x, "reshape", "x")
    shape = shape_tuple(shape, "reshape", allow_minus_one=True)
    try:
        value = x.value.reshape(shape)
    except ValueError:
        raise ValueError(f"reshape: cannot reshape shape {x.shape} into {shape}") from None
    output = Tensor(value, inputs=(x,), op="reshape")

    def _backward():
        x.accumulate_grad(output.grad.reshape(x.shape))

    output._backward = _backward
    return output


def flatten(x, start_dim=0, end_dim=-1):
    """Axes start_dim..end_dim merged into one (PyTorch's flatten). The defaults start_dim=0,
    end_dim=-1 give 1-D: (N, C, H, W) -> (N*C*H*W,); start_dim=1 gives (N, C*H*W).
    """
    x = as_tensor(x, "flatten", "x")
    if x.ndim == 0:
        return reshape(x, (1,))
    start = normalize_axis(start_dim, x.ndim, "flatten")
    end = normalize_axis(end_dim, x.ndim, "flatten")
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = math.prod(x.shape[start:end + 1])  # not -1: NumPy cannot infer it when another axis is 0
    return reshape(x, (*x.shape[:start], merged, *x.shape[end + 1:]))


def transpose(x, axes=None):
    """Axes permuted, like np.transpose: output axis i is x's axis ``axes[i]``; axes=None (the
    default) reverses them, so (A, B, C) -> (C, B, A).
    """
    x = as_tensor(x, "transpose", "x")
    if axes is None:
        axes = tuple(reversed(range(x.ndim)))
    else:
        if is_int(axes):  # NumPy's one-axis permutation of a vector: x.transpose(0)
            axes = (axes,)
        axes = tuple(normalize_axis(a, x.ndim, "transpose") for a in axes)
        if sorted(axes) != list(range(x.ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of {x.ndim} axes")
    output = Tensor(np.transpose(x.value, axes), inputs=(x,), op="transpose")

    def _backward():
        x.accumulate_grad(output.grad.transpose(tuple(int(a) for a in np.argsort(axes))))

    output._backward = _backward
    return output


def swapaxes(x, axis1, axis2):
    """Axes ``axis1`` and ``axis2`` exchanged, like np.swapaxes: (A, B, C) with 0, 2 -> (C, B, A)."""
    x = as_tensor(x, "swapaxes", "x")
    axes = list(range(x.ndim))
    a = normalize_axis(axis1, x.ndim, "swapaxes")
    b = normalize_axis(axis2, x.ndim, "swapaxes")
    axes[a], axes[b] = axes[b], axes[a]
    return transpose(x, axes)


def expand_dims(x, axis):
    """New axes of length 1 at ``axis`` (an int or a tuple), like np.expand_dims: (A, B) at 1 -> (A, 1, B)."""
    x = as_tensor(x, "expand_dims", "x")
    count = len(axis) if isinstance(axis, (tuple, list)) else 1
    axes = normalize_axes(axis, x.ndim + count, "expand_dims")
    return reshape(x, np.expand_dims(x.value, axes).shape)


def squeeze(x, axis=None):
    """Axes of length 1 removed: all of them with axis=None (the default), else the ones in ``axis``
    (an int or a tuple). (A, 1, B) -> (A, B).
    """
    x = as_tensor(x, "squeeze", "x")
    if axis is None:
        axes = tuple(i for i, n in enumerate(x.shape) if n == 1)
    else:
        axes = normalize_axes(axis, x.ndim, "squeeze")
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} has length {x.shape[a]}, not 1 (shape {x.shape})")
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def broadcast_to(x, shape):
    """x repeated along new or length-1 axes to ``shape`` (the output's shape); the backward sums it back."""
    x = as_tensor(x, "broadcast_to", "x")
    shape = shape_tuple(shape, "broadcast_to")
    try:
        value = np.broadcast_to(x.value, shape)
    except ValueError:
        raise ValueError(f"broadcast_to: shape {x.shape} cannot be broadcast to {shape}") from None
    output = Tensor(value, inputs=(x,), op="broadcast_to")

    def _backward():
        x.accumulate_grad(unbroadcast(output.grad, x.shape))

    output._backward = _backward
    return output


def _plain_index(index):
    if isinstance(index, Tensor):
        return index.value
    if isinstance(index, tuple):
        return tuple(i.value if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _is_basic(index):
    """True for ints, slices, None and Ellipsis: such an index never repeats an element."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        part is None or part is Ellipsis or isinstance(part, (slice, numbers.Integral))
        for part in parts
    )


def getitem(x, index):
    """``x[index]``: slices, ints, None, Ellipsis, integer arrays, boolean masks, tuples of
    them; the output has NumPy's shape for that index. Repeated integer indices each send their
    gradient back (they add up, with ``np.add.at``), the fix the lesson's exercise 2.2 asks for.
    """
    x = as_tensor(x, "getitem", "x")
    index = _plain_index(index)
    try:
        value = np.asarray(x.value[index])
    except (IndexError, TypeError, ValueError) as error:
        raise IndexError(f"getitem: index {index!r} does not fit shape {x.shape}: {error}") from None
    output = Tensor(value, inputs=(x,), op="[...]")

    def _backward():
        x.accumulate_grad(_index_add(output.grad, index, x.shape))

    output._backward = _backward
    return output


def _index_add(g, index, shape):
    """zeros(shape) with ``g`` added at ``index`` (repeated integer indices add up, ``np.add.at``):
    getitem's backward, an op whose own backward is getitem again."""
    g = as_tensor(g)
    value = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        value[index] = g.value
    else:
        np.add.at(value, index, g.value)
    output = Tensor(value, inputs=(g,), op="index_add")

    def _backward():
        g.accumulate_grad(getitem(output.grad, index))

    output._backward = _backward
    return output


def pad(x, pad_width, mode="constant", constant_values=0):
    """Constant padding, np.pad's ``pad_width``: an int, (before, after), or one pair per
    axis; the output's shape grows along each axis by before + after. mode="constant" (the default,
    and the only differentiable mode) fills with constant_values=0 (the default). The backward crops
    the gradient back to x's region.
    """
    x = as_tensor(x, "pad", "x")
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is differentiable here, got {mode!r}")
    if x.ndim == 0:
        raise ValueError("pad: a 0-d input has no axes to pad (shape ())")
    constant_values = number_or_array(constant_values, "pad", "constant_values")
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (x.ndim, 2))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit a {x.ndim}-d input") from None
    if widths.dtype.kind not in "iu" or (widths < 0).any():  # bools, floats, text are refused
        raise ValueError(f"pad: widths must be non-negative ints, got {pad_width!r}")
    widths = [(int(before), int(after)) for before, after in widths]
    value = np.pad(x.value, widths, mode="constant", constant_values=constant_values)
    output = Tensor(value, inputs=(x,), op="pad")
    region = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape, strict=True))

    def _backward():
        x.accumulate_grad(output.grad[region])

    output._backward = _backward
    return output


def _tensor_list(tensors, op):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: tensors must be a list or tuple of tensors, got {type(tensors).__name__}")
    return [as_tensor(t, op, f"tensors[{i}]") for i, t in enumerate(tensors)]


def concatenate(tensors, axis=0):
    """Tensors joined along an existing ``axis`` (default 0): their other axes must match, and the
    output's ``axis`` is the sum of theirs, e.g. (2, C) and (3, C) -> (5, C).
    """
    tensors = _tensor_list(tensors, "concatenate")
    if not tensors:
        raise ValueError("concatenate: needs at least one tensor")
    axis = normalize_axis(axis, tensors[0].ndim, "concatenate")
    try:
        value = np.concatenate([t.value for t in tensors], axis=axis)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise ValueError(f"concatenate: shapes {shapes} do not match off axis {axis}") from None
    output = Tensor(value, inputs=tuple(tensors), op="concatenate")
    ends = np.cumsum([t.shape[axis] for t in tensors])

    def _backward():
        g = output.grad
        for t, stop in zip(tensors, ends, strict=True):
            if t.requires_grad:
                t.accumulate_grad(dual.take(g, slice(int(stop) - t.shape[axis], int(stop)), axis))

    output._backward = _backward
    return output


def stack(tensors, axis=0):
    """Tensors of one shape S joined along a new ``axis`` (default 0): k tensors -> (k, *S) for axis=0."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise ValueError("stack: needs at least one tensor")
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors need the same shape, got {sorted(shapes)}")
    axis = normalize_axis(axis, tensors[0].ndim + 1, "stack")
    output = Tensor(np.stack([t.value for t in tensors], axis=axis), inputs=tuple(tensors), op="stack")

    def _backward():
        for i, t in enumerate(tensors):
            if t.requires_grad:
                t.accumulate_grad(dual.take(output.grad, i, axis))

    output._backward = _backward
    return output


def split(x, indices_or_sections, axis=0):
    """A list of pieces along ``axis`` (default 0), np.split's rules: ``indices_or_sections`` an int
    (which must divide the length: equal pieces) or the indices to cut at. Each piece keeps x's
    shape except along ``axis``.
    """
    x = as_tensor(x, "split", "x")
    axis = normalize_axis(axis, x.ndim, "split")
    length = x.shape[axis]
    if is_int(indices_or_sections):
        sections = int(indices_or_sections)
        if sections <= 0 or length % sections:
            raise ValueError(f"split: {sections} sections do not divide axis {axis} of length {length}")
        bounds = list(range(0, length + 1, length // sections))
    else:
        indices = shape_tuple(indices_or_sections, "split", "indices_or_sections")
        if list(indices) != sorted(indices) or (indices and indices[-1] > length):
            raise ValueError(f"split: indices {indices} must be increasing and within axis {axis} of length {length}")
        bounds = [0, *indices, length]
    lead = (slice(None),) * axis
    return [getitem(x, (*lead, slice(start, stop))) for start, stop in itertools.pairwise(bounds)]
