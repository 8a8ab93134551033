"""What a ``Module`` saves and converts: ``state_dict()``, ``load_state_dict()`` and the dtype
of its parameters and buffers (``to``, ``float``, ``double``), with PyTorch's keys and rules.
``Module`` inherits them from ``ModuleState``."""

from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from autograd.tensor import Tensor

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class LoadStateDictError(RuntimeError, ValueError):
    """``load_state_dict`` found missing, unexpected or wrongly shaped keys (a ValueError, and
    PyTorch's RuntimeError for code written against torch)."""


class ModuleState:
    """Mixin of ``Module``: its state_dict and dtype conversion (they read ``named_modules``)."""

    # -- dtype -------------------------------------------------------------------------
    def to(self, dtype):
        """Convert every floating parameter and buffer to ``dtype`` (e.g. np.float64 for a
        gradcheck) in place: the Parameter objects stay the same, so optimizers keep working."""
        if isinstance(dtype, str) and dtype == "cpu":  # torch code's model.to(device): nothing to move
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"to: parameters must stay floating point, got dtype {dtype}")
        for module in self.modules():
            for p in module._parameters.values():
                if p is not None:
                    p.value = p.value.astype(dtype, copy=False)
                    if p.has_grad:
                        p.grad = p.grad.astype(dtype)
            for name, buffer in module._buffers.items():
                if buffer is not None and buffer.dtype.kind == "f":
                    module._buffers[name] = buffer.astype(dtype, copy=False)
        return self

    def double(self):
        """Every floating parameter and buffer converted to float64 in place (``to(np.float64)``); returns self."""
        return self.to(np.float64)

    def float(self):
        """Every floating parameter and buffer converted to float32 in place (``to(np.float32)``); returns self."""
        return self.to(np.float32)

    # -- state_dict ----------------------------------------------------------------------
    def _state_arrays(self, prefix=""):
        """(key, array) for every saved value, PyTorch's keys and order: each module's
        parameters, then its persistent buffers, then its children's, depth-first. Members
        reached by several paths appear under every name (as in torch's state_dict)."""
        for module_name, module in self.named_modules(prefix, remove_duplicate=False):
            head = f"{module_name}." if module_name else ""
            for name, p in module._parameters.items():
                if p is not None:
                    yield head + name, p.value
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent_buffers:
                    yield head + name, b

    def state_dict(self, prefix=""):
        """OrderedDict of key -> NumPy array: parameters and persistent buffers under
        PyTorch's names (``'0.weight'``, ``'bn.running_mean'``, ...). The arrays are the live
        storage, as in PyTorch: copy them to keep a snapshot while training goes on."""
        return OrderedDict(self._state_arrays(prefix))

    def load_state_dict(self, state_dict, strict=True):
        """Copy the arrays of ``state_dict`` into the parameters and buffers in place (keeping
        their dtypes). Values may be NumPy arrays, agrad Tensors or torch tensors.

        Raises ``LoadStateDictError`` naming every wrongly shaped key (always) and, when
        ``strict``, every missing or unexpected key, before anything is copied. Returns
        ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict: state_dict must be a mapping of name -> array (e.g. from "
                            f"state_dict() or nn.load), got {type(state_dict).__name__}")
        targets = OrderedDict(self._state_arrays())
        incoming = OrderedDict((key, _incoming_array(key, value)) for key, value in state_dict.items())
        problems = [f"{key!r} holds bools (dtype {value.dtype}), the model's {targets[key].dtype}"
                    for key, value in incoming.items()
                    if key in targets and value.dtype.kind == "b" and targets[key].dtype.kind != "b"]
        if problems:
            raise TypeError(f"load_state_dict for {type(self).__name__}: " + "; ".join(problems))
        missing = [key for key in targets if key not in incoming]
        unexpected = [key for key in incoming if key not in targets]
        problems = []
        if strict and missing:
            problems.append("missing key(s): " + ", ".join(
                f"{key!r} (the model's shape {targets[key].shape})" for key in missing))
        if strict and unexpected:
            problems.append("unexpected key(s): " + ", ".join(
                f"{key!r} (shape {incoming[key].shape})" for key in unexpected))
        problems += [
            f"size mismatch for {key!r}: the state_dict has shape {value.shape}, "
            f"the model has {targets[key].shape}"
            for key, value in incoming.items() if key in targets and value.shape != targets[key].shape
        ]
        if problems:
            raise LoadStateDictError(f"load_state_dict for {type(self).__name__}: " + "; ".join(problems))
        for key, value in incoming.items():
            if key in targets:
                targets[key][...] = value
        return IncompatibleKeys(missing, unexpected)


def _incoming_array(key, value):
    try:
        array = np.asarray(value.value if isinstance(value, Tensor) else value)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"load_state_dict: the value of {key!r} is not an array: {error}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"load_state_dict: the value of {key!r} has dtype {array.dtype}, expected numbers")
    return array
