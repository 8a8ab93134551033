"""Broadcasting, forward and backward.

Broadcasting copies an operand along new leading axes and along axes of length 1; each copy
receives its own share of the output gradient, so the backward sums the gradient over exactly
those axes (the lesson's ``unbroadcast``). Example: ``(2,3,1,5,6) * (4,1,6) -> (2,3,4,5,6)``;
the first operand's gradient is summed over axis 2, the second's over axes 0, 1 and 3.
"""

import numpy as np

from autograd.tensor import Tensor


def unbroadcast(grad, shape):
    """Sum ``grad`` back to ``shape``, the shape it was broadcast from.

    grad: an array (or a Tensor: then the sum is an op) whose shape ``shape`` broadcasts to;
    returns an array (a Tensor) of ``shape``.
    """
    if type(grad) is not Tensor:  # an array; a Tensor (a graph-creating backward) sums as an op
        grad = np.asarray(grad)
    shape = tuple(shape)
    if grad.shape == shape:
        return grad
    return grad.sum(axis=summed_axes(shape, grad.shape)).reshape(shape)


def summed_axes(shape, broadcast_shape):
    """The axes of ``broadcast_shape`` that broadcasting ``shape`` created or stretched."""
    extra = len(broadcast_shape) - len(shape)
    if extra < 0 or any(
        n != 1 and n != m for n, m in zip(shape, broadcast_shape[extra:], strict=True)
    ):
        raise ValueError(f"unbroadcast: shape {tuple(shape)} does not broadcast to {broadcast_shape}")
    stretched = (extra + i for i, n in enumerate(shape) if n == 1 and broadcast_shape[extra + i] != 1)
    return tuple(range(extra)) + tuple(stretched)
