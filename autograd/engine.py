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

    ``root`` may also be a list of roots (``ag.grad`` of several outputs). Depth-first with an
    explicit stack of (node, iterator over its inputs), so the depth of the graph is limited by
    memory, not by Python's recursion limit.
    """
    roots = root if isinstance(root, list) else [root]
    order = []
    visited = set()
    for root in roots:
        if id(root) not in visited:
            visited.add(id(root))
            _visit(root, order, visited)
    return order


def _visit(root, order, visited):
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


def backward(root, seed, create_graph=False):
    """Backpropagate from ``root`` with ``d root = seed`` through the whole graph.

    The closures run with recording off: an op whose backward is written with other ops (a
    convolution's, with convolutions) builds no graph of its own. With ``create_graph`` they run
    with recording on, as in ``ag.grad``, and the gradients are nodes (``seed`` is one too).
    """
    order = topological_order(root)
    for node in order:
        if node.inputs:
            node._reset_grad()
    root._seed_grad(seed)
    run_closures(order, None, create_graph)


def run_closures(order, selected=None, create_graph=False):
    """Run the closures of ``order`` (a topological order) from the last node back to the first.

    selected: None (every node) or the set of ``id``s of the nodes whose closure must run (the
    ones on a path to an input of ``ag.grad``). With ``create_graph`` the closures run with
    recording on and gradients are nodes themselves, so the result can be differentiated again;
    a closure written on arrays (the lessons' ``input.grad += ...``) still runs, on arrays, and
    what it sends is marked so that differentiating through it raises (``_run_on_arrays``).
    """
    global _grad_enabled, _running, _create_graph
    previous = _grad_enabled, _create_graph
    _grad_enabled = _create_graph = create_graph
    earlier = _leaves_with_hooks(order) if tensor_hooks else None
    try:
        for node in reversed(order):
            if tensor_hooks and id(node) in tensor_hooks and node._grad is not None:
                _apply_hooks(node, earlier)
            if node._grad is None or (selected is not None and id(node) not in selected):
                continue
            _running = node
            if create_graph and not _writes_graphs(node._backward):
                _run_on_arrays(node)
            elif _anomaly:
                anomaly.run_checked(node)
            else:
                node._backward()
    finally:
        _running = None
        _grad_enabled, _create_graph = previous
        if earlier:  # hooked leaves this pass sent nothing to keep what they had
            for node, state in earlier.values():
                if node._grad is None:
                    node._set_grad_state(state)


# id(tensor) -> (weak reference to it, {handle id: fn}): ``Tensor.register_hook``. Empty unless a
# hook is registered, so a backward pass without hooks pays one truth test per pass and per node.
tensor_hooks = {}


def _leaves_with_hooks(order):
    """A hooked leaf's gradient of this pass alone goes through its hooks (PyTorch's rule): what
    it held before is set aside and added back after them."""
    earlier = {}
    for node in order:
        if not node.inputs and id(node) in tensor_hooks:
            earlier[id(node)] = node, node._grad_state()
            node._reset_grad()
    return earlier


def _apply_hooks(node, earlier):
    reference, hooks = tensor_hooks[id(node)]
    if reference() is not node:
        return
    g = node._grad
    for fn in list(hooks.values()):
        replaced = fn(g)
        if replaced is not None:
            g = node._checked_hook_grad(replaced, fn)
    node._set_grad_state((g, False))
    if id(node) in earlier:
        before = earlier.pop(id(node))[1][0]
        if before is not None:
            node._set_grad_state((before + g, True))


def _writes_graphs(closure):
    """Whether a closure computes with ``primal``/``autograd.ops.dual`` (so it works on Tensor
    gradients). The library's modules say so: ``TWICE_DIFFERENTIABLE = True`` for every closure
    in the module, or a set of the functions whose closures are (``{"linear", "dropout"}``)."""
    flag = getattr(closure, "__globals__", {}).get("TWICE_DIFFERENTIABLE", False)
    if flag is True or not flag:
        return flag is True
    return closure.__qualname__.split(".", 1)[0] in flag


def _run_on_arrays(node):
    """Run a closure written on arrays inside a graph-creating pass.

    The closure sees its output's gradient as an array and its inputs' gradients empty; what it
    adds into each input is then passed on as a node whose own backward raises an error naming
    the op: a first derivative through it is right, a second one would silently miss terms.
    """
    global _grad_enabled, _create_graph
    upstream = node._grad
    own_state = node._grad_state()
    saved = [(parent, parent._grad_state()) for parent in node.inputs]
    for parent, _ in saved:
        parent._reset_grad()
    node._set_grad_state(node._grad_as_plain())
    _grad_enabled = _create_graph = False
    try:
        node._backward()
    finally:
        _grad_enabled = _create_graph = True
        node._set_grad_state(own_state)
        contributions = [(parent, parent._grad) for parent, _ in saved]
        for parent, state in saved:
            parent._set_grad_state(state)
    for parent, contribution in contributions:
        if contribution is not None:
            parent._add_untracked_grad(contribution, node, upstream)


def not_twice_differentiable(node):
    """The closure of a gradient sent by ``node``'s array-written backward: it raises."""
    def _backward():
        where = f" ({node.label!r})" if node.label else ""
        raise NotTwiceDifferentiableError(
            f"ag.grad: op {node.op!r}{where} has a backward written on arrays (the lessons' "
            "input.grad += ...), so the gradient it produced cannot be differentiated again; "
            "write its _backward with ag ops on output.grad and engine.primal(...) "
            "(see autograd/ops/elementwise/unary.py), or differentiate only once"
        )

    return _backward


class NotTwiceDifferentiableError(RuntimeError):
    """Differentiating through a gradient that an array-written backward produced."""


# The node whose closure is running: its own gradient is final then and only read.
_running = None

# True while ``ag.grad(..., create_graph=True)`` runs the closures: gradients are then Tensors
# (Scalars) and the closures' arithmetic is recorded, so the gradient can be differentiated again.
_create_graph = False


def primal(node):
    """A node's value as a backward formula uses it: the array (float) in a first-order pass, the
    node itself when the pass creates a graph, so that ``g * primal(b)`` depends on ``b``.

    This is the whole interface that lets one formula serve first and higher order: a closure
    computes with ``output.grad`` (an array, or a Tensor in a graph-creating pass), ``primal(...)``
    of the tensors it needs, and functions that take either (``autograd.ops.dual``).
    """
    if _create_graph:
        return node._itself()
    return node.value


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


# -- anomaly detection (autograd/anomaly.py): the flag the hot paths test -------------------------
# True inside ag.detect_anomaly(): ops then record where they were built, closures are checked
_anomaly = False


from autograd import anomaly  # noqa: E402  (it sets _anomaly above)
