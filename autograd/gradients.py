"""``ag.grad``: gradients of outputs with respect to chosen inputs, PyTorch's ``torch.autograd.grad``.

``backward()`` adds into every leaf's ``.grad``; ``ag.grad`` returns the gradients instead and
leaves every ``.grad`` as it was. With ``create_graph=True`` the closures run with recording on
and the gradients are Tensors (Scalars) in a graph of their own, so they can be differentiated
again: the gradient of a gradient (DeZero's steps 33-36, a Hessian-vector product, a gradient
penalty). The same closures serve both passes (``engine.primal``, ``autograd.ops.dual``).
"""

import numpy as np

from autograd import engine
from autograd.scalar import Scalar
from autograd.tensor import BackwardError, Tensor, as_array, constant


def grad(outputs, inputs, grad_outputs=None, create_graph=False, allow_unused=False):
    """d outputs / d inputs, without touching any ``.grad``: a tuple in the order of ``inputs``.

    outputs: a Tensor or Scalar, or a sequence of them (their gradients add up).
    inputs: a Tensor or Scalar, or a sequence of them.
    grad_outputs: None (the default: each output must hold one element, its seed is 1) or one
    seed per output, of its shape (an array, number or Tensor; None in the sequence for an
    implicit 1): the vector of a vector-Jacobian product. With ``create_graph=True`` a seed that
    requires grad stays in the graph, so the result can be differentiated with respect to it.
    create_graph: False (the default) returns constants; True returns gradients that are
    themselves differentiable (Tensors for Tensor inputs, Scalars for Scalar inputs).
    allow_unused: False (the default) raises a ValueError naming an input the outputs do not
    depend on; True returns None for it.

    Each gradient has its input's shape and dtype (a Tensor for a Tensor input, a Scalar for a
    Scalar input).
    """
    outputs = _nodes(outputs, "outputs")
    inputs = _nodes(inputs, "inputs")
    seeds = _seeds(outputs, grad_outputs, create_graph)
    return _gradients(outputs, inputs, seeds, create_graph, allow_unused, "grad")


def backward(output, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """``output.backward(...)`` of a Tensor or a Scalar: PyTorch's ``Tensor.backward``.

    gradient: None (the default: ``output`` must hold one element, its seed is 1) or the seed,
    of ``output``'s shape: the vector of a vector-Jacobian product.
    retain_graph: None (the default) or a bool, accepted for code written against PyTorch. agrad
    always keeps the graph until its tensors are garbage, so ``backward`` may be called again.
    create_graph: False (the default) adds arrays into the ``.grad``s; True adds gradients that
    are Tensors (Scalars) in a graph, so ``x.grad`` can be differentiated again. Such a ``.grad``
    stays a Tensor (later passes add into it, keeping its graph): the optimizers and
    ``nn.utils``' clipping take it as it is, array arithmetic wants ``x.grad.value``.
    inputs: None (the default: every node of the graph gets its gradient, leaves accumulate) or a
    Tensor/Scalar or sequence of them: only their ``.grad``s are added to, the others are left
    as they were.
    """
    for name, flag in (("retain_graph", retain_graph), ("create_graph", create_graph)):
        if flag is not None and not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"backward: {name} must be None or a bool, got {type(flag).__name__}")
    (seed,) = _seeds((output,), (gradient,), create_graph, "backward", "gradient", indexed=False)
    if inputs is None:
        engine.backward(output, seed, bool(create_graph))
        return
    inputs = _nodes(inputs, "inputs", "backward")
    found = _gradients((output,), inputs, (seed,), bool(create_graph), True, "backward")
    for x, g in zip(inputs, found, strict=True):
        if g is not None:
            x._seed_grad(g if create_graph else g.value)


def _gradients(outputs, inputs, seeds, create_graph, allow_unused, caller):
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and not x.requires_grad:
            raise ValueError(f"{caller}: inputs[{i}] does not require grad (a constant, or built under no_grad)")
    order = engine.topological_order(list(outputs))
    input_ids = {id(x) for x in inputs}
    in_graph = {id(node) for node in order}
    for i, x in enumerate(inputs):
        if id(x) not in in_graph and not allow_unused:
            name = f" ({x.label!r})" if x.label else ""
            raise ValueError(
                f"{caller}: inputs[{i}]{name} is not used to compute the outputs; pass allow_unused=True "
                "to get None for it"
            )
    # the closures that matter: those of nodes with an input on a path to one of the inputs
    depends = set()
    selected = set()
    for node in order:
        if any(id(parent) in depends for parent in node.inputs):
            depends.add(id(node))
            selected.add(id(node))
        elif id(node) in input_ids:
            depends.add(id(node))

    saved = [(node, node._grad_state()) for node in order]
    try:
        for node in order:
            node._reset_grad()
        for output, seed in zip(outputs, seeds, strict=True):
            output._seed_grad(seed)
        engine.run_closures(order, selected, create_graph)
        return tuple(
            _result(x, create_graph) if id(x) in in_graph else None for x in inputs
        )
    finally:
        for node, state in saved:
            node._set_grad_state(state)


def _nodes(value, name, caller="grad"):
    """A Tensor/Scalar or a sequence of them, as a tuple (errors name ``caller``'s argument)."""
    items = (value,) if isinstance(value, (Tensor, Scalar)) else value
    if not isinstance(items, (list, tuple)):
        raise TypeError(
            f"{caller}: {name} must be a Tensor, a Scalar or a sequence of them, got {type(value).__name__}"
        )
    if not items:
        raise ValueError(f"{caller}: {name} is empty")
    for i, item in enumerate(items):
        if not isinstance(item, (Tensor, Scalar)):
            raise TypeError(f"{caller}: {name}[{i}] must be a Tensor or a Scalar, got {type(item).__name__}")
    return tuple(items)


def _seeds(outputs, grad_outputs, create_graph, caller="grad", seed_name="grad_outputs", indexed=True):
    """The seed of each output, checked: arrays, or nodes with ``create_graph`` (a seed that
    requires grad stays in the graph). Errors name ``caller`` and ``seed_name``, indexed
    (``outputs[0]``, ``grad_outputs[0]``) or, for ``backward``'s one output, not."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    elif isinstance(grad_outputs, (Tensor, Scalar, np.ndarray, int, float)):
        grad_outputs = (grad_outputs,)
    elif not isinstance(grad_outputs, (list, tuple)):
        raise TypeError(
            f"{caller}: {seed_name} must be None, a Tensor or a sequence, got {type(grad_outputs).__name__}"
        )
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"{caller}: {len(grad_outputs)} {seed_name} for {len(outputs)} outputs")
    seeds = []
    for i, (output, seed) in enumerate(zip(outputs, grad_outputs, strict=True)):
        which, seed_arg = (f"outputs[{i}]", f"{seed_name}[{i}]") if indexed else ("the output", seed_name)
        if isinstance(output, Scalar):
            seed = 1.0 if seed is None else seed
            if not isinstance(seed, Scalar):
                seed = float(as_array(seed, caller, seed_arg))
                seed = Scalar(seed) if create_graph else seed
            elif not create_graph:
                seed = seed.value
            seeds.append(seed)
            continue
        if not output.requires_grad:
            raise BackwardError(
                f"{caller}: {which} does not require grad: it was built from constants, under no_grad, "
                f"or from integer/bool data (dtype {output.dtype}; only floating tensors require grad, "
                "e.g. ag.Tensor(np.array(..., dtype=np.float32)))"
            )
        if seed is None:
            if output.value.size != 1:
                raise BackwardError(
                    f"{caller}: grad can be implicitly created only for a single-element output, {which} "
                    f"has shape {output.shape}; pass {seed_name}=..."
                )
            seed = np.ones_like(output.value)
        if isinstance(seed, Tensor):
            if seed.shape != output.shape:
                raise BackwardError(f"{caller}: {seed_arg} has shape {seed.shape}, {which} has {output.shape}")
            seeds.append(seed if create_graph else seed.value.astype(output.dtype, copy=False))
            continue
        seed = as_array(seed, caller, seed_arg)
        if seed.shape != output.shape:
            raise BackwardError(f"{caller}: {seed_arg} has shape {seed.shape}, {which} has {output.shape}")
        seed = seed.astype(output.dtype, copy=False)
        seeds.append(constant(seed) if create_graph else seed)
    return seeds


def _result(x, create_graph):
    g = x._grad
    if isinstance(x, Scalar):
        if isinstance(g, Scalar):
            return g if create_graph else Scalar(g.value)
        return Scalar(g)
    if g is None:
        return constant(np.zeros_like(x.value))
    if type(g) is Tensor:
        return g if create_graph else constant(g.value)
    # a first-order gradient may be shared with another node: a private copy
    return constant(np.array(g, dtype=x.dtype) if not x._grad_owned else g)
