"""Containers: ``nn.Sequential`` (layers applied in order), ``nn.ModuleList`` and
``nn.ModuleDict`` (modules held by position or by name, registered so that their parameters,
``train()``/``eval()`` and state_dict keys reach them: ``'blocks.0.weight'``, ``'heads.cls.bias'``)."""

import numbers
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from nn.module import Module


def _position(container, index):
    """The registered name of ``container[index]`` for an int index (negative counts from the end)."""
    owner = type(container).__name__
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise TypeError(f"{owner} indices must be integers or slices, not {type(index).__name__}")
    size = len(container._modules)
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of range for a {owner} of {size} module(s)")
    return list(container._modules)[index % size]


def _check_module(owner, module, where):
    if not isinstance(module, Module):
        raise TypeError(f"{owner}: {type(module).__name__} is not a Module (at {where!r})")


class Sequential(Module):
    """``Sequential(layer0, layer1, ...)`` or ``Sequential(OrderedDict(name=layer, ...))``.

    ``forward(x)`` feeds x through the layers in order. The children are named '0', '1', ...
    (or by the dict's keys), so the state_dict keys are torch's: ``'0.weight'``, ``'2.bias'``.
    Indexing gives a layer (``seq[0]``, ``seq[-1]``) or, for a slice, a new Sequential of the
    same layer objects under their original names; also ``len``, iteration and ``append``.
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), module)

    def add_module(self, name, module):
        """Register ``module`` (which must be a Module) under ``name``; its position is its order."""
        _check_module("Sequential", module, name)
        super().add_module(name, module)

    def _key(self, index):
        return _position(self, index)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        return self._modules[self._key(index)]

    def __setitem__(self, index, module):
        self.add_module(self._key(index), module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        """Add ``module`` at the end (named by its position) and return self."""
        name = str(len(self))
        if name in self._modules:  # possible after slicing: never silently replace a layer
            raise ValueError(f"Sequential.append: a layer is already named {name!r}")
        self.add_module(name, module)
        return self

    def extend(self, modules):
        """Append each module of ``modules`` in order (see ``append``) and return self."""
        for module in modules:
            self.append(module)
        return self

    def forward(self, x):
        """Each layer's output is the next one's input: ``layer_n(...layer_1(layer_0(x)))``."""
        for module in self._modules.values():
            x = module(x)
        return x


class ModuleList(Module):
    """A list of modules, PyTorch's ``nn.ModuleList``: ``ModuleList([m0, m1, ...])``.

    The modules are children named '0', '1', ... by position, so ``self.blocks = ModuleList(...)``
    gives state_dict keys ``'blocks.0.weight'``, ... . Like a list: indexing (a slice gives a
    new ModuleList of the same module objects, renumbered from 0), assignment, ``del`` (the rest
    are renumbered), ``len``, iteration, ``append``, ``extend``, ``insert``, ``pop``, ``+`` and
    ``+=``. It has no ``forward``: the owner decides how to call its modules.
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def add_module(self, name, module):
        _check_module("ModuleList", module, name)
        super().add_module(name, module)

    def _renumber(self, modules):
        self._modules.clear()
        for index, module in enumerate(modules):
            self._modules[str(index)] = module

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(list(self._modules.values())[index])
        return self._modules[_position(self, index)]

    def __setitem__(self, index, module):
        _check_module("ModuleList", module, index)
        self._modules[_position(self, index)] = module

    def __delitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            del modules[index]
        else:
            del modules[int(_position(self, index))]
        self._renumber(modules)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        if not isinstance(other, ModuleList):
            raise TypeError(f"ModuleList: can only add another ModuleList, got {type(other).__name__}")
        return ModuleList([*self, *other])

    def append(self, module):
        """Add ``module`` at the end and return self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Append every module of the iterable ``modules`` and return self."""
        if not isinstance(modules, Iterable):
            raise TypeError(f"ModuleList.extend should be called with an iterable, but got {type(modules).__name__}")
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index, module):
        """Insert ``module`` before position ``index`` (Python's list.insert rules)."""
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(f"ModuleList.insert: index must be an integer, got {type(index).__name__}")
        _check_module("ModuleList", module, index)
        modules = list(self._modules.values())
        modules.insert(int(index), module)
        self._renumber(modules)

    def pop(self, index=-1):
        """Remove and return the module at ``index`` (default -1, the last); the rest are renumbered."""
        module = self[index]
        del self[index]
        return module

    def __dir__(self):
        return [name for name in super().__dir__() if not name.isdigit()]


class ModuleDict(Module):
    """An ordered dict of modules, PyTorch's ``nn.ModuleDict``: ``ModuleDict({'cls': m, ...})``
    or from (name, module) pairs.

    Each module is a child under its key (insertion order), so ``self.heads = ModuleDict(...)``
    gives state_dict keys ``'heads.cls.weight'``. Like a dict: ``d[key]``, assignment, ``del``,
    ``in``, ``len``, iteration over keys, ``keys()``, ``values()``, ``items()``, ``update``,
    ``pop``, ``clear``. Keys are strings without '.' that are not attribute names of the class
    (``'keys'`` is taken), as in PyTorch. It has no ``forward``.
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def add_module(self, name, module):
        _check_module("ModuleDict", module, name)
        super().add_module(name, module)

    def __getitem__(self, key):
        if key not in self._modules:
            raise KeyError(f"ModuleDict has no module {key!r} (keys: {list(self._modules)})")
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        if key not in self._modules:
            raise KeyError(f"ModuleDict has no module {key!r} (keys: {list(self._modules)})")
        del self._modules[key]

    def __contains__(self, key):
        return key in self._modules

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def keys(self):
        """The keys, in insertion order (a live view, as ``dict.keys()``)."""
        return self._modules.keys()

    def values(self):
        """The modules, in insertion order (a live view, as ``dict.values()``)."""
        return self._modules.values()

    def items(self):
        """The (key, module) pairs, in insertion order (a live view, as ``dict.items()``)."""
        return self._modules.items()

    def pop(self, key):
        """Remove and return the module under ``key`` (KeyError if there is none)."""
        module = self[key]
        del self[key]
        return module

    def clear(self):
        """Remove every module."""
        self._modules.clear()

    def update(self, modules):
        """Add (or replace) modules from a mapping or an iterable of (key, module) pairs."""
        if isinstance(modules, (Mapping, ModuleDict)):
            for key, module in modules.items():
                self[key] = module
            return
        if not isinstance(modules, Iterable):
            raise TypeError(f"ModuleDict.update should be called with an iterable of key/value pairs, "
                            f"but got {type(modules).__name__}")
        for number, pair in enumerate(modules):
            if not isinstance(pair, Iterable) or isinstance(pair, (str, Module)):
                raise TypeError(f"ModuleDict update sequence element #{number} should be Iterable; "
                                f"is {type(pair).__name__}")
            pair = tuple(pair)
            if len(pair) != 2:
                raise ValueError(f"ModuleDict update sequence element #{number} has length {len(pair)}; "
                                 "2 is required")
            self[pair[0]] = pair[1]
