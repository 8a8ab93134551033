"""The fast conv kernels' own rules against PyTorch: slabs of one image, every dX route (each
forced by its rule), the layouts. The torch grid of tests/autograd/test_conv.py runs on every kernel."""

import numpy as np
import pytest

from autograd.geometry import WindowGeometry
from autograd.kernels.fast import conv as fast_conv
from autograd.kernels.fast import conv_input
from autograd.ops.conv import conv2d
from tests.autograd.pairwise import case_id
from tests.autograd.test_conv import GRID, _check_case
from tests.helpers import check_against_torch, rng


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("case", [c for c in GRID if c["batch"] > 1][:8], ids=case_id)
def test_conv2d_matches_torch_one_image_per_slab(case, monkeypatch):
    # a tiny column budget: the forward multiplies, and the backward rebuilds and spreads back, one
    # image at a time (dX by kernel rows across slab seams included)
    monkeypatch.setattr(fast_conv, "COLUMN_BYTES", 1)
    _check_case(case, seed=1)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("c_in, c_out, size, kernel, padding, stride, dilation, groups, route", [
    # up to 9 taps, C_out <= 2 C_in, stride 1: dY correlated with the flipped kernel
    (4, 4, 7, 3, 1, 1, 1, 1, "transposed"),
    (4, 8, 7, (3, 2), "same", 1, 1, 1, "transposed"),  # asymmetric "same": the flipped kernel padded the other way
    (6, 6, 7, 3, 2, 1, 2, 3, "transposed"),  # thin groups, with dilation
    # more than 9 taps: kW shifted copies of dY, one GEMM, kH adds
    (4, 4, 9, 5, 2, 1, 1, 1, "rows"),
    (4, 4, 9, 5, 2, 1, 1, 4, "rows"),  # ... depthwise
    (16, 16, 9, 5, 2, 1, 1, 2, "rows"),  # ... in groups of 8 channels
    (3, 8, 12, (5, 3), 4, 1, 2, 1, "rows"),  # ... with dilation: shifts of dW within a row, rows dH apart
    (3, 8, 7, (3, 4), "same", 1, 1, 1, "rows"),  # ... with uneven shifts
    (3, 8, 7, 5, 0, 1, 1, 1, "rows"),  # ... and an output far smaller than the input
    # or kW >= 3 and C_out <= C_in (kH + 1), the output filling most of the input
    (4, 4, 7, 3, 3, 1, 1, 1, "rows"),  # padding wider than the kernel span: not a correlation
    (3, 8, 7, 3, 1, 1, 1, 1, "rows"),
    (2, 8, 20, 3, 1, 1, 1, 1, "rows"),  # ... long rows too
    (3, 8, 9, 3, 0, 1, 2, 1, "rows"),  # ... and with dilation
    (2, 9, 7, 3, 1, 1, 1, 1, "col2im"),  # C_out > C_in (kH + 1): the shifted copies would outweigh col2im's adds
    (3, 8, 7, (3, 2), "same", 1, 1, 1, "col2im"),  # kW = 2
    (4, 4, 7, (3, 1), 2, 1, 1, 1, "col2im"),  # kW = 1, padding wider than the kernel span
    (1, 8, 9, 5, 2, 1, 1, 1, "col2im"),  # C_out >= 8 C_in: the rows route's GEMM would have 5 rows
    (3, 8, 13, 3, 0, 1, 4, 1, "col2im"),  # an output under half the padded input's height
    (4, 4, 7, 3, 1, 2, 1, 1, "col2im"),  # stride 2
    # windows that do not overlap: copied, not added
    (4, 4, 8, (2, 3), 0, (2, 3), 1, 1, "col2im"),  # ... tiling the input
    (4, 4, 7, 3, 1, 3, 1, 2, "col2im"),  # ... with padding and pixels no window reads, in groups
    (3, 4, 9, 2, 1, 3, 2, 1, "col2im"),  # ... dilated
    (3, 4, 9, (3, 1), 0, (3, 1), 1, 1, "col2im"),  # ... a stride of 1 along a 1-wide kernel axis
])
def test_conv2d_every_input_gradient_route_matches_torch(c_in, c_out, size, kernel, padding, stride, dilation, groups,
                                                          route, monkeypatch):
    torch = pytest.importorskip("torch")
    kernel = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    taken = []
    for name, function in [("transposed", conv_input._flipped_transposed), ("rows", conv_input._input_grad_rows),
                           ("col2im", conv_input._input_grad_col2im)]:
        monkeypatch.setattr(conv_input, function.__name__,
                            lambda *args, _name=name, _function=function: taken.append(_name) or _function(*args))
    x, w = rng(0).standard_normal((3, c_in, size, size + 1)), rng(1).standard_normal((c_out, c_in // groups, *kernel))
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    check_against_torch(lambda x, w: conv2d(x, w, **options),
                        lambda x, w: torch.nn.functional.conv2d(x, w, **options), x, w, rtol=1e-10, atol=1e-12)
    assert set(taken) == {route}, f"expected dX by the {route} route, got {taken}"


@pytest.mark.parametrize("groups", [1, 2])
def test_conv2d_row_input_gradient_across_slab_seams(groups, monkeypatch):
    # one image per slab: the shifted garbage of each slab (zeros) spills into the next one
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(fast_conv, "COLUMN_BYTES", 1)
    by_rows = conv_input._input_grad_rows
    taken = []
    monkeypatch.setattr(conv_input, "_input_grad_rows", lambda *args: taken.append(1) or by_rows(*args))
    x, w = rng(0).standard_normal((3, 3 * groups, 6, 7)), rng(1).standard_normal((8 * groups, 3, 3, 3))
    check_against_torch(lambda x, w: conv2d(x, w, padding=1, groups=groups),
                        lambda x, w: torch.nn.functional.conv2d(x, w, padding=1, groups=groups),
                        x, w, rtol=1e-10, atol=1e-12)
    assert taken, "expected dX a kernel row at a time"


def test_conv2d_wide_kernel_uses_the_standard_layout_too():
    # W_pad > 2 W_out: the full-width layout would waste too much, the standard one is used
    torch = pytest.importorskip("torch")
    x, w = rng(0).standard_normal((2, 2, 4, 12)), rng(1).standard_normal((3, 2, 2, 9))
    check_against_torch(lambda x, w: conv2d(x, w), torch.nn.functional.conv2d, x, w, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("c_in, c_out, size, kernel, padding, dilation, groups, unpadded, dy_shifted", [
    (3, 4, 6, 3, 1, 1, 1, True, True),  # "same": no garbage columns at all, in dY's correlation too
    (3, 4, 6, (3, 2), "same", 1, 1, True, True),  # asymmetric padding
    (4, 4, 9, 3, 2, 2, 2, True, True),  # dilation, groups: shifts of dW, rows dH apart
    (2, 3, 7, (2, 3), (1, 0), 1, 1, True, False),  # no padding across: the last 2 columns of each row are garbage
    (2, 3, 5, 3, (3, 1), 1, 1, True, False),  # more padding above than the kernel spans: H_out > H is fine
    (2, 3, 6, 3, 2, 1, 1, False, False),  # W_out > W: the padded buffer
    (2, 3, 7, 3, 0, 1, 1, False, False),  # no padding to save: one copy of x, not one per kernel position
    (2, 3, 7, 5, 2, 1, 1, False, False),  # more than UNPADDED_TAPS kernel positions
])
def test_conv2d_unpadded_columns_match_torch(c_in, c_out, size, kernel, padding, dilation, groups, unpadded,
                                             dy_shifted, monkeypatch):
    # the forward, the weight gradient, and dX by the transposed route (dY's own padding) shift x
    torch = pytest.importorskip("torch")
    from autograd.kernels.fast import windows as sw
    monkeypatch.setattr(fast_conv, "COLUMN_BYTES", 1)  # and across slab seams: one image per slab
    shifted, taken = sw.shifted_columns, []
    monkeypatch.setattr(sw, "shifted_columns", lambda x, g, *args: taken.append(x.shape) or shifted(x, g, *args))
    x = rng(0).standard_normal((3, c_in, size, size + 1))
    w = rng(1).standard_normal((c_out, c_in // groups, *((kernel,) * 2 if isinstance(kernel, int) else kernel)))
    options = dict(padding=padding, dilation=dilation, groups=groups)
    check_against_torch(lambda x, w: conv2d(x, w, **options),
                        lambda x, w: torch.nn.functional.conv2d(x, w, **options), x, w, rtol=1e-10, atol=1e-12)
    if unpadded:
        assert x.shape in taken, f"expected the columns shifted out of x unpadded, got reads of {taken}"
    else:
        assert x.shape not in taken, f"expected x copied in a padded layout, got reads of {taken}"
    dy_shape = (3, c_out, *conv2d(x, w, **options).shape[2:])
    assert (dy_shape in taken) == dy_shifted, (
        f"expected dX by the transposed route {'with' if dy_shifted else 'without'} dY shifted unpadded, "
        f"got reads of {taken}")


def test_conv2d_layout_rules_for_padded_inputs():
    # more than UNPADDED_TAPS positions on a padded input: the standard layout, not full width
    from autograd.geometry import WindowGeometry
    g = fast_conv.layout(WindowGeometry((2, 3, 7, 8), (5, 5), padding=((2, 2), (2, 2))))
    assert not g.full_width and not g.unpadded, f"expected the standard layout, got {g!r}"
    g = fast_conv.layout(WindowGeometry((2, 3, 7, 8), (3, 3), padding=((1, 1), (1, 1))))
    assert g.unpadded, f"expected the unpadded layout for a padded 3x3 on narrow rows, got {g!r}"
    g = fast_conv.layout(WindowGeometry((2, 3, 32, 32), (3, 3), padding=((1, 1), (1, 1))))
    assert g.full_width and not g.unpadded, f"expected full width for rows 16x wider than the padding, got {g!r}"


@pytest.mark.parametrize("c_in, c_out, size, kernel, padding, stride, route", [
    (4, 4, (7, 8), 3, 1, 1, "transposed"),  # the forward in the unpadded layout
    (3, 8, (7, 8), 5, 2, 1, "rows"),
    (4, 4, (7, 8), 3, 1, 2, "col2im"),  # padded: dX is the padded buffer's interior
    (4, 4, (8, 9), 2, 0, 2, "col2im"),  # unpadded: col2im writes into out, zeroing the column no window reads
    (4, 4, (8, 8), 2, 0, 2, "col2im"),  # ... and tiled: every pixel written, no zeros needed
    (4, 6, (7, 8), 1, 1, 2, "1x1"),
])
def test_conv2d_kernels_write_into_a_given_output(c_in, c_out, size, kernel, padding, stride, route):
    # threaded hands each part of a batch its slice of one output: the same values, in that array
    # (filled with NaN first, so a pixel left unwritten shows)
    geom = WindowGeometry((3, c_in, *size), (kernel, kernel), (stride, stride),
                          ((padding, padding), (padding, padding)))
    x, w = rng(0).standard_normal(geom.shape), rng(1).standard_normal((c_out, c_in, kernel, kernel))
    dy, b = rng(2).standard_normal((3, c_out, geom.H_out, geom.W_out)), rng(3).standard_normal(c_out)
    if kernel > 1:
        got = conv_input.input_grad_plan(geom, c_out, 1)[0]
        assert got == route, f"expected the {route} route for this case, got {got}"
    for name, call, shape in [("conv2d", lambda **out: fast_conv.conv2d(x, w, b, geom, 1, **out), dy.shape),
                              ("conv2d_input_grad", lambda **out: conv_input.conv2d_input_grad(dy, w, geom, 1, **out),
                               x.shape)]:
        out = np.full(shape, np.nan)
        result = call(out=out)
        assert result is out, f"expected {name} to return the array it was given"
        np.testing.assert_array_equal(out, call(), err_msg=f"expected {name} into out to equal its own result")


def test_gemm_rows_pads_only_a_few_ungrouped_output_channels_short_of_eight():
    # benchmarks/bench_conv_rules.py --only gemm_rows: fewer channels run faster unpadded
    forward = [fast_conv.gemm_rows(c_out, 1) for c_out in range(1, 10)]
    assert forward == [1, 2, 3, 4, 5, 6, 8, 8, 9], f"expected the forward's 7 channels padded to 8, got {forward}"
    weight_grad = [fast_conv.gemm_rows(c_out, 1, fast_conv.MIN_PADDED_DW_ROWS) for c_out in range(1, 10)]
    assert weight_grad == [1, 2, 3, 4, 8, 8, 8, 8, 9], f"expected dW's 5 to 7 channels padded to 8, got {weight_grad}"
    assert fast_conv.gemm_rows(7, 7) == 7, "expected grouped channels left unpadded"
