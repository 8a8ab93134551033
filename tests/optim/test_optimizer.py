"""The Optimizer API: argument checks, param groups, zero_grad, skipping, dtypes, closures."""

import numpy as np
import pytest

import autograd as ag
import optim
from tests.helpers import rng

ALL = [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop]
ALL_IDS = [cls.__name__ for cls in ALL]


def tensor(*shape, dtype=np.float64, seed=0):
    return ag.Tensor(rng(seed).standard_normal(shape).astype(dtype))


BAD_ARGUMENTS = [
    (optim.SGD, {"lr": -0.1}, "lr=-0.1"),
    (optim.SGD, {"lr": float("nan")}, "lr=nan"),
    (optim.SGD, {"momentum": -0.5}, "momentum=-0.5"),
    (optim.SGD, {"weight_decay": -1e-4}, "weight_decay=-0.0001"),
    (optim.SGD, {"nesterov": True}, "Nesterov.*momentum=0"),
    (optim.SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "Nesterov.*dampening=0.1"),
    (optim.Adam, {"lr": -1e-3}, "lr=-0.001"),
    (optim.Adam, {"eps": -1e-8}, "eps=-1e-08"),
    (optim.Adam, {"betas": (1.0, 0.999)}, r"betas\[0\]=1.0"),
    (optim.Adam, {"betas": (0.9, -0.1)}, r"betas\[1\]=-0.1"),
    (optim.Adam, {"betas": (0.9,)}, "pair"),
    (optim.Adam, {"weight_decay": -0.1}, "weight_decay=-0.1"),
    (optim.AdamW, {"lr": -1.0}, "lr=-1.0"),
    (optim.AdamW, {"betas": (0.9, 1.5)}, r"betas\[1\]=1.5"),
    (optim.RMSprop, {"lr": -0.01}, "lr=-0.01"),
    (optim.RMSprop, {"alpha": -0.5}, "alpha=-0.5"),
    (optim.RMSprop, {"alpha": 1.5}, "alpha=1.5"),
    (optim.RMSprop, {"eps": -1.0}, "eps=-1.0"),
    (optim.RMSprop, {"momentum": -0.9}, "momentum=-0.9"),
    (optim.RMSprop, {"weight_decay": -0.1}, "weight_decay=-0.1"),
]


@pytest.mark.parametrize(("cls", "kwargs", "message"), BAD_ARGUMENTS,
                         ids=[f"{c.__name__}-{k}" for c, k, _ in BAD_ARGUMENTS])
def test_bad_arguments_raise_value_error_naming_them(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls([tensor(3)], **kwargs)
    with pytest.raises(ValueError, match=message):  # in a param group too
        cls([{"params": [tensor(3)], **kwargs}])


def test_bad_arguments_are_refused_by_torch_too():
    torch = pytest.importorskip("torch")
    for cls, kwargs, _ in BAD_ARGUMENTS:
        if kwargs.get("alpha") == 1.5 or kwargs.get("lr") != kwargs.get("lr") or kwargs.get("betas") == (0.9,):
            continue  # agrad is stricter there: alpha > 1 gives NaNs, lr=nan and a 1-tuple crash later
        with pytest.raises(ValueError):
            getattr(torch.optim, cls.__name__)([torch.zeros(3, requires_grad=True)], **kwargs)


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_a_non_number_option_is_a_type_error(cls):
    with pytest.raises(TypeError, match="lr must be a real number"):
        cls([tensor(2)], lr="0.1")


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_bad_params_are_refused(cls):
    with pytest.raises(ValueError, match="empty parameter list"):
        cls([])
    with pytest.raises(ValueError, match="empty parameter list"):
        cls(p for p in [])
    with pytest.raises(TypeError, match="single Tensor"):
        cls(tensor(3))
    with pytest.raises(TypeError, match="not a set"):
        cls({tensor(3)})
    with pytest.raises(TypeError, match="is ndarray"):
        cls([np.zeros(3)])
    leaf = tensor(3)
    with pytest.raises(ValueError, match="non-leaf"):
        cls([leaf * 2.0])
    with pytest.raises(ValueError, match="more than one parameter group"):
        cls([{"params": [leaf]}, {"params": [tensor(2), leaf]}])
    with pytest.raises(ValueError, match="same parameter twice"):
        cls([leaf, leaf])


def test_param_groups_take_defaults_and_keep_their_own_options():
    a, b, c = tensor(2), tensor(3), tensor(4)
    opt = optim.SGD([{"params": [a, b]}, {"params": c, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5], "expected group lrs [0.1 (default), 0.5]"
    assert opt.param_groups[0]["momentum"] == 0 and opt.param_groups[1]["momentum"] == 0.9
    assert opt.param_groups[1]["params"] == [c], "expected a single Tensor to become a one-element list"
    d = tensor(5)
    opt.add_param_group({"params": [d], "lr": 0.01})
    assert opt.param_groups[2]["lr"] == 0.01 and opt.param_groups[2]["nesterov"] is False
    before = [p.value.copy() for p in (a, c, d)]
    for p in (a, c, d):
        p.grad = np.ones_like(p.value)
    opt.step()
    for p, old, lr in zip((a, c, d), before, (0.1, 0.5, 0.01)):
        np.testing.assert_array_equal(p.value, old - lr, err_msg=f"expected a step of size lr={lr}")
    assert "SGD (" in repr(opt) and "Parameter Group 2" in repr(opt) and "lr: 0.01" in repr(opt)


def test_named_parameters_are_accepted():
    a, b = tensor(2), tensor(3)
    opt = optim.Adam([("w", a), ("b", b)])
    assert opt.param_groups[0]["params"] == [a, b]
    assert opt.param_groups[0]["param_names"] == ["w", "b"]


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_zero_grad_sets_tensor_grads_to_none_and_the_step_then_skips_them(cls):
    w = tensor(3, 2)
    opt = cls([w], lr=0.1)
    loss = ag.sum(w * w)
    loss.backward()
    assert w._grad is not None
    opt.step()
    after_first = w.value.copy()
    state_before = {k: np.copy(v) for k, v in opt.state.get(w, {}).items()}
    opt.zero_grad()
    assert w._grad is None, "expected zero_grad() to set the gradient to None (PyTorch's default)"
    opt.step()
    np.testing.assert_array_equal(w.value, after_first, err_msg="expected no update without a gradient")
    for key, value in state_before.items():
        np.testing.assert_array_equal(opt.state[w][key], value, err_msg=f"expected state {key!r} untouched")


def test_zero_grad_set_to_none_false_gives_zeros_and_a_zero_gradient_step():
    w, never = tensor(3), tensor(2)
    opt = optim.SGD([w, never], lr=0.1, momentum=0.9)
    w.grad = np.ones(3)
    opt.step()
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(w._grad, np.zeros(3), err_msg="expected zeros with set_to_none=False")
    assert never._grad is None, "expected a parameter that never had a gradient to keep None"
    before = w.value.copy()
    opt.step()  # a zero gradient is still a step: momentum carries on, like PyTorch
    np.testing.assert_allclose(w.value, before - 0.1 * 0.9, rtol=1e-15, err_msg="expected a pure momentum step")


def test_parameters_that_do_not_require_grad_are_skipped():
    frozen = ag.Tensor(np.ones(3), requires_grad=False)
    w = tensor(3)
    opt = optim.Adam([w, frozen], lr=0.1)
    ag.sum(w * frozen).backward()
    opt.step()
    np.testing.assert_array_equal(frozen.value, np.ones(3), err_msg="expected a frozen tensor to stay put")
    assert frozen not in opt.state and w in opt.state


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_float32_parameters_and_state_stay_float32_and_are_updated_in_place(cls):
    kwargs = {"momentum": np.float64(0.9)} if cls in (optim.SGD, optim.RMSprop) else {"amsgrad": True}
    # NumPy float64 scalars as options must not upcast float32 arrays
    w = tensor(4, 3, dtype=np.float32)
    opt = cls([w], lr=np.float64(0.1), weight_decay=0.01, **kwargs)
    array = w.value
    for _ in range(3):
        opt.zero_grad()
        ag.sum(w * w * w).backward()
        opt.step()
    assert w.value is array, "expected the update to happen in place, in the same array"
    assert w.value.dtype == np.float32, f"expected float32 to stay float32, got {w.value.dtype}"
    for key, value in opt.state[w].items():
        if key != "step":
            assert value.dtype == np.float32, f"expected state {key!r} in float32, got {value.dtype}"


def test_closure_is_called_under_grad_mode_and_its_loss_returned():
    w = ag.Tensor(np.array([3.0, -2.0]))
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = ag.sum(w * w)
        loss.backward()
        return loss

    with ag.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 13.0, "expected step(closure) to return the closure's loss"
    np.testing.assert_array_equal(w.value, [1.5, -1.0], err_msg="expected w - 0.25 * 2w")


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_minimizes_a_quadratic_built_with_autograd(cls):
    target = np.array([[1.0, -2.0], [0.5, 3.0]])
    w = ag.Tensor(np.zeros((2, 2)))
    opt = cls([w], lr=0.05 if cls is not optim.SGD else 0.2)
    for _ in range(400):
        opt.zero_grad()
        ag.mean((w - target) ** 2).backward()
        opt.step()
    np.testing.assert_allclose(w.value, target, atol=0.05, err_msg=f"expected {cls.__name__} to reach the target")


def test_a_gradient_of_the_wrong_shape_is_reported():
    w = tensor(3)
    opt = optim.SGD([w], lr=0.1)
    w._grad = np.ones(4)  # only a buggy op could do this; the optimizer must not broadcast it
    with pytest.raises(ValueError, match=r"gradient of shape \(4,\) for a parameter of shape \(3,\)"):
        opt.step()
