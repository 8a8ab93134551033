"""``ag.Tensor``: a NumPy array ``value`` and a gradient ``grad`` of the same shape and dtype.

The class holds the data, the gradient storage and the operators; each operator's forward and
backward live together in ``autograd/ops`` (elementwise, reduce, shape, linalg).

Gradients are allocated lazily: ``.grad`` is a zero array until something flows in, so the
lessons' ``input.grad += ...`` always works. The library's own ops add through
``_accumulate``, which may keep a gradient it was handed without copying it (the gradient of an
``a + b`` is passed on as is); such an array is never written in place, and ``.grad`` hands out
a private copy of it.
"""

import numbers
import weakref

import numpy as np

from autograd import anomaly, engine, memory


class Tensor:
    """A differentiable NumPy array.

    ``Tensor(value, op="", _backward=None, inputs=[], label="", requires_grad=True)``:
    a floating ``value`` keeps its dtype (float32 stays float32); Python numbers and lists
    follow NumPy; integer and bool arrays never require grad. Built with ``inputs``, the tensor
    is an op result (the lessons' way of writing an op); under ``ag.no_grad()`` it records none.
    """

    __slots__ = (
        "__weakref__",
        "_backward_fn",
        "_grad",
        "_grad_owned",
        "inputs",
        "label",
        "op",
        "requires_grad",
        "scope",
        "value",
    )
    # ndarray (op) Tensor must defer to Tensor's reflected operators, not broadcast over it
    __array_ufunc__ = None

    def __init__(self, value, op="", _backward=None, inputs=(), label="", requires_grad=True):
        if type(value) is not np.ndarray or value.dtype.kind not in "biuf":
            value = as_array(value, "Tensor")
        recorded = False
        if inputs:
            if type(inputs) is not tuple:
                inputs = tuple(inputs)
            for node in inputs:
                if not isinstance(node, Tensor):
                    raise TypeError(f"Tensor: inputs must be Tensors, got {type(node).__name__}")
                if node.requires_grad:
                    recorded = True
            # an op result requires grad when an input does and grad mode is on
            requires_grad = requires_grad and recorded and engine._grad_enabled
        self.value = value
        self.requires_grad = requires_grad = bool(requires_grad) and value.dtype.kind == "f"
        self.inputs = inputs if requires_grad else ()
        self._grad = None
        self._grad_owned = False
        self._backward_fn = _no_backward
        if _backward is not None:
            self._backward = _backward
        self.op = op
        self.label = label
        self.scope = engine._current_scope
        if engine._anomaly and self.inputs:
            anomaly.note_creation(self)

    # -- the closure the engine runs: kept only for nodes that need it -------------------
    @property
    def _backward(self):
        return self._backward_fn

    @_backward.setter
    def _backward(self, fn):
        if self.inputs:
            self._backward_fn = memory.bind_weakly(fn, self)

    # -- gradient storage --------------------------------------------------------------
    @property
    def grad(self):
        """d(root)/d(self), same shape and dtype as ``value`` (zeros before any backward)."""
        g = self._grad
        if g is None:
            g = self._grad = np.zeros_like(self.value)
            self._grad_owned = True
        elif type(g) is Tensor:
            # inside ag.grad(..., create_graph=True): the gradient is a node of the new graph
            return g
        elif not self._grad_owned and self is not engine._running:
            # the gradient may be another tensor's too (accumulate_grad keeps what it is handed):
            # a private copy before anyone writes into it; an op's closure reading its own
            # output's gradient only reads, so it gets the array as it is
            g = self._grad = np.array(g, dtype=self.value.dtype)
            self._grad_owned = True
        return g

    @grad.setter
    def grad(self, g):
        if g is None:
            self._grad = None
            return
        g = np.asarray(g.value if isinstance(g, Tensor) else g)
        if g.shape != self.value.shape:
            if g.ndim != 0:
                raise ValueError(
                    f"Tensor.grad: shape {g.shape} does not match the tensor's {self.value.shape}"
                )
            g = np.broadcast_to(g, self.value.shape)
        self._grad = g.astype(self.value.dtype, copy=False)
        self._grad_owned = False

    @property
    def has_grad(self):
        """Whether a gradient has flowed in (or was set) since the last ``zero_grad()``:
        PyTorch's ``p.grad is not None``. Reading ``.grad`` would make zeros."""
        return self._grad is not None

    def accumulate_grad(self, g):
        """``self.grad += g`` without the copy: how the library's ops add a gradient.

        g: an array of exactly this tensor's shape (cast to its dtype). The first gradient of a
        pass is kept as it is, not copied (the gradient of ``a + b`` reaches ``a`` and ``b``
        unchanged), so never write into ``g`` afterwards; ``.grad`` hands out a private copy.
        """
        if type(g) is Tensor:
            if engine._create_graph:
                return self._accumulate_node(g)
            g = g.value  # a backward written with ops, in a first-order pass
        g = self._fitting(g)
        if self._grad is None:
            self._grad = g
            self._grad_owned = False
        elif self._grad_owned:
            self._grad += g
        else:
            self._grad = self._grad + g
            self._grad_owned = True

    def _fitting(self, g):
        """g (an array or a Tensor) checked to have this tensor's shape, cast to its dtype."""
        if g.shape != self.value.shape:
            raise RuntimeError(
                f"backward of {self.op or 'leaf'} {self.label!r}: gradient shape {g.shape} "
                f"does not match the tensor's shape {self.value.shape}"
            )
        return g if g.dtype == self.value.dtype else g.astype(self.value.dtype)

    def _accumulate_node(self, g):
        """accumulate_grad of a Tensor gradient in a graph-creating pass: the sum is recorded."""
        g = self._fitting(g)
        self._grad = g if self._grad is None else elementwise.add(self._grad, g)
        self._grad_owned = False

    def _reset_grad(self):
        self._grad = None

    # -- the engine's protocol for ag.grad: save and restore, and array-written closures -------
    def _grad_state(self):
        return self._grad, self._grad_owned

    def _set_grad_state(self, state):
        self._grad, self._grad_owned = state

    def _grad_as_plain(self):
        g = self._grad
        return (g.value if type(g) is Tensor else g), False

    def _add_untracked_grad(self, g, node, upstream):
        """Add ``g``, the array an array-written closure of ``node`` sent here, as a node whose
        backward raises (``engine.not_twice_differentiable``)."""
        parents = tuple(t for t in (upstream, *node.inputs) if type(t) is Tensor)
        marked = Tensor(np.array(g, dtype=self.value.dtype), inputs=parents, op=f"backward of {node.op or 'op'}")
        marked._backward = engine.not_twice_differentiable(node)
        self._accumulate_node(marked)

    def register_hook(self, fn):
        """Call ``fn(grad)`` each time the gradient of a backward pass (or ``ag.grad``) with respect to
        this tensor has been computed, before it flows on (or, for a leaf, into ``.grad``).

        grad: an array of this tensor's shape (a Tensor inside ``ag.grad(..., create_graph=True)``);
        ``fn`` may return a replacement of that shape, or None to keep it. PyTorch's semantics: a
        leaf's hook sees this pass's gradient only. Returns a handle: ``handle.remove()`` removes the
        hook. Hooks run in the order they were registered.
        """
        if not callable(fn):
            raise TypeError(f"register_hook: fn must be callable, got {type(fn).__name__}")
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that does not require grad")
        from autograd.hooks import RemovableHandle

        key = id(self)
        entry = engine.tensor_hooks.get(key)
        if entry is None or entry[0]() is not self:
            entry = engine.tensor_hooks[key] = (weakref.ref(self, lambda _: engine.tensor_hooks.pop(key, None)), {})
        handle = RemovableHandle(entry[1])
        entry[1][handle.id] = fn
        return handle

    def _checked_hook_grad(self, g, fn):
        """A hook's replacement gradient, checked: of this tensor's shape, in its dtype."""
        if type(g) is Tensor and engine._create_graph:
            value = g
        else:
            value = as_array(g, "register_hook", "the hook's return value")
        if value.shape != self.value.shape:
            name = getattr(fn, "__name__", "hook")
            raise ValueError(
                f"register_hook: hook {name} returned shape {value.shape}, the tensor has {self.value.shape}"
            )
        return value.astype(self.value.dtype) if value.dtype != self.value.dtype else value

    def _itself(self):
        # through the weak proxy an op's closure holds of its output: the tensor itself
        return self

    def _seed_grad(self, seed):
        self.accumulate_grad(seed)

    def backward(self, grad=None):
        """Backpropagate from this tensor, adding into every leaf's ``.grad``.

        Without ``grad`` the tensor must hold one element (a loss); otherwise pass
        ``grad``, an array of this tensor's shape (the vector of a vector-Jacobian product).
        Calling it again adds again (PyTorch's rule): use ``zero_grad()`` between steps.
        """
        if not self.requires_grad:
            raise BackwardError(
                f"backward: this tensor does not require grad: it was built from constants, under "
                f"no_grad, or from integer/bool data (dtype {self.dtype}; only floating tensors "
                "require grad, e.g. ag.Tensor(np.array(..., dtype=np.float32)))"
            )
        if grad is None:
            if self.value.size != 1:
                raise BackwardError(
                    f"backward: grad can be implicitly created only for a single-element "
                    f"output, this one has shape {self.value.shape}; pass grad=..."
                )
            seed = np.ones_like(self.value)
        else:
            seed = as_array(grad, "backward", "grad")
            if seed.shape != self.value.shape:
                raise BackwardError(
                    f"backward: grad has shape {seed.shape}, the output has {self.value.shape}"
                )
        engine.backward(self, seed)

    def zero_grad(self):
        """Reset ``grad`` to zeros (gradients accumulate across ``backward()`` calls)."""
        self._grad = None

    def detach(self):
        """The same values (shared memory), cut from the graph."""
        return Tensor(self.value, requires_grad=False, label=self.label)

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
    size = property(lambda self: self.value.size, doc="The number of elements, the product of ``shape``.")
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

    # -- operators (forward and backward of each live in autograd/ops) -------------------
    def __add__(self, other):
        return elementwise.add(self, other)

    def __radd__(self, other):
        return elementwise.add(other, self)

    def __sub__(self, other):
        return elementwise.sub(self, other)

    def __rsub__(self, other):
        return elementwise.sub(other, self)

    def __mul__(self, other):
        return elementwise.mul(self, other)

    def __rmul__(self, other):
        return elementwise.mul(other, self)

    def __truediv__(self, other):
        return elementwise.div(self, other)

    def __rtruediv__(self, other):
        return elementwise.div(other, self)

    def __pow__(self, other):
        return elementwise.power(self, other)

    def __rpow__(self, other):
        return elementwise.power(other, self)

    def __matmul__(self, other):
        return linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return linalg.matmul(other, self)

    def __neg__(self):
        return elementwise.neg(self)

    def __getitem__(self, index):
        return shape_ops.getitem(self, index)

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

    # -- methods for the common functions --------------------------------------------------
    def exp(self):
        """``ag.exp(self)``: see there for shapes and the gradient."""
        return elementwise.exp(self)

    def log(self):
        """``ag.log(self)``: see there for shapes and the gradient."""
        return elementwise.log(self)

    def sqrt(self):
        """``ag.sqrt(self)``: see there for shapes and the gradient."""
        return elementwise.sqrt(self)

    def abs(self):
        """``ag.abs(self)``: see there for shapes and the gradient."""
        return elementwise.abs(self)

    def tanh(self):
        """``ag.tanh(self)``: see there for shapes and the gradient."""
        return elementwise.tanh(self)

    def sigmoid(self):
        """``ag.sigmoid(self)``: see there for shapes and the gradient."""
        return elementwise.sigmoid(self)

    def relu(self):
        """``ag.relu(self)``: see there for shapes and the gradient."""
        return elementwise.relu(self)

    def clip(self, min=None, max=None):
        """``ag.clip(self, min, max)``; min=None, max=None (the defaults) leave that side open."""
        return elementwise.clip(self, min, max)

    def astype(self, dtype, copy=True):
        """The same values as ``dtype`` (same shape); the gradient is cast back to this tensor's dtype.
        copy (default True) is NumPy's argument, accepted so that a formula reads the same on arrays:
        a tensor already of ``dtype`` is returned as is either way (it is never written in place)."""
        return elementwise.astype(self, dtype)

    def sum(self, axis=None, keepdims=False):
        """``ag.sum(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False."""
        return reduce.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        """``ag.mean(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False."""
        return reduce.mean(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        """``ag.max(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False."""
        return reduce.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        """``ag.min(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False."""
        return reduce.min(self, axis, keepdims)

    def var(self, axis=None, keepdims=False, ddof=0):
        """``ag.var(self, axis, keepdims, ddof)``; defaults axis=None (all axes), keepdims=False, ddof=0."""
        return reduce.var(self, axis, keepdims, ddof)

    def logsumexp(self, axis=None, keepdims=False):
        """``ag.logsumexp(self, axis, keepdims)``; defaults axis=None (all axes), keepdims=False."""
        return reduce.logsumexp(self, axis, keepdims)

    def softmax(self, axis=-1):
        """``ag.softmax(self, axis)``; default axis=-1 (the last)."""
        return reduce.softmax(self, axis)

    def log_softmax(self, axis=-1):
        """``ag.log_softmax(self, axis)``; default axis=-1 (the last)."""
        return reduce.log_softmax(self, axis)

    def argmax(self, axis=None, keepdims=False):
        """``ag.argmax(self, axis, keepdims)``: an integer array; defaults axis=None (flat index), keepdims=False."""
        return reduce.argmax(self, axis, keepdims)

    def reshape(self, *shape):
        """``ag.reshape``: ``x.reshape(2, 3)`` or ``x.reshape((2, 3))``; one entry may be -1."""
        return shape_ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes):
        """NumPy's ``transpose(*axes)`` (a permutation), except that two axes swap those two,
        PyTorch's ``x.transpose(dim0, dim1)``: so ``x.transpose(0, 1)`` of a matrix is its transpose."""
        if len(axes) == 2 and all(isinstance(a, numbers.Integral) for a in axes):
            return shape_ops.swapaxes(self, *axes)
        return shape_ops.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    @property
    def T(self):
        """All axes reversed, ``ag.transpose(self)``: (A, B) -> (B, A)."""
        return shape_ops.transpose(self)

    def swapaxes(self, axis1, axis2):
        """``ag.swapaxes(self, axis1, axis2)``: see there for shapes and the gradient."""
        return shape_ops.swapaxes(self, axis1, axis2)

    def flatten(self, start_dim=0, end_dim=-1):
        """``ag.flatten(self, start_dim, end_dim)``; defaults start_dim=0, end_dim=-1 (1-D)."""
        return shape_ops.flatten(self, start_dim, end_dim)

    def squeeze(self, axis=None):
        """``ag.squeeze(self, axis)``; default axis=None removes every axis of length 1."""
        return shape_ops.squeeze(self, axis)

    def expand_dims(self, axis):
        """``ag.expand_dims(self, axis)``, also called ``unsqueeze``: a new axis of length 1 at ``axis``."""
        return shape_ops.expand_dims(self, axis)

    unsqueeze = expand_dims

    def broadcast_to(self, shape):
        """``ag.broadcast_to(self, shape)``: see there for shapes and the gradient."""
        return shape_ops.broadcast_to(self, shape)

    def matmul(self, other):
        """``ag.matmul(self, other)`` (``self @ other``): see there for shapes and the gradient."""
        return linalg.matmul(self, other)


class BackwardError(RuntimeError, ValueError):
    """A misuse of ``backward()``: a ValueError, and PyTorch's RuntimeError for code written
    against torch."""


def _no_backward():
    return None


def _plain(x):
    return x.value if isinstance(x, Tensor) else x


def _compared(other, op):
    """The other side of a comparison as numbers (a wrong type names the comparison)."""
    if isinstance(other, Tensor):
        return other.value
    if type(other) in (int, float) or type(other) is np.ndarray:
        return other
    return as_array(other, f"Tensor {op}", "other")


def _plain_index(index):
    if isinstance(index, tuple):
        return tuple(_plain(i) for i in index)
    return _plain(index)


def as_array(value, where, name=None):
    """``value`` as a numeric ndarray (shared, not copied, when it already is one).

    ``where`` is the function the user called and ``name`` its argument: a wrong value is a
    TypeError saying so (``mul: b must be a number, array or Tensor, got NoneType``). The checks
    run only for values that are not already a Tensor or a numeric ndarray.
    """
    if isinstance(value, Tensor):
        return value.value
    if type(value) is not np.ndarray:
        if isinstance(value, (str, bytes)) or (
            not isinstance(value, (numbers.Number, list, tuple, np.generic, np.ndarray))
        ):
            if name is None:
                raise TypeError(f"{where}: expected numbers or an array, got {type(value).__name__}")
            raise TypeError(f"{where}: {name} must be a number, array or Tensor, got {_described(value)}")
        try:
            value = np.asarray(value)
        except ValueError as error:  # ragged nested lists
            subject = f"{name} " if name else ""
            raise TypeError(f"{where}: cannot make an array of {subject}{value!r}: {error}") from None
    if value.dtype.kind not in "biuf":
        subject = f"{name} must be" if name else "expected"
        raise TypeError(f"{where}: {subject} a numeric array, got dtype {value.dtype}")
    return value


def _described(value):
    """A wrong value's type, and the value itself when it is short text (``str 'abc'``)."""
    kind = type(value).__name__
    if isinstance(value, (str, bytes)) and len(value) <= 20:
        return f"{kind} {value!r}"
    return kind


def as_tensor(x, op="constant", name=None):
    """``x`` itself if it is a Tensor, else a constant Tensor of it (errors name ``op`` and
    the argument ``name``)."""
    return x if isinstance(x, Tensor) else constant(x, op=op, name=name)


def constant(value, like=None, op="constant", name=None):
    """A Tensor that does not require grad. A Python number takes ``like``'s dtype where NumPy
    would (so ``float32_tensor * 2.0`` stays float32). ``op`` and ``name``: the function and
    argument an error names."""
    if isinstance(value, Tensor):
        return value
    array = as_array(value, op, name)
    if like is not None and array.ndim == 0:
        # a number (Python, NumPy scalar or 0-d array) never changes a float tensor's dtype,
        # PyTorch's rule for scalars; otherwise NumPy's weak promotion of Python numbers
        if like.value.dtype.kind == "f":
            array = array.astype(like.value.dtype)
        elif isinstance(value, (int, float)):
            array = array.astype(np.result_type(like.value, value))
    out = Tensor(array, requires_grad=False)
    out.scope = None  # a constant belongs to no module call in a drawing
    return out


# the ops build Tensors, so they are imported once the class exists
from autograd.ops import elementwise, linalg, reduce  # noqa: E402
from autograd.ops import shape as shape_ops  # noqa: E402
