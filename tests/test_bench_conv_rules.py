"""benchmarks/bench_conv_rules.py runs every section on tiny cases, and each alternative it times
is the one it names: a forcing that stopped forcing would time the rule's own pick under every
name and show every rule as the fastest."""

import importlib.util
import subprocess
from pathlib import Path

import pytest
import threadpoolctl

from autograd.kernels.fast import batch_norm, conv, conv_input

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # the script imports its neighbour timing.py
    spec = importlib.util.spec_from_file_location("bench_conv_rules", BENCHMARKS / "bench_conv_rules.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "SETTLE_SECONDS", 0)
    monkeypatch.setattr(module.ag, "keep_freed_memory", lambda: False)  # process-wide: not for the test session
    case = module.case
    monkeypatch.setattr(module, "COLUMN_CASES", [case((2, 3, 8, 8), 4, 3, 1)])
    monkeypatch.setattr(module, "GEMM_ROWS_CASES", [case((2, 1, 8, 8), 6, 3, 1)])
    monkeypatch.setattr(module, "LAYOUT_CASES", [case((2, 3, 8, 8), 4, 3, 1)])
    monkeypatch.setattr(module, "ROUTE_CASES", [case((2, 4, 7, 7), 4, 3, 1), case((2, 4, 9, 9), 4, 5, 2),
                                                case((2, 4, 7, 7), 4, 3, 1, stride=2)])
    monkeypatch.setattr(module, "BATCH_NORM_SHAPES", [(4, 2, 4, 4)])
    monkeypatch.setattr(module, "SPREAD_SHAPES", [(16, 2, 4, 4)])
    return module


def record_what_ran(bench, monkeypatch):
    """A list that each fast-kernel call fills with the names of what it ran: the dX route, the
    column layout, the slab budget and the GEMM rows in effect."""
    ran = []
    for route, function in [("transposed", conv_input._flipped_transposed), ("rows", conv_input._input_grad_rows),
                            ("col2im", conv_input._input_grad_col2im)]:
        monkeypatch.setattr(conv_input, function.__name__,
                            lambda *args, _route=route, _function=function: ran.append(_route) or _function(*args))
    budget_names = {size: name for name, size in bench.COLUMN_BUDGETS.items()}

    def slabs(g, rows, dtype, _slabs=conv.slabs):
        ran.extend([bench.layout_name(g), budget_names.get(conv.COLUMN_BYTES)])
        return _slabs(g, rows, dtype)

    monkeypatch.setattr(conv, "slabs", slabs)
    monkeypatch.setattr(conv, "gemm_rows", lambda c_out, groups, least=None, _rows=conv.gemm_rows: (
        lambda rows: ran.append("padded" if rows > c_out else "unpadded") or rows)(_rows(c_out, groups, least)))
    chunk_names = {size: name for name, size in bench.CHUNK_BUDGETS.items()}
    monkeypatch.setattr(batch_norm, "_chunks", lambda x_l, _chunks=batch_norm._chunks: ran.append(
        chunk_names.get(batch_norm.CHUNK_BYTES)) or _chunks(x_l))
    monkeypatch.setattr(batch_norm, "spread", lambda values, x_l, _spread=batch_norm.spread: (
        lambda operand: ran.append("spread" if operand.shape[1] > 1 else "views") or operand)(_spread(values, x_l)))
    return ran


def test_every_section_times_each_alternative_it_names(bench, monkeypatch, capsys):
    ran = record_what_ran(bench, monkeypatch)
    checked = []

    def checking_timings(fns, repeats, **options):
        for name, fn in fns.items():
            ran.clear()
            fn()
            assert name in ran, f"expected the alternative {name!r} to run, the kernels ran {sorted(set(ran))}"
            checked.append(name)
        return real_timings(fns, repeats, **options)

    real_timings = bench.timings
    monkeypatch.setattr(bench, "timings", checking_timings)
    bench.main(["--repeats", "1"])
    out = capsys.readouterr().out
    for header in ("COLUMN_BYTES", "GEMM_ROWS", "layout", "dX routes", "batch_norm.CHUNK_BYTES", "batch_norm.spread"):
        assert any(line.startswith(header) for line in out.splitlines()), f"expected a {header} section in:\n{out}"
    rule_lines = [line for line in out.splitlines() if "| rule:" in line]
    # forward and dW per case in the first three sections, dX per route case, batch norm's two
    # passes for its chunk and for its spread
    assert len(rule_lines) == 2 + 2 + 2 + 3 + 2 + 2, f"expected a line per case and pass, got:\n{out}"
    assert {"1 MiB", "whole", "padded", "unpadded", "standard", "full width", "col2im", "rows",
            "transposed", "128 KiB", "2048 KiB", "spread", "views"} <= set(checked), (
        f"expected every kind of alternative timed, got {sorted(set(checked))}")
    kernels = [lib["architecture"] for lib in threadpoolctl.threadpool_info() if "numpy" in lib["filepath"]]
    assert f"{kernels[0]} kernels, 1 threads" in out.splitlines()[0], f"expected numpy's BLAS kernels named in:\n{out}"


def test_the_route_printed_as_the_rules_pick_is_input_grad_routes(bench, capsys):
    bench.main(["--repeats", "1", "--only", "routes"])
    lines = [line for line in capsys.readouterr().out.splitlines() if "| rule:" in line]
    picks = [line.split("| rule: ")[1].split(",")[0] for line in lines]
    expected = []
    for c in bench.ROUTE_CASES:
        g = conv.layout(c.geometry(), unpadded=False)
        expected.append(conv_input.input_grad_route(g, c.c_out, c.groups,
                                                    conv_input._transposed_geometry(g, c.c_out) is not None))
    assert picks == expected == ["transposed", "rows", "col2im"], (
        f"expected the printed picks {picks} to be input_grad_route's {expected}, one case per route")


def test_coretypes_reruns_the_script_once_per_openblas_kernel_set(bench, monkeypatch, capsys):
    runs = []

    def run(command, env, **_):
        runs.append((command[2:], env["OPENBLAS_CORETYPE"]))
        return subprocess.CompletedProcess(command, 0, stdout=f"timed on {env['OPENBLAS_CORETYPE']}\n", stderr="")

    monkeypatch.setattr(bench.subprocess, "run", run)
    bench.main(["--coretypes", "--only", "routes", "--repeats", "3"])
    out = capsys.readouterr().out
    assert runs == [(["--only", "routes", "--repeats", "3"], coretype) for coretype in ("Haswell", "SkylakeX")], (
        f"expected one run per coretype with the other arguments, got {runs}")
    assert "timed on Haswell" in out and "timed on SkylakeX" in out, f"expected both runs' outputs in:\n{out}"
