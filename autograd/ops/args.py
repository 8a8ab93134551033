"""Checking the non-tensor arguments of the ops, with errors that name the op, the argument and
the offending value (tensor arguments are checked by ``as_tensor(x, op, name)``; axes by
``autograd.ops.axes``).

Each check is a few ``isinstance`` tests on a correct value: the ops pay nothing measurable.
"""

import numbers

import numpy as np

from autograd.tensor import Tensor, as_array, constant


def is_int(value):
    """A Python or NumPy integer, not a bool (``True`` as a size or an axis is a mistake)."""
    # type(...) is int first: the common case, without the slower check against the ABC
    return type(value) is int or (isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)))


def check_int(value, op, name, minimum=None):
    """``value`` as an int, at least ``minimum`` when given."""
    if not is_int(value):
        raise TypeError(f"{op}: {name} must be an int, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{op}: {name} must be at least {minimum}, got {value}")
    return int(value)


def check_bool(value, op, name):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_dtype(dtype, op):
    """``dtype`` as a NumPy dtype of numbers (bool, integer or floating), else a TypeError naming ``op``."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{op}: dtype {dtype!r} is not a NumPy dtype") from None
    if dtype.kind not in "biuf":
        raise TypeError(f"{op}: dtype must be a bool, integer or floating dtype, got {dtype}")
    return dtype


def shape_tuple(shape, op, name="shape", allow_minus_one=False):
    """An int or a sequence of ints as a tuple; negative sizes are refused, except one -1
    (an inferred size) where ``allow_minus_one``. Text, floats and bools are refused rather than
    converted: ``"23"`` is not the shape (2, 3), and 2.7 is not 2."""
    if type(shape) is tuple and all(type(n) is int for n in shape):
        sizes = shape  # the common case, checked for negative sizes below
    elif is_int(shape):
        sizes = (int(shape),)
    elif isinstance(shape, (str, bytes)) or not isinstance(shape, (tuple, list, np.ndarray)):
        raise TypeError(f"{op}: {name} must be an int or a tuple of ints, got {type(shape).__name__} {shape!r}")
    else:
        if isinstance(shape, np.ndarray) and shape.ndim != 1:
            raise ValueError(f"{op}: {name} must be 1-D, got an array of shape {shape.shape}")
        for n in shape:
            if not is_int(n):
                raise TypeError(f"{op}: {name} must hold ints, got {type(n).__name__} {n!r} in {shape!r}")
        sizes = tuple(int(n) for n in shape)
    if not sizes or min(sizes) >= 0:
        return sizes
    if allow_minus_one and sizes.count(-1) > 1:
        raise ValueError(f"{op}: only one size can be -1 (inferred), got {name} {sizes}")
    if any(n < 0 for n in sizes if not (allow_minus_one and n == -1)):
        rule = "non-negative (or one -1)" if allow_minus_one else "non-negative"
        raise ValueError(f"{op}: sizes in {name} must be {rule}, got {sizes}")
    return sizes


def number_or_array(value, op, name):
    """A bound or fill value: None, a Python number (kept as is, so it stays weakly typed for
    NumPy's promotion), or a numeric array / Tensor (as its ndarray)."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    if isinstance(value, Tensor):
        return value.value
    return as_array(value, op, name)


def floating(x):
    """``x`` (a Tensor) itself if floating, else a constant of it as floats: NumPy's promotion
    with float32 as the floor, so a bool or int8 input never gives float16 (PyTorch gives
    float32 there; int32/int64 give float64 as in NumPy)."""
    if x.value.dtype.kind == "f":
        return x
    values = x.value.astype(np.result_type(x.value.dtype, np.float32))
    return constant(values)
