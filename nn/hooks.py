"""nn.Module's hooks, PyTorch's semantics: forward pre-hooks, forward hooks and full backward hooks.

``Module.__call__`` runs ``call_with_hooks`` only for a module with a hook registered; without one
a call costs what it did before (one dict lookup).

- ``fn(module, args)`` before ``forward``: may return new positional args (a tuple, or one value);
- ``fn(module, args, output)`` after it: may return a new output (how feature maps are captured);
- ``fn(module, grad_input, grad_output)`` once the gradients with respect to the module's
  positional tensor inputs are computed: tuples (PyTorch's Nones and zeros, see
  ``register_full_backward_hook``); may return a new ``grad_input``. The inputs and the output pass through
  identity nodes (op "backward_hook"), as in PyTorch, so only the module's own share of the
  gradient is reported.
"""

import numpy as np

from autograd import engine
from autograd.hooks import RemovableHandle
from autograd.tensor import Tensor

TWICE_DIFFERENTIABLE = True  # the identity nodes pass Tensor gradients on as they are


class ModuleHooks:
    """Mixin of ``Module``: registering its hooks. ``Module.__call__`` runs them."""

    def _register_hook(self, kind, hook, method):
        if not callable(hook):
            raise TypeError(f"{method}: hook must be callable, got {type(hook).__name__}")
        hooks = self.__dict__.get("_hooks")
        if hooks is None:
            hooks = {"forward_pre": {}, "forward": {}, "backward": {}}
            object.__setattr__(self, "_hooks", hooks)
        handle = RemovableHandle(hooks[kind])
        hooks[kind][handle.id] = hook
        return handle

    def register_forward_pre_hook(self, hook):
        """Call ``hook(module, args)`` before every ``forward``: args is the tuple of positional
        arguments; a returned tuple (or single value) replaces them. Returns a handle
        (``handle.remove()``)."""
        return self._register_hook("forward_pre", hook, "register_forward_pre_hook")

    def register_forward_hook(self, hook):
        """Call ``hook(module, args, output)`` after every ``forward``; a returned value replaces
        the output (e.g. to capture feature maps, return None and keep ``output``). Returns a
        handle (``handle.remove()``)."""
        return self._register_hook("forward", hook, "register_forward_hook")

    def register_full_backward_hook(self, hook):
        """Call ``hook(module, grad_input, grad_output)`` when the gradients with respect to the
        module's positional inputs have been computed: tuples of arrays (Tensors inside
        ``ag.grad(..., create_graph=True)``), PyTorch's values: None for an argument that is not
        a tensor and for an output nothing flowed into; zeros for a tensor input that received
        nothing, once another input requires grad (all None when none does). A returned tuple
        replaces grad_input. Returns a handle (``handle.remove()``)."""
        return self._register_hook("backward", hook, "register_full_backward_hook")


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

    The module's outputs and its positional inputs that require grad each pass through an
    identity node, joined (``_joined``) so that one closure runs once every gradient of that side
    is in: on the output side it completes ``grad_output``; on the input side, later in the pass,
    ``grad_input`` is complete, the hooks see it, and their result flows on to the real inputs.
    PyTorch's values: once any input requires grad, a tensor input that receives nothing reports
    zeros; with none, the hooks run from the output side with ``grad_input`` all None.
    """

    def __init__(self, module, hooks, args):
        self.module, self.hooks, self.args = module, hooks, args
        self.tensors = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.positions = [i for i in self.tensors if args[i].requires_grad]
        self.grad_output = None
        self.inputs = args
        if self.positions:
            inputs = list(args)
            joined = _joined([args[i] for i in self.positions], self._inputs_complete)
            for i, node in zip(self.positions, joined, strict=True):
                inputs[i] = node
            self.inputs = tuple(inputs)

    def _inputs_complete(self, grads):
        grad_input = [None] * len(self.args)
        received = dict(zip(self.positions, grads, strict=True))
        for i in self.tensors:
            g = received.get(i)
            grad_input[i] = np.zeros_like(self.args[i].value) if g is None else g
        grad_input = self._call_hooks(tuple(grad_input))
        return [grad_input[i] for i in self.positions]

    def watch(self, output):
        outputs = output if isinstance(output, tuple) else (output,)
        watched = [k for k, o in enumerate(outputs) if isinstance(o, Tensor) and o.requires_grad]
        if not watched:
            return output

        def outputs_complete(grads):
            grad_output = [None] * len(outputs)
            for k, g in zip(watched, grads, strict=True):
                grad_output[k] = g
            self.grad_output = tuple(grad_output)
            if not self.positions:  # no input needs a gradient: the hooks run now (as torch)
                self._call_hooks((None,) * len(self.args))
            return grads

        wrapped = list(outputs)
        for k, node in zip(watched, _joined([outputs[k] for k in watched], outputs_complete), strict=True):
            wrapped[k] = node
        return tuple(wrapped) if isinstance(output, tuple) else wrapped[0]

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


def _joined(sources, complete):
    """One identity node per source (Tensors that require grad), all hanging off one zero-size
    node: its closure comes after theirs in the backward order, so it runs once each of them
    that receives a gradient has. ``complete(grads)`` (None where nothing arrived) returns the
    gradients to pass on to the sources."""
    grads = [None] * len(sources)
    packed = Tensor(np.zeros(0, dtype=sources[0].dtype), inputs=tuple(sources), op="backward_hook")

    def _backward():
        passed = complete(tuple(grads))
        grads[:] = [None] * len(sources)  # the next backward pass starts afresh
        for source, g in zip(sources, passed, strict=True):
            if g is not None:
                source.accumulate_grad(g)

    packed._backward = _backward

    def identity(k, source):
        node = Tensor(source.value, inputs=(packed,), op="backward_hook")

        def _backward():
            grads[k] = node.grad
            packed.accumulate_grad(np.zeros(0, dtype=packed.dtype))

        node._backward = _backward
        return node

    return [identity(k, source) for k, source in enumerate(sources)]
