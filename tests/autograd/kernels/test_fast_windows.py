"""The fast kernels' strided windows: torch's unfold/fold, the lessons' functions, the
full-width layout, and the views' safety."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import im2col as lesson
from autograd.kernels.fast import windows as sw
from tests.helpers import rng

# -- the fast, general windows ------------------------------------------------------------------
GRID = [  # shape, kernel, stride, padding ((top, bottom), (left, right)), dilation
    ((2, 3, 7, 8), (2, 2), (1, 1), ((0, 0), (0, 0)), (1, 1)),
    ((2, 3, 7, 8), (3, 2), (2, 1), ((1, 1), (2, 2)), (1, 2)),
    ((1, 2, 9, 6), (2, 3), (3, 2), ((2, 2), (0, 0)), (2, 1)),
    ((3, 1, 5, 9), (3, 3), (1, 3), ((1, 1), (1, 1)), (2, 2)),
    ((2, 2, 6, 6), (1, 1), (2, 2), ((0, 0), (1, 1)), (1, 1)),
]


@pytest.mark.parametrize("shape, kernel, stride, padding, dilation", GRID)
def test_sliding_windows_unfold_and_fold_match_torch(shape, kernel, stride, padding, dilation):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    g = sw.WindowGeometry(shape, kernel, stride, padding, dilation)
    x = rng(5).standard_normal(shape)
    pads = (padding[0][0], padding[1][0])
    expected = F.unfold(torch.tensor(x), kernel, dilation, pads, stride).numpy()
    np.testing.assert_array_equal(sw.unfold(x, g), expected, err_msg="expected torch's unfold")
    cols = rng(6).standard_normal(expected.shape)
    np.testing.assert_allclose(sw.fold(cols, g), F.fold(torch.tensor(cols), shape[2:], kernel, dilation, pads, stride),
                               rtol=1e-12, atol=1e-12, err_msg="expected torch's fold")


def test_lesson_and_fast_versions_agree():
    x = rng(7).standard_normal((2, 3, 7, 9))
    for kernel, stride in [((2, 2), 1), ((3, 2), 2), ((2, 4), 3)]:
        g = sw.WindowGeometry(x.shape, kernel, (stride, stride))
        np.testing.assert_array_equal(sw.unfold(x, g), lesson.im2col_batch(x, *kernel, stride),
                                      err_msg="expected unfold == im2col_batch")
        cols = rng(8).standard_normal((2, 3 * kernel[0] * kernel[1], g.L))
        np.testing.assert_allclose(sw.fold(cols, g), lesson.col2im_batch(cols, 3, 7, 9, *kernel, stride),
                                   rtol=1e-12, err_msg="expected fold == col2im_batch")


def test_windows_view_is_read_only_and_zero_copy():
    x = rng(9).standard_normal((2, 3, 6, 6))
    g = sw.WindowGeometry(x.shape, (3, 3))
    view = sw.windows(x, g)
    assert np.shares_memory(view, x), "expected a view of the input, not a copy"
    assert not view.flags.writeable, "expected a read-only view (its windows overlap)"
    with pytest.raises(ValueError):
        view[0, 0, 0, 0, 0, 0] = 1.0


@pytest.mark.parametrize("dilation", [(1, 1), (2, 1), (1, 2)])
def test_full_width_layout_matches_the_standard_one(dilation):
    shape, kernel, padding = (2, 3, 6, 7), (3, 2), ((1, 1), (2, 0))
    standard = sw.WindowGeometry(shape, kernel, (1, 1), padding, dilation)
    wide = sw.WindowGeometry(shape, kernel, (1, 1), padding, dilation, full_width=True)
    x = rng(10).standard_normal(shape)
    view = sw.windows(sw.pad(x, wide), wide)
    assert view.shape[-1] == wide.W_pad, "expected full-width rows"
    np.testing.assert_array_equal(view[..., : wide.W_out], sw.windows(sw.pad(x, standard), standard),
                                  err_msg="expected the same windows once the extra columns are dropped")
    d = np.zeros(view.shape)
    d[..., : wide.W_out] = rng(11).standard_normal(view[..., : wide.W_out].shape)
    dx_wide = sw.add_windows(np.zeros(wide.padded_shape), d, wide)
    dx_standard = sw.add_windows(np.zeros(standard.padded_shape), d[..., : wide.W_out], standard)
    np.testing.assert_allclose(sw.interior(dx_wide, wide), sw.interior(dx_standard, standard), rtol=1e-12,
                               err_msg="expected the same col2im")


def test_pad_fills_only_the_border():
    x = rng(12).standard_normal((1, 2, 3, 4))
    g = sw.WindowGeometry(x.shape, (2, 2), padding=((1, 2), (0, 1)))
    x_pad = sw.pad(x, g, fill=-np.inf)
    np.testing.assert_array_equal(x_pad, np.pad(x, ((0, 0), (0, 0), (1, 2), (0, 1)), constant_values=-np.inf),
                                  err_msg="expected np.pad's result")
    assert sw.pad(x, sw.WindowGeometry(x.shape, (2, 2))) is x, "expected no copy without padding"


def test_full_width_view_refuses_a_buffer_it_could_overrun():
    wide = sw.WindowGeometry((1, 2, 4, 4), (3, 3), full_width=True)
    strided = np.zeros((*wide.padded_shape[:3], 2 * wide.W_pad))[..., ::2]  # right shape, not contiguous
    with pytest.raises(ValueError, match="C-contiguous padded buffer"):
        sw.windows(strided, wide)
    with pytest.raises(ValueError, match="padded input of shape"):
        sw.windows(np.zeros((1, 2, 4, 4)), wide)


def test_geometry_rejects_full_width_with_stride():
    with pytest.raises(ValueError, match="stride 1"):
        sw.WindowGeometry((1, 1, 5, 5), (2, 2), (2, 2), full_width=True)


@settings(max_examples=60, deadline=None)
@given(k_h=st.integers(1, 3), k_w=st.integers(1, 3), d_h=st.integers(1, 2), d_w=st.integers(1, 2),
       gap_h=st.integers(0, 2), gap_w=st.integers(0, 2), h=st.integers(1, 9), w=st.integers(1, 9),
       pad=st.integers(0, 1))
def test_write_windows_copies_what_add_windows_adds_where_windows_do_not_overlap(k_h, k_w, d_h, d_w, gap_h, gap_w,
                                                                                 h, w, pad):
    # a stride of the kernel's span plus a gap: no two windows share a pixel
    stride = (d_h * (k_h - 1) + 1 + gap_h, d_w * (k_w - 1) + 1 + gap_w)
    g = sw.WindowGeometry((2, 3, h, w), (k_h, k_w), stride, ((pad, pad), (pad, pad)), (d_h, d_w))
    assume(g.H_out >= 1 and g.W_out >= 1)
    d = rng(11).standard_normal((2, 3, k_h, k_w, g.H_out, g.W_out))
    expected = sw.add_windows(np.zeros(g.padded_shape), d, g)
    written = sw.write_windows(np.zeros(g.padded_shape), d, g)
    np.testing.assert_array_equal(written, expected, err_msg=f"expected the windows' values copied in place for {g}")


def test_write_windows_refuses_overlapping_windows():
    g = sw.WindowGeometry((1, 1, 6, 6), (3, 3), (2, 2))
    with pytest.raises(ValueError, match="write_windows: windows overlap"):
        sw.write_windows(np.zeros(g.padded_shape), np.zeros((1, 1, 3, 3, g.H_out, g.W_out)), g)


# -- the unpadded layout: windows shifted out of x itself ----------------------------------------
@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 7), w=st.integers(1, 7), k_h=st.integers(1, 4), k_w=st.integers(2, 4),
       d_h=st.integers(1, 2), d_w=st.integers(1, 2), top=st.integers(0, 3), bottom=st.integers(0, 3),
       left=st.integers(0, 3), right=st.integers(0, 3), start=st.integers(0, 1))
def test_shifted_columns_read_the_padded_windows(h, w, k_h, k_w, d_h, d_w, top, bottom, left, right, start):
    padding = ((top, bottom), (left, right))
    g = sw.WindowGeometry((3, 2, h, w), (k_h, k_w), (1, 1), padding, (d_h, d_w))
    assume(g.H_out >= 1 and 1 <= g.W_out <= g.W)
    g = sw.WindowGeometry.of(g, full_width=True, unpadded=True)
    x = rng(10).standard_normal(g.shape)
    n, margin = 2, 16
    out = np.full((2, k_h, k_w, 3, g.H_out * w), np.nan)
    cols = sw.shifted_columns(x, g, start, n, out).reshape(2, k_h, k_w, n, g.H_out, w)
    # every cell read from x framed in zeros: x[m, c, oh + i dH - top, ow + j dW - left], 0 outside
    framed = np.pad(x, ((0, 0), (0, 0), (margin, margin), (margin, margin)))
    c, i, j, m, oh, ow = np.indices(cols.shape)
    expected = framed[start + m, c, oh + i * d_h - top + margin, ow + j * d_w - left + margin]
    np.testing.assert_array_equal(cols, expected, err_msg=f"expected x's windows, zero outside, for {g}")
    assert np.isnan(out[:, :, :, n:]).all(), "expected only the first n images of the buffer written"


def test_unpadded_layout_refuses_outputs_wider_than_the_input():
    with pytest.raises(ValueError, match="W_out <= W"):
        sw.WindowGeometry((1, 1, 5, 5), (3, 3), (1, 1), ((0, 0), (2, 2)), full_width=True, unpadded=True)
    with pytest.raises(ValueError, match="full width"):
        sw.WindowGeometry((1, 1, 5, 5), (3, 3), unpadded=True)
