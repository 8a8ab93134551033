"""Optimizers over the lecture's lists of ag.Scalar: ``Optimizer(model.parameters, lr)``."""

import numpy as np
import pytest

import autograd as ag
import optim
from agrad.demo import GradientDescent, ScalarModel, ScalarMSE, lecture_data


def test_sgd_trains_the_lecture_scalar_net_exactly_like_the_hand_written_gradient_descent():
    x, y = lecture_data(n=30)
    loss_fn = ScalarMSE()
    ours, theirs = ScalarModel(6, rng_seed=3), ScalarModel(6, rng_seed=3)
    optimizer = optim.SGD(ours.parameters, lr=0.05)
    lecture_optimizer = GradientDescent(theirs.parameters, lr=0.05)
    for epoch in range(15):  # the lecture's training loop, twice
        for model, opt in ((ours, optimizer), (theirs, lecture_optimizer)):
            opt.zero_grad()
            loss = loss_fn.mse(model.forward(x), y)
            loss.backward()
            opt.step()
            if model is ours:
                our_loss = loss.value
        assert our_loss == loss.value, f"expected the same loss at epoch {epoch}: {our_loss} vs {loss.value}"
    for a, b in zip(ours.parameters, theirs.parameters):
        assert type(a.value) is float and a.value == b.value, f"expected {a.label} identical: {a.value} vs {b.value}"
    assert our_loss < 0.5 * loss_fn.mse(ScalarModel(6, rng_seed=3).forward(x), y).value, "expected training to help"


def test_zero_grad_sets_scalar_grads_to_zero():
    a, b = ag.Scalar(1.0), ag.Scalar(2.0)
    opt = optim.SGD([a, b], lr=0.1)
    (a * b).backward()
    assert (a.grad, b.grad) == (2.0, 1.0)
    opt.zero_grad()
    assert (a.grad, b.grad) == (0.0, 0.0), "expected the lecture's param.grad = 0.0"


class LectureScalar:
    """The lecture's own Scalar shape: plain ``value`` and ``grad`` attributes."""

    def __init__(self, value):
        self.value, self.grad = float(value), 0.0


def test_any_object_with_value_and_grad_floats_works():
    p = LectureScalar(1.0)
    opt = optim.SGD([p], lr=0.5, momentum=0.5)
    p.grad = 2.0
    opt.step()
    opt.step()
    assert p.value == 1.0 - 0.5 * 2.0 - 0.5 * (0.5 * 2.0 + 2.0)
    opt.zero_grad()
    assert p.grad == 0.0


CONFIGS = [
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.5, "dampening": 0.2, "maximize": True}),
    (optim.Adam, {"lr": 0.1, "amsgrad": True, "weight_decay": 0.05}),
    (optim.AdamW, {"lr": 0.1, "betas": (0.3, 0.8)}),
    (optim.RMSprop, {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    (optim.RMSprop, {"lr": 0.01, "alpha": 0.4}),
]


@pytest.mark.parametrize(("cls", "kwargs"), CONFIGS, ids=[f"{c.__name__}-{k}" for c, k in CONFIGS])
def test_a_list_of_scalars_follows_the_same_trajectory_as_one_tensor(cls, kwargs):
    """Same rule, same rounding: a list of Scalars and a float64 Tensor of those values agree
    to the last bit, and a Scalar's state is kept as Python floats."""
    start = np.random.default_rng(0).standard_normal(7)
    scalars = [ag.Scalar(v) for v in start]
    vector = ag.Tensor(start.copy())
    scalar_opt, vector_opt = cls(scalars, **kwargs), cls([vector], **kwargs)
    for t in range(25):
        for i, s in enumerate(scalars):
            s.grad = np.sin(3 * s.value + t) + 0.1 * i
        vector.grad = np.sin(3 * vector.value + t) + 0.1 * np.arange(7)
        scalar_opt.step()
        vector_opt.step()
        np.testing.assert_array_equal([s.value for s in scalars], vector.value,
                                      err_msg=f"expected Scalars and Tensor identical after step {t + 1}")
    for s in scalars:
        assert type(s.value) is float
        for key, value in scalar_opt.state[s].items():
            assert type(value) is (int if key == "step" else float), f"expected state {key!r} as a Python number"
    for key, value in vector_opt.state[vector].items():
        np.testing.assert_array_equal([scalar_opt.state[s][key] for s in scalars], value,
                                      err_msg=f"expected state {key!r} identical")


def test_scalar_state_survives_an_npz_round_trip(tmp_path):
    params = [ag.Scalar(v) for v in (0.5, -1.5, 2.0)]
    opt = optim.Adam(params, lr=0.1)
    for p in params:
        p.grad = p.value
    opt.step()
    np.savez(tmp_path / "opt.npz", **optim.flatten_state_dict(opt.state_dict()))
    copies = [ag.Scalar(p.value) for p in params]
    fresh = optim.Adam(copies, lr=0.1)
    with np.load(tmp_path / "opt.npz", allow_pickle=False) as saved:
        fresh.load_state_dict(optim.unflatten_state_dict(dict(saved)))
    assert fresh.state[copies[0]] == opt.state[params[0]], "expected the loaded state to equal the saved one"
    assert type(fresh.state[copies[0]]["step"]) is int and type(fresh.state[copies[0]]["exp_avg"]) is float
    for p in params + copies:
        p.grad = p.value
    opt.step()
    fresh.step()
    assert [p.value for p in params] == [q.value for q in copies], "expected identical resumed Scalars"
