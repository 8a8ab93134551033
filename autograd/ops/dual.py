"""The functions backward formulas call, for an array or a Tensor alike.

A closure's gradient ``g = output.grad`` is a NumPy array in a first-order pass and a Tensor in
``ag.grad(..., create_graph=True)`` (``engine.primal`` gives the forward values the same way).
Operators (``+ - * / ** @``), indexing and the methods ``sum``, ``mean``, ``reshape``,
``transpose``, ``swapaxes`` and ``astype`` already mean the same on both; these are the few NumPy
functions a formula needs besides: each runs NumPy on arrays (the first-order pass costs what it
did before) and the differentiable ag op on a Tensor.
"""

import numpy as np
from scipy import special

from autograd.tensor import Tensor


def exp(x):
    """e^x elementwise, same shape (np.exp or ag.exp)."""
    if type(x) is Tensor:
        return elementwise.exp(x)
    return np.exp(x)


def log(x):
    """The natural logarithm elementwise, same shape (np.log or ag.log)."""
    if type(x) is Tensor:
        return elementwise.log(x)
    return np.log(x)


def tanh(x):
    """tanh(x) elementwise, same shape (np.tanh or ag.tanh)."""
    if type(x) is Tensor:
        return elementwise.tanh(x)
    return np.tanh(x)


def sigmoid(x):
    """1 / (1 + e^-x) elementwise, same shape (scipy's expit or ag.sigmoid)."""
    if type(x) is Tensor:
        return elementwise.sigmoid(x)
    return special.expit(x)


def where(condition, a, b):
    """``a`` where ``condition`` (a boolean array) holds, else ``b``; broadcast shape."""
    if type(a) is Tensor or type(b) is Tensor:
        return elementwise.where(condition, a, b)
    return np.where(condition, a, b)


def broadcast_to(x, shape):
    """x repeated to ``shape`` (a read-only view for an array)."""
    if type(x) is Tensor:
        return shape_ops.broadcast_to(x, shape)
    return np.broadcast_to(x, shape)


def expand_dims(x, axes):
    """New axes of length 1 at ``axes`` (a tuple of ints, as in the output)."""
    if type(x) is Tensor:
        return x.reshape(np.expand_dims(x.value, axes).shape)
    return np.expand_dims(x, axes)


def scatter_add(g, flat_index, size):
    """A (size,) vector of zeros with g's values added at ``flat_index`` (same shape as g, repeats
    adding up): np.bincount on an array, getitem's adjoint op on a Tensor."""
    if type(g) is Tensor:
        return shape_ops._index_add(g.reshape(-1), flat_index.reshape(-1), (size,))
    return np.bincount(flat_index.ravel(), weights=g.ravel(), minlength=size)


def take(x, index, axis):
    """x[..., index, ...] with ``index`` (an int or a slice) on ``axis``."""
    return x[(slice(None),) * axis + (index,)]


from autograd.ops import elementwise  # noqa: E402
from autograd.ops import shape as shape_ops  # noqa: E402
