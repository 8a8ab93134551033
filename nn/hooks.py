"""nn.Module's hooks, PyTorch's semantics: forward pre-hooks, forward hooks and full backward hooks.

``Module.__call__`` runs ``call_with_hooks`` only for a module with a hook registered; without one
a call costs what it did before (one dict lookup).

- ``fn(module, args)`` before ``forward``: may return new positional args (a tuple, or one value);
- ``fn(module, args, output)`` after it: may return a new output (how feature maps are captured);
- ``fn(module, grad_input, grad_output)`` once the gradients with respect to the module's
  positional tensor inputs are computed: tuples, with None for an argument that is not a tensor
  requiring grad; may return a new ``grad_input``. The inputs and the output pass through
  identity nodes (op "backward_hook"), as in PyTorch, so only the module's own share of the
  gradient is reported.
"""

import numpy as np

from autograd import engine
from autograd.tensor import Tensor

TWICE_DIFFERENTIABLE = True  # the identity nodes pass Tensor gradients on as they are


def call_with_hooks(module, hooks, args, kwargs):
    """``module(*args, **kwargs)`` with its hooks (``hooks``: kind -> {handle id: fn})."""
    for fn in list(hooks["forward_pre"].values()):
        replaced = fn(module, args)
        if replaced is not None:
            args = replaced if isinstance(replaced, tuple) else (replaced,)
    backward = hooks["backward"]
    gate = _Gate(module, backward, args) if backward and engine.is_grad_enabled() else None
    if gate is not None:
        args = gate.inputs
    with engine.scope(module):
        output = module.forward(*args, **kwargs)
    for fn in list(hooks["forward"].values()):
        replaced = fn(module, args, output)
        if replaced is not None:
            output = replaced
    if gate is not None:
        output = gate.watch(output)
    return output


class _Gate:
    """The identity nodes of one call with full backward hooks.

    Every positional input that requires grad reaches ``forward`` through a node of its own; these
    all hang off one ``packed`` node, whose closure runs once all of theirs have (it comes after
    them in the backward order): then ``grad_input`` is complete, the hooks see it, and their
    result flows on to the real inputs.
    """

    def __init__(self, module, hooks, args):
        self.module, self.hooks, self.n_args = module, hooks, len(args)
        self.positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        self.slots = [None] * len(args)
        self.grad_output = None
        if not self.positions:
            self.inputs = args
            return
        sources = [args[i] for i in self.positions]
        packed = Tensor(np.zeros(0, dtype=sources[0].dtype), inputs=sources, op="backward_hook")
        gate = self

        def _backward():
            grad_input = gate._call_hooks(tuple(gate.slots))
            for i, source in zip(gate.positions, sources, strict=True):
                if grad_input[i] is not None:
                    source.accumulate_grad(grad_input[i])

        packed._backward = _backward
        inputs = list(args)
        for i in self.positions:
            inputs[i] = self._slot(packed, args[i], i)
        self.inputs = tuple(inputs)

    def _slot(self, packed, source, i):
        output = Tensor(source.value, inputs=(packed,), op="backward_hook")
        gate = self

        def _backward():
            gate.slots[i] = output.grad
            packed.accumulate_grad(np.zeros(0, dtype=packed.dtype))

        output._backward = _backward
        return output

    def watch(self, output):
        outputs = output if isinstance(output, tuple) else (output,)
        watched = [o for o in outputs if isinstance(o, Tensor) and o.requires_grad]
        if not watched:
            return output
        grads = [None] * len(outputs)
        gate = self
        remaining = [len(watched)]

        def identity(k, source):
            node = Tensor(source.value, inputs=(source,), op="backward_hook")

            def _backward():
                grads[k] = node.grad
                remaining[0] -= 1
                if remaining[0] == 0:
                    gate.grad_output = tuple(grads)
                    if not gate.positions:  # no input needs a gradient: the hooks run now (as torch)
                        gate._call_hooks((None,) * gate.n_args)
                source.accumulate_grad(node.grad)

            node._backward = _backward
            return node

        wrapped = tuple(identity(k, o) if isinstance(o, Tensor) and o.requires_grad else o
                        for k, o in enumerate(outputs))
        return wrapped if isinstance(output, tuple) else wrapped[0]

    def _call_hooks(self, grad_input):
        for fn in list(self.hooks.values()):
            replaced = fn(self.module, grad_input, self.grad_output)
            if replaced is not None:
                replaced = tuple(replaced) if isinstance(replaced, (tuple, list)) else (replaced,)
                if len(replaced) != len(grad_input):
                    raise ValueError(f"register_full_backward_hook: hook returned {len(replaced)} gradients "
                                     f"for {len(grad_input)} inputs")
                grad_input = replaced
        return grad_input
