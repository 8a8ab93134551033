"""``nn.utils``: gradient clipping, PyTorch's ``clip_grad_norm_`` and ``clip_grad_value_``.

Both change the parameters' ``.grad`` in place, between ``loss.backward()`` and
``optimizer.step()``; parameters nothing flowed into (``has_grad`` False) are skipped. A
gradient that is a Tensor in a graph (after ``backward(create_graph=True)``) has its values
clipped and keeps its graph as it was, as PyTorch's in-place clipping under no_grad does: what
is differentiated later is the unclipped gradient's graph.
"""

import math
import numbers

import numpy as np

from autograd.ops.elementwise import clone
from autograd.tensor import Tensor


def _with_grads(parameters, function):
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{function}: parameters must be Tensors, got {type(p).__name__}")
    return [p for p in params if p.has_grad]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    The total norm is the ``norm_type``-norm of the vector of every gradient entry (``inf``: the
    largest |g|); when it exceeds max_norm each gradient is multiplied by
    max_norm / (total_norm + 1e-6), PyTorch's formula. Returns the total norm before clipping (a
    NumPy scalar of the gradients' dtype: ``float(norm)`` or ``norm.item()``). ``foreach`` is
    accepted for PyTorch compatibility and ignored.

    Defaults (PyTorch's): norm_type=2.0, error_if_nonfinite=False, foreach=None. With
    error_if_nonfinite=True a NaN or infinite total norm raises RuntimeError (the gradients are
    left as they are); with False the gradients are scaled anyway (to NaN or 0, as PyTorch).
    """
    for name, value in (("max_norm", max_norm), ("norm_type", norm_type)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
            raise TypeError(f"clip_grad_norm_: {name} must be a real number, got {value!r}")
    if norm_type <= 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be positive (or inf), got {norm_type!r}")
    params = _with_grads(parameters, "clip_grad_norm_")
    if not params:
        return np.float32(0.0)
    grads = _gradient_arrays(params)
    dtype = np.result_type(*grads)
    if math.isinf(norm_type):
        norms = [np.max(np.abs(g)) if g.size else dtype.type(0) for g in grads]
        total = np.max(norms).astype(dtype)
    else:
        p = dtype.type(norm_type)
        norms = np.array([np.sum(np.abs(g) ** p) for g in grads], dtype=dtype) ** (1 / p)
        total = (np.sum(norms ** p) ** (1 / p)).astype(dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
                           f"non-finite ({total}), so it cannot be clipped; pass error_if_nonfinite=False "
                           "to clip anyway")
    coefficient = min(dtype.type(max_norm) / (total + dtype.type(1e-6)), dtype.type(1.0))
    for g in grads:
        g *= coefficient
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clip every gradient entry to [-clip_value, clip_value] in place; returns None.

    foreach=None (the default) is accepted for PyTorch compatibility and ignored.
    """
    if isinstance(clip_value, bool) or not isinstance(clip_value, numbers.Real):
        raise TypeError(f"clip_grad_value_: clip_value must be a real number, got {clip_value!r}")
    for g in _gradient_arrays(_with_grads(parameters, "clip_grad_value_")):
        np.clip(g, -clip_value, clip_value, out=g)


def _gradient_arrays(params):
    """Each listed parameter's gradient array, to clip in place (a parameter listed twice is
    clipped twice, as torch). ``.grad`` is a private array; a graph
    gradient (after ``backward(create_graph=True)``) has its value made private first, and when
    one node is several parameters' gradient (that of ``a + b``), each after the first gets its
    own copy, still in the graph, so that each is clipped once."""
    arrays, owners = [], {}
    for p in params:
        g = p.grad
        if isinstance(g, Tensor):
            owner = owners.get(id(g))
            if owner is None:
                g.value = np.array(g.value)
            elif owner is not p:
                g = p.grad = clone(g)
            owners[id(g)] = p
            g = g.value
        arrays.append(g)
    return arrays
