"""Turning what a user passed into a numeric NumPy array, with errors naming the user's call."""

import numbers

import numpy as np

from autograd import tensor  # a partly loaded module while Tensor's own file imports this one


def as_array(value, where, name=None):
    """``value`` as a numeric ndarray (shared, not copied, when it already is one).

    ``where`` is the function the user called and ``name`` its argument: a wrong value is a
    TypeError saying so (``mul: b must be a number, array or Tensor, got NoneType``). The checks
    run only for values that are not already a Tensor or a numeric ndarray.
    """
    if isinstance(value, tensor.Tensor):
        return value.value
    if type(value) is not np.ndarray:
        if isinstance(value, (str, bytes)) or (
            not isinstance(value, (numbers.Number, list, tuple, np.generic, np.ndarray))
        ):
            if name is None:
                raise TypeError(f"{where}: expected numbers or an array, got {type(value).__name__}")
            raise TypeError(f"{where}: {name} must be a number, array or Tensor, got {_described(value)}")
        try:
            value = np.asarray(value)
        except ValueError as error:  # ragged nested lists
            subject = f"{name} " if name else ""
            raise TypeError(f"{where}: cannot make an array of {subject}{value!r}: {error}") from None
    if value.dtype.kind not in "biuf":
        subject = f"{name} must be" if name else "expected"
        raise TypeError(f"{where}: {subject} a numeric array, got dtype {value.dtype}")
    return value


def _described(value):
    """A wrong value's type, and the value itself when it is short text (``str 'abc'``)."""
    kind = type(value).__name__
    if isinstance(value, (str, bytes)) and len(value) <= 20:
        return f"{kind} {value!r}"
    return kind
