"""``ag.detect_anomaly()``: which op's backward made the NaN or the inf, and where it was built.

Inside the context manager every op built records the file and line of user code that built it
(``note_creation``, called by ``Tensor.__init__``) and the engine runs each closure through
``run_checked``. Outside it the engine and the Tensor constructor test one flag
(``engine._anomaly``) and do nothing else.
"""

import contextlib
import itertools
import math
import os
import sys
import weakref

import numpy as np

from autograd import engine

# id(node) -> (weak reference, "file:line in function"): where each op was built, recorded only
# inside detect_anomaly()
created_at = {}
_LIBRARY = tuple(os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep + name + os.sep
                 for name in ("autograd", "nn", "optim"))


class detect_anomaly(contextlib.ContextDecorator):
    """Context manager and decorator: a backward that produces NaN or inf raises ``AnomalyError``.

    Inside it every op remembers the file and line of user code that built it; each closure's
    gradients are checked as soon as it has run, and the error names the op, its label, the
    module path it was built in (``LeNet5.fc1``), its inputs' shapes and that file:line.
    Outside it none of this runs: one flag is tested per op built and per closure run.

    >>> with ag.detect_anomaly():
    ...     loss = model(x).sum()
    ...     loss.backward()
    """

    def __enter__(self):
        self._previous = engine._anomaly
        engine._anomaly = True
        return self

    def __exit__(self, *exc_info):
        engine._anomaly = self._previous
        if not engine._anomaly:
            created_at.clear()
        return False


class AnomalyError(RuntimeError):
    """A backward produced NaN or inf inside ``detect_anomaly()``."""


def note_creation(node):
    """Remember where user code built ``node`` (the innermost frame outside agrad's packages)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY):
        frame = frame.f_back
    if frame is None:
        return
    site = f"{frame.f_code.co_filename}:{frame.f_lineno} (in {frame.f_code.co_name})"
    key = id(node)
    created_at[key] = (weakref.ref(node, lambda _: created_at.pop(key, None)), site)


def _finite(g):
    if g is None:
        return True
    if isinstance(g, float):
        return math.isfinite(g)
    values = getattr(g, "value", g)
    if isinstance(values, float):
        return math.isfinite(values)
    return bool(np.isfinite(values).all())


def run_checked(node):
    """Run ``node``'s closure, then raise ``AnomalyError`` if a gradient it sent is no longer finite."""
    finite_before = [_finite(parent._grad) for parent in node.inputs]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # reported below instead
        node._backward()
    for i, (parent, was_finite) in enumerate(zip(node.inputs, finite_before, strict=True)):
        if was_finite and not _finite(parent._grad):
            raise AnomalyError(_anomaly_message(node, i))


def _anomaly_message(node, i):
    label = f" (label {node.label!r})" if node.label else ""
    shapes = ", ".join(str(getattr(parent, "shape", "()")) for parent in node.inputs)
    entry = created_at.get(id(node))
    site = entry[1] if entry is not None and entry[0]() is node else "an unknown place (built outside detect_anomaly)"
    module = module_path(getattr(node, "scope", None))
    where = f" in module {module}" if module else ""
    return (f"detect_anomaly: the backward of op {node.op!r}{label}{where} produced NaN or inf in the gradient "
            f"of its input {i}; its inputs have shapes {shapes}; the op was built at {site}")


def module_path(scope):
    """The dotted path of the innermost module in ``scope`` (``LeNet5.features.0``), or ''."""
    if not scope:
        return ""
    names = [type(scope[0]).__name__]
    for parent, child in itertools.pairwise(scope):
        name = next((n for n, m in getattr(parent, "named_modules", lambda: [])() if m is child and n), None)
        names.append(name if name is not None else type(child).__name__)
    return ".".join(names)
