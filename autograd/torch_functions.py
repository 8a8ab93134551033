"""PyTorch's module functions that agrad spells otherwise or lacked: ``ag.zeros``, ``ag.ones``,
``ag.zeros_like``, ``ag.ones_like``, ``ag.cat`` and ``ag.permute``.

The creation functions follow torch's defaults rather than ``ag.Tensor``'s: float32 (agrad models are
float32 end to end, and a float64 tensor among them would upcast every op it meets) and
``requires_grad=False``. ``cat`` and ``permute`` are thin aliases of ``concatenate`` and ``transpose``.
"""

import numpy as np

from autograd.arrays import as_array
from autograd.ops import shape as shape_ops
from autograd.ops.args import check_bool, check_dtype, check_int, is_int, shape_tuple
from autograd.ops.keywords import called_as
from autograd.tensor import Tensor, as_tensor
from autograd.tensor_torch_names import permutation


def zeros(*shape, dtype=np.float32, requires_grad=False):
    """A Tensor of zeros of ``shape``, torch's ``zeros``: ``ag.zeros(2, 3)`` or ``ag.zeros((2, 3))``
    has shape (2, 3). dtype=np.float32 (the default, torch's); requires_grad=False (the default,
    torch's; ``ag.Tensor(...)`` itself defaults to True)."""
    return _filled(np.zeros, "zeros", shape, dtype, requires_grad)


def ones(*shape, dtype=np.float32, requires_grad=False):
    """A Tensor of ones of ``shape``, torch's ``ones``: ``ag.ones(2, 3)`` or ``ag.ones((2, 3))`` has
    shape (2, 3). dtype=np.float32 (the default, torch's); requires_grad=False (the default)."""
    return _filled(np.ones, "ones", shape, dtype, requires_grad)


def zeros_like(x, dtype=None, requires_grad=False):
    """Zeros of x's shape (x a Tensor or an array), torch's ``zeros_like``: dtype=None (the
    default) keeps x's dtype; requires_grad=False (the default)."""
    values = x.value if isinstance(x, Tensor) else as_array(x, "zeros_like", "x")
    return _filled(np.zeros, "zeros_like", (values.shape,), values.dtype if dtype is None else dtype, requires_grad)


def ones_like(x, dtype=None, requires_grad=False):
    """Ones of x's shape (x a Tensor or an array), torch's ``ones_like``: dtype=None (the default)
    keeps x's dtype; requires_grad=False (the default)."""
    values = x.value if isinstance(x, Tensor) else as_array(x, "ones_like", "x")
    return _filled(np.ones, "ones_like", (values.shape,), values.dtype if dtype is None else dtype, requires_grad)


def _filled(fill, op, shape, dtype, requires_grad):
    if not shape:  # torch refuses it too: more likely a forgotten shape than a wish for a 0-d tensor
        raise TypeError(f"{op}: give a shape, {op}(2, 3) or {op}((2, 3)); {op}(()) is a 0-d tensor")
    if len(shape) == 1 and not is_int(shape[0]):  # ag.zeros((2, 3)) as well as ag.zeros(2, 3)
        shape = shape[0]
    shape = shape_tuple(shape, op)
    dtype = check_dtype(dtype, op)
    if check_bool(requires_grad, op, "requires_grad") and dtype.kind != "f":
        raise TypeError(f"{op}: only a floating dtype can require grad, got dtype {dtype}")
    return Tensor(fill(shape, dtype), requires_grad=requires_grad)


def cat(tensors, dim=0):
    """``ag.concatenate(tensors, axis=dim)``, torch's ``cat``: tensors joined along the existing axis
    ``dim`` (default 0), their other axes equal: (2, C) and (3, C) -> (5, C)."""
    check_int(dim, "cat", "dim")
    with called_as("cat", "concatenate", axis="dim"):
        return shape_ops.concatenate(tensors, dim)


def permute(x, dims):
    """x's axes reordered, torch's ``permute``: output axis i is x's axis ``dims[i]``, each axis once
    (negative ones count from the end); (A, B, C) with (2, 0, 1) -> (C, A, B). ``ag.transpose``
    with torch's name and argument."""
    x = as_tensor(x, "permute", "x")
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"permute: dims must be a tuple or list of ints, got {type(dims).__name__} {dims!r}")
    return shape_ops.transpose(x, permutation(tuple(dims), x.ndim, "permute"))
