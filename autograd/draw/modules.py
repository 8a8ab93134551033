"""Grouping a drawn graph by the module calls that built it.

Every Tensor records ``.scope``: the modules whose forward was running when it was built,
outermost first (``nn.Module.__call__`` wraps ``forward`` in ``engine.scope(self)``). Modules
are duck-typed (autograd sits below nn): a dotted path comes from the outermost module's
``named_modules()`` and parameter names from its ``named_parameters()``, when it has them.

A node's *chain* is the keys of the module calls around it, outermost first. A key is the
ids of the modules down to that one, so the frames nest like the calls. All ops built directly
in one call share one scope tuple, which tells the calls of a leaf module (one that calls no
other module) apart: a ReLU module used after every layer gives one frame per use. (The calls
of a module that calls others cannot be told apart this way; they share a frame.)

Collapsing draws each module call as one node: ``INNERMOST`` collapses every leaf module
call (``features.0: Conv2d``); a depth ``d`` collapses the calls at depth ``d`` (1 = outermost
module) with everything inside them; None collapses nothing.
"""

INNERMOST = "innermost"


def normalize_collapse(collapse_modules):
    """``draw_graph``'s ``collapse_modules`` (False, True or a depth >= 1) as None, INNERMOST
    or the depth."""
    if collapse_modules is False or collapse_modules is None:
        return None
    if collapse_modules is True:
        return INNERMOST
    if isinstance(collapse_modules, int) and collapse_modules >= 1:
        return collapse_modules
    raise ValueError(
        f"draw_graph: collapse_modules must be False, True or a module depth >= 1, got {collapse_modules!r}"
    )


def scope_of(node):
    """The modules active when ``node`` was built, outermost first (() for none)."""
    return getattr(node, "scope", None) or ()


class ModuleCalls:
    """The module calls of a graph: each node's chain of call keys, their titles and paths."""

    def __init__(self, nodes):
        scopes = [scope_of(node) for node in nodes]
        callers = set()  # modules (as id prefixes) that called another module
        for scope in scopes:
            ids = tuple(id(module) for module in scope)
            callers.update(ids[:depth] for depth in range(1, len(ids)))
        self.chains = []
        self.scope_of_key = {}  # key -> (scope, depth): what its title is made of
        self.leaf_keys = set()
        for scope in scopes:
            ids = tuple(id(module) for module in scope)
            chain = [ids[:depth] for depth in range(1, len(ids) + 1)]
            if ids and ids not in callers:
                chain[-1] = (*ids, ("call", id(scope)))
                self.leaf_keys.add(chain[-1])
            for depth, key in enumerate(chain, start=1):
                self.scope_of_key.setdefault(key, (scope, depth))
            self.chains.append(tuple(chain))
        self.max_depth = max((len(chain) for chain in self.chains), default=0)
        self._paths = {}
        self._indexed = set()

    def group_keys(self, collapse):
        """For each node, the key of the module call it is collapsed into, or None."""
        if collapse is None:
            return [None] * len(self.chains)
        if collapse == INNERMOST:
            return [chain[-1] if chain and chain[-1] in self.leaf_keys else None for chain in self.chains]
        return [chain[collapse - 1] if len(chain) >= collapse else None for chain in self.chains]

    def options(self, requested):
        """The collapse settings to try, in order, until a drawing fits: the requested one,
        then the leaf modules, then ever shallower depths."""
        options = [requested]
        if self.max_depth:
            options.append(INNERMOST)
            options.extend(range(self.max_depth - 1, 0, -1))
        return list(dict.fromkeys(options))

    def path(self, key):
        """The dotted path of the module of ``key`` below its outermost module ('' for the
        outermost, None when it is not one of the outermost module's named submodules)."""
        scope, depth = self.scope_of_key[key]
        outermost = scope[0]
        if id(outermost) not in self._indexed:
            self._indexed.add(id(outermost))
            named_modules = getattr(outermost, "named_modules", None)
            if callable(named_modules):
                for path, module in named_modules():
                    self._paths.setdefault(id(module), path)
            self._paths.setdefault(id(outermost), "")
        return self._paths.get(id(scope[depth - 1]))

    def title(self, key):
        """``features.0: Conv2d``; the outermost module is titled by its class alone."""
        scope, depth = self.scope_of_key[key]
        path = self.path(key)
        class_name = type(scope[depth - 1]).__name__
        return f"{path}: {class_name}" if path else class_name


def parameter_names_from_modules(nodes):
    """{id(parameter): dotted name} from the ``named_parameters()`` of every outermost module
    that built a node of the graph."""
    names = {}
    seen = set()
    for node in nodes:
        scope = scope_of(node)
        if not scope or id(scope[0]) in seen:
            continue
        seen.add(id(scope[0]))
        named_parameters = getattr(scope[0], "named_parameters", None)
        if callable(named_parameters):
            for name, parameter in named_parameters():
                names.setdefault(id(parameter), name)
    return names
