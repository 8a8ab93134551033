"""Checking ``axis`` arguments once, with errors that name the op and the value."""

import numbers


def normalize_axis(axis, ndim, op):
    """One axis as a non-negative int in [0, ndim)."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"{op}: axis must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for {ndim}-d input")
    return int(axis) % ndim


def normalize_axes(axis, ndim, op):
    """``None`` (all axes), an int or a tuple of ints as a sorted tuple of distinct axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        axes = tuple(sorted(normalize_axis(a, ndim, op) for a in axis))
        if len(set(axes)) != len(axes):
            raise ValueError(f"{op}: repeated axis in {axis!r}")
        return axes
    return (normalize_axis(axis, ndim, op),)
