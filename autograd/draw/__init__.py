"""Drawing computational graphs: ``draw_graph(root)`` returns a ``graphviz.Digraph``.

graph.py builds the drawing (and documents the legend), layout.py decides what becomes a
drawn node (collapsed modules, summaries), modules.py names and groups module calls,
labels.py writes node and edge text, render.py renders with or without the system Graphviz.
"""

from autograd.draw.graph import draw_graph
from autograd.draw.render import GraphDrawing, GraphRenderError, GraphvizNotFoundError

__all__ = ["GraphDrawing", "GraphRenderError", "GraphvizNotFoundError", "draw_graph"]
