"""The bad-input battery's one rule, shared by tests/*/test_bad_input.py: a bad call raises the
expected error type and its message names the function the user called.

A case is ``bad(where, error, call)``: ``call`` makes one bad call; ``where`` is the name its
message must contain (the function, layer or method the user called); ``error`` the exception
type (TypeError, ValueError, IndexError). New public API joins the battery.
"""

import pytest


def bad(where, error, call, id=None):
    """One battery case."""
    return pytest.param(where, error, call, id=id)


def check_bad_call(where, error, call):
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    assert where in message, f"expected the {error.__name__} to name {where!r}, got: {message!r}"
    assert type(caught.value).__module__ != "numpy" and "ufunc" not in message, (
        f"expected agrad's own error, not NumPy's: {message!r}")


def numbered(cases, prefix):
    """Unique ids for a generated list of cases (pytest.param objects)."""
    out = []
    for i, case in enumerate(cases):
        where, error, call = case.values
        case_id = case.id or f"{prefix}-{where}-{i}"
        out.append(pytest.param(where, error, call, id=case_id, marks=case.marks))
    return out
