"""Matrix multiplication with NumPy's rules: 1-D, 2-D and batched (batch axes broadcast)."""

import numpy as np

from autograd.engine import primal
from autograd.ops.broadcast import unbroadcast
from autograd.tensor import Tensor, constant

TWICE_DIFFERENTIABLE = True  # the closure works on Tensor gradients too (engine.primal)


def matmul(a, b):
    """a @ b.

    a: (..., n, k) or (k,); b: (..., k, m) or (k,) -> (..., n, m), with 1-D operands' axes
    dropped as in np.matmul. Backward: dA = dOut @ B^T and dB = A^T @ dOut, summed over any
    batch axes that were broadcast.
    """
    a = a if isinstance(a, Tensor) else constant(a, like=b if isinstance(b, Tensor) else None, op="matmul", name="a")
    b = b if isinstance(b, Tensor) else constant(b, like=a, op="matmul", name="b")
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape}: 0-d operands are not allowed")
    try:
        value = np.matmul(a.value, b.value)
    except ValueError:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned") from None
    output = Tensor(value, inputs=(a, b), op="@")

    def _backward():
        # view 1-D operands as a row (a) or a column (b) so every case is the batched one
        a2, b2 = primal(a), primal(b)
        a2 = a2[None, :] if a.ndim == 1 else a2
        b2 = b2[:, None] if b.ndim == 1 else b2
        g = output.grad
        if b.ndim == 1:
            g = g[..., None]
        if a.ndim == 1:
            g = g[..., None, :]
        if a.requires_grad:
            grad_a = unbroadcast(g @ b2.swapaxes(-1, -2), a2.shape)
            a.accumulate_grad(grad_a.reshape(a.shape))
        if b.requires_grad:
            grad_b = unbroadcast(a2.swapaxes(-1, -2) @ g, b2.shape)
            b.accumulate_grad(grad_b.reshape(b.shape))

    output._backward = _backward
    return output
