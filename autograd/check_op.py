"""``ag.check_op``: a property-based check of an op a student wrote (forward and backward).

hypothesis draws the inputs (imported only when ``check_op`` runs): shapes of up to 3 axes of up
to 4 elements, mutually broadcastable pairs for binary ops, float64 values in ``[low, high]``,
and the op's own arguments for the kinds below. For each draw:

1. the forward against ``reference`` (an agrad function) when given: shape and values;
2. each input's gradient of ``sum(op(...) * W)`` (W fixed weights) against central differences;
3. gradients accumulate: the op used twice in one graph gives twice the gradient, and
   ``backward`` run again (on a second graph) adds to ``.grad`` again. This is the check that
   ``input.grad = ...`` in place of ``input.grad += ...`` fails.

On a failure hypothesis shrinks the case to the smallest it can find and ``check_op`` raises
AssertionError naming the op, the input shapes (and arguments), the input, the element and the
analytic and numeric values. An exception raised by the op is reported the same way, with the
shapes that triggered it; NotImplementedError (a student version's placeholder) passes through.
The draws are the same on every run (derandomized) and nothing is written to disk.
"""

import numpy as np

from autograd.exercise_refusals import refuse_library_backward
from autograd.scalar import Scalar
from autograd.tensor import Tensor

KINDS = ("unary", "binary", "reduce", "reshape", "index", "scalar")


class _Failure(Exception):
    """One failing draw; its message is what check_op reports."""


def check_op(student_fn, reference=None, kind="unary", *, low=-2.0, high=2.0, max_examples=30, name=None,
             eps=1e-6, atol=1e-5, rtol=1e-4, own_backward=True):
    """Check ``student_fn`` on drawn inputs; returns None, or raises AssertionError with the
    smallest failing case.

    kind (default "unary") says how ``student_fn`` (and ``reference``) is called, ``x`` and ``y``
    being float64 Tensors of drawn shapes:

    - ``"unary"``: ``fn(x)``, an elementwise op;
    - ``"binary"``: ``fn(x, y)``, x and y of mutually broadcastable shapes;
    - ``"reduce"``: ``fn(x, axis, keepdims)``, axis None, an int or a tuple of ints;
    - ``"reshape"``: ``fn(x, newshape)``, newshape of x's size (perhaps with a -1);
    - ``"index"``: ``fn(x, index)``, index an int, an integer array with repeated indices, or
      ``(slice(None), array)``;
    - ``"scalar"``: ``fn(u)``, u an ``ag.Scalar`` (the op returns one).

    reference: an agrad function called the same way (default None: the forward is not
    compared, the gradient still is); for "scalar", a function of Scalars such as ``ag.sigmoid``.
    low, high (default -2.0, 2.0): the range of the values.
    max_examples (default 30): the number of draws. name (default: ``student_fn.__name__``): the
    op's name in messages. eps (default 1e-6): the central-difference step. atol, rtol (default
    1e-5, 1e-4): ``|a - b| <= atol + rtol * |b|`` for values and gradients. own_backward
    (default True): the result's node must have a backward written outside agrad, so an exercise
    about writing an op is not passed by returning the library's (``return ag.exp(x)``); False
    for a function composed of library ops on purpose.
    """
    if not callable(student_fn):
        raise TypeError(f"check_op: student_fn must be a function, got {type(student_fn).__name__}")
    if reference is not None and not callable(reference):
        raise TypeError(f"check_op: reference must be a function or None, got {type(reference).__name__}")
    if kind not in KINDS:
        raise ValueError(f"check_op: kind must be one of {KINDS}, got {kind!r}")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"check_op: expected finite low < high, got low={low}, high={high}")
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise ValueError(f"check_op: max_examples must be a positive int, got {max_examples!r}")
    from hypothesis import HealthCheck, Verbosity, given, settings
    from hypothesis import strategies as st

    name = name or getattr(student_fn, "__name__", "op")
    _preflight(student_fn, kind, name, own_backward)  # a student version's NotImplementedError stops here
    case = st.data()

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
              verbosity=Verbosity.quiet, report_multiple_bugs=False, print_blob=False,
              suppress_health_check=list(HealthCheck))
    @given(case)
    def run(data):
        values, args = _draw(data.draw, st, kind, low, high)
        _check_case(student_fn, reference, name, values, args, eps, atol, rtol, scalar=kind == "scalar")

    try:
        run()
    except _Failure as failure:
        raise AssertionError(str(failure)) from None


def _preflight(fn, kind, name, own_backward):
    values = [np.linspace(0.1, 0.6, 6).reshape(2, 3)] + ([np.ones(3)] if kind == "binary" else [])
    extra = {"unary": [], "binary": [], "reduce": [0, False], "reshape": [(3, 2)], "index": [np.array([1, 1, 0])],
             "scalar": []}
    out = None
    try:
        out = fn(*([Scalar(0.3)] if kind == "scalar" else [Tensor(v) for v in values]), *extra[kind])
        if isinstance(out, (Tensor, Scalar)):
            _loss(out).backward()
    except NotImplementedError:
        raise
    except Exception:  # the drawn cases report it, with the shapes
        pass
    if own_backward and isinstance(out, (Tensor, Scalar)):
        refuse_library_backward(f"check_op({name})", out)


def _draw(draw, st, kind, low, high):
    from hypothesis.extra import numpy as hnp

    elements = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    if kind == "binary":
        shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4))
        shapes = list(shapes.input_shapes)
    else:
        shapes = [()] if kind == "scalar" else [draw(hnp.array_shapes(min_dims=int(kind == "index"), max_dims=3,
                                                                       max_side=4))]
    values = [draw(hnp.arrays(np.float64, shape, elements=elements)) for shape in shapes]
    shape, args = shapes[0], []
    if kind == "reduce":
        axes = list(range(len(shape)))
        axis = draw(st.one_of(st.none(), st.sampled_from(axes or [None]),
                              st.lists(st.sampled_from(axes), unique=True).map(tuple) if axes else st.none()))
        if isinstance(axis, int) and draw(st.booleans()):
            axis -= len(shape)
        args = [axis, draw(st.booleans())]
    elif kind == "reshape":
        sides = draw(st.permutations([n for n in shape]))
        if draw(st.booleans()):
            at = draw(st.integers(0, len(sides)))
            sides = [*sides[:at], 1, *sides[at:]]
        if sides and draw(st.booleans()):
            sides[draw(st.integers(0, len(sides) - 1))] = -1
        args = [tuple(sides)]
    elif kind == "index":
        rows = st.integers(0, shape[0] - 1)
        repeated = st.lists(rows, min_size=1, max_size=6).map(np.array)
        options = [rows, repeated]
        if len(shape) >= 2:
            options.append(st.lists(st.integers(0, shape[1] - 1), min_size=1, max_size=5)
                           .map(lambda picks: (slice(None), np.array(picks))))
        args = [draw(st.one_of(*options))]
    return values, args


def _describe(name, values, args):
    shapes = ", ".join(str(v.shape) for v in values)
    text = f"check_op({name}): input shape{'s' if len(values) > 1 else ''} {shapes}"
    if args:
        text += ", arguments " + ", ".join(_short(a) for a in args)
    if sum(v.size for v in values) <= 12:
        text += " (values " + ", ".join(np.array2string(v, precision=4, separator=", ") for v in values) + ")"
    return text


def _short(arg):
    if isinstance(arg, np.ndarray):
        return f"np.array({arg.tolist()})"
    if isinstance(arg, tuple) and any(isinstance(a, (slice, np.ndarray)) for a in arg):
        return "(" + ", ".join(":" if isinstance(a, slice) else _short(a) for a in arg) + ")"
    return repr(arg)


def _leaves(values, scalar):
    """Fresh float64 inputs for one call: Scalars for the "scalar" kind, else Tensors."""
    return [Scalar(float(v)) if scalar else Tensor(v.copy()) for v in values]


def _attempt(what, where, step):
    """``step()``, with an exception of the student's code turned into a report (but
    NotImplementedError, a student version's placeholder)."""
    try:
        return step()
    except NotImplementedError:
        raise
    except _Failure:
        raise
    except Exception as error:
        raise _Failure(f"{where}: {what} raised {type(error).__name__}: {error}") from None


def _output(out, where, scalar):
    expected = Scalar if scalar else Tensor
    if not isinstance(out, expected):
        raise _Failure(f"{where}: expected the op to return an ag.{expected.__name__}, got {type(out).__name__}")
    return out


def _weights(shape):
    return 0.5 + (np.arange(int(np.prod(shape))) % 7).reshape(shape) / 7.0


def _loss(out):
    """``sum(out * W)``, W fixed weights of out's shape (0.5 for a Scalar)."""
    if isinstance(out, Scalar):
        return out * 0.5
    from autograd.ops.reduce import sum as tensor_sum

    return tensor_sum(out * _weights(out.shape))


def _loss_value(out):
    value = np.asarray(out.value, dtype=np.float64)
    return float(np.sum(value * _weights(value.shape)))


def _check_case(fn, reference, name, values, args, eps, atol, rtol, scalar=False):
    where = _describe(name, values, args)
    inputs = _leaves(values, scalar)
    out = _output(_attempt("the op", where, lambda: fn(*inputs, *args)), where, scalar)
    if reference is not None:
        ref = reference(*_leaves(values, scalar), *args)
        got, want = np.asarray(out.value, dtype=np.float64), np.asarray(ref.value, dtype=np.float64)
        if got.shape != want.shape:
            raise _Failure(f"{where}: expected the output shape {want.shape} (the reference's), got {got.shape}")
        bad = ~np.isclose(got, want, atol=atol, rtol=rtol)
        if bad.any():
            index = tuple(int(n) for n in np.argwhere(bad)[0])
            raise _Failure(f"{where}: output element {index} is {float(got[index]):.10g}, the reference "
                           f"gives {float(want[index]):.10g}")
    _attempt("its backward", where, lambda: _loss(out).backward())
    single = []
    for position, x in enumerate(inputs):
        single.append(_grad(x, values[position], where, position).copy())
        numeric = _numeric_grad(fn, values, args, position, eps, scalar, where)
        _compare(where, position, single[-1], numeric, atol, rtol, "analytic gradient", "numeric (central differences)")
    hint = " (does _backward add into input.grad with +=, not assign with =?)"
    # the op used twice in one graph: each input's gradient must add up to twice the single one
    twice = _leaves(values, scalar)
    total = _attempt("the op used twice", where,
                     lambda: _loss(_output(fn(*twice, *args), where, scalar)) + _loss(fn(*twice, *args)))
    _attempt("backward of the op used twice", where, total.backward)
    for position, x in enumerate(twice):
        _compare(where, position, _grad(x, values[position], where, position), 2 * single[position], atol, rtol,
                 "with the op used twice in one graph, the gradient is", "twice the single-use one", hint)
    # backward run again, on a second graph: .grad accumulates
    again = _attempt("the op run a second time", where, lambda: _output(fn(*inputs, *args), where, scalar))
    _attempt("a second backward", where, lambda: _loss(again).backward())
    for position, x in enumerate(inputs):
        _compare(where, position, _grad(x, values[position], where, position), 2 * single[position], atol, rtol,
                 "after backward ran twice, .grad is", "twice one backward's", hint)


def _grad(x, value, where, position):
    grad = np.asarray(x.grad, dtype=np.float64)
    if grad.shape != value.shape:
        raise _Failure(f"{where}: input {position}'s gradient has shape {grad.shape}, expected its shape {value.shape}")
    return grad


def _numeric_grad(fn, values, args, position, eps, scalar, where):
    grad = np.zeros_like(values[position])
    for flat in range(values[position].size):
        index = np.unravel_index(flat, values[position].shape)
        sides = []
        for step in (eps, -eps):
            moved = [v.copy() for v in values]
            moved[position][index] += step
            out = _attempt("the op", where, lambda moved=moved: fn(*_leaves(moved, scalar), *args))
            sides.append(_loss_value(out))
        grad[index] = (sides[0] - sides[1]) / (2 * eps)
    return grad


def _compare(where, position, got, expected, atol, rtol, got_text, expected_text, hint=""):
    bad = ~np.isclose(got, expected, atol=atol, rtol=rtol)
    if bad.any():
        index = tuple(int(n) for n in np.argwhere(bad)[0])
        raise _Failure(f"{where}: input {position}, element {index}: {got_text} {got[index]:.10g} but "
                       f"{expected_text} {expected[index]:.10g}{hint}")
