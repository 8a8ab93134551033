"""The tuning rules of the fast conv (and batch-norm) kernels, each timed against its alternatives.

``autograd/kernels/fast/conv.py`` and ``conv_input.py`` pick a slab size, a GEMM shape, a column
layout and a dX route by rules, ``batch_norm.py`` a chunk size; this script forces every
alternative in turn (by setting the module attribute the kernels read) and times the fast
kernels themselves (float32, batch 64):

- ``column_bytes``: the slab budget ``conv.COLUMN_BYTES`` at 1 to 16 MiB and "whole" (one slab),
  forward and weight gradient;
- ``gemm_rows``: 2 to 7 output channels padded with zero rows to ``conv.GEMM_ROWS`` (8), against
  no padding, forward and weight gradient (the rule pads from ``conv.MIN_PADDED_ROWS`` channels
  in the forward, from ``conv.MIN_PADDED_DW_ROWS`` in the weight gradient);
- ``layout``: the standard, full-width and unpadded column layouts of ``conv.layout``, forward
  and weight gradient;
- ``routes``: dX by each route of ``conv_input.ROUTE_RULES`` that the geometry allows;
- ``batch_norm_chunk``: batch norm's chunk ``batch_norm.CHUNK_BYTES`` at 128 KiB to 2 MiB and
  "whole", its forward (statistics and normalising) and its backward (sums and dX) on the
  CIFAR-style net's and LeNet-5's batch-norm shapes.
- ``batch_norm_spread``: batch norm's per-channel values spread over (C, L) arrays or applied as
  (C, 1) views, and the rule (``batch_norm.SPREAD_BYTES``, ``SPREAD_SHARE``), on those shapes and
  on ones whose spread would be large (big images) or a large share of the data (few images).

Per case it prints each alternative's milliseconds (the median of all ``--repeats`` calls, made
in blocks alternating between the alternatives), the rule's pick in brackets, and the pick's time
over the fastest's. A rule must hold on OpenBLAS's Haswell and SkylakeX kernels: ``--coretypes``
runs the script once with each (``OPENBLAS_CORETYPE`` only takes effect before NumPy is imported).

Run: ``python benchmarks/bench_conv_rules.py [--repeats 30] [--threads 1] [--only routes] [--coretypes]``
"""

import argparse
import os
import subprocess
import sys
from typing import NamedTuple
from unittest import mock

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits
from timing import timings

import autograd as ag
from autograd.geometry import WindowGeometry
from autograd.kernels import fast
from autograd.kernels.fast import batch_norm, conv, conv_input
from autograd.kernels.fast import windows as sw

# a pick this close to the fastest is within the noise of a shared machine
NEAR_FASTEST = 1.05
# idle time before each block of calls: BLAS threads keep spinning for a while after a parallel call
SETTLE_SECONDS = 0.1
CORETYPES = ("Haswell", "SkylakeX")
MIB = 1 << 20
COLUMN_BUDGETS = {f"{m} MiB": m * MIB for m in (1, 2, 4, 8, 16)} | {"whole": 1 << 62}  # whole: one slab
CHUNK_BUDGETS = {f"{k} KiB": k << 10 for k in (128, 256, 512, 1024, 2048)} | {"whole": 1 << 62}


class Case(NamedTuple):
    shape: tuple
    c_out: int
    kernel: tuple
    padding: tuple = ((0, 0), (0, 0))
    stride: tuple = (1, 1)
    dilation: tuple = (1, 1)
    groups: int = 1

    def geometry(self):
        return WindowGeometry(self.shape, self.kernel, self.stride, self.padding, self.dilation)

    @property
    def name(self):
        """As "(64,16,32,32)->16 3x3 p1", then stride, dilation and groups where they are not 1."""
        sides = {side for pair in self.padding for side in pair}
        pad = f" p{self.padding}" if len(sides) > 1 else "" if sides == {0} else f" p{sides.pop()}"
        shape = ",".join(map(str, self.shape))
        name = f"({shape})->{self.c_out} {self.kernel[0]}x{self.kernel[1]}{pad}"
        for prefix, value, plain in (("s", self.stride, (1, 1)), ("d", self.dilation, (1, 1)), ("g", self.groups, 1)):
            if value != plain:
                name += f" {prefix}{value[0] if isinstance(value, tuple) else value}"
        return name


def case(shape, c_out, kernel, pad=0, stride=1, dilation=1, groups=1):
    """A Case from the usual shorthands: square kernel, stride and dilation; pad on every side."""
    pair = lambda v: v if isinstance(v, tuple) else (v, v)
    padding = pad if isinstance(pad, tuple) and isinstance(pad[0], tuple) else tuple((p, p) for p in pair(pad))
    return Case(shape, c_out, pair(kernel), padding, pair(stride), pair(dilation), groups)


LENET = [case((64, 1, 28, 28), 6, 5, 2), case((64, 6, 14, 14), 16, 5)]
CIFAR = [case((64, 3, 32, 32), 16, 3, 1), case((64, 16, 32, 32), 16, 3, 1), case((64, 32, 16, 16), 32, 3, 1),
         case((64, 64, 8, 8), 64, 3, 1)]
COLUMN_CASES = [*LENET, *CIFAR[1:], case((64, 32, 16, 16), 64, 3, 1)]
GEMM_ROWS_CASES = [LENET[0], case((64, 3, 32, 32), 3, 3, 1), case((64, 16, 16, 16), 4, 3, 1),
                   case((64, 8, 32, 32), 2, 3, 1), case((64, 16, 16, 16), 5, 3, 1), case((64, 32, 8, 8), 7, 3, 1),
                   case((64, 16, 28, 28), 6, 5, 2)]
LAYOUT_CASES = [*CIFAR, LENET[0], case((64, 16, 16, 16), 32, 5, 2), LENET[1], case((64, 8, 14, 14), 8, 3),
                case((64, 4, 8, 12), 8, (1, 9), ((0, 0), (4, 4)))]
# test_fast_conv's route cases at realistic sizes, a 9x9 kernel, the networks' layers and a stride 2
ROUTE_CASES = [
    case((64, 16, 16, 16), 16, 3, 1), case((64, 16, 16, 16), 32, (3, 2), ((1, 1), (0, 1))),
    case((64, 24, 16, 16), 24, 3, 2, dilation=2, groups=3), case((64, 16, 16, 16), 16, 5, 2, groups=16),
    case((64, 16, 16, 16), 16, 5, 2), case((64, 32, 16, 16), 32, 5, 2, groups=2),
    case((64, 8, 16, 16), 16, (5, 3), 4, dilation=2), case((64, 16, 14, 14), 16, (3, 1), 2),
    case((64, 6, 14, 14), 16, 3, 1), case((64, 6, 14, 14), 16, (3, 2), ((1, 1), (0, 1))),
    case((64, 6, 14, 14), 16, 3, dilation=2), case((64, 4, 14, 14), 16, 3, 1), case((64, 8, 32, 32), 32, 3, 1),
    case((64, 4, 16, 16), 32, 5, 2), case((64, 8, 14, 14), 16, 9), *LENET, *CIFAR,
    case((64, 16, 32, 32), 32, 3, 1, stride=2),
]


def arrays(c, rng):
    """x, w, bias and dy for case c, float32."""
    g = c.geometry()
    draw = lambda *shape: rng.standard_normal(shape, dtype=np.float32)
    return (draw(*c.shape), draw(c.c_out, c.shape[1] // c.groups, *c.kernel), draw(c.c_out),
            draw(c.shape[0], c.c_out, g.H_out, g.W_out))


def passes(c, rng):
    """The forward and the weight gradient of case c, as calls of the fast kernels."""
    x, w, bias, dy = arrays(c, rng)
    g = c.geometry()
    return {"forward": lambda: fast.conv2d(x, w, bias, g, c.groups),
            "dW": lambda: fast.conv2d_weight_grad(x, dy, g, c.groups)}


def forced(fn, module, **values):
    """fn, made a call with the module's attributes set to ``values`` (the kernels read them per call)."""
    def call():
        with mock.patch.multiple(module, **values):
            return fn()
    return call


def report(label, times, pick):
    """One line: each alternative's ms (the pick in brackets) and how the pick compares with the fastest."""
    fastest = min(times, key=times.get)
    ratio = times[pick] / times[fastest]
    verdict = ("fastest" if pick == fastest else f"within {NEAR_FASTEST - 1:.0%} of {fastest}"
               if ratio <= NEAR_FASTEST else f"SLOWER than {fastest}")
    cells = "  ".join(f"[{name} {ms:.3f}]" if name == pick else f"{name} {ms:.3f}" for name, ms in times.items())
    print(f"  {label:<44} {cells}  | rule: {pick}, {ratio:.2f}x the fastest: {verdict}")


def compare(label, fns, pick, repeats):
    measured = timings(fns, repeats, block=min(5, repeats), settle=SETTLE_SECONDS)
    report(label, {name: all_calls for name, (_, all_calls) in measured.items()}, pick)


def with_rule(budgets, rule, label):
    """(the budgets with the rule's size among them, added as ``label`` if none is it; its name)."""
    budgets = dict(budgets)
    pick = next((name for name, size in budgets.items() if size == rule), None)
    if pick is None:
        pick, budgets[label] = label, rule
    return budgets, pick


# -- the sections --------------------------------------------------------------------------------
def column_bytes_section(repeats, rng):
    print(f"COLUMN_BYTES (a slab's columns at most this many bytes; rule {conv.COLUMN_BYTES / MIB:g} MiB):")
    budgets, pick = with_rule(COLUMN_BUDGETS, conv.COLUMN_BYTES, f"{conv.COLUMN_BYTES / MIB:g} MiB")
    for c in COLUMN_CASES:
        for pass_name, fn in passes(c, rng).items():
            fns = {name: forced(fn, conv, COLUMN_BYTES=size) for name, size in budgets.items()}
            compare(f"{c.name} {pass_name}", fns, pick, repeats)


def gemm_rows_section(repeats, rng):
    print(f"GEMM_ROWS (output channels padded with zero rows to {conv.GEMM_ROWS}, or not; the rule pads "
          f"{conv.MIN_PADDED_ROWS} to {conv.GEMM_ROWS - 1} in the forward, {conv.MIN_PADDED_DW_ROWS} to "
          f"{conv.GEMM_ROWS - 1} in dW):")
    for c in GEMM_ROWS_CASES:
        for pass_name, fn in passes(c, rng).items():
            least = conv.MIN_PADDED_DW_ROWS if pass_name == "dW" else conv.MIN_PADDED_ROWS
            pick = "padded" if conv.gemm_rows(c.c_out, c.groups, least) > c.c_out else "unpadded"
            fns = {"padded": forced(fn, conv, MIN_PADDED_ROWS=2, MIN_PADDED_DW_ROWS=2),
                   "unpadded": forced(fn, conv, GEMM_ROWS=1)}
            compare(f"{c.name} {pass_name}", fns, pick, repeats)


def layout_name(g):
    """The name this script gives a layout geometry (``windows.WindowGeometry``)."""
    return "unpadded" if g.unpadded else "full width" if g.full_width else "standard"


def possible_layouts(geom):
    """The layouts geom allows: full width needs stride 1, unpadded also W_out <= W."""
    layouts = {"standard": sw.WindowGeometry.of(geom)}
    if geom.stride == (1, 1):
        layouts["full width"] = sw.WindowGeometry.of(geom, full_width=True)
        if geom.W_out <= geom.W:
            layouts["unpadded"] = sw.WindowGeometry.of(geom, full_width=True, unpadded=True)
    return layouts


def layout_section(repeats, rng):
    print(f"layout (full width where W_pad <= 2 W_out; where padded with W_out <= W: standard past "
          f"{conv.UNPADDED_TAPS} taps, unpadded where W_pad - W_out >= {conv.UNPADDED_GARBAGE:g} W_out):")
    for c in LAYOUT_CASES:
        geom = c.geometry()
        pick = layout_name(conv.layout(geom, unpadded=True))
        for pass_name, fn in passes(c, rng).items():
            fns = {name: forced(fn, conv, layout=lambda _geom, unpadded=True, _g=g: _g)
                   for name, g in possible_layouts(geom).items()}
            compare(f"{c.name} {pass_name}", fns, pick, repeats)


def input_grad(c, rng):
    """dX of case c, as a call of the fast kernel."""
    _, w, _, dy = arrays(c, rng)
    g = c.geometry()
    return lambda: fast.conv2d_input_grad(dy, w, g, c.groups)


def possible_routes(c):
    """The dX routes case c allows (rows: stride 1; transposed: dY's padding within the kernel's span),
    and the one the rule picks."""
    pick, g, transposed = conv_input.input_grad_plan(c.geometry(), c.c_out, c.groups)
    return ["col2im"] + ["rows"] * (g.stride == (1, 1)) + ["transposed"] * (transposed is not None), pick


def routes_section(repeats, rng):
    print("dX routes (conv_input.ROUTE_RULES):")
    for c in ROUTE_CASES:
        fn = input_grad(c, rng)
        routes, pick = possible_routes(c)
        fns = {route: forced(fn, conv_input, input_grad_route=lambda *_, _route=route: _route) for route in routes}
        compare(f"{c.name} dX", fns, pick, repeats)


# the inputs of the batch norms of the CIFAR-style net (N, C, H, W) and of a LeNet-sized one
BATCH_NORM_SHAPES = [(64, 16, 32, 32), (64, 32, 16, 16), (64, 64, 8, 8), (64, 6, 28, 28)]


def batch_norm_passes(shape, rng):
    """Batch norm's forward (statistics, then normalising with a weight and bias) and backward
    (the sums, then dX), as calls of the fast kernels."""
    x = rng.standard_normal(shape, dtype=np.float32) + 3
    g = rng.standard_normal(shape, dtype=np.float32)
    weight, bias = (rng.standard_normal(shape[1], dtype=np.float32) for _ in range(2))
    count = x.size // shape[1]

    def forward():
        mean, var = fast.batch_norm_statistics(x)
        return fast.batch_norm_normalize(x, mean, 1 / np.sqrt(var + 1e-5), weight, bias)

    xhat = forward()[0]

    def backward():
        g_sum, g_xhat_sum = fast.batch_norm_sums(g, xhat)
        return fast.batch_norm_input_grad(g, xhat, weight, g_sum / count, g_xhat_sum / count)

    return {"forward": forward, "backward": backward}


def batch_norm_chunk_section(repeats, rng):
    print(f"batch_norm.CHUNK_BYTES (each pass over at most this many bytes of an array at a time; rule "
          f"{batch_norm.CHUNK_BYTES >> 10} KiB):")
    budgets, pick = with_rule(CHUNK_BUDGETS, batch_norm.CHUNK_BYTES, f"{batch_norm.CHUNK_BYTES >> 10} KiB")
    for shape in BATCH_NORM_SHAPES:
        for pass_name, fn in batch_norm_passes(shape, rng).items():
            fns = {name: forced(fn, batch_norm, CHUNK_BYTES=size) for name, size in budgets.items()}
            compare(f"batch norm ({','.join(map(str, shape))}) {pass_name}", fns, pick, repeats)


# shapes whose spread is large (16 channels of 128x128: 1 MiB) or much of the data (few images)
SPREAD_SHAPES = [*BATCH_NORM_SHAPES, (64, 128, 8, 8), (8, 16, 128, 128), (4, 64, 32, 32), (2, 16, 32, 32),
                 (1, 16, 32, 32), (1, 64, 8, 8)]


def batch_norm_spread_section(repeats, rng):
    print(f"batch_norm.spread (per-channel values spread over (C, L) up to {batch_norm.SPREAD_BYTES >> 10} KiB and "
          f"{batch_norm.SPREAD_SHARE:.3g} of the data, else (C, 1) views):")
    for shape in SPREAD_SHAPES:
        x_l = np.empty((shape[0], shape[1], int(np.prod(shape[2:]))), dtype=np.float32)
        pick = "spread" if batch_norm.spread(np.zeros(shape[1], dtype=np.float32), x_l).shape[1] > 1 else "views"
        for pass_name, fn in batch_norm_passes(shape, rng).items():
            fns = {"views": forced(fn, batch_norm, SPREAD_BYTES=-1),
                   "spread": forced(fn, batch_norm, SPREAD_BYTES=1 << 62, SPREAD_SHARE=1)}
            compare(f"batch norm ({','.join(map(str, shape))}) {pass_name}", fns, pick, repeats)


SECTIONS = {"column_bytes": column_bytes_section, "gemm_rows": gemm_rows_section, "layout": layout_section,
            "routes": routes_section, "batch_norm_chunk": batch_norm_chunk_section,
            "batch_norm_spread": batch_norm_spread_section}


def blas_description():
    """The BLAS numpy runs, with the kernels (architecture) OpenBLAS picked and its thread count."""
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    libs = [f"{lib['internal_api']} {lib.get('version')}, {lib.get('architecture')} kernels, {lib['num_threads']} "
            f"threads" for lib in blas if "numpy" in lib["filepath"]]  # scipy may bring its own, unused here
    return "; ".join(libs) or f"numpy's BLAS not found by threadpoolctl (found {[lib['filepath'] for lib in blas]})"


def each_coretype(argv):
    """The script re-run once per OpenBLAS kernel set, in fresh processes: its outputs, in order."""
    rest = [arg for arg in argv if arg != "--coretypes"]
    for coretype in CORETYPES:
        env = {**os.environ, "OPENBLAS_CORETYPE": coretype}
        run = subprocess.run([sys.executable, __file__, *rest], env=env, capture_output=True, text=True)
        if run.returncode:
            raise SystemExit(f"bench_conv_rules: expected the OPENBLAS_CORETYPE={coretype} run to succeed, it exited "
                             f"with {run.returncode}:\n{run.stderr}")
        yield coretype, run.stdout


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="timed calls per alternative and case")
    parser.add_argument("--threads", type=int, default=1, help="threads for numpy's BLAS")
    parser.add_argument("--only", choices=sorted(SECTIONS), help="run one section")
    parser.add_argument("--coretypes", action="store_true",
                        help=f"run once with each of OPENBLAS_CORETYPE={' and '.join(CORETYPES)}, in subprocesses")
    args = parser.parse_args(argv)
    if args.coretypes:
        for coretype, output in each_coretype(argv):
            print(f"==== OPENBLAS_CORETYPE={coretype} ====\n{output}")
        return
    ag.keep_freed_memory()  # else the page faults of fresh memory outweigh most of what is compared
    rng = np.random.default_rng(0)
    with threadpool_limits(args.threads, user_api="blas"):
        print(f"float32, numpy {np.__version__}, {blas_description()}, OPENBLAS_CORETYPE="
              f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}; ms, the median of {args.repeats} calls")
        for name, section in SECTIONS.items():
            if args.only in (None, name):
                section(args.repeats, rng)


if __name__ == "__main__":
    main()
