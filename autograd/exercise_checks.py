"""Building blocks for the notebooks' exercise checks: one bug fails one exercise, by name.

A notebook's check cell composes these (nothing here runs on import, nothing is written):

- ``checking(exercise, case)``: an error raised inside the student's code becomes an
  AssertionError naming the exercise and the case ("sum backward, case axis=1,
  keepdims=False: ValueError: operands could not be broadcast ..."), the original as
  ``__cause__``;
- ``requires(exercise, upstream, check)``: run the upstream exercise's check first, and say
  "this uses your `im2col_batch` from exercise 1, which fails: fix it first" instead of blaming
  the downstream function;
- ``upstream_reference(namespace, name, reference)``: or run the downstream check on the
  reference implementation of the upstream function, put in the notebook's namespace for the
  duration;
- ``assert_own_backward(exercise, output)`` and ``refusing(exercise, *names)``: the result must
  be built by the student's own ``_backward``, not by the library's op (``return ag.exp(x)``);
- ``refusing_functions(exercise, namespace, *functions)``: agrad's own version of a function the
  exercise is to write (``im2col``, ``ag.conv2d``) refuses to run under any name the notebook
  reaches it by (``ag.``, its module, or imported and aliased);
- ``assert_arrays_close(exercise, got, expected)``: every gradient (dX, dW, db) reported
  together with its max relative error and worst index, CS231n-style;
- ``assert_first_equal(exercise, got, expected, axis=..., describe=...)``: small integer cases
  name the first wrong element or column ("column 1 = the window at (0, 2)");
- ``unbroadcast_pointer(got_shape, expected_shape)``: "axis 1 should have been summed to
  length 1".

Every failure is an AssertionError whose message starts with the exercise's name.
NotImplementedError (a student version's placeholder) always passes through unchanged.
"""

import contextlib

import numpy as np

# the refusals of delegation are in their own module; a check cell imports everything from here
from autograd.exercise_refusals import assert_own_backward as assert_own_backward
from autograd.exercise_refusals import refusing as refusing
from autograd.exercise_refusals import refusing_functions as refusing_functions
from autograd.scalar import Scalar
from autograd.tensor import Tensor


@contextlib.contextmanager
def checking(exercise, case):
    """Report an error raised in the block as an AssertionError naming ``exercise`` and ``case``.

    exercise: the exercise's name, e.g. "sum backward"; case: the inputs that were being tried,
    e.g. "axis=1, keepdims=False". AssertionError and NotImplementedError pass through (the
    first is already a check's message, the second a placeholder not filled in yet).
    """
    try:
        yield
    except (AssertionError, NotImplementedError):
        raise
    except Exception as err:
        raise AssertionError(f"{exercise}, case {case}: {type(err).__name__}: {err}") from err


def requires(exercise, upstream, check):
    """Run ``check()`` (the upstream exercise's check); if it fails, fail ``exercise`` saying so.

    upstream: how the student knows the upstream function, e.g. "`im2col_batch` from exercise 1".
    Returns None when the upstream check passes.
    """
    if not callable(check):
        raise TypeError(f"requires: check must be a function, got {type(check).__name__}")
    try:
        check()
    except NotImplementedError:
        raise
    except Exception as err:
        raise AssertionError(f"{exercise}: this uses your {upstream}, which fails: fix it first "
                             f"({type(err).__name__}: {err})") from err


@contextlib.contextmanager
def upstream_reference(namespace, name, reference):
    """Within the block, ``namespace[name]`` is ``reference`` (the upstream exercise's reference
    implementation); the student's function is put back afterwards, even on failure.

    namespace: a dict such as a notebook's ``globals()``; name: a key of it (str).
    """
    if not isinstance(namespace, dict):
        raise TypeError(f"upstream_reference: namespace must be a dict such as globals(), got "
                        f"{type(namespace).__name__}")
    if not callable(reference):
        raise TypeError(f"upstream_reference: reference must be a function, got {type(reference).__name__}")
    missing = object()
    saved = namespace.get(name, missing)
    namespace[name] = reference
    try:
        yield
    finally:
        if saved is missing:
            del namespace[name]
        else:
            namespace[name] = saved


def _as_array(exercise, name, value):
    if isinstance(value, (Tensor, Scalar)):
        value = value.value
    if value is None:
        raise AssertionError(f"{exercise}: {name} is None (was the gradient ever set?)")
    return np.asarray(value, dtype=np.float64)


def assert_arrays_close(exercise, got, expected, *, rtol=1e-5, atol=1e-8):
    """Compare several arrays at once and report every one, CS231n-style.

    got, expected: dicts from a name ("dX", "dW", "db") to an array (or Tensor), same keys.
    Passes when for every name the shapes are equal and ``|got - expected| <= atol + rtol *
    |expected|`` elementwise. Otherwise the AssertionError has one line per name: "ok" or what
    is wrong, with the max relative error ``|a - b| / max(|a| + |b|, 1e-12)`` and the index
    where it is worst, so a wrong dW shows even when dX is right.
    """
    if not isinstance(got, dict) or not isinstance(expected, dict) or set(got) != set(expected):
        raise TypeError("assert_arrays_close: got and expected must be dicts with the same names, got "
                        f"{sorted(got) if isinstance(got, dict) else type(got).__name__} and "
                        f"{sorted(expected) if isinstance(expected, dict) else type(expected).__name__}")
    lines, failed = [], False
    for name in expected:
        want = _as_array(exercise, name, expected[name])
        try:
            have = _as_array(exercise, name, got[name])
        except AssertionError as err:
            lines.append(f"  {name}: {str(err).split(': ', 1)[1]}")
            failed = True
            continue
        if have.shape != want.shape:
            lines.append(f"  {name}: expected shape {want.shape}, got {have.shape}")
            failed = True
            continue
        if want.size == 0:
            lines.append(f"  {name}: ok (empty)")
            continue
        rel = np.abs(have - want) / np.maximum(np.abs(have) + np.abs(want), 1e-12)
        worst = np.unravel_index(int(np.argmax(rel)), rel.shape)
        bad = ~np.isclose(have, want, rtol=rtol, atol=atol)  # NaN counts as wrong
        summary = f"max relative error {float(rel[worst]):.2e} at index {tuple(int(i) for i in worst)}"
        if bad.any():
            failed = True
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            lines.append(f"  {name}: WRONG, {int(bad.sum())} of {bad.size} elements; {summary} "
                         f"(first wrong {first}: expected {want[first]:.6g}, got {have[first]:.6g})")
        else:
            lines.append(f"  {name}: ok, {summary}")
    if failed:
        raise AssertionError(f"{exercise}: expected every array to match the reference:\n" + "\n".join(lines))


def assert_first_equal(exercise, got, expected, *, axis=None, describe=None):
    """Name the first wrong element (axis None) or the first wrong slice along ``axis``.

    For small integer cases. describe(i) says what element/slice i stands for, e.g. for the
    columns of a stride-2 im2col ``lambda j: f"the window at {windows[j]}"`` gives "column 1 =
    the window at (0, 2)". Shapes are compared first.
    """
    have, want = _as_array(exercise, "the result", got), _as_array(exercise, "the expected", expected)
    if have.shape != want.shape:
        raise AssertionError(f"{exercise}: expected shape {want.shape}, got {have.shape}")
    if axis is None:
        wrong = np.argwhere(~np.isclose(have, want))
        if len(wrong):
            i = tuple(int(k) for k in wrong[0])
            what = f" = {describe(i)}" if describe else ""
            raise AssertionError(f"{exercise}: element {i}{what} should be {want[i]:.6g}, got {have[i]:.6g}")
        return
    if not -want.ndim <= axis < want.ndim:
        raise ValueError(f"assert_first_equal: axis {axis} out of range for shape {want.shape}")
    moved_have, moved_want = np.moveaxis(have, axis, 0), np.moveaxis(want, axis, 0)
    for j in range(moved_want.shape[0]):
        if not np.allclose(moved_have[j], moved_want[j]):
            if want.ndim == 2:
                label = f"{('row', 'column')[axis % 2]} {j}"
            else:
                label = f"index {j} along axis {axis}"
            what = f" = {describe(j)}" if describe else ""
            raise AssertionError(f"{exercise}: {label}{what} should be {_short(moved_want[j])}, "
                                 f"got {_short(moved_have[j])}")


def _short(a):
    a = np.asarray(a)
    if np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        a = a.astype(np.int64)  # small integer cases read as integers
    return np.array2string(a, precision=4, separator=", ", threshold=20)


def unbroadcast_pointer(got_shape, expected_shape):
    """Say which axes a gradient of ``got_shape`` should have summed to reach ``expected_shape``.

    Returns a str such as "axis 1 should have been summed to length 1" (or "the leading 2 axes
    should have been summed away"), or "" when nothing of the kind explains the difference.
    """
    got_shape, expected_shape = tuple(got_shape), tuple(expected_shape)
    extra = len(got_shape) - len(expected_shape)
    if extra < 0:
        return ""
    notes = []
    if extra:
        notes.append(f"the leading {extra} ax{'is' if extra == 1 else 'es'} should have been summed away")
    kept = got_shape[extra:]
    ones = [i for i, (g, e) in enumerate(zip(kept, expected_shape)) if e == 1 and g != 1]
    if any(g != e and e != 1 for g, e in zip(kept, expected_shape)):
        return ""
    if ones:
        axes = ", ".join(str(i) for i in ones)
        notes.append(f"ax{'is' if len(ones) == 1 else 'es'} {axes} should have been summed to length 1 "
                     f"(keepdims=True)")
    return "; ".join(notes)
