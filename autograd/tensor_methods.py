"""The operators and methods of ``ag.Tensor`` (``x + y``, ``x @ w``, ``x.sum(axis)``, ...).

Each one is a call into ``autograd/ops``, where the op's forward and backward live together;
``Tensor`` inherits them from ``TensorMethods``. The ops are looked up when called (``ops.shape``
and the others are loaded by ``autograd.tensor`` once ``Tensor`` exists, since they build Tensors).
"""

import numbers

from autograd import ops
from autograd.ops.keywords import DIM, DIMS, VAR, torch_keywords


class TensorMethods:
    """Mixin of ``Tensor``: its operators and the methods named after ``ag`` functions."""

    __slots__ = ()

    # -- operators (forward and backward of each live in autograd/ops) -------------------
    def __add__(self, other):
        return ops.elementwise.add(self, other)

    def __radd__(self, other):
        return ops.elementwise.add(other, self)

    def __sub__(self, other):
        return ops.elementwise.sub(self, other)

    def __rsub__(self, other):
        return ops.elementwise.sub(other, self)

    def __mul__(self, other):
        return ops.elementwise.mul(self, other)

    def __rmul__(self, other):
        return ops.elementwise.mul(other, self)

    def __truediv__(self, other):
        return ops.elementwise.div(self, other)

    def __rtruediv__(self, other):
        return ops.elementwise.div(other, self)

    def __pow__(self, other):
        return ops.elementwise.power(self, other)

    def __rpow__(self, other):
        return ops.elementwise.power(other, self)

    def __matmul__(self, other):
        return ops.linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.linalg.matmul(other, self)

    def __neg__(self):
        return ops.elementwise.neg(self)

    def __getitem__(self, index):
        return ops.shape.getitem(self, index)

    # -- methods for the common functions --------------------------------------------------
    def exp(self):
        """``ag.exp(self)``: see there for shapes and the gradient."""
        return ops.elementwise.exp(self)

    def log(self):
        """``ag.log(self)``: see there for shapes and the gradient."""
        return ops.elementwise.log(self)

    def sqrt(self):
        """``ag.sqrt(self)``: see there for shapes and the gradient."""
        return ops.elementwise.sqrt(self)

    def abs(self):
        """``ag.abs(self)``: see there for shapes and the gradient."""
        return ops.elementwise.abs(self)

    def tanh(self):
        """``ag.tanh(self)``: see there for shapes and the gradient."""
        return ops.elementwise.tanh(self)

    def sigmoid(self):
        """``ag.sigmoid(self)``: see there for shapes and the gradient."""
        return ops.elementwise.sigmoid(self)

    def relu(self):
        """``ag.relu(self)``: see there for shapes and the gradient."""
        return ops.elementwise.relu(self)

    def clip(self, min=None, max=None):
        """``ag.clip(self, min, max)``; min=None, max=None (the defaults) leave that side open."""
        return ops.elementwise.clip(self, min, max)

    def astype(self, dtype, copy=True):
        """The same values as ``dtype`` (same shape); the gradient is cast back to this tensor's dtype.
        copy (default True) is NumPy's argument, accepted so that a formula reads the same on arrays:
        a tensor already of ``dtype`` is returned as is either way (it is never written in place)."""
        return ops.elementwise.astype(self, dtype)

    @torch_keywords("Tensor.sum", **DIMS)
    def sum(self, axis=None, keepdims=False):
        """``ag.sum(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False."""
        return ops.reduce.sum(self, axis, keepdims)

    @torch_keywords("Tensor.mean", **DIMS)
    def mean(self, axis=None, keepdims=False):
        """``ag.mean(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False."""
        return ops.reduce.mean(self, axis, keepdims)

    @torch_keywords("Tensor.max", **DIMS)
    def max(self, axis=None, keepdims=False):
        """``ag.max(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False.
        The values only, like NumPy: unlike torch's ``x.max(dim)``, no (values, indices) pair
        (``x.argmax(dim)`` gives the indices)."""
        return ops.reduce.max(self, axis, keepdims)

    @torch_keywords("Tensor.min", **DIMS)
    def min(self, axis=None, keepdims=False):
        """``ag.min(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False.
        The values only, like NumPy (not torch's (values, indices) of ``x.min(dim)``)."""
        return ops.reduce.min(self, axis, keepdims)

    @torch_keywords("Tensor.var", **VAR)
    def var(self, axis=None, keepdims=False, ddof=0):
        """``ag.var(self, axis, keepdims, ddof)``; defaults axis=None (all axes), keepdims=False, ddof=0
        (NumPy's biased estimate; torch's default is ``correction=1``, or ``unbiased=True``: ddof=1)."""
        return ops.reduce.var(self, axis, keepdims, ddof)

    @torch_keywords("Tensor.logsumexp", **DIMS)
    def logsumexp(self, axis=None, keepdims=False):
        """``ag.logsumexp(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False."""
        return ops.reduce.logsumexp(self, axis, keepdims)

    @torch_keywords("Tensor.softmax", **DIM)
    def softmax(self, axis=-1):
        """``ag.softmax(self, axis)``; default axis=-1 (the last)."""
        return ops.reduce.softmax(self, axis)

    @torch_keywords("Tensor.log_softmax", **DIM)
    def log_softmax(self, axis=-1):
        """``ag.log_softmax(self, axis)``; default axis=-1 (the last)."""
        return ops.reduce.log_softmax(self, axis)

    @torch_keywords("Tensor.argmax", **DIMS)
    def argmax(self, axis=None, keepdims=False):
        """``ag.argmax(self, axis, keepdims)``: an integer array; defaults axis=None (flat index), keepdims=False."""
        return ops.reduce.argmax(self, axis, keepdims)

    def reshape(self, *shape):
        """``ag.reshape``: ``x.reshape(2, 3)`` or ``x.reshape((2, 3))``; one entry may be -1."""
        return ops.shape.reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes):
        """NumPy's ``transpose(*axes)`` (a permutation), except that two axes swap those two,
        PyTorch's ``x.transpose(dim0, dim1)``: so ``x.transpose(0, 1)`` of a matrix is its transpose."""
        if len(axes) == 2 and all(isinstance(a, numbers.Integral) for a in axes):
            return ops.shape.swapaxes(self, *axes)
        return ops.shape.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    @property
    def T(self):
        """All axes reversed, ``ag.transpose(self)``: (A, B) -> (B, A)."""
        return ops.shape.transpose(self)

    def swapaxes(self, axis1, axis2):
        """``ag.swapaxes(self, axis1, axis2)``: see there for shapes and the gradient."""
        return ops.shape.swapaxes(self, axis1, axis2)

    def flatten(self, start_dim=0, end_dim=-1):
        """``ag.flatten(self, start_dim, end_dim)``; defaults start_dim=0, end_dim=-1 (1-D)."""
        return ops.shape.flatten(self, start_dim, end_dim)

    def squeeze(self, axis=None):
        """``ag.squeeze(self, axis)``; default axis=None removes every axis of length 1."""
        return ops.shape.squeeze(self, axis)

    def expand_dims(self, axis):
        """``ag.expand_dims(self, axis)``: a new axis of length 1 at ``axis`` (torch: ``unsqueeze``)."""
        return ops.shape.expand_dims(self, axis)

    def broadcast_to(self, shape):
        """``ag.broadcast_to(self, shape)``: see there for shapes and the gradient."""
        return ops.shape.broadcast_to(self, shape)

    def matmul(self, other):
        """``ag.matmul(self, other)`` (``self @ other``): see there for shapes and the gradient."""
        return ops.linalg.matmul(self, other)
