"""conv2d: PyTorch's F.conv2d as strided windows + one GEMM (lessons 000, 001 and 6).

The forward is lesson 000's batched Conv2d, ``Y_mat = W_row @ X_mat``, with the columns X_mat
(K, N*L), K = C*kH*kW, copied once from a zero-copy window view (``autograd.sliding_windows``)
straight into the layout the GEMM reads. The backward is the same matrix view read backwards:
``dW_row = dY_mat @ X_mat^T``, ``db = sum(dY)``, and for dX one of three routes: ``dX_mat =
W_row^T @ dY_mat`` followed by col2im, which adds each column back onto the pixels its window
read; lesson 001's "the backward is also a convolution", dY correlated with the kernel turned
180 degrees; or, at stride 1, the same sum with the kernel's columns folded into the GEMM
(see ``_input_grad_route`` for which is taken when).

Groups split K and C_out into ``groups`` blocks and the GEMM becomes one batched matmul over
the group axis; a 1x1 convolution needs no columns at all (it is a matmul per pixel).

Speed (measured, see benchmarks/bench_conv.py):
- stride 1 uses the full-width layout, so the column copy moves long contiguous runs;
- the columns are built and multiplied a slab of images at a time, the slab's columns at most
  ``COLUMN_BYTES``, so the GEMM reads them from cache (a cache-blocking loop: one to a dozen
  iterations for the benchmark's batches of 64; one per image only when a single image's
  columns exceed the budget); the backward rebuilds them slab by slab (one more copy) instead
  of holding the whole matrix from forward to backward;
- each GEMM is given the shape OpenBLAS runs fastest: dW as its transpose, and few output
  channels padded to ``GEMM_ROWS``;
- dX for kernels of more than 9 taps (and short rows) folds the kernel's columns into the
  GEMM (``_input_grad_rows``: kW shifted copies of dY, then kH long adds) instead of one
  strided add per kernel position or a correlation over a mostly zero padded dY;
- the temporaries live in reused scratch buffers (``autograd.ops.workspace``): fresh
  multi-megabyte arrays cost more in page faults than a LeNet-sized GEMM.
"""

import numpy as np

from autograd import sliding_windows as sw
from autograd.ops.conv_args import check_windows_fit, conv_padding, is_int, pair, require_ndim
from autograd.ops.workspace import scratch
from autograd.tensor import Tensor, as_tensor

COLUMN_BYTES = 4 << 20
# OpenBLAS's float32 GEMM (Haswell kernels) runs a product with 8 rows (or 8 columns) of output
# far faster than one with 2 to 7: LeNet's 6 channels are padded with zero rows to 8 (measured:
# conv1's forward GEMM 0.20 -> 0.15 ms, its dW GEMM 0.53 -> 0.35 ms)
GEMM_ROWS = 8
# below this many values per (image, channel) run, the strided col2im is slower than dX by kernel rows
SHORT_RUN = 256


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation, PyTorch's ``F.conv2d``.

    x: (N, C_in, H, W); weight: (C_out, C_in/groups, kH, kW); bias: (C_out,) or None;
    stride, dilation: int or pair; padding: int, pair, "valid" or "same".
    Returns (N, C_out, H_out, W_out) with H_out = (H + 2 pH - dH (kH - 1) - 1) // sH + 1.
    """
    x, weight = as_tensor(x), as_tensor(weight)
    bias = None if bias is None else as_tensor(bias)
    g, groups = _geometry(x.shape, weight.shape, None if bias is None else bias.shape,
                          stride, padding, dilation, groups)
    # mixed dtypes promote as in NumPy (PyTorch raises): classroom code feeds float64 arrays to a
    # float32 layer's weight; nn.Conv2d casts its input to its parameters' dtype instead
    dtype = np.result_type(*(t.value.dtype for t in (x, weight, bias) if t is not None))
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    if g.kernel == (1, 1):
        return _conv1x1(x, weight, bias, g, groups, dtype)
    return _conv_columns(x, weight, bias, g, groups, dtype)


def _conv_columns(x, w, b, g, groups, dtype):
    """The general case: strided windows -> columns -> GEMM, slab by slab."""
    w_value = w.value.astype(dtype, copy=False)
    bias = None if b is None else b.value.astype(dtype, copy=False)
    x_value = x.value.astype(dtype, copy=False)
    inputs = (x, w) if b is None else (x, w, b)
    output = Tensor(_correlate(x_value, w_value, bias, g, groups), inputs=inputs, op="conv2d")

    def _backward():
        dy = output.grad
        c_out = w.shape[0]
        dy_mat = None
        if w.requires_grad or (b is not None and b.requires_grad):
            dy_mat = _output_grad_matrix(dy, g, _gemm_rows(c_out, groups))
        if b is not None and b.requires_grad:
            b.accumulate_grad(dy_mat[:c_out].sum(axis=1))  # the garbage columns of dy_mat are zeros
        if w.requires_grad:
            w.accumulate_grad(_weight_grad(x_value, dy_mat, g, groups, w.shape))
        if x.requires_grad:
            x.accumulate_grad(_input_grad(dy, None if dy_mat is None else dy_mat[:c_out], w_value, g, groups))

    output._backward = _backward
    return output


def _gemm_rows(c_out, groups):
    """Rows of the GEMMs' output-channel side: C_out, or GEMM_ROWS for 2 to 7 ungrouped channels."""
    return GEMM_ROWS if groups == 1 and 1 < c_out < GEMM_ROWS else c_out


def _slabs(g, rows, dtype):
    """(start, n) ranges of images whose columns, rows x n*M values, fit in COLUMN_BYTES."""
    per_image = max(1, rows * g.H_out * g.row * dtype.itemsize)
    size = max(1, min(g.N, COLUMN_BYTES // per_image))
    return [(start, min(size, g.N - start)) for start in range(0, g.N, size)]


def _window_view(x, g):
    """(C, kH, kW, N, H_out, row) windows of x, padded in scratch memory."""
    x_pad = sw.pad(x, g, out=scratch("conv input", g.padded_shape, x.dtype))
    return sw.windows(x_pad, g).transpose(1, 2, 3, 0, 4, 5)


def _columns(win, start, n, g, groups):
    """X_mat of images start..start+n as (groups, C*kH*kW/groups, n*M), copied into scratch memory."""
    cols = scratch("conv columns", (*win.shape[:3], n, g.H_out, g.row), win.dtype)
    np.copyto(cols, win[:, :, :, start:start + n])
    return cols.reshape(groups, -1, n * g.H_out * g.row)


def _correlate(x, w, bias, g, groups):
    """Y = W_row @ X_mat (+ bias): x (N, C, H, W), w (C_out, C/groups, kH, kW) -> new (N, C_out, H_out, W_out)."""
    c_out, m = w.shape[0], g.H_out * g.row
    w_g = w.reshape(groups, c_out // groups, -1)
    rows = _gemm_rows(c_out, groups)
    if rows > c_out:
        w_g = np.concatenate([w_g, np.zeros((1, rows - c_out, w_g.shape[2]), dtype=w.dtype)], axis=1)
    win = _window_view(x, g)
    y = scratch("conv output", (rows, g.N, m), x.dtype)
    for start, n in _slabs(g, groups * w_g.shape[2], x.dtype):
        np.matmul(w_g, _columns(win, start, n, g, groups), out=y[:, start:start + n].reshape(groups, -1, n * m))
    value = np.empty((g.N, c_out, g.H_out, g.W_out), dtype=x.dtype)
    y_nchw = y[:c_out].reshape(c_out, g.N, g.H_out, g.row)[..., : g.W_out].transpose(1, 0, 2, 3)
    if bias is None:
        np.copyto(value, y_nchw)
    else:
        np.add(y_nchw, bias.reshape(c_out, 1, 1), out=value)
    return value


def _output_grad_matrix(dy, g, rows=None):
    """dY (N, C_out, H_out, W_out) as the matrix dY_mat (rows, N*M) of the forward's GEMM.

    With the full-width layout the garbage columns get zeros, so they add nothing to dW; so do
    the rows past C_out (``rows`` >= C_out, for ``_gemm_rows``).
    """
    c_out = dy.shape[1]
    rows = c_out if rows is None else rows
    dy_mat = scratch("conv d_output", (rows, g.N, g.H_out, g.row), dy.dtype)
    dy_mat[:c_out, ..., : g.W_out] = dy.transpose(1, 0, 2, 3)
    dy_mat[:c_out, ..., g.W_out:] = 0
    dy_mat[c_out:] = 0
    return dy_mat.reshape(rows, g.N * g.H_out * g.row)


def _weight_grad(x, dy_mat, g, groups, w_shape):
    """dW_row = dY_mat @ X_mat^T, summed slab by slab (the columns are rebuilt, not kept).

    Computed as its transpose X_mat @ dY_mat^T: OpenBLAS runs that orientation up to 1.6x faster
    for these long, thin products (measured). Rebuilding the columns from the small input, a slab
    at a time in cache, measured faster in a training step than keeping the forward's whole
    matrix, which has left the cache by then. dy_mat may have zero rows past C_out.
    """
    win = _window_view(x, g)
    dy_g = dy_mat.reshape(groups, dy_mat.shape[0] // groups, g.N, g.H_out * g.row)
    dw_t = np.zeros((groups, win.shape[0] * win.shape[1] * win.shape[2] // groups, dy_g.shape[1]), dtype=x.dtype)
    for start, n in _slabs(g, win.shape[0] * win.shape[1] * win.shape[2], x.dtype):
        dy_s = dy_g[:, :, start:start + n].reshape(groups, dy_g.shape[1], -1)
        dw_t += _columns(win, start, n, g, groups) @ dy_s.transpose(0, 2, 1)
    return np.ascontiguousarray(dw_t.transpose(0, 2, 1)[:, : w_shape[0] // groups]).reshape(w_shape)


def _input_grad(dy, dy_mat, w, g, groups):
    """dX: (N, C_out, H_out, W_out) -> new (N, C, H, W), the adjoint of the forward, by the route
    ``_input_grad_route`` picks (each measured fastest where it is taken, see there)."""
    transposed = _transposed_geometry(g, w.shape[0])
    route = _input_grad_route(g, w.shape[0], groups, transposed is not None)
    if route == "transposed":
        return _correlate(dy, _flipped_transposed(w, groups), None, transposed, groups)
    if route == "rows":
        return _input_grad_rows(dy, w, g, groups)
    return _input_grad_col2im(_output_grad_matrix(dy, g) if dy_mat is None else dy_mat, w, g, groups)


def _input_grad_route(g, c_out, groups, transposable):
    """Which of the three dX routes to take, by what measured fastest (whole forward + backward
    of the op, in one process; on this 2-core machine differences under ~10% are noise):

    - "col2im", ``W_row^T @ dY_mat`` then one strided add per kernel position: the only route
      for stride > 1, and the fallback when neither rule below applies;
    - "rows", ``_input_grad_rows`` (kW shifted copies of dY, one GEMM, kH adds), first for
      kernels of more than 9 taps, unless C_out >= 8 C per group (its GEMM would have few rows),
      the groups are thin (under 8 input channels each) or the output is far smaller than the
      input (its full-width rows would be mostly zeros). There dY padded by k - 1 for the
      transposed route is mostly zeros and col2im makes kH kW adds: measured 1.05-1.37x faster
      forward + backward for 5x5 and 7x7 convolutions than the earlier rule, up to 4.5x for dX;
    - "transposed", lesson 001's "the backward is also a convolution", dY correlated with the
      kernel turned 180 degrees: otherwise whenever C_out <= 2 C (3x3 kernels, depthwise);
    - "rows" again for short rows (H_out W_pad < ``SHORT_RUN``) with C_out < C kH, where
      col2im's adds over short runs cost more (LeNet's conv2 shape before the first rule).

    transposable: whether ``_transposed_geometry`` exists for g (stride 1, padding within the span).
    """
    if g.stride != (1, 1):
        return "col2im"
    (k_h, k_w), run = g.kernel, g.H_out * g.W_pad
    c, o = g.C // groups, c_out // groups
    fits_rows = g.H_pad * g.W_pad <= 2 * run  # not an output far smaller than the input
    if k_h * k_w > 9 and fits_rows and not (groups > 1 and c < 8) and o < 8 * c:
        return "rows"
    if transposable and c_out <= 2 * g.C:
        return "transposed"
    if run < SHORT_RUN and fits_rows and c_out < g.C * k_h:
        return "rows"
    return "col2im"


def _input_grad_rows(dy, w, g, groups):
    """Stride-1 dX with the kernel's columns folded into the GEMM: kW shifted copies of dY, one
    product per slab, then kH adds of whole rows.

    dY is laid out channel first with full-width rows, (C_out, N*H_out*W_pad), zeros past W_out.
    Kernel position (i, j) sends dY[n, oh, ow] to input pixel (oh + i dH, ow + j dW); stacking dY
    shifted right by j dW for j = 0..kW-1 as rows (C_out kW, N H_out W_pad) makes the sum over j
    the GEMM's inner dimension: E_i = W_i (C, C_out kW) @ them holds, per input column x, the
    gradient that kernel row i sends from output row oh to input row oh + i dH, and kH adds of
    contiguous runs of H_out x W_pad values put it there. A shift reads back into the previous
    row's tail, whose last (kW-1) dW values are the layout's zeros (a zero margin before the first).
    No product runs over the padded plane's H_pad - H_out garbage rows, and the GEMM's inner
    dimension is C_out kW, not C_out.
    """
    (k_h, k_w), (d_h, d_w) = g.kernel, g.dilation
    n_img, c_out = dy.shape[0], dy.shape[1]
    run = g.H_out * g.W_pad
    margin = (k_w - 1) * d_w
    dy_ext = scratch("conv d_output rows", (c_out, margin + n_img * run), dy.dtype)
    dy_ext[:, :margin] = 0
    dy_rows = dy_ext[:, margin:].reshape(c_out, n_img, g.H_out, g.W_pad)
    dy_rows[..., g.W_out:] = 0
    dy_rows[..., : g.W_out] = dy.transpose(1, 0, 2, 3)
    c_g, o_g = g.C // groups, c_out // groups
    # w_s[group, (i, c), (o, j)] = w[group o_g + o, c, i, j]
    w_s = w.reshape(groups, o_g, c_g, k_h, k_w).transpose(0, 3, 2, 1, 4).reshape(groups, k_h * c_g, o_g * k_w)
    rows = -(-k_h * c_g // GEMM_ROWS) * GEMM_ROWS
    if rows > k_h * c_g:  # zero rows up to a multiple of 8: OpenBLAS runs such products faster (30 -> 32 rows: 20%)
        w_s = np.concatenate([w_s, np.zeros((groups, rows - k_h * c_g, o_g * k_w), dtype=w_s.dtype)], axis=1)
    dx_pad = np.zeros((n_img, groups, c_g, g.H_pad, g.W_pad), dtype=dy.dtype)
    item = dy.itemsize
    # a slab's shifted copies and its product both within COLUMN_BYTES
    size = max(1, min(n_img, COLUMN_BYTES // (max(c_out * k_w, groups * rows) * run * item)))
    for start in range(0, n_img, size):
        n = min(size, n_img - start)
        # shifted[o, j, t] = dy_rows[o, start run + t - j dW], read from a strided view
        shifted = np.lib.stride_tricks.as_strided(
            dy_ext[:, margin + start * run:], (c_out, k_w, n * run), (dy_ext.strides[0], -d_w * item, item))
        stacked = scratch("conv d_output shifted", (c_out, k_w, n * run), dy.dtype)
        np.copyto(stacked, shifted)
        e = scratch("conv d_columns", (groups, rows, n * run), dy.dtype)
        np.matmul(w_s, stacked.reshape(groups, o_g * k_w, n * run), out=e)
        e = e[:, : k_h * c_g].reshape(groups, k_h, c_g, n, g.H_out, g.W_pad).transpose(3, 0, 1, 2, 4, 5)
        for i in range(k_h):
            dx_pad[start:start + n, :, :, i * d_h:i * d_h + g.H_out] += e[:, :, i]
    dx_pad = dx_pad.reshape(n_img, g.C, g.H_pad, g.W_pad)
    if (g.H_pad, g.W_pad) == (g.H, g.W):
        return dx_pad
    (top, _), (left, _) = g.padding
    return np.ascontiguousarray(dx_pad[:, :, top:top + g.H, left:left + g.W])


def _input_grad_col2im(dy_mat, w, g, groups):
    """dX_mat = W_row^T @ dY_mat, then col2im (any stride): -> new (N, C, H, W)."""
    k_h, k_w = g.kernel
    w_g = w.reshape(groups, w.shape[0] // groups, -1)
    dy_g = dy_mat.reshape(groups, dy_mat.shape[0] // groups, g.N, g.H_out * g.row)
    dx_pad = scratch("conv d_input", g.padded_shape, dy_mat.dtype)
    dx_pad[...] = 0
    for start, n in _slabs(g, g.C * k_h * k_w, dy_mat.dtype):
        d_cols = scratch("conv d_columns", (groups, w_g.shape[2], n * g.H_out * g.row), dy_mat.dtype)
        np.matmul(w_g.transpose(0, 2, 1), dy_g[:, :, start:start + n].reshape(groups, dy_g.shape[1], -1), out=d_cols)
        d_cols = d_cols.reshape(g.C, k_h, k_w, n, g.H_out, g.row).transpose(3, 0, 1, 2, 4, 5)
        sw.add_windows(dx_pad[start:start + n], d_cols, g)
    return np.array(sw.interior(dx_pad, g))  # a copy: dx_pad is scratch


def _transposed_geometry(g, c_out):
    """dX as a stride-1 correlation of dY (N, C_out, H_out, W_out) padded by d(k-1) - p, or None.

    None for stride > 1, and when the padding is wider than the kernel's span (dY would need
    negative padding).
    """
    if g.stride != (1, 1):
        return None
    pads = []
    for (before, after), k, d in zip(g.padding, g.kernel, g.dilation):
        span = d * (k - 1)
        if before > span or after > span:
            return None
        pads.append((span - before, span - after))
    transposed = sw.WindowGeometry((g.N, c_out, g.H_out, g.W_out), g.kernel, (1, 1), tuple(pads), g.dilation)
    transposed.full_width = transposed.W_pad <= 2 * transposed.W_out
    return transposed


def _flipped_transposed(w, groups):
    """The kernel of dX = dY * w: each group's (C_out/G, C/G) swapped, kH and kW reversed."""
    c_out, c_g, k_h, k_w = w.shape
    w_t = w.reshape(groups, c_out // groups, c_g, k_h, k_w).transpose(0, 2, 1, 3, 4)[..., ::-1, ::-1]
    return np.ascontiguousarray(w_t).reshape(groups * c_g, c_out // groups, k_h, k_w)


def _conv1x1(x, w, b, g, groups, dtype):
    """A 1x1 kernel: a matmul per pixel, (G, C_out/G, C_in/G) @ (N, G, C_in/G, L), no columns."""
    c_out, (s_h, s_w) = w.shape[0], g.stride
    c_g, c_out_g = g.C // groups, c_out // groups
    x_pad = sw.pad(x.value.astype(dtype, copy=False), g)
    picked = x_pad[:, :, :: s_h, :: s_w][:, :, : g.H_out, : g.W_out]  # the pixels the kernel visits
    pixels = picked.reshape(g.N, groups, c_g, g.L)
    w_g = w.value.astype(dtype, copy=False).reshape(groups, c_out_g, c_g)
    value = np.matmul(w_g, pixels).reshape(g.N, c_out, g.H_out, g.W_out)
    if b is not None:
        value += b.value.astype(dtype, copy=False).reshape(c_out, 1, 1)
    output = Tensor(value, inputs=(x, w) if b is None else (x, w, b), op="conv2d")

    def _backward():
        dy = output.grad
        if b is not None and b.requires_grad:
            b.accumulate_grad(dy.sum(axis=(0, 2, 3)))
        dy_g = dy.reshape(g.N, groups, c_out_g, g.L)
        if w.requires_grad:
            dw = np.matmul(dy_g, pixels.transpose(0, 1, 3, 2)).sum(axis=0)
            w.accumulate_grad(dw.reshape(w.shape))
        if x.requires_grad:
            d_pixels = np.matmul(w_g.transpose(0, 2, 1), dy_g).reshape(g.N, g.C, g.H_out, g.W_out)
            if g.padded_shape == x.shape and (s_h, s_w) == (1, 1):
                x.accumulate_grad(d_pixels)
                return
            dx_pad = np.zeros(g.padded_shape, dtype=dtype)
            dx_pad[:, :, :: s_h, :: s_w][:, :, : g.H_out, : g.W_out] = d_pixels
            x.accumulate_grad(np.ascontiguousarray(sw.interior(dx_pad, g)))

    output._backward = _backward
    return output


def _geometry(x_shape, w_shape, b_shape, stride, padding, dilation, groups):
    """Check every argument as PyTorch does (ValueErrors name the value) -> (WindowGeometry, groups)."""
    op = "conv2d"
    require_ndim(x_shape, 4, op, "input", "(N, C, H, W)")
    require_ndim(w_shape, 4, op, "weight", "(C_out, C_in/groups, kH, kW)")
    if not is_int(groups) or groups < 1:
        raise ValueError(f"{op}: groups must be an int >= 1, got {groups!r}")
    groups = int(groups)
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
    if k_h < 1 or k_w < 1:
        raise ValueError(f"{op}: the kernel must be at least 1x1, got weight shape {tuple(w_shape)}")
    if b_shape is not None and tuple(b_shape) != (c_out,):
        raise ValueError(f"{op}: bias must have shape ({c_out},) for {c_out} output channels, got {tuple(b_shape)}")
    stride = pair(stride, "stride", op, minimum=1)
    dilation = pair(dilation, "dilation", op, minimum=1)
    kernel = (int(k_h), int(k_w))
    padding = conv_padding(padding, kernel, dilation, stride, op)
    check_windows_fit(x_shape, kernel, padding, dilation, op)
    g = sw.WindowGeometry(x_shape, kernel, stride, padding, dilation)
    # full width pays W_pad/W_out times the work for long contiguous copies: worth it up to 2x
    g.full_width = stride == (1, 1) and kernel != (1, 1) and g.W_pad <= 2 * g.W_out
    return g, groups

