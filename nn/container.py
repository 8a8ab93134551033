"""``nn.Sequential``: layers applied one after the other."""

import numbers
from collections import OrderedDict

from nn.module import Module


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
        if not isinstance(module, Module):
            raise TypeError(f"Sequential: {type(module).__name__} is not a Module (at {name!r})")
        super().add_module(name, module)

    def _key(self, index):
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(f"Sequential indices must be integers or slices, not {type(index).__name__}")
        size = len(self._modules)
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of range for a Sequential of {size} layer(s)")
        return list(self._modules)[index % size]

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
