"""``ag.functional``: Jacobians, Hessians and their products, ``torch.autograd.functional``'s API.

Every function takes ``func`` (a function of Tensors returning a Tensor or a tuple of Tensors)
and ``inputs`` (a Tensor or a tuple of Tensors; arrays are taken as float Tensors), and is built
on ``ag.grad``: a vector-Jacobian product is one backward pass, a Hessian-vector product two
(the second through the graph the first one creates). Results keep PyTorch's nesting: a single
Tensor where func had a single input (output), a tuple where it had a tuple.
"""

import numpy as np

from autograd.gradients import grad
from autograd.tensor import Tensor, as_array, constant


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product, one backward pass.

    v: like func's output (a Tensor/array per output; None, the default, only for a single-element
    output). Returns the output and a gradient per input, each of its input's shape.
    create_graph=False (the default) returns constants; strict=False (the default) returns zeros
    for an input the output does not depend on (strict=True raises).
    """
    tensors, single_input = _inputs(inputs, "vjp", create_graph)
    outputs, single_output = _outputs(func(*tensors), "vjp")
    seeds = _vectors(v, outputs, single_output, "vjp", "v", allow_none=True)
    grads = _grad(outputs, tensors, seeds, create_graph, strict, "vjp")
    return _pack(outputs, single_output, create_graph), _pack(grads, single_input, create_graph)


def jacobian(func, inputs, create_graph=False, strict=False):
    """The Jacobian of func at inputs: d output[k] / d input[j] for every element pair.

    One output and one input: a Tensor of shape output.shape + input.shape. A tuple of inputs
    (outputs): a tuple over them (a tuple of tuples, outputs first, when both are tuples).
    create_graph=False (the default) returns constants; strict=False (the default) gives zeros for
    an input the output does not depend on (strict=True raises). One backward pass per output element.
    """
    tensors, single_input = _inputs(inputs, "jacobian", create_graph)
    outputs, single_output = _outputs(func(*tensors), "jacobian")
    rows = []
    for output in outputs:
        per_input = [[] for _ in tensors]
        for k in range(output.size):
            seed = np.zeros(output.size, dtype=output.dtype)
            seed[k] = 1
            grads = _grad((output,), tensors, (seed.reshape(output.shape),), create_graph, strict, "jacobian")
            for column, g in zip(per_input, grads, strict=True):
                column.append(g)
        blocks = []
        for x, column in zip(tensors, per_input, strict=True):
            if not column:
                blocks.append(constant(np.zeros(output.shape + x.shape, dtype=x.dtype)))
            elif create_graph:
                blocks.append(_stack(column).reshape(output.shape + x.shape))
            else:
                blocks.append(constant(np.stack([g.value for g in column]).reshape(output.shape + x.shape)))
        rows.append(blocks[0] if single_input else tuple(blocks))
    return rows[0] if single_output else tuple(rows)


def hessian(func, inputs, create_graph=False, strict=False):
    """The Hessian of a single-element func at inputs: d^2 f / d input[i] d input[j].

    One input: a Tensor of shape input.shape + input.shape; a tuple of inputs: a tuple of tuples,
    entry [i][j] of shape input_i.shape + input_j.shape. create_graph=False and strict=False (the
    defaults) as in ``jacobian``.
    """
    tensors, single_input = _inputs(inputs, "hessian", create_graph)

    def gradient(*xs):
        output, single = _outputs(func(*xs), "hessian")
        if not single or output[0].size != 1:
            raise ValueError("hessian: func must return a single Tensor with a single element")
        return _grad(output, xs, (None,), True, strict, "hessian")

    return jacobian(gradient if not single_input else lambda x: gradient(x)[0],
                    tensors[0] if single_input else tuple(tensors), create_graph=create_graph, strict=strict)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v): the Hessian-vector product of a single-element func, two backward
    passes without forming H (the second differentiates <grad f, v>).

    v: like inputs (a Tensor/array per input; None, the default, only for a single one-element
    input). Returns the output and H v shaped like the inputs. create_graph=False and
    strict=False (the defaults) as in ``vjp``.
    """
    tensors, single_input = _inputs(inputs, "hvp", create_graph)
    outputs, single_output = _outputs(func(*tensors), "hvp")
    if not single_output or outputs[0].size != 1:
        raise ValueError("hvp: func must return a single Tensor with a single element")
    vectors = _vectors(v, tensors, single_input, "hvp", "v", allow_none=True)
    grads = _grad(outputs, tensors, (None,), True, strict, "hvp")
    inner = None
    for g, vector in zip(grads, vectors, strict=True):
        if vector is None:
            vector = np.ones(g.shape, dtype=g.dtype)
        if g.requires_grad:
            term = (g * vector).sum()
            inner = term if inner is None else inner + term
    if inner is None:  # func is linear in the inputs: H = 0
        products = tuple(constant(np.zeros_like(x.value)) for x in tensors)
    else:
        products = _grad((inner,), tensors, (None,), create_graph, strict, "hvp")
    return _pack(outputs, True, create_graph), _pack(products, single_input, create_graph)


# -- helpers -----------------------------------------------------------------------------------
def _inputs(inputs, op, create_graph):
    single = not isinstance(inputs, (tuple, list))
    items = (inputs,) if single else tuple(inputs)
    if not items:
        raise ValueError(f"{op}: inputs is empty")
    tensors = []
    for i, x in enumerate(items):
        if isinstance(x, Tensor) and x.dtype.kind == "f":
            # a fresh leaf, as torch's functional API does, unless a graph is wanted through x
            tensors.append(x if create_graph and x.requires_grad else Tensor(x.value))
        else:
            values = as_array(x, op, "inputs" if single else f"inputs[{i}]")
            tensors.append(Tensor(values.astype(np.result_type(values.dtype, np.float32))))
    return tuple(tensors), single


def _outputs(result, op):
    single = isinstance(result, Tensor)
    items = (result,) if single else result
    if not isinstance(items, (tuple, list)) or not all(isinstance(o, Tensor) for o in items):
        raise TypeError(f"{op}: func must return a Tensor or a tuple of Tensors, got {type(result).__name__}")
    return tuple(items), single


def _vectors(v, like, single, op, name, allow_none):
    if v is None:
        if not allow_none or any(t.size != 1 for t in like):
            raise ValueError(f"{op}: {name} can be omitted only when every tensor it pairs with has one element")
        return (None,) * len(like)
    items = (v,) if single else tuple(v) if isinstance(v, (tuple, list)) else None
    if items is None or len(items) != len(like):
        raise ValueError(f"{op}: {name} must match the structure of {len(like)} tensor(s)")
    vectors = []
    for i, (vector, t) in enumerate(zip(items, like, strict=True)):
        vector = vector if isinstance(vector, Tensor) else constant(as_array(vector, op, name))
        if vector.shape != t.shape:
            raise ValueError(f"{op}: {name}{'' if single else f'[{i}]'} has shape {vector.shape}, expected {t.shape}")
        vectors.append(vector)
    return tuple(vectors)


def _grad(outputs, inputs, seeds, create_graph, strict, op):
    live = [o for o in outputs if o.requires_grad]
    if not live:
        if strict:
            raise ValueError(f"{op}: the output does not depend on the inputs (strict=True)")
        return tuple(constant(np.zeros_like(x.value)) for x in inputs)
    seeds = [s for o, s in zip(outputs, seeds, strict=True) if o.requires_grad]
    grads = grad(live, inputs, grad_outputs=seeds, create_graph=create_graph, allow_unused=True)
    result = []
    for i, (x, g) in enumerate(zip(inputs, grads, strict=True)):
        if g is None:
            if strict:
                raise ValueError(f"{op}: the output does not depend on input {i} (strict=True)")
            g = constant(np.zeros_like(x.value))
        result.append(g)
    return tuple(result)


def _stack(tensors):
    from autograd.ops.shape import stack

    return stack(list(tensors))


def _pack(tensors, single, create_graph):
    tensors = tuple(t if create_graph else constant(t.value) for t in tensors)
    return tensors[0] if single else tensors
