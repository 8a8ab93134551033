"""agrad's autograd engine: ``import autograd as ag``.

``ag.Scalar`` (one float, micrograd's value) and ``ag.Tensor`` (a NumPy array) share one
backward engine. Functions take Tensors (and Scalars where that makes sense) and build the
graph; ``loss.backward()`` fills every ``.grad``.

Importing it changes nothing in the process. Two tunings do, each an explicit call:
``ag.keep_freed_memory()`` (glibc's malloc keeps the memory a training step frees for the next
one, see ``autograd.memory``) and ``ag.use_threads(n)`` (BLAS on one thread, the convolutions
and pools split over agrad's own n threads, see ``autograd.kernels.threaded``).
Drawing (``ag.draw_graph``) needs the ``graphviz`` package, imported only when a graph is drawn.
"""

from autograd import functional as functional
from autograd.anomaly import AnomalyError, detect_anomaly
from autograd.check_op import check_op
from autograd.draw import draw_graph
from autograd.engine import enable_grad, is_grad_enabled, no_grad
from autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from autograd.gradients import grad
from autograd.kernels import available_kernels, use_kernels, use_threads
from autograd.memory import keep_freed_memory
from autograd.ops.broadcast import unbroadcast
from autograd.ops.conv import conv2d, conv_transpose2d
from autograd.ops.elementwise import (
    abs,
    add,
    clip,
    clone,
    div,
    exp,
    log,
    maximum,
    minimum,
    mul,
    neg,
    power,
    relu,
    sigmoid,
    sqrt,
    sub,
    tanh,
    where,
)
from autograd.ops.fold import fold, unfold
from autograd.ops.linalg import matmul
from autograd.ops.pool import avg_pool2d, max_pool2d
from autograd.ops.reduce import argmax, log_softmax, logsumexp, max, mean, min, softmax, sum, var
from autograd.ops.shape import (
    broadcast_to,
    concatenate,
    expand_dims,
    flatten,
    getitem,
    pad,
    reshape,
    split,
    squeeze,
    stack,
    swapaxes,
    transpose,
)
from autograd.scalar import Scalar
from autograd.tensor import BackwardError, Tensor
from autograd.torch_functions import cat, ones, ones_like, permute, zeros, zeros_like
from autograd.version import __version__ as __version__

__all__ = [
    "AnomalyError",
    "BackwardError",
    "GradcheckError",
    "Scalar",
    "Tensor",
    "abs",
    "add",
    "argmax",
    "available_kernels",
    "avg_pool2d",
    "broadcast_to",
    "cat",
    "check_op",
    "clip",
    "clone",
    "concatenate",
    "conv2d",
    "conv_transpose2d",
    "detect_anomaly",
    "div",
    "draw_graph",
    "enable_grad",
    "exp",
    "expand_dims",
    "flatten",
    "fold",
    "getitem",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "keep_freed_memory",
    "log",
    "log_softmax",
    "logsumexp",
    "matmul",
    "max",
    "max_pool2d",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mul",
    "neg",
    "no_grad",
    "ones",
    "ones_like",
    "pad",
    "permute",
    "power",
    "relu",
    "reshape",
    "sigmoid",
    "softmax",
    "split",
    "sqrt",
    "squeeze",
    "stack",
    "sub",
    "sum",
    "swapaxes",
    "tanh",
    "transpose",
    "unbroadcast",
    "unfold",
    "use_kernels",
    "use_threads",
    "var",
    "where",
    "zeros",
    "zeros_like",
]
