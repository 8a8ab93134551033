"""The backward engine shared by ``Scalar`` and ``Tensor``.

A node is anything with
  - ``inputs``: the nodes it was computed from (empty for a leaf),
  - ``_backward()``: a closure that adds this node's gradient, times the local derivative,
    into each input's gradient (the lessons' ``input.grad += ...``),
  - ``_reset_grad()`` and ``_seed_grad(seed)``: start a pass with a clean gradient.

``backward(root, seed)`` orders the graph so every node comes after its inputs, seeds the root
and runs the closures from the root back to the leaves. The walk is iterative: a chain of
100,000 ops needs no recursion limit.

Gradient accumulation follows PyTorch: each call to ``backward`` adds into the leaves'
``.grad`` (call ``zero_grad()`` between steps), while the gradients of intermediate nodes are
recomputed from scratch on every pass, so calling ``backward`` twice gives leaves exactly twice
the gradient.
"""

import contextlib

_grad_enabled = True


def is_grad_enabled():
    """True unless inside a ``no_grad()`` block."""
    return _grad_enabled


class no_grad(contextlib.ContextDecorator):
    """Context manager and decorator: ops inside record no inputs and no backward.

    >>> with ag.no_grad():
    ...     y = model(x)          # y.requires_grad is False, no graph is kept
    """

    def __enter__(self):
        global _grad_enabled
        self._previous = _grad_enabled
        _grad_enabled = False
        return self

    def __exit__(self, *exc_info):
        global _grad_enabled
        _grad_enabled = self._previous
        return False


class enable_grad(contextlib.ContextDecorator):
    """Turns recording back on inside a ``no_grad()`` block."""

    def __enter__(self):
        global _grad_enabled
        self._previous = _grad_enabled
        _grad_enabled = True
        return self

    def __exit__(self, *exc_info):
        global _grad_enabled
        _grad_enabled = self._previous
        return False


def topological_order(root):
    """Every node ``root`` depends on, each listed after all of its inputs (root last).

    Depth-first with an explicit stack of (node, iterator over its inputs), so the depth of
    the graph is limited by memory, not by Python's recursion limit.
    """
    order = []
    visited = {id(root)}
    stack = [(root, iter(root.inputs))]
    while stack:
        node, pending_inputs = stack[-1]
        for parent in pending_inputs:
            if id(parent) not in visited:
                visited.add(id(parent))
                stack.append((parent, iter(parent.inputs)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def backward(root, seed):
    """Backpropagate from ``root`` with ``d root = seed`` through the whole graph.

    The closures run with recording off: an op whose backward is written with other ops (a
    convolution's, with convolutions) builds no graph of its own.
    """
    global _grad_enabled, _running
    order = topological_order(root)
    for node in order:
        if node.inputs:
            node._reset_grad()
    root._seed_grad(seed)
    previous = _grad_enabled
    _grad_enabled = False
    try:
        for node in reversed(order):
            if node._grad is not None:
                _running = node
                node._backward()
    finally:
        _running = None
        _grad_enabled = previous


# The node whose closure is running: its own gradient is final then and only read.
_running = None


def running_node():
    return _running


# The modules whose forward is running, outermost first (set by nn.Module.__call__). Every node
# remembers the scope it was built in, so a drawn graph can group ops by module.
_current_scope = None


def current_scope():
    return _current_scope


class scope:
    """``with scope(owner):`` nodes built inside belong to ``owner`` (nested inside the enclosing
    scope). A plain class, not a generator: nn.Module.__call__ enters one per call, and the
    drawing is the only reader, so it must cost next to nothing."""

    __slots__ = ("owner", "previous")

    def __init__(self, owner):
        self.owner = owner

    def __enter__(self):
        global _current_scope
        self.previous = _current_scope
        _current_scope = (*(_current_scope or ()), self.owner)

    def __exit__(self, *exc_info):
        global _current_scope
        _current_scope = self.previous
        return False
