"""``ag.Scalar`` as a node of the graph: its gradient storage, the engine's protocol, ``backward``,
and the conversions and comparisons (which are not differentiable). The arithmetic, the lessons'
part, is in ``scalar.py``.
"""

from autograd import engine


class ScalarNode:
    """Mixin of ``Scalar``: ``grad``/``data``, ``backward()``, ``zero_grad()``, the engine's
    protocol, ``float()``, the comparisons and ``repr``."""

    __slots__ = ()

    # -- gradient storage (the engine's node protocol) ------------------------------------
    @property
    def grad(self):
        """d(root)/d(self), a float: 0.0 until a ``backward()`` adds into it; setting it stores a float."""
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = float(value)

    @property
    def data(self):
        """micrograd's name for ``value``."""
        return self.value

    @data.setter
    def data(self, value):
        self.value = float(value)

    def _reset_grad(self):
        self._grad = 0.0

    # -- the engine's protocol for ag.grad (see Tensor) ---------------------------------------
    def _grad_state(self):
        return self._grad

    def _set_grad_state(self, state):
        self._grad = state

    def _grad_as_plain(self):
        g = self._grad
        return g.value if type(g) is type(self) else g

    def _add_untracked_grad(self, g, node, upstream):
        parents = tuple(s for s in (upstream, *node.inputs) if type(s) is type(self))
        marked = type(self)(g, f"backward of {node.op or 'op'}", engine.not_twice_differentiable(node), parents)
        self._grad = self._grad + marked

    def _itself(self):
        return self

    def _seed_grad(self, seed):
        self._grad += seed

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """d self / d every node below it, accumulated into their ``.grad``.

        The arguments are PyTorch's, as for ``Tensor.backward``: gradient=None (the seed, 1.0),
        retain_graph=None (the graph is kept anyway), create_graph=False (True: the ``.grad``s
        are Scalars that can be differentiated again), inputs=None (every node; or only these
        Scalars' ``.grad``s are added to).
        """
        from autograd import gradients  # at call time: it imports Scalar

        gradients.backward(self, gradient, retain_graph, create_graph, inputs)

    def zero_grad(self):
        """Reset ``grad`` to 0.0 (gradients accumulate across ``backward()`` calls)."""
        self._grad = 0.0

    # -- comparisons and conversions (not differentiable) --------------------------------
    def __float__(self):
        return self.value

    def __lt__(self, other):
        return self.value < _plain(other)

    def __le__(self, other):
        return self.value <= _plain(other)

    def __gt__(self, other):
        return self.value > _plain(other)

    def __ge__(self, other):
        return self.value >= _plain(other)

    __hash__ = object.__hash__

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Scalar(value={self.value:.6g}, grad={self._grad:.6g}{label})"


def _plain(x):
    return x.value if isinstance(x, ScalarNode) else x
