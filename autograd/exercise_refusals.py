"""Exercise checks that refuse delegation: an exercise about writing an op is not solved by
calling agrad's own (``return ag.exp(input)``, ``return input[idx]``, ``ag.conv2d``).

- ``assert_own_backward(exercise, output)``: the result must come from the student's own
  ``_backward``; ``refuse_library_backward`` is its last step, shared with ``ag.check_op``;
- ``refusing(exercise, *names, module=None)``: ``ag.<name>`` unavailable while the answer runs;
- ``refusing_functions(exercise, namespace, *functions)``: agrad's function refused under every
  name the notebook reaches it by.

``autograd.exercise_checks`` re-exports them beside the other building blocks.
"""

import contextlib
import os
import sys
from pathlib import Path

from autograd.scalar import Scalar
from autograd.tensor import Tensor


def assert_own_backward(exercise, output):
    """Fail unless ``output`` (a Tensor or Scalar) has a backward written outside agrad.

    The check that ``return ag.exp(input)`` or ``return input[idx]`` does not pass an exercise
    about writing the op.
    """
    if not isinstance(output, (Tensor, Scalar)):
        raise AssertionError(f"{exercise}: expected an ag.Tensor (or ag.Scalar) as the result, got "
                             f"{type(output).__name__}")
    if not output.inputs:
        raise AssertionError(f"{exercise}: the result has no _backward (is it a leaf, or an input returned "
                             f"unchanged?): expected an output built with inputs=... and its own _backward")
    refuse_library_backward(exercise, output)


def refuse_library_backward(exercise, output):
    """Fail if ``output``'s backward was written by agrad itself: the op was delegated to the
    library (``ag.exp``, ``input[idx]``, ...). ``ag.check_op`` makes the same refusal."""
    if written_by_the_library(output._backward):
        raise AssertionError(
            f"{exercise}: the result is the output of agrad's own {output.op or 'op'!r}, whose backward the "
            f"library wrote: build the output yourself (ag.{type(output).__name__}(value, inputs=..., op=...)) "
            f"and write its _backward, as the exercise asks")


# where agrad's own closures are written: autograd/ (this folder) and nn/ beside it
_LIBRARY = tuple(str(folder) + os.sep for folder in (Path(__file__).resolve().parent,
                                                      Path(__file__).resolve().parent.parent / "nn"))


def written_by_the_library(closure):
    """Whether a node's backward closure comes from agrad's own source (the op was delegated)."""
    code = getattr(closure, "__code__", None)
    return code is not None and str(Path(code.co_filename).resolve()).startswith(_LIBRARY)


@contextlib.contextmanager
def refusing(exercise, *names, module=None):
    """Within the block, calling ``module.<name>`` (default module: ``autograd``) for each of
    ``names`` fails ``exercise`` with "expected your own code, not ag.<name>".

    For exercises whose answer is not a Tensor (``unbroadcast`` returns an array), where
    ``assert_own_backward`` cannot look at the graph. The functions are put back afterwards.
    """
    if module is None:
        import autograd as module
    for name in names:
        if not callable(getattr(module, name, None)):
            raise ValueError(f"refusing: {module.__name__} has no function {name!r}")
    saved = {name: getattr(module, name) for name in names}

    def refused(name):
        def call(*args, **kwargs):
            raise AssertionError(f"{exercise}: expected your own code, not a call to ag.{name}: the exercise "
                                 f"is to write it")
        return call

    for name in names:
        setattr(module, name, refused(name))
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(module, name, fn)


@contextlib.contextmanager
def refusing_functions(exercise, namespace, *functions):
    """Within the block, calling any of ``functions`` (agrad's own versions of what the exercise
    is to write) fails ``exercise`` with "expected your own code, not a call to agrad's <name>".

    Every name bound to one of them is replaced: in ``namespace`` (the notebook's ``globals()``,
    so ``from autograd.im2col import im2col as mine`` is refused too), in ``autograd`` (``ag.``)
    and in each function's own module. For exercises whose answer is an array, where
    ``assert_own_backward`` cannot look at a graph. Everything is put back afterwards.
    """
    import autograd

    if not isinstance(namespace, dict):
        raise TypeError(f"refusing_functions: namespace must be a dict such as globals(), got "
                        f"{type(namespace).__name__}")
    if not functions or not all(callable(fn) for fn in functions):
        raise TypeError("refusing_functions: expected one or more functions to refuse")

    def refused(fn):
        def call(*args, **kwargs):
            raise AssertionError(f"{exercise}: expected your own code, not a call to agrad's {fn.__name__}: the "
                                 f"exercise is to write it")
        return call

    spaces = {id(space): space for space in [namespace, vars(autograd)]
              + [vars(sys.modules[fn.__module__]) for fn in functions if fn.__module__ in sys.modules]}
    saved = []
    for space in spaces.values():
        for name, value in list(space.items()):
            for fn in functions:
                if value is fn:
                    saved.append((space, name, value))
                    space[name] = refused(fn)
    try:
        yield
    finally:
        for space, name, value in reversed(saved):
            space[name] = value
