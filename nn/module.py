"""``nn.Module``: the base class of every layer and model (PyTorch's design).

Assigning a ``Parameter`` or a ``Module`` to an attribute registers it (in ``_parameters`` /
``_modules``, in insertion order); ``register_buffer`` adds state that is saved but not learned
(BatchNorm's running statistics). Everything else about a model follows from these three
ordered dicts: the dotted names of ``named_parameters()``, ``state_dict()`` and the printed tree.
"""

from collections import OrderedDict

import numpy as np

from autograd import engine
from autograd.ops.elementwise import astype
from autograd.tensor import Tensor, as_array, constant
from nn.hooks import ModuleHooks, call_with_hooks
from nn.module_state import IncompatibleKeys as IncompatibleKeys
from nn.module_state import LoadStateDictError as LoadStateDictError
from nn.module_state import ModuleState
from nn.parameter import Parameter


class Module(ModuleHooks, ModuleState):
    """Base class: subclass it, create layers in ``__init__`` (after ``super().__init__()``)
    and compute the output in ``forward``; call the module, not ``forward``, so the ops it
    builds are recorded as belonging to it (``autograd.engine.scope``)."""

    def __init__(self):
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())

    def forward(self, *args, **kwargs):
        """The layer's computation: subclasses define it. Call the module (``model(x)``), not
        forward, so its ops are recorded under the module's name for ``ag.draw_graph``.
        """
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args, **kwargs):
        hooks = self.__dict__.get("_hooks")
        if hooks is not None:
            return call_with_hooks(self, hooks, args, kwargs)
        with engine.scope(self):
            return self.forward(*args, **kwargs)

    # -- registration ------------------------------------------------------------------
    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        if params is None and isinstance(value, (Parameter, Module)):
            raise AttributeError(
                f"cannot assign {type(value).__name__} {name!r} before Module.__init__() "
                f"is called: add super().__init__() at the top of {type(self).__name__}.__init__"
            )
        if isinstance(value, Parameter):
            self._forget(name, keep=params)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} "
                    "(nn.Parameter or None expected)"
                )
            params[name] = None
        elif isinstance(value, Module):
            self._forget(name, keep=self._modules)
            self._modules[name] = value
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} as child module {name!r} "
                                "(nn.Module or None expected)")
            self._modules[name] = None
        elif params is not None and name in self._buffers:
            self._buffers[name] = _buffer_array(value, name)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # only called when ordinary lookup failed: a registered name or a genuine typo
        state = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            members = state.get(registry)
            if members is not None and name in members:
                return members[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted({*super().__dir__(), *self._parameters, *self._buffers, *self._modules})

    def _forget(self, name, keep):
        """Drop ``name`` from every registry but ``keep`` (where it keeps its position)."""
        for registry in (self.__dict__, self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def _check_new_name(self, name, kind, method):
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"{method}: {kind} name must be a non-empty string without '.', got {name!r}")
        taken = (self.__dict__, self._parameters, self._buffers, self._modules)
        if any(name in registry for registry in taken) or hasattr(type(self), name):
            raise KeyError(f"{method}: attribute {name!r} already exists; cannot register it as a {kind}")

    def register_parameter(self, name, param):
        """Add ``param`` (a Parameter, or None for an absent one like ``bias=False``)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot register a parameter before Module.__init__() is called")
        if name not in self._parameters:
            self._check_new_name(name, "parameter", "register_parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: cannot assign {type(param).__name__} as parameter {name!r} "
                            "(nn.Parameter or None expected)")
        if param is not None and not param.label:
            param.label = name
        self._parameters[name] = param

    def register_buffer(self, name, array, persistent=True):
        """Add state that is not learned (e.g. running statistics) as a NumPy array.

        Persistent buffers appear in ``state_dict()``; ``None`` reserves the name.
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot register a buffer before Module.__init__() is called")
        if name not in self._buffers:
            self._check_new_name(name, "buffer", "register_buffer")
        self._buffers[name] = _buffer_array(array, name)
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name, module):
        """Add a child module under ``name`` (what assigning an attribute does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {type(module).__name__} is not a Module")
        if name not in self._modules:
            self._check_new_name(name, "module", "add_module")
        self._modules[name] = module

    register_module = add_module

    # -- traversal -----------------------------------------------------------------------
    def named_modules(self, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module and every descendant, depth-first in
        registration order; this module's name is ``prefix`` ('' by default). A module reached
        twice is listed once (unless ``remove_duplicate=False``)."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(f"{name}.{child_name}" if name else child_name, child)
                        for child_name, child in module._modules.items() if child is not None]
            stack.extend(reversed(children))

    def modules(self):
        """This module and every descendant, each once, depth-first in registration order."""
        return (module for _, module in self.named_modules())

    def named_children(self):
        """(name, module) for each direct submodule, in registration order, each once."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        """The direct submodules, in registration order, each once."""
        return (child for _, child in self.named_children())

    def _named_members(self, registry, prefix, recurse, remove_duplicate):
        modules = self.named_modules(prefix, remove_duplicate) if recurse else [(prefix, self)]
        seen = set()
        for module_name, module in modules:
            for name, member in getattr(module, registry).items():
                if member is None or (remove_duplicate and id(member) in seen):
                    continue
                seen.add(id(member))
                yield (f"{module_name}.{name}" if module_name else name), member

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, Parameter) pairs, e.g. ``('features.0.weight', p)``; a parameter shared
        by several layers is listed once, under the first name that reaches it."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every Parameter of this module and (recurse=True, the default) its descendants, each
        once: what an optimizer takes, ``optim.SGD(model.parameters(), lr=0.1)``.
        """
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, array) for every buffer (state that is not a Parameter, such as BatchNorm's
        running statistics), like ``named_parameters``; defaults prefix='', recurse=True, remove_duplicate=True.
        """
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """The buffers' arrays (state that is not a Parameter), recurse=True (the default) for descendants too."""
        return (b for _, b in self.named_buffers(recurse=recurse))

    def apply(self, fn):
        """Call ``fn(module)`` on every descendant, then on this module (PyTorch's order)."""
        # an explicit stack instead of recursion: each module is called after all its children
        stack = [(self, iter(list(self.children())))]
        while stack:
            module, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                fn(module)
            else:
                stack.append((child, iter(list(child.children()))))
        return self

    # -- modes and gradients -------------------------------------------------------------
    def train(self, mode=True):
        """Training mode on (or off with ``mode=False``) for this module and all below it."""
        if not isinstance(mode, bool):
            raise ValueError(f"train: mode must be True or False, got {mode!r}")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self):
        """Evaluation mode: dropout off, BatchNorm uses its running statistics."""
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient (None, as PyTorch's default; zeros if asked)."""
        for p in self.parameters():
            p.zero_grad()
            if not set_to_none:
                p.grad = np.zeros_like(p.value)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` of every parameter (default True; False freezes them); returns self."""
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    # -- printing ------------------------------------------------------------------------
    def extra_repr(self):
        """The text inside ``Name(...)`` for this module's own settings."""
        return ""

    def __repr__(self):
        lines = self.extra_repr().split("\n") if self.extra_repr() else []
        for name, child in self._modules.items():
            child_text = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {child_text}")
        if not self._modules and len(lines) <= 1:
            return f"{type(self).__name__}({''.join(lines)})"
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"


def cast_input(x, dtype, layer="cast_input"):
    """x as a Tensor of a layer's parameter dtype, so a float32 model computes in float32 even
    when fed float64 or integer data (a Tensor is cast by a differentiable ``astype``). An
    input that is not numbers is a TypeError naming ``layer``."""
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else astype(x, dtype)
    return constant(as_array(x, layer, "input").astype(dtype, copy=False))


def _buffer_array(value, name):
    if value is None:
        return None
    if isinstance(value, Tensor):
        return value.value
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"buffer {name!r} must be a numeric array, got dtype {array.dtype}")
    return array
