"""Argument checks shared by conv2d, conv_transpose2d, the pools, unfold and fold.

Each function takes the op's name so its ValueError says which call was wrong and names the
offending value (PyTorch accepts an int or a pair for every size; so do these).
"""

from autograd.geometry import WindowGeometry, is_int


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


def conv_geometry(x_shape, w_shape, b_shape, stride, padding, dilation, groups):
    """conv2d's arguments checked as PyTorch checks them -> (WindowGeometry of x, groups)."""
    op = "conv2d"
    require_ndim(x_shape, 4, op, "input", "(N, C, H, W)")
    require_ndim(w_shape, 4, op, "weight", "(C_out, C_in/groups, kH, kW)")
    groups = _groups(groups, op)
    c_in, (c_out, c_per_group, k_h, k_w) = x_shape[1], w_shape
    if c_out % groups:
        raise ValueError(f"{op}: groups={groups} must divide out_channels {c_out} (weight shape {tuple(w_shape)})")
    if c_in % groups:
        raise ValueError(f"{op}: groups={groups} must divide in_channels {c_in} (input shape {tuple(x_shape)})")
    if c_per_group * groups != c_in:
        raise ValueError(
            f"{op}: input has {c_in} channels but the weight {tuple(w_shape)} expects {c_per_group * groups} "
            f"(weight.shape[1]={c_per_group} x groups={groups})"
        )
    _check_kernel(w_shape, op)
    _check_bias(b_shape, c_out, op)
    _check_has_pixels(x_shape, op)
    stride = pair(stride, "stride", op, minimum=1)
    dilation = pair(dilation, "dilation", op, minimum=1)
    kernel = (int(k_h), int(k_w))
    padding = conv_padding(padding, kernel, dilation, stride, op)
    check_windows_fit(x_shape, kernel, padding, dilation, op)
    return WindowGeometry(tuple(x_shape), kernel, stride, padding, dilation), groups


def conv_transpose_geometry(x_shape, w_shape, b_shape, stride, padding, output_padding, dilation, groups):
    """conv_transpose2d's arguments checked as PyTorch checks them -> (geometry, groups).

    The geometry is that of the convolution whose input gradient this is: its input is the
    transposed convolution's output (N, C_out, H, W), H = (H_in - 1) sH - 2 pH + dH (kH - 1) +
    output_padding + 1.
    """
    op = "conv_transpose2d"
    require_ndim(x_shape, 4, op, "input", "(N, C_in, H_in, W_in)")
    require_ndim(w_shape, 4, op, "weight", "(C_in, C_out/groups, kH, kW)")
    groups = _groups(groups, op)
    n, c_in, h_in, w_in = x_shape
    if w_shape[0] != c_in:
        raise ValueError(f"{op}: input has {c_in} channels but the weight {tuple(w_shape)} expects {w_shape[0]}")
    if c_in % groups:
        raise ValueError(f"{op}: groups={groups} must divide in_channels {c_in} (input shape {tuple(x_shape)})")
    _check_kernel(w_shape, op)
    c_out = w_shape[1] * groups
    _check_bias(b_shape, c_out, op)
    _check_has_pixels(x_shape, op)
    stride = pair(stride, "stride", op, minimum=1)
    dilation = pair(dilation, "dilation", op, minimum=1)
    pads = pair(padding, "padding", op, minimum=0)
    extra = pair(output_padding, "output_padding", op, minimum=0)
    for e, s, d in zip(extra, stride, dilation):
        if e >= max(s, d):
            raise ValueError(f"{op}: output_padding {output_padding!r} must be smaller than either stride "
                             f"{stride} or dilation {dilation}")
    size = [(i - 1) * s - 2 * p + d * (k - 1) + e + 1
            for i, s, p, d, k, e in zip((h_in, w_in), stride, pads, dilation, w_shape[2:], extra)]
    if min(size) < 1:
        raise ValueError(f"{op}: the output would be {size[0]}x{size[1]} for input {h_in}x{w_in}, kernel "
                         f"{tuple(w_shape[2:])}, stride {stride}, padding {pads}, dilation {dilation}")
    padding = ((pads[0], pads[0]), (pads[1], pads[1]))
    return WindowGeometry((n, c_out, *size), (int(w_shape[2]), int(w_shape[3])), stride, padding, dilation), groups


def _groups(groups, op):
    if not is_int(groups) or groups < 1:
        raise ValueError(f"{op}: groups must be an int >= 1, got {groups!r}")
    return int(groups)


def _check_kernel(w_shape, op):
    # no input channels is an empty sum (the output is the bias); no output channels is refused, as PyTorch does
    if w_shape[1 if op == "conv_transpose2d" else 0] < 1:
        raise ValueError(f"{op}: weight {tuple(w_shape)} has no output channels")
    if w_shape[2] < 1 or w_shape[3] < 1:
        raise ValueError(f"{op}: the kernel must be at least 1x1, got weight shape {tuple(w_shape)}")


def _check_has_pixels(x_shape, op):
    """An image of height or width 0 is refused, as PyTorch does (padding would make windows of
    nothing but zeros); an empty batch or zero channels are fine."""
    if x_shape[0] and x_shape[1] and not (x_shape[2] and x_shape[3]):
        raise ValueError(f"{op}: input {tuple(x_shape)} has no pixels (height or width 0); only an empty batch "
                         "or zero channels are supported, as in PyTorch")


def _check_bias(b_shape, c_out, op):
    if b_shape is not None and tuple(b_shape) != (c_out,):
        raise ValueError(f"{op}: bias must have shape ({c_out},) for {c_out} output channels, got {tuple(b_shape)}")
