"""autograd.exercise_checks: each helper fails with a message naming the exercise, and passes
correct answers (so a notebook check built from them fails one exercise per bug)."""

import numpy as np
import pytest

import autograd as ag
from autograd import exercise_checks as ec


def test_checking_names_exercise_and_case_and_keeps_the_cause():
    with pytest.raises(AssertionError) as info, ec.checking("sum backward", "axis=1, keepdims=False"):
        np.ones((2, 3)) + np.ones((2,))
    msg = str(info.value)
    assert msg.startswith("sum backward, case axis=1, keepdims=False: ValueError: operands could not be broadcast"), (
        f"expected the exercise, the case and the NumPy error in the message, got {msg!r}")
    assert isinstance(info.value.__cause__, ValueError), "expected the original error as __cause__"


@pytest.mark.parametrize("error", [AssertionError("a check's own message"), NotImplementedError("placeholder")])
def test_checking_lets_assertions_and_placeholders_through(error):
    with pytest.raises(type(error)) as info, ec.checking("exp", "x of shape (2,)"):
        raise error
    assert info.value is error, "expected AssertionError/NotImplementedError to pass through unchanged"


def test_checking_passes_quietly():
    with ec.checking("exp", "ok"):
        pass


def test_requires_blames_the_upstream_exercise():
    def upstream_check():
        raise AssertionError("im2col_batch: column 1 should be ...")

    with pytest.raises(AssertionError) as info:
        ec.requires("col2im_batch", "`im2col_batch` from exercise 1", upstream_check)
    msg = str(info.value)
    assert msg.startswith("col2im_batch: this uses your `im2col_batch` from exercise 1, which fails: fix it first"), (
        f"expected the downstream exercise to point at the upstream one, got {msg!r}")
    assert "column 1" in msg, f"expected the upstream failure quoted, got {msg!r}"
    ec.requires("col2im_batch", "`im2col_batch`", lambda: None)  # passes


def test_requires_rejects_a_non_function():
    with pytest.raises(TypeError, match="requires: check must be a function"):
        ec.requires("x", "y", 3)


def test_upstream_reference_swaps_and_restores_even_on_failure():
    namespace = {"im2col_batch": "student's"}
    with pytest.raises(AssertionError), ec.upstream_reference(namespace, "im2col_batch", len):
        assert namespace["im2col_batch"] is len, "expected the reference inside the block"
        raise AssertionError("downstream failed")
    assert namespace["im2col_batch"] == "student's", "expected the student's function put back"
    with ec.upstream_reference(namespace, "absent", len):
        assert namespace["absent"] is len
    assert "absent" not in namespace, "expected a name that was missing to be removed again"
    with pytest.raises(TypeError, match="upstream_reference: namespace must be a dict"), \
            ec.upstream_reference([], "x", len):
        pass


def _own_exp(input):
    out = ag.Tensor(np.exp(input.value), inputs=[input], op="exp")

    def _backward():
        input.grad += out.grad * out.value
    out._backward = _backward
    return out


@pytest.mark.parametrize("delegate", [lambda x: ag.exp(x), lambda x: x[np.array([0, 0])], lambda x: x * 1.0])
def test_assert_own_backward_refuses_library_ops(delegate):
    out = delegate(ag.Tensor(np.array([0.5, 1.0])))
    with pytest.raises(AssertionError, match=r"^exp: the result is the output of agrad's own"):
        ec.assert_own_backward("exp", out)


def test_assert_own_backward_accepts_the_students_op_and_rejects_non_tensors():
    ec.assert_own_backward("exp", _own_exp(ag.Tensor(np.array([0.5, 1.0]))))
    with pytest.raises(AssertionError, match=r"exp: expected an ag\.Tensor"):
        ec.assert_own_backward("exp", np.ones(2))
    with pytest.raises(AssertionError, match="exp: the result has no _backward"):
        ec.assert_own_backward("exp", ag.Tensor(np.ones(2)))


def test_refusing_makes_the_library_function_fail_and_puts_it_back():
    original = ag.unbroadcast
    refused = r"^unbroadcast: expected your own code, not a call to ag\.unbroadcast"
    with ec.refusing("unbroadcast", "unbroadcast"), pytest.raises(AssertionError, match=refused):
        ag.unbroadcast(np.ones((2, 3)), (3,))
    assert ag.unbroadcast is original, "expected ag.unbroadcast restored after the block"
    with pytest.raises(ValueError, match="refusing: autograd has no function 'nonesuch'"), ec.refusing("x", "nonesuch"):
        pass


def test_refusing_functions_refuses_every_name_and_puts_them_back():
    from autograd import im2col as im2col_module

    original = im2col_module.im2col
    namespace = {"im2col": original, "mine": original, "other": len}
    refused = r"^im2col_loop: expected your own code, not a call to agrad's im2col"
    with ec.refusing_functions("im2col_loop", namespace, original):
        for fn in (namespace["im2col"], namespace["mine"], im2col_module.im2col):
            with pytest.raises(AssertionError, match=refused):
                fn(np.ones((3, 3)), 2, 2)
        assert namespace["other"] is len, "expected names bound to other functions left alone"
    assert namespace["im2col"] is namespace["mine"] is im2col_module.im2col is original, "expected all restored"
    conv2d = ag.conv2d
    with pytest.raises(AssertionError, match=r"^conv: expected your own code, not a call to agrad's conv2d"), \
            ec.refusing_functions("conv", {}, conv2d):
        ag.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)))
    assert ag.conv2d is conv2d, "expected ag.conv2d restored"
    with pytest.raises(TypeError, match="namespace must be a dict"), ec.refusing_functions("x", None, len):
        pass


def test_assert_arrays_close_reports_every_array_together():
    dW = np.arange(6.0).reshape(2, 3)
    wrong_dW = dW.copy()
    wrong_dW[1, 2] += 1.0
    with pytest.raises(AssertionError) as info:
        ec.assert_arrays_close("conv backward", {"dX": np.ones(4), "dW": wrong_dW, "db": np.zeros(2)},
                               {"dX": np.ones(4), "dW": dW, "db": np.ones(2)})
    msg = str(info.value)
    assert msg.startswith("conv backward: expected every array to match"), msg
    assert "dX: ok" in msg, f"expected dX reported as ok, got {msg!r}"
    assert "dW: WRONG, 1 of 6 elements" in msg and "at index (1, 2)" in msg, f"expected dW's worst index, got {msg!r}"
    assert "db: WRONG, 2 of 2" in msg, f"expected db reported too, got {msg!r}"


def test_assert_arrays_close_shapes_none_and_passing():
    with pytest.raises(AssertionError, match=r"dW: expected shape \(2, 3\), got \(3, 2\)"):
        ec.assert_arrays_close("conv", {"dW": np.ones((3, 2))}, {"dW": np.ones((2, 3))})
    with pytest.raises(AssertionError, match="dW: dW is None"):
        ec.assert_arrays_close("conv", {"dW": None}, {"dW": np.ones(2)})
    with pytest.raises(AssertionError, match="dX: WRONG"):
        ec.assert_arrays_close("conv", {"dX": np.array([np.nan])}, {"dX": np.array([1.0])})
    ec.assert_arrays_close("conv", {"dX": ag.Tensor(np.ones(2)) * 1.0}, {"dX": np.ones(2) + 1e-9})
    with pytest.raises(TypeError, match="assert_arrays_close: got and expected must be dicts"):
        ec.assert_arrays_close("conv", {"dX": 1}, {"dW": 1})


def test_assert_first_equal_names_the_column_and_the_element():
    expected = np.array([[0, 2, 8], [1, 3, 9]])
    got = expected.copy()
    got[:, 1] = [1, 2]
    windows = [(0, 0), (0, 2), (2, 0)]
    with pytest.raises(AssertionError) as info:
        ec.assert_first_equal("im2col_batch", got, expected, axis=1, describe=lambda j: f"the window at {windows[j]}")
    msg = str(info.value)
    assert msg.startswith("im2col_batch: column 1 = the window at (0, 2) should be [2, 3], got [1, 2]"), msg
    with pytest.raises(AssertionError, match=r"^sum: element \(1, 0\) should be 1, got 5"):
        ec.assert_first_equal("sum", np.array([[0, 2], [5, 3]]), np.array([[0, 2], [1, 3]]))
    with pytest.raises(AssertionError, match=r"index 0 along axis 2"):
        ec.assert_first_equal("x", np.zeros((1, 1, 2)), np.ones((1, 1, 2)), axis=2)
    with pytest.raises(AssertionError, match=r"x: expected shape \(2,\), got \(3,\)"):
        ec.assert_first_equal("x", np.zeros(3), np.zeros(2))
    ec.assert_first_equal("x", expected, expected, axis=1)


@pytest.mark.parametrize("got, expected, pointer", [
    ((4, 5, 6), (4, 1, 6), "axis 1 should have been summed to length 1 (keepdims=True)"),
    ((2, 4, 5, 6), (4, 1, 1), "the leading 1 axis should have been summed away; axes 1, 2 should have been summed"),
    ((3, 5), (5,), "the leading 1 axis should have been summed away"),
    ((4, 5), (4, 3), ""),
    ((1, 5), (1, 5), ""),
    ((5,), (2, 5), ""),
])
def test_unbroadcast_pointer(got, expected, pointer):
    said = ec.unbroadcast_pointer(got, expected)
    assert said.startswith(pointer) if pointer else said == "", f"expected {pointer!r}, got {said!r}"
