"""Removable hook handles, PyTorch's ``RemovableHandle``: ``handle.remove()`` takes the hook out.

Used by ``Tensor.register_hook`` and ``nn.Module``'s forward, forward-pre and full backward hooks.
"""

import itertools

_ids = itertools.count()


class RemovableHandle:
    """The handle a ``register_*hook`` call returns. ``remove()`` takes the hook out of
    ``hooks`` (the dict it was registered in, ``{handle.id: fn}``); removing twice does nothing.
    Also a context manager that removes the hook on exit."""

    def __init__(self, hooks):
        self.hooks = hooks
        self.id = next(_ids)

    def remove(self):
        """Take the hook out (it will not be called again)."""
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()
        return False
