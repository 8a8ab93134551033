"""Argument checks shared by conv2d, the pools, unfold and fold.

Each function takes the op's name so its ValueError says which call was wrong and names the
offending value (PyTorch accepts an int or a pair for every size; so do these).
"""

import numbers


def pair(value, name, op, minimum):
    """An int or a pair of ints -> (height, width), each >= minimum."""
    values = (value, value) if is_int(value) else value
    if not isinstance(values, (tuple, list)) or len(values) != 2 or not all(is_int(v) for v in values):
        raise ValueError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    values = (int(values[0]), int(values[1]))
    for v in values:
        if v < minimum:
            raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return values


def conv_padding(padding, kernel, dilation, stride, op):
    """padding: an int, a pair, "valid" or "same" -> ((top, bottom), (left, right)).

    "same" keeps H and W (stride 1 only, as PyTorch); when the total d(k - 1) is odd the extra
    row/column goes at the bottom/right, as PyTorch does.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"{op}: padding='same' needs stride 1, got stride={stride}")
            sides = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                sides.append((total // 2, total - total // 2))
            return tuple(sides)
        raise ValueError(f"{op}: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    p_h, p_w = pair(padding, "padding", op, minimum=0)
    return (p_h, p_h), (p_w, p_w)


def require_ndim(shape, ndim, op, what, layout):
    if len(shape) != ndim:
        raise ValueError(f"{op}: {what} must be {ndim}-D {layout}, got shape {tuple(shape)}")


def check_windows_fit(shape, kernel, padding, dilation, op):
    """Raise unless the dilated kernel fits inside the padded input (at least one window)."""
    for axis, name in ((0, "height"), (1, "width")):
        size = shape[2 + axis]
        (before, after) = padding[axis]
        span = dilation[axis] * (kernel[axis] - 1) + 1
        if span > size + before + after:
            raise ValueError(
                f"{op}: kernel {name} {kernel[axis]} (dilation {dilation[axis]}, spanning {span}) is larger "
                f"than the padded input {name} {size + before + after} (input {size} + padding {before}+{after})"
            )


def pool_args(x_shape, kernel_size, stride, padding, op):
    """kernel, stride, ((top, bottom), (left, right)) for a pool, checked as PyTorch checks them."""
    require_ndim(x_shape, 4, op, "input", "(N, C, H, W)")
    kernel = pair(kernel_size, "kernel_size", op, minimum=1)
    stride = kernel if stride is None else pair(stride, "stride", op, minimum=1)
    pad = pair(padding, "padding", op, minimum=0)
    for p, k in zip(pad, kernel):
        if 2 * p > k:
            raise ValueError(f"{op}: padding {padding!r} must be at most half the kernel size {kernel_size!r}")
    padding = ((pad[0], pad[0]), (pad[1], pad[1]))
    check_windows_fit(x_shape, kernel, padding, (1, 1), op)
    return kernel, stride, padding


def is_int(value):
    return type(value) is int or (isinstance(value, numbers.Integral) and not isinstance(value, bool))
