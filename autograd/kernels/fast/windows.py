"""Sliding windows for the fast kernels: zero-copy strided views, pure NumPy.

The fast form of ``autograd.im2col`` (read that first, it follows the lessons): padding,
stride and dilation per axis, windows as a zero-copy read-only strided view (lesson 001's
stride tricks), and the adjoint, which adds window values back into the image (col2im) with one
strided slice-add per kernel position, never a loop over the batch, channels or pixels.

Notation: as in ``autograd.geometry``; ``x_pad`` is the padded input, (H_pad, W_pad) its size.

The full-width layout (stride 1 only): a window row is taken over the whole padded width,
W_pad values instead of W_out, so each kernel position reads one contiguous run of
H_out * W_pad values per (image, channel) and every copy of the windows moves long contiguous
runs. The last W_pad - W_out values of each row are garbage that the caller drops; one extra
zero row under the image keeps the last run inside the buffer.

Its unpadded form (``unpadded``: full width, and W_out <= W) takes the rows over the input's
own width W and needs no padded buffer at all: kernel position (i, j) is x itself read from flat
offset (i dH - top) W + (j dW - left), and the cells that fall outside the image (a run's ends,
and the columns a shift wraps into the next row) are written as zeros (``shifted_columns``).
That saves the pad copy and leaves fewer garbage columns: none for a "same" convolution.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from autograd import geometry


class WindowGeometry(geometry.WindowGeometry):
    """A geometry with the layout the fast kernels copy windows in: standard, or full width.

    ``full_width`` (stride 1 only): window rows run over the whole padded width, ``row`` values
    each, and the padded buffer has one extra zero row so the last run stays inside it.
    ``unpadded`` (full width, W_out <= W only): the rows run over the input's width W instead,
    copied from x itself by ``shifted_columns``; there is no padded buffer.
    """

    __slots__ = ("full_width", "unpadded")

    def __init__(self, shape, kernel, stride=(1, 1), padding=((0, 0), (0, 0)), dilation=(1, 1), full_width=False,
                 unpadded=False):
        super().__init__(shape, kernel, stride, padding, dilation)
        if full_width and stride != (1, 1):
            raise ValueError(f"WindowGeometry: the full-width layout needs stride 1, got {stride}")
        if unpadded and not (full_width and self.W_out <= self.W):
            raise ValueError(f"WindowGeometry: the unpadded layout needs full width and W_out <= W, got W_out "
                             f"{self.W_out}, W {self.W}, full_width={full_width}")
        self.full_width = full_width
        self.unpadded = unpadded

    @classmethod
    def of(cls, geom, full_width=False, unpadded=False):
        """``geom`` (any WindowGeometry) in this layout."""
        return cls(geom.shape, geom.kernel, geom.stride, geom.padding, geom.dilation, full_width, unpadded)

    def __repr__(self):
        return f"{super().__repr__()[:-1]}, full_width={self.full_width}, unpadded={self.unpadded})"

    @property
    def row(self):
        """Values per window row in the column layout: W (unpadded), W_pad (full width) or W_out."""
        if self.unpadded:
            return self.W
        return self.W_pad if self.full_width else self.W_out

    @property
    def padded_shape(self):
        return (self.N, self.C, self.H_pad + (1 if self.full_width else 0), self.W_pad)


def pad(x, g, fill=0.0, out=None):
    """x: (N, C, H, W) -> x_pad: ``g.padded_shape``, filled with ``fill`` around x.

    Returns x itself when nothing is added (no padding, not full width); otherwise a new array,
    or ``out`` (an array of the padded shape) filled in.
    """
    _require_padded_layout(g, "pad")
    (top, _), (left, _) = g.padding
    shape = g.padded_shape
    if shape == x.shape:
        return x
    x_pad = np.empty(shape, dtype=x.dtype) if out is None else out
    # fill only the border, then copy x once into the interior
    x_pad[:, :, :top] = fill
    x_pad[:, :, top + g.H:] = fill
    x_pad[:, :, top:top + g.H, :left] = fill
    x_pad[:, :, top:top + g.H, left + g.W:] = fill
    x_pad[:, :, top:top + g.H, left:left + g.W] = x
    return x_pad


def interior(x_pad, g):
    """The (N, C, H, W) view of x inside x_pad."""
    (top, _), (left, _) = g.padding
    return x_pad[:, :, top:top + g.H, left:left + g.W]


def windows(x_pad, g):
    """Zero-copy read-only view (N, C, kH, kW, H_out, row) of the windows of x_pad.

    ``view[n, c, i, j, oh, ow] = x_pad[n, c, oh*sH + i*dH, ow*sW + j*dW]``; with the full-width
    layout ``ow`` runs over the padded width (reading on into the next row).
    """
    _require_padded_layout(g, "windows")
    if x_pad.shape != g.padded_shape:
        raise ValueError(f"windows: expected a padded input of shape {g.padded_shape}, got {x_pad.shape}")
    s_n, s_c, s_h, s_w = x_pad.strides
    (k_h, k_w), (st_h, st_w), (d_h, d_w) = g.kernel, g.stride, g.dilation
    shape = (g.N, g.C, k_h, k_w, g.H_out, g.row)
    strides = (s_n, s_c, d_h * s_h, d_w * s_w, st_h * s_h, st_w * s_w)
    if g.full_width and x_pad.size:  # rows run past W_pad: the last one must still end inside the buffer
        last = sum((n - 1) * s for n, s in zip(shape, strides))
        if not x_pad.flags.c_contiguous or last + x_pad.itemsize > x_pad.nbytes:
            raise ValueError("windows: a full-width view needs the C-contiguous padded buffer of pad()")
    return as_strided(x_pad, shape=shape, strides=strides, writeable=False)


def shifted_columns(x, g, start, n, out):
    """The windows of images start..start+n of x in the unpadded layout, copied into ``out``.

    x: (N, C, H, W); g: its unpadded geometry; out: (C, kH, kW, >= n, H_out * W)
    -> ``out[:, :, :, :n]``, where ``out[c, i, j, m, oh W + ow] = x[start + m, c, oh + i dH - top,
    ow + j dW - left]``, 0 outside the image. One copy of a contiguous run per kernel position.
    """
    if not g.unpadded:
        raise ValueError(f"shifted_columns: needs a geometry in the unpadded layout, got {g!r}")
    (k_h, k_w), (d_h, d_w), (top, _), (left, _) = g.kernel, g.dilation, *g.padding
    size, run = g.H * g.W, g.H_out * g.W
    flat = x[start:start + n].reshape(n, g.C, size).transpose(1, 0, 2)
    cols = out[:, :, :, :n]
    for i in range(k_h):
        for j in range(k_w):
            offset = (i * d_h - top) * g.W + j * d_w - left
            # the run's cells that read inside x: [first, stop), both within [0, run]
            first = min(run, max(0, -offset))
            stop = min(run, max(first, size - offset))
            window = cols[:, i, j]
            np.copyto(window[:, :, first:stop], flat[:, :, first + offset:stop + offset])
            if first:
                window[:, :, :first] = 0
            if stop < run:
                window[:, :, stop:] = 0
    # a shift of j dW - left also reads across a row's edge into the next row: those cells are padding
    by_row = cols.reshape(g.C, k_h, k_w, n, g.H_out, g.W)
    for j in range(k_w):
        shift = j * d_w - left
        if shift < 0:
            by_row[:, :, j, :, :, :min(-shift, g.W)] = 0
        elif shift > 0:
            by_row[:, :, j, :, :, max(g.W - shift, 0):] = 0
    return cols


def add_windows(dx_pad, d_windows, g):
    """The adjoint of ``windows`` (col2im): add every window value back where it was read.

    dx_pad: C-contiguous, ``g.padded_shape`` or a leading slice of the batch of it, updated in
    place; d_windows: (n, C, kH, kW, H_out, row). Overlapping windows add up. One strided
    slice-add per kernel position. With the full-width layout the garbage values of each row must
    be zero (they land on other pixels).
    """
    _require_padded_layout(g, "add_windows")
    (k_h, k_w), (d_h, d_w) = g.kernel, g.dilation
    if g.full_width:
        if not dx_pad.flags.c_contiguous:
            raise ValueError("add_windows: the full-width layout needs a C-contiguous dx_pad")
        n, c = dx_pad.shape[:2]
        flat = dx_pad.reshape(n, c, -1)
        run = g.H_out * g.W_pad
        for i in range(k_h):
            for j in range(k_w):
                start = i * d_h * g.W_pad + j * d_w
                flat[:, :, start:start + run] += d_windows[:, :, i, j].reshape(n, c, run)
        return dx_pad
    for i, j, plane in planes(dx_pad, g):
        plane += d_windows[:, :, i, j]
    return dx_pad


def write_windows(dx_pad, d_windows, g):
    """``add_windows`` where no two windows share a pixel (``apart``; standard layout): each kernel
    position's values are copied to their strided plane of dx_pad, and the pixels no window reads
    are left as they are."""
    _require_standard_layout(g, "write_windows")
    if not apart(g):
        raise ValueError(f"write_windows: windows overlap (stride {g.stride}, kernel {g.kernel}, dilation "
                         f"{g.dilation}): add_windows adds them")
    for i, j, plane in planes(dx_pad, g):
        np.copyto(plane, d_windows[:, :, i, j])
    return dx_pad


def apart(g):
    """Whether no two windows share a pixel: a stride of at least the kernel's span on both axes."""
    return all(s >= d * (k - 1) + 1 for s, d, k in zip(g.stride, g.dilation, g.kernel))


def tiled(g):
    """Whether the windows cover every pixel of the padded input exactly once (a buffer that
    ``write_windows`` fills needs no zeros first)."""
    return apart(g) and g.stride == g.kernel and (g.H_out * g.stride[0], g.W_out * g.stride[1]) == (g.H_pad, g.W_pad)


def planes(x_pad, g):
    """(i, j, plane) for each kernel position: ``plane`` is the strided (n, C, H_out, W_out) view of
    x_pad (standard layout) that position (i, j) of every window reads."""
    _require_standard_layout(g, "planes")
    (k_h, k_w), (st_h, st_w), (d_h, d_w) = g.kernel, g.stride, g.dilation
    h_span, w_span = st_h * (g.H_out - 1) + 1, st_w * (g.W_out - 1) + 1
    for i in range(k_h):
        for j in range(k_w):
            top, left = i * d_h, j * d_w
            yield i, j, x_pad[:, :, top:top + h_span:st_h, left:left + w_span:st_w]


def unfold(x, g):
    """x: (N, C, H, W) -> columns (N, C*kH*kW, L), PyTorch's F.unfold layout (one copy)."""
    _require_standard_layout(g, "unfold")
    k_h, k_w = g.kernel
    columns = np.empty((g.N, g.C * k_h * k_w, g.L), dtype=x.dtype)
    np.copyto(columns.reshape(g.N, g.C, k_h, k_w, g.H_out, g.W_out), windows(pad(x, g), g))
    return columns


def fold(columns, g):
    """columns: (N, C*kH*kW, L) -> (N, C, H, W): the adjoint of ``unfold`` (overlaps add)."""
    _require_standard_layout(g, "fold")
    k_h, k_w = g.kernel
    dx_pad = np.zeros(g.padded_shape, dtype=columns.dtype)
    add_windows(dx_pad, columns.reshape(g.N, g.C, k_h, k_w, g.H_out, g.W_out), g)
    return np.ascontiguousarray(interior(dx_pad, g))


def _require_padded_layout(g, name):
    if g.unpadded:
        raise ValueError(f"{name}: the unpadded layout has no padded buffer (shifted_columns reads x), got {g!r}")


def _require_standard_layout(g, name):
    if g.full_width:
        raise ValueError(f"{name}: the (N, C*kH*kW, L) layout has no full-width form")
