"""Which values become which drawn node: one per value, one per collapsed module call, and one
"N more nodes" marker when a drawing is summarised to fit ``max_nodes``.

A *unit* is one drawn node. Collapsing a module folds the parameters (and one-element
constants) used only inside it into its unit, so ``features.0: Conv2d`` lists its weight and
bias instead of drawing them. A leaf feeding more than SHARED_LEAF_FANOUT drawn nodes is drawn
once beside each of them: one leaf wired to every step of a long chain would cross the whole
picture with its edges (and make Graphviz's layout quadratic). Summarising first collapses
modules, ever more coarsely, and only then keeps the ``max_nodes - 1`` units nearest the root
(breadth-first along inputs).
"""

from collections import deque

from autograd.draw import labels
from autograd.draw.modules import INNERMOST

NODE, MODULE, MORE = "node", "module", "more"
SHARED_LEAF_FANOUT = 6


class Unit:
    """One drawn node: a value (``node_index``), a collapsed module call or the marker."""

    __slots__ = ("cluster_chain", "copies", "kind", "members", "module_key", "node_index", "text")

    def __init__(self, kind, members, cluster_chain, node_index=None, module_key=None, text=""):
        self.kind = kind
        self.members = members  # indices of the values it stands for
        self.cluster_chain = cluster_chain  # the keys of the module-call frames around it
        self.node_index = node_index
        self.module_key = module_key
        self.text = text
        self.copies = 0  # for a shared leaf drawn beside each user: how many times it is drawn


class Layout:
    __slots__ = ("edges", "summary", "units")

    def __init__(self, units, edges, summary):
        self.units = units
        self.edges = edges  # [(source unit, target unit, broadcast annotation or None)]
        self.summary = summary


def roles_of(nodes, names):
    """"parameter", "leaf", "constant" (a leaf that does not require grad) or "result" per node."""
    roles = []
    for node in nodes:
        if node.inputs:
            roles.append("result")
        elif id(node) in names:
            roles.append("parameter")
        elif getattr(node, "requires_grad", True):
            roles.append("leaf")
        else:
            roles.append("constant")
    return roles


def plan_layout(nodes, roles, names, collapse, max_nodes, calls):
    """The units and edges to draw for ``nodes`` (topological order, root last)."""
    index = {id(node): i for i, node in enumerate(nodes)}
    inputs = [[index[id(parent)] for parent in node.inputs if id(parent) in index] for node in nodes]
    consumers = [[] for _ in nodes]
    for i, parents in enumerate(inputs):
        for parent in parents:
            consumers[parent].append(i)

    options = [collapse] if max_nodes is None else calls.options(collapse)
    for option in options:
        units, unit_of = _units(nodes, roles, names, consumers, option, calls)
        units, edges = _split_shared_leaves(units, _edges(nodes, inputs, units, unit_of), nodes)
        if max_nodes is None or len(units) <= max_nodes:
            break
    summary = None
    if option != collapse:
        how = "innermost modules" if option == INNERMOST else f"modules at depth {option}"
        summary = f"{len(nodes):,} values: {how} collapsed to fit max_nodes={max_nodes}"
    if max_nodes is not None and len(units) > max_nodes:
        units, edges, hidden = _keep_nearest(units, edges, unit_of[len(nodes) - 1], max_nodes, len(nodes))
        summary = (f"{len(nodes):,} values: the {hidden:,} farthest from the output are not drawn "
                   f"(max_nodes={max_nodes})")
    return Layout(units, edges, summary)


def _units(nodes, roles, names, consumers, collapse, calls):
    keys = calls.group_keys(collapse)
    for i, role in enumerate(roles):  # fold parameters and small constants used only inside one module
        foldable = role == "parameter" or (role == "constant" and nodes[i].value.size == 1)
        if keys[i] is None and foldable and consumers[i]:
            owner = keys[consumers[i][0]]
            if owner is not None and all(keys[c] == owner for c in consumers[i]):
                keys[i] = owner
    units, unit_of, module_units = [], [], {}
    for i, key in enumerate(keys):
        if key is None:
            unit_of.append(len(units))
            units.append(Unit(NODE, [i], calls.chains[i], node_index=i))
            continue
        if key not in module_units:
            module_units[key] = len(units)
            units.append(Unit(MODULE, [], None, module_key=key))
        unit = units[module_units[key]]
        unit.members.append(i)
        if unit.cluster_chain is None and key in calls.chains[i]:  # not a folded parameter
            unit.cluster_chain = calls.chains[i][: calls.chains[i].index(key)]
        unit_of.append(module_units[key])
    last = len(nodes) - 1
    for unit in units:
        if unit.kind == MODULE:
            unit.text = _module_text(unit, nodes, names, consumers, unit_of, last, calls)
    return units, unit_of


def _module_text(unit, nodes, names, consumers, unit_of, last, calls):
    """``features.0: Conv2d``, its folded parameters with gradient norms, its output shapes."""
    prefix = calls.path(unit.module_key)
    lines = [calls.title(unit.module_key)]
    outputs = []
    for i in unit.members:
        node = nodes[i]
        if not node.inputs:
            name = names.get(id(node)) or node.label or "const"
            if prefix and name.startswith(prefix + "."):
                name = name[len(prefix) + 1:]
            grad = labels.short_gradient(node._grad)
            lines.append(f"{name} {labels.shape_text(node.value.shape)}" + (f"  {grad}" if grad else ""))
        elif i == last or any(unit_of[c] != unit_of[i] for c in consumers[i]):
            outputs.append(node)
    for node in outputs[:2]:
        lines.append(f"→ {labels.shape_text(node.value.shape)} {node.value.dtype}")
    if len(outputs) > 2:
        lines.append(f"→ … {len(outputs) - 2} more outputs")
    built = sum(1 for i in unit.members if nodes[i].inputs)
    if built > 1:
        lines.append(f"{built} ops")
    return "\\n".join(labels.dot_text(line) for line in lines)


def _edges(nodes, inputs, units, unit_of):
    edges = {}
    for i, parents in enumerate(inputs):
        target = unit_of[i]
        for parent in parents:
            source = unit_of[parent]
            if source == target:
                continue
            label = None
            if units[source].kind == NODE and units[target].kind == NODE:
                label = labels.broadcast_annotation(nodes[i], nodes[parent])
            edges.setdefault((source, target, label), None)
    return list(edges)


def _split_shared_leaves(units, edges, nodes):
    """Draw each leaf that feeds more than SHARED_LEAF_FANOUT units once beside each of them."""
    edges_from = {}
    for k, (source, _, _) in enumerate(edges):
        edges_from.setdefault(source, []).append(k)
    for source, edge_ids in edges_from.items():
        unit = units[source]
        if unit.kind != NODE or nodes[unit.node_index].inputs or len(edge_ids) <= SHARED_LEAF_FANOUT:
            continue
        unit.copies = len(edge_ids)
        for k in edge_ids[1:]:
            copy = Unit(NODE, unit.members, unit.cluster_chain, node_index=unit.node_index)
            copy.copies = unit.copies
            _, target, label = edges[k]
            edges[k] = (len(units), target, label)
            units.append(copy)
    return units, edges


def _keep_nearest(units, edges, root_unit, max_nodes, n_values):
    """Keep the ``max_nodes - 1`` units nearest the root (breadth-first along inputs) and one
    marker standing for the rest; returns (units, edges, number of values not drawn)."""
    sources_of = [[] for _ in units]
    for source, target, _ in edges:
        sources_of[target].append(source)
    kept = {root_unit: None}
    queue = deque([root_unit])
    while queue and len(kept) < max_nodes - 1:
        for source in sources_of[queue.popleft()]:
            if source not in kept and len(kept) < max_nodes - 1:
                kept[source] = None
                queue.append(source)
    order = sorted(kept)  # the drawing order of the originals
    new_id = {old: new for new, old in enumerate(order)}
    hidden = n_values - len({i for old in kept for i in units[old].members})
    marker = len(order)
    new_units = [units[old] for old in order]
    new_units.append(Unit(MORE, [], (), text=f"… {hidden:,} more values\\n(not drawn: max_nodes)"))
    new_edges = {}
    for source, target, label in edges:
        if target not in kept:
            continue
        if source in kept:
            new_edges.setdefault((new_id[source], new_id[target], label), None)
        else:
            new_edges.setdefault((marker, new_id[target], None), None)
    return new_units, list(new_edges), hidden
