"""The kernels against each other: every function of the interface, reference vs fast, over
hypothesis geometries (values to rounding, argmax indices exactly), and ``ag.use_kernels``."""

import threading
import types
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import kernels
from autograd.geometry import WindowGeometry
from autograd.kernels import fast, reference, threaded
from autograd.kernels.fast import batch_norm as fast_batch_norm
from tests.helpers import rng, split_every_kernel_call


@st.composite
def conv_cases(draw):
    groups = draw(st.sampled_from([1, 2]))
    c_in, c_out = groups * draw(st.integers(1, 3)), groups * draw(st.sampled_from([1, 3, 4, 9]))
    sizes = st.integers(1, 3)
    kernel, stride, dilation = (draw(st.tuples(sizes, sizes)) for _ in range(3))
    padding = draw(st.tuples(st.tuples(st.integers(0, 2), st.integers(0, 2)),
                             st.tuples(st.integers(0, 2), st.integers(0, 2))))
    spans = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    height = draw(st.integers(max(1, spans[0] - sum(padding[0])), 9))
    width = draw(st.integers(max(1, spans[1] - sum(padding[1])), 9))
    geom = WindowGeometry((draw(st.integers(0, 3)), c_in, height, width), kernel, stride, padding, dilation)
    return geom, c_out, groups


def _conv_arrays(case, with_bias):
    """x, w, b (or None) and dy of a drawn convolution case."""
    geom, c_out, groups = case
    x = rng(0).standard_normal(geom.shape)
    w = rng(1).standard_normal((c_out, geom.C // groups, *geom.kernel))
    b = rng(2).standard_normal(c_out) if with_bias else None
    dy = rng(3).standard_normal((geom.N, c_out, geom.H_out, geom.W_out))
    return x, w, b, dy


def _agree(name, got, expected):
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-12,
                               err_msg=f"expected fast.{name} to equal reference.{name}")
    assert got.shape == expected.shape and got.dtype == expected.dtype, (
        f"expected fast.{name} of shape {expected.shape} and dtype {expected.dtype}, got {got.shape} {got.dtype}")


@given(conv_cases(), st.booleans())
def test_conv_kernels_agree(case, with_bias):
    geom, _, groups = case
    x, w, b, dy = _conv_arrays(case, with_bias)
    _agree("conv2d", fast.conv2d(x, w, b, geom, groups), reference.conv2d(x, w, b, geom, groups))
    _agree("conv2d_input_grad", fast.conv2d_input_grad(dy, w, geom, groups),
           reference.conv2d_input_grad(dy, w, geom, groups))
    _agree("conv2d_weight_grad", fast.conv2d_weight_grad(x, dy, geom, groups),
           reference.conv2d_weight_grad(x, dy, geom, groups))


@st.composite
def pool_cases(draw):
    kernel = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    stride = draw(st.tuples(st.integers(1, 3), st.integers(1, 3)))
    pads = [draw(st.integers(0, k // 2)) for k in kernel]
    size = [draw(st.integers(max(1, k - 2 * p), 8)) for k, p in zip(kernel, pads)]
    padding = tuple((p, p) for p in pads)
    return WindowGeometry((draw(st.integers(1, 2)), draw(st.integers(1, 3)), *size), kernel, stride, padding)


@given(pool_cases(), st.sampled_from(["normal", "ties", "non-finite"]))
def test_pool_kernels_agree(geom, values):
    x = rng(4).standard_normal(geom.shape)
    if values == "ties":
        x = np.round(x)
    elif values == "non-finite":
        x = rng(5).choice([-np.inf, np.nan, 0.0, 1.0], size=geom.shape)
    y_fast, idx_fast = fast.max_pool2d(x, geom)
    y_ref, idx_ref = reference.max_pool2d(x, geom)
    np.testing.assert_array_equal(y_fast, y_ref, err_msg="expected the same max")
    np.testing.assert_array_equal(idx_fast, idx_ref, err_msg="expected the same argmax (PyTorch's rules)")
    dy = rng(6).standard_normal(y_ref.shape)
    _agree("max_pool2d_input_grad", fast.max_pool2d_input_grad(dy, idx_ref, geom),
           reference.max_pool2d_input_grad(dy, idx_ref, geom))
    image = rng(8).standard_normal(geom.shape)  # any image: the gather reads it at the argmax
    _agree("max_pool2d_gather", fast.max_pool2d_gather(image, idx_ref, geom),
           reference.max_pool2d_gather(image, idx_ref, geom))
    finite = rng(7).standard_normal(geom.shape)
    _agree("avg_pool2d", fast.avg_pool2d(finite, geom), reference.avg_pool2d(finite, geom))
    _agree("avg_pool2d_input_grad", fast.avg_pool2d_input_grad(dy, geom), reference.avg_pool2d_input_grad(dy, geom))


@given(conv_cases())
def test_unfold_and_fold_kernels_agree(case):
    geom = case[0]
    x = rng(8).standard_normal(geom.shape)
    columns = rng(9).standard_normal((geom.N, geom.C * geom.kernel[0] * geom.kernel[1], geom.L))
    _agree("unfold", fast.unfold(x, geom), reference.unfold(x, geom))
    _agree("fold", fast.fold(columns, geom), reference.fold(columns, geom))


@st.composite
def batch_norm_cases(draw):
    """x and g (N, C, *spatial) with 0 to 2 spatial axes, and a (C,) weight and bias or None."""
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)),
             *draw(st.lists(st.integers(1, 4), min_size=0, max_size=2)))
    channels = shape[1]
    weight = rng(12).standard_normal(channels) if draw(st.booleans()) else None
    bias = rng(13).standard_normal(channels) if draw(st.booleans()) else None
    return rng(10).standard_normal(shape) + 3, rng(11).standard_normal(shape), weight, bias


def _batch_norm_agree(kernel, expected, case):
    """Every batch-norm function of ``kernel`` against ``expected``'s on one case, training
    (batch statistics) and evaluation (no means in the input gradient)."""
    x, g, weight, bias = case
    mean, var = kernel.batch_norm_statistics(x)
    for name, got, want in zip(("mean", "var"), (mean, var), expected.batch_norm_statistics(x)):
        _agree(f"batch_norm_statistics's {name}", got, want)
    inv_std = 1 / np.sqrt(var + 1e-5)
    for name, got, want in zip(("xhat", "y"), kernel.batch_norm_normalize(x, mean, inv_std, weight, bias),
                               expected.batch_norm_normalize(x, mean, inv_std, weight, bias)):
        _agree(f"batch_norm_normalize's {name}", got, want)
    xhat = expected.batch_norm_normalize(x, mean, inv_std, None, None)[0]
    sums = kernel.batch_norm_sums(g, xhat)
    for name, got, want in zip(("sum g", "sum g xhat"), sums, expected.batch_norm_sums(g, xhat)):
        _agree(f"batch_norm_sums's {name}", got, want)
    count = x.size // x.shape[1]
    scale = inv_std if weight is None else inv_std * weight
    for means in ((sums[0] / count, sums[1] / count), (None, None)):
        _agree("batch_norm_input_grad", kernel.batch_norm_input_grad(g, xhat, scale, *means),
               expected.batch_norm_input_grad(g, xhat, scale, *means))


@given(batch_norm_cases())
def test_batch_norm_kernels_agree(case):
    _batch_norm_agree(fast, reference, case)


@given(batch_norm_cases(), st.integers(1, 3))
def test_batch_norm_kernels_agree_in_chunks(case, images):
    # chunks of 1 to 3 images: a batch of 3 in chunks of 2 ends with a smaller one
    x, g, weight, bias = case
    x, g = np.concatenate([x, x - 1, x + 2]), np.concatenate([g, -g, g])
    with mock.patch.object(fast_batch_norm, "CHUNK_BYTES", images * x[:1].nbytes):
        assert len(fast_batch_norm._chunks(fast_batch_norm._nc_l(x))) == -(-x.shape[0] // images), (
            f"expected chunks of {images} image(s)")
        _batch_norm_agree(fast, reference, (x, g, weight, bias))


@given(batch_norm_cases(), st.sampled_from(["spread", "views"]))
def test_batch_norm_kernels_agree_with_channel_values_spread_or_viewed(case, how):
    # the cases are too small to be spread by the rule: force each way
    rule = {"SPREAD_BYTES": 1 << 62, "SPREAD_SHARE": 1} if how == "spread" else {"SPREAD_BYTES": -1}
    with mock.patch.multiple(fast_batch_norm, **rule):
        x_l = fast_batch_norm._nc_l(case[0])
        got = fast_batch_norm.spread(np.ones(x_l.shape[1]), x_l).shape
        assert got == ((x_l.shape[1], x_l.shape[2]) if how == "spread" else (x_l.shape[1], 1)), (
            f"expected the channel values {how}, got an operand of shape {got}")
        _batch_norm_agree(fast, reference, case)


@pytest.mark.parametrize("shape, spread", [
    ((64, 16, 32, 32), True),  # 64 KiB of spread values, 1/64 of the data
    ((8, 16, 128, 128), False),  # 1 MiB: past SPREAD_BYTES
    ((2, 16, 8, 8), False),  # half the data: past SPREAD_SHARE
])
def test_batch_norm_spreads_channel_values_only_where_small(shape, spread):
    x_l = fast_batch_norm._nc_l(np.empty(shape, dtype=np.float32))
    got = fast_batch_norm.spread(np.arange(shape[1], dtype=np.float32), x_l)
    want = (shape[1], x_l.shape[2]) if spread else (shape[1], 1)
    assert got.shape == want, f"expected a {want} operand for x {shape}, got {got.shape}"
    np.testing.assert_array_equal(np.broadcast_to(got, x_l.shape[1:])[:, -1], np.arange(shape[1]),
                                  err_msg="expected channel c's value in row c")


@pytest.mark.parametrize("shape", [(0, 2, 4), (2, 2, 0), (3, 2)])
def test_batch_norm_kernels_agree_on_empty_and_flat_inputs(shape):
    # no images, no pixels, or no spatial axes: normalising, the sums and dX as the reference
    x, g = rng(0).standard_normal(shape) + 3, rng(1).standard_normal(shape)
    weight, bias, ones = rng(2).standard_normal(2), rng(3).standard_normal(2), np.ones(2)
    for name, got, want in zip(("xhat", "y"), fast.batch_norm_normalize(x, ones, ones * 2, weight, bias),
                               reference.batch_norm_normalize(x, ones, ones * 2, weight, bias)):
        _agree(f"batch_norm_normalize's {name}", got, want)
    for name, got, want in zip(("sum g", "sum g xhat"), fast.batch_norm_sums(g, x), reference.batch_norm_sums(g, x)):
        _agree(f"batch_norm_sums's {name}", got, want)
    _agree("batch_norm_input_grad", fast.batch_norm_input_grad(g, x, weight, bias, ones),
           reference.batch_norm_input_grad(g, x, weight, bias, ones))


def test_batch_norm_float32_data_with_float64_statistics_stays_float32():
    x, g = (rng(seed).standard_normal((4, 3, 5)).astype(np.float32) for seed in (0, 1))
    weight, bias, mean, inv_std = (rng(seed).standard_normal(3) for seed in (2, 3, 4, 5))
    xhat, y = fast.batch_norm_normalize(x, mean, inv_std, weight, bias)
    dx = fast.batch_norm_input_grad(g, xhat, weight, bias, mean)
    expected = [reference.batch_norm_normalize(x, mean, inv_std, weight, bias)[1],
                reference.batch_norm_input_grad(g, xhat, weight, bias, mean)]
    for name, got, want in zip(("y", "dx"), (y, dx), expected):
        assert got.dtype == np.float32, f"expected float32 {name} from float32 data, got {got.dtype}"
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=f"expected fast {name} as the reference's")


def test_batch_norm_input_grad_refuses_an_out_that_overlaps_its_inputs():
    g, xhat, c = rng(0).standard_normal((2, 3, 4)), rng(1).standard_normal((2, 3, 4)), np.ones(3)
    for out in (g, xhat[:, :]):
        with pytest.raises(ValueError, match="batch_norm_input_grad: out shares memory"):
            fast.batch_norm_input_grad(g, xhat, c, c, c, out=out)


@pytest.fixture
def two_threads(monkeypatch):
    split_every_kernel_call(monkeypatch)
    ag.use_threads(2)
    yield
    ag.use_threads(None)


@pytest.mark.parametrize("shape, threads", [((4, 3, 8, 8), 1), ((4, 16, 64, 64), 2)])
def test_threads_split_only_calls_worth_a_thread(shape, threads, monkeypatch):
    # (4, 3, 8, 8): 1 MFLOP stays on the calling thread; (4, 16, 64, 64): 75 MFLOP are split
    seen = set()
    conv2d, norm = fast.conv2d, fast.batch_norm_normalize
    monkeypatch.setattr(fast, "conv2d", lambda *args, **kw: seen.add(("conv2d", threading.get_ident())) or conv2d(
        *args, **kw))
    monkeypatch.setattr(fast, "batch_norm_normalize",
                        lambda *args, **kw: seen.add(("normalize", threading.get_ident())) or norm(*args, **kw))
    x = rng(0).standard_normal(shape).astype(np.float32)
    w = rng(1).standard_normal((16, shape[1], 3, 3)).astype(np.float32)
    ones = np.ones(shape[1], dtype=np.float32)
    with ag.use_threads(2):
        threaded.conv2d(x, w, None, WindowGeometry(shape, (3, 3), padding=((1, 1), (1, 1))), 1)
        threaded.batch_norm_normalize(x, ones * 0, ones, ones, ones)  # 3 KiB or 1 MiB: neither is split
    counts = {name: len({ident for n, ident in seen if n == name}) for name in ("conv2d", "normalize")}
    assert counts == {"conv2d": threads, "normalize": 1}, (
        f"expected the convolution on {threads} thread(s) and batch norm's small input on 1, got {counts}")


@pytest.mark.parametrize("shape, parts_into_one_output", [((4, 3, 8, 8), False), ((4, 16, 64, 64), True)])
def test_threads_write_split_convolutions_into_one_output(shape, parts_into_one_output, monkeypatch):
    # a split call's parts each fill their slice of one array (no concatenation); a call left
    # whole returns the kernel's own array (no copy into another)
    given = []
    for name in ("conv2d", "conv2d_input_grad"):
        kernel = getattr(fast, name)
        monkeypatch.setattr(fast, name, lambda *args, _kernel=kernel, **kw: (
            given.append(kw.get("out") is not None) or _kernel(*args, **kw)))
    x = rng(0).standard_normal(shape).astype(np.float32)
    w = rng(1).standard_normal((16, shape[1], 3, 3)).astype(np.float32)
    geom = WindowGeometry(shape, (3, 3), padding=((1, 1), (1, 1)))
    with ag.use_threads(2):
        y = threaded.conv2d(x, w, None, geom, 1)
        dx = threaded.conv2d_input_grad(y, w, geom, 1)
    assert given == [parts_into_one_output] * (4 if parts_into_one_output else 2), (
        f"expected each call's parts {'given' if parts_into_one_output else 'not given'} an output, got {given}")
    _agree("conv2d", y, fast.conv2d(x, w, None, geom, 1))
    _agree("conv2d_input_grad", dx, fast.conv2d_input_grad(y, w, geom, 1))


class _WatchedLock:
    """A lock that records which thread holds it and how often it was taken."""

    made = []

    def __init__(self):
        self._lock, self.holder, self.taken = threading.Lock(), None, 0
        _WatchedLock.made.append(self)

    def __enter__(self):
        self._lock.acquire()
        self.holder, self.taken = threading.get_ident(), self.taken + 1

    def __exit__(self, *exc):
        self.holder = None
        self._lock.release()


def _held_here():
    return any(lock.holder == threading.get_ident() for lock in _WatchedLock.made)


CONVOLUTIONS = ("conv2d", "conv2d_input_grad", "conv2d_weight_grad")


@pytest.mark.parametrize("c_in, c_out, stride, given, taken", [
    (16, 16, 1, set(), False),  # 16 rows everywhere: no lock
    (24, 16, 1, {"conv2d_input_grad"}, True),  # dX's transposed route: a GEMM row per input channel
    (16, 24, 1, {"conv2d", "conv2d_weight_grad"}, True),  # the forward and dW: one per output channel
    (24, 24, 2, set(CONVOLUTIONS), False),  # stride 2: the standard layout copies in one call, lock-free
])
def test_parts_of_a_convolution_take_turns_at_unpadded_copies_from_min_locked_rows(c_in, c_out, stride, given,
                                                                                   taken, monkeypatch):
    monkeypatch.setattr(threaded, "MIN_SPLIT_FLOPS", 0)
    monkeypatch.setattr(threaded, "threading", types.SimpleNamespace(Lock=_WatchedLock))
    _WatchedLock.made.clear()
    locks, running = {name: [] for name in CONVOLUTIONS}, {}
    for name in CONVOLUTIONS:
        kernel = getattr(fast, name)
        monkeypatch.setattr(fast, name, lambda *args, _name=name, _kernel=kernel, **kw: (
            locks[_name].append(kw.get("copy_lock")), running.update({threading.get_ident(): _name}),
            _kernel(*args, **kw))[-1])
    held_in_copies, held_after_columns = {name: [] for name in CONVOLUTIONS}, []
    shifted_columns, columns = fast.windows.shifted_columns, fast.conv._columns
    monkeypatch.setattr(fast.windows, "shifted_columns", lambda *args: (
        held_in_copies[running[threading.get_ident()]].append(_held_here()) or shifted_columns(*args)))
    monkeypatch.setattr(fast.conv, "_columns", lambda *args: (
        columns(*args), held_after_columns.append(_held_here()))[0])
    x, w = rng(0).standard_normal((4, c_in, 16, 16)), rng(1).standard_normal((c_out, c_in, 3, 3))
    geom = WindowGeometry(x.shape, (3, 3), (stride, stride), padding=((1, 1), (1, 1)))
    with ag.use_threads(2):
        y = threaded.conv2d(x, w, None, geom, 1)
        dx = threaded.conv2d_input_grad(y, w, geom, 1)
        dw = threaded.conv2d_weight_grad(x, y, geom, 1)
    monkeypatch.undo()  # the checks below call the kernels themselves
    assert all(len(parts) == 2 and parts[0] is parts[1] for parts in locks.values()), (
        f"expected the two parts of each call to share one lock, got {locks}")
    got = {name for name, parts in locks.items() if isinstance(parts[0], _WatchedLock)}
    assert got == given, f"expected a lock for {sorted(given)} ({c_in} -> {c_out} channels), got {sorted(got)}"
    assert len(_WatchedLock.made) == len(given), f"expected a new lock per call, got {_WatchedLock.made}"
    assert not any(held_after_columns), "expected the lock let go once the columns are copied, before the GEMM"
    times = [lock.taken for lock in _WatchedLock.made]
    assert all(t >= 2 for t in times) if taken else times == [0] * len(times), (
        f"expected each lock {'taken by both parts' if taken else 'never taken'}, got {times} takings")
    held = {name: set(flags) for name, flags in held_in_copies.items() if flags}
    expected = {name: {taken and name in given} for name in held}
    assert held == expected and (held or not taken), (
        f"expected every shifted copy of {sorted(given) if taken else 'none'} under the lock, got {held}")
    _agree("conv2d", y, fast.conv2d(x, w, None, geom, 1))
    _agree("conv2d_input_grad", dx, fast.conv2d_input_grad(y, w, geom, 1))
    _agree("conv2d_weight_grad", dw, fast.conv2d_weight_grad(x, y, geom, 1))


@pytest.mark.parametrize("images, split", [
    (8, set()),  # 2 MiB: every pooling call whole
    (16, {"max_pool2d"}),  # 4 MiB: max pooling's forward split, its gradient and average pooling whole
    (32, {"max_pool2d", "avg_pool2d", "avg_pool2d_input_grad"}),  # 8 MiB
    (64, {"max_pool2d", "avg_pool2d", "avg_pool2d_input_grad", "max_pool2d_input_grad"}),  # 16 MiB
])
def test_threads_split_pooling_by_its_own_bars(images, split, monkeypatch):
    seen = set()
    names = ("max_pool2d", "max_pool2d_input_grad", "avg_pool2d", "avg_pool2d_input_grad")
    for name in names:
        kernel = getattr(fast, name)
        monkeypatch.setattr(fast, name, lambda *args, _name=name, _kernel=kernel: (
            seen.add((_name, threading.get_ident())) or _kernel(*args)))
    x = np.zeros((images, 64, 32, 32), dtype=np.float32)
    geom = WindowGeometry(x.shape, (2, 2), (2, 2))
    with ag.use_threads(2):
        pooled, argmax = threaded.max_pool2d(x, geom)
        threaded.max_pool2d_input_grad(pooled, argmax, geom)
        threaded.avg_pool2d(x, geom)
        threaded.avg_pool2d_input_grad(pooled, geom)
    got = {name for name in names if len({ident for n, ident in seen if n == name}) == 2}
    assert got == split, f"expected {sorted(split)} split over both threads at {x.nbytes >> 20} MiB, got {sorted(got)}"


@pytest.mark.parametrize("images, split", [
    (4, set()),  # 1 MiB: every call whole
    (8, {"normalize", "input_grad"}),  # 2 MiB: normalising and dX split, the sums whole
    (64, {"normalize", "input_grad", "sums", "statistics"}),  # 16 MiB
])
def test_threads_split_batch_norm_by_its_own_bars(images, split, monkeypatch):
    seen = set()
    for name, module, attribute in (("normalize", fast, "batch_norm_normalize"),
                                    ("input_grad", fast, "batch_norm_input_grad"),
                                    ("sums", fast, "batch_norm_sums"), ("statistics", threaded, "channel_sums")):
        kernel = getattr(module, attribute)
        monkeypatch.setattr(module, attribute, lambda *args, _name=name, _kernel=kernel, **kw: (
            seen.add((_name, threading.get_ident())) or _kernel(*args, **kw)))
    x = np.ones((images, 64, 32, 32), dtype=np.float32)
    c = np.ones(64, dtype=np.float32)
    with ag.use_threads(2):
        threaded.batch_norm_statistics(x)
        threaded.batch_norm_normalize(x, c, c, c, c)
        threaded.batch_norm_sums(x, x)
        threaded.batch_norm_input_grad(x, x, c, c, c)
    got = {name for name, _ in seen if len({ident for n, ident in seen if n == name}) == 2}
    assert got == split, f"expected {sorted(split)} split over both threads at {x.nbytes >> 20} MiB, got {sorted(got)}"


@given(conv_cases(), st.booleans())
@pytest.mark.usefixtures("two_threads")
def test_threaded_kernels_agree_with_fast(case, with_bias):
    geom, c_out, groups = case
    geom = threaded._batch(geom, geom.N + 2)  # at least two images: the call is split
    assert len(threaded._parts(geom.N, threaded._pool, threaded.threads())) == 2, "expected two parts"
    x, w, b, dy = _conv_arrays((geom, c_out, groups), with_bias)
    assert threaded.threads() == 2, "expected the batch split over two threads"
    _agree("conv2d", threaded.conv2d(x, w, b, geom, groups), fast.conv2d(x, w, b, geom, groups))
    _agree("conv2d_input_grad", threaded.conv2d_input_grad(dy, w, geom, groups),
           fast.conv2d_input_grad(dy, w, geom, groups))
    _agree("conv2d_weight_grad", threaded.conv2d_weight_grad(x, dy, geom, groups),
           fast.conv2d_weight_grad(x, dy, geom, groups))
    _agree("unfold", threaded.unfold(x, geom), fast.unfold(x, geom))
    columns = rng(9).standard_normal((geom.N, geom.C * geom.kernel[0] * geom.kernel[1], geom.L))
    _agree("fold", threaded.fold(columns, geom), fast.fold(columns, geom))


@given(pool_cases())
@pytest.mark.usefixtures("two_threads")
def test_threaded_pool_kernels_agree_with_fast(geom):
    geom = threaded._batch(geom, geom.N + 2)  # at least two images: the call is split
    x = rng(4).standard_normal(geom.shape)
    pooled, argmax = threaded.max_pool2d(x, geom)
    np.testing.assert_array_equal(argmax, fast.max_pool2d(x, geom)[1], err_msg="expected the same argmax")
    _agree("max_pool2d", pooled, fast.max_pool2d(x, geom)[0])
    _agree("max_pool2d_input_grad", threaded.max_pool2d_input_grad(pooled, argmax, geom),
           fast.max_pool2d_input_grad(pooled, argmax, geom))
    _agree("max_pool2d_gather", threaded.max_pool2d_gather(x, argmax, geom), fast.max_pool2d_gather(x, argmax, geom))
    _agree("avg_pool2d", threaded.avg_pool2d(x, geom), fast.avg_pool2d(x, geom))
    _agree("avg_pool2d_input_grad", threaded.avg_pool2d_input_grad(pooled, geom),
           fast.avg_pool2d_input_grad(pooled, geom))


def test_use_threads_limits_blas_and_gives_it_back():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [info["num_threads"] for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]
    ag.use_threads(2)
    try:
        assert kernels.current() is threaded, "expected the threaded kernels"
        blas = [info["num_threads"] for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]
        assert blas and set(blas) == {1}, f"expected NumPy's BLAS found and on one thread, got {blas}"
        x, w = ag.Tensor(rng(0).standard_normal((4, 2, 6, 6))), ag.Tensor(rng(1).standard_normal((3, 2, 3, 3)))
        ag.conv2d(x, w, padding=1).sum().backward()
        with ag.use_kernels("fast"):
            expected = ag.conv2d(x.value, w.value, padding=1)
        np.testing.assert_allclose(ag.conv2d(x, w, padding=1).value, expected.value, rtol=1e-12,
                                   err_msg="expected the threaded op to equal the fast one")
    finally:
        ag.use_threads(None)
    assert kernels.current() is fast, "expected the fast kernels back"
    after = [info["num_threads"] for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas"]
    assert after == before, f"expected BLAS's threads back ({before}), got {after}"
    with pytest.raises(ValueError, match="use_threads: threads must be a positive int or None, got 0"):
        ag.use_threads(0)


def test_use_kernels_switches_as_a_call_and_as_a_context_manager():
    assert ag.available_kernels() == ("fast", "reference", "threaded"), "expected the three implementations"
    assert kernels.current() is fast, "expected the fast kernels by default"
    with ag.use_kernels("reference"):
        assert kernels.current() is reference, "expected the reference kernels inside the block"
    assert kernels.current() is fast, "expected the fast kernels back after the block"
    ag.use_kernels("reference")
    try:
        assert kernels.current() is reference, "expected a plain call to switch"
    finally:
        ag.use_kernels("fast")
    with pytest.raises(ValueError, match="use_kernels: name must be one of 'fast', 'reference', 'threaded', got 'gpu'"):
        ag.use_kernels("gpu")


def test_use_threads_as_a_block_puts_back_what_was_in_use():
    with ag.use_kernels("reference"):
        with ag.use_threads(2):
            assert kernels.current() is threaded and threaded.threads() == 2, "expected two threads in the block"
            with ag.use_threads(3):
                assert threaded.threads() == 3, "expected the inner block's three threads"
            assert threaded.threads() == 2 and kernels.current() is threaded, "expected the outer block back"
        assert kernels.current() is reference, "expected the reference kernels back after the block"
    assert kernels.current() is fast, "expected the fast kernels back"


def test_a_batch_is_split_only_into_parts_of_min_images():
    pool = object()
    assert threaded._parts(8, pool, 2) == [(0, 4), (4, 8)], "expected two halves of a batch of 8"
    assert threaded._parts(3, pool, 2) == [(0, 3)], "expected a batch of 3 to run unsplit (parts of >= 2 images)"
    assert threaded._parts(8, None, 2) == [(0, 8)], "expected no split without a pool"
    assert all(type(bound) is int for part in threaded._parts(7, pool, 2) for bound in part), "expected Python ints"


@given(batch_norm_cases())
@pytest.mark.usefixtures("two_threads")
def test_threaded_batch_norm_kernels_agree_with_fast(case):
    x, g, weight, bias = case
    x, g = np.concatenate([x, x[:1] - 1, x[:1] + 1]), np.concatenate([g, g[:1], g[:1]])  # split in two
    assert len(threaded._parts(x.shape[0], threaded._pool, threaded.threads())) == 2, "expected two parts"
    _batch_norm_agree(threaded, fast, (x, g, weight, bias))
