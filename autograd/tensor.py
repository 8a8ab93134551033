"""``ag.Tensor``: a NumPy array ``value`` and a gradient ``grad`` of the same shape and dtype.

The class holds the data, the gradient storage and ``backward()``; its operators and methods
(``tensor_methods.py``) call the ops, each op's forward and backward together in ``autograd/ops``
(elementwise, reduce, shape, linalg); its array-like side is in ``tensor_array.py``, and
PyTorch's names for its methods (``view``, ``permute``, ``clamp``, ...) in ``tensor_torch_names.py``.

Gradients are allocated lazily: ``.grad`` is a zero array until something flows in, so the
lessons' ``input.grad += ...`` always works. The library's own ops add through
``_accumulate``, which may keep a gradient it was handed without copying it (the gradient of an
``a + b`` is passed on as is); such an array is never written in place, and ``.grad`` hands out
a private copy of it.
"""

import weakref

import numpy as np

from autograd import anomaly, engine, memory
from autograd.arrays import as_array as as_array
from autograd.tensor_array import TensorArray
from autograd.tensor_methods import TensorMethods
from autograd.tensor_torch_names import TorchNames


class Tensor(TensorMethods, TorchNames, TensorArray):
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
        if isinstance(g, Tensor) and g.requires_grad and g.shape == self.value.shape:
            # a gradient in a graph (PyTorch allows one with a grad_fn): kept as a node
            self._grad = g if g.dtype == self.value.dtype else g.astype(self.value.dtype)
            self._grad_owned = False
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
        elif type(self._grad) is Tensor:
            # a graph gradient left by backward(create_graph=True): adding a constant keeps its
            # graph, as PyTorch's accumulation into such a .grad does
            with engine.enable_grad():
                self._grad = elementwise.add(self._grad, g)
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
        if type(seed) is Tensor and seed.requires_grad:
            self._accumulate_node(seed)  # a seed in a graph (create_graph): it stays there
        else:
            self.accumulate_grad(seed)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Backpropagate from this tensor, adding into every leaf's ``.grad``: PyTorch's
        ``Tensor.backward`` (``autograd.gradients.backward`` has the arguments' details).

        Without ``gradient`` the tensor must hold one element (a loss); otherwise pass
        ``gradient``, an array of this tensor's shape (the vector of a vector-Jacobian product).
        Calling it again adds again (PyTorch's rule): use ``zero_grad()`` between steps.
        Defaults: gradient=None, retain_graph=None (agrad keeps the graph anyway),
        create_graph=False (True: the ``.grad``s are Tensors that can be differentiated again),
        inputs=None (every leaf; or only these tensors' ``.grad``s are added to).
        """
        gradients.backward(self, gradient, retain_graph, create_graph, inputs)

    def zero_grad(self):
        """Reset ``grad`` to zeros (gradients accumulate across ``backward()`` calls)."""
        self._grad = None

    def detach(self):
        """The same values (shared memory), cut from the graph."""
        return Tensor(self.value, requires_grad=False, label=self.label)


class BackwardError(RuntimeError, ValueError):
    """A misuse of ``backward()``: a ValueError, and PyTorch's RuntimeError for code written
    against torch."""


def _no_backward():
    return None


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
from autograd import gradients  # noqa: E402  (it builds Tensors and Scalars)
from autograd.ops import elementwise, linalg, reduce, shape  # noqa: E402, F401
