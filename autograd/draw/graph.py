"""``draw_graph``: the computational graph behind a Scalar or Tensor, as a graphviz Digraph.

The walk is the engine's iterative ``topological_order``; the drawing is planned in
``autograd.draw.layout`` (which values become which drawn node) and written here as DOT.

Legend (Tensor graphs):
  - light green, bold border: the output (the root you drew);
  - light blue: a parameter (found in ``params`` or in the calling module's named_parameters);
  - light yellow: any other leaf that requires grad (an input you differentiate by);
  - dashed grey: a constant (requires_grad False: data, targets, Python numbers);
  - white rounded box: an op result (its op, shape, dtype, then the gradient summary);
  - double border: a leaf used by many ops, drawn again beside each use;
  - lavender 3-D box: a collapsed module; grey note: "N more nodes" of a summarised drawing;
  - dashed frames: the module call that built the ops inside (``features.0: Conv2d``);
  - orange edge: the op broadcast this input, its gradient is summed over the named axes.
Scalar graphs are micrograd's picture: a record ``label | data | grad`` per value and an
ellipse per op; the output is green and parameters blue.
"""

import graphviz

from autograd import engine
from autograd.draw import labels
from autograd.draw.layout import MODULE, MORE, NODE, plan_layout, roles_of
from autograd.draw.modules import ModuleCalls, normalize_collapse, parameter_names_from_modules
from autograd.draw.render import GraphDrawing

NODE_STYLES = {
    "output": {"style": "filled,bold", "fillcolor": "darkolivegreen1", "penwidth": "2"},
    "parameter": {"style": "filled", "fillcolor": "lightblue"},
    "leaf": {"style": "filled", "fillcolor": "lightyellow"},
    "constant": {"style": "dashed", "color": "gray50", "fontcolor": "gray30"},
    "result": {"style": "rounded"},
    MODULE: {"shape": "box3d", "style": "filled", "fillcolor": "lavender"},
    MORE: {"shape": "note", "style": "filled", "fillcolor": "gray90"},
}
SCALAR_STYLES = {
    "output": {"style": "filled,bold", "fillcolor": "darkolivegreen1"},
    "parameter": {"style": "filled", "fillcolor": "lightblue"},
}
BROADCAST_EDGE = {"color": "darkorange", "fontcolor": "darkorange3"}
CLUSTER_STYLE = {"style": "rounded,dashed", "color": "gray55", "fontcolor": "gray25", "labeljust": "l",
                 "fontname": "Helvetica", "fontsize": "10"}


def draw_graph(root, params=None, *, collapse_modules=False, max_nodes=300, rankdir=None, show_constants=True):
    """Draw everything ``root`` depends on; returns a ``graphviz.Digraph`` (a GraphDrawing).

    root: an ``ag.Scalar`` or ``ag.Tensor`` (any node with ``inputs``, ``op``, ``label``, ``value``).
    params: names for parameters, as torchviz: a mapping name -> tensor such as
        ``dict(model.named_parameters())``, an iterable of (name, tensor) pairs, or a module with
        ``named_parameters()``. Without it, parameters are named by the modules that used them.
    collapse_modules: False draws every op inside its module's frame; True draws each innermost
        module call as one node; an int d collapses the modules at depth d (1 = outermost).
    max_nodes: above this many drawn nodes the drawing is summarised: modules are collapsed,
        ever more coarsely, then the nodes farthest from the root are replaced by one
        "N more nodes" node. None draws everything.
    rankdir: Graphviz's direction, "LR" (default for Scalars) or "TB" (default for Tensors).
    show_constants: draw leaves that do not require grad (data, Python numbers).

    ``.source`` is the DOT text; ``.pipe(format="svg")``, ``.render(...)`` and Jupyter display
    work with or without the system Graphviz (see ``autograd.draw.render``).
    """
    for attribute in ("inputs", "op", "value"):
        if not hasattr(root, attribute):
            raise TypeError(f"draw_graph: root must be an ag.Tensor or ag.Scalar, got {type(root).__name__}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 2):
        raise ValueError(f"draw_graph: max_nodes must be an int >= 2 or None, got {max_nodes!r}")
    if rankdir not in (None, "TB", "BT", "LR", "RL"):
        raise ValueError(f"draw_graph: rankdir must be 'TB', 'BT', 'LR' or 'RL', got {rankdir!r}")
    collapse = normalize_collapse(collapse_modules)
    nodes = engine.topological_order(root)
    tensors = labels.is_tensor_node(root)
    names = parameter_names_from_modules(nodes)
    names.update(_explicit_names(params))
    roles = roles_of(nodes, names)
    if not show_constants:
        nodes = [node for node, role in zip(nodes, roles) if role != "constant" or node is root]
        roles = roles_of(nodes, names)
    calls = ModuleCalls(nodes)
    layout = plan_layout(nodes, roles, names, collapse, max_nodes, calls)

    drawing = GraphDrawing(name="agrad", graph_attr={"rankdir": rankdir or ("TB" if tensors else "LR")},
                           node_attr={"fontname": "Helvetica", "fontsize": "10", "shape": "box",
                                      "margin": "0.15,0.06"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "9"})
    clusters = _ClusterTree(drawing, calls)
    heads = []  # the DOT node each unit's incoming edges point at
    for unit_id, unit in enumerate(layout.units):
        target, node_id = clusters.subgraph_for(unit.cluster_chain), f"n{unit_id}"
        if unit.kind != NODE:
            target.node(node_id, graphviz.nohtml(unit.text), **NODE_STYLES[unit.kind])
            heads.append(node_id)
            continue
        node, role = nodes[unit.node_index], roles[unit.node_index]
        style = (NODE_STYLES if tensors else SCALAR_STYLES).get("output" if node is root else role, {})
        if unit.copies:
            style = {**style, "peripheries": "2"}
        if tensors:
            lines = labels.tensor_lines(node, _name(node, names), role)
            if unit.copies:
                lines.append(f"(drawn at each of its {unit.copies} uses)")
            target.node(node_id, graphviz.nohtml("\\n".join(labels.dot_text(line) for line in lines)), **style)
            heads.append(node_id)
        else:
            heads.append(_add_scalar(target, node_id, node, _name(node, names), style))
    clusters.attach()
    for source, target, label in layout.edges:
        if label:
            drawing.edge(f"n{source}", heads[target], label=f" {label}", **BROADCAST_EDGE)
        else:
            drawing.edge(f"n{source}", heads[target])
    if layout.summary:
        drawing.graph_attr.update(label=labels.dot_text(layout.summary), labelloc="t", fontname="Helvetica",
                                  fontsize="11")
    drawing.stats = {"nodes": len(nodes), "drawn": len(layout.units), "edges": len(layout.edges),
                     "summary": layout.summary}
    return drawing


def _add_scalar(target, node_id, node, name, style):
    """micrograd's value record and, for an op result, an ellipse for the op feeding it;
    returns the DOT node that the inputs' edges point at."""
    target.node(node_id, graphviz.nohtml(labels.scalar_record(node, name)), shape="record", **style)
    if not node.op:
        return node_id
    target.node(f"{node_id}_op", graphviz.nohtml(labels.dot_text(node.op)), shape="ellipse")
    target.edge(f"{node_id}_op", node_id)
    return f"{node_id}_op"


def _name(node, names):
    return names.get(id(node)) or node.label


def _explicit_names(params):
    """{id(tensor): name} from a mapping, (name, tensor) pairs or a module's named_parameters."""
    if params is None:
        return {}
    if callable(getattr(params, "named_parameters", None)):
        params = params.named_parameters()
    items = params.items() if hasattr(params, "items") else params
    names = {}
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and hasattr(item[1], "inputs")):
            raise TypeError(
                "draw_graph: params must map names to tensors (e.g. dict(model.named_parameters())), "
                f"got {type(params).__name__} holding {type(item).__name__}"
            )
        names.setdefault(id(item[1]), str(item[0]))
    return names


class _ClusterTree:
    """One ``cluster_*`` subgraph per module call, nested like the calls."""

    def __init__(self, drawing, calls):
        self.drawing = drawing
        self.calls = calls
        self.subgraphs = {}
        self.parent = {}

    def subgraph_for(self, chain):
        """The subgraph of the innermost call of ``chain`` (call keys, outermost first)."""
        if not chain:
            return self.drawing
        for depth, key in enumerate(chain):
            if key not in self.subgraphs:
                title = labels.dot_text(self.calls.title(key))
                self.subgraphs[key] = graphviz.Digraph(
                    name=f"cluster_{len(self.subgraphs)}", graph_attr={"label": title, **CLUSTER_STYLE})
                self.parent[key] = chain[depth - 1] if depth else None
        return self.subgraphs[chain[-1]]

    def attach(self):
        """Put each subgraph into its parent, innermost first (a child's lines are copied)."""
        for key in sorted(self.subgraphs, key=len, reverse=True):
            parent = self.parent[key]
            (self.drawing if parent is None else self.subgraphs[parent]).subgraph(self.subgraphs[key])
