"""state_dict / load_state_dict: PyTorch's layout, an .npz round trip, bit-identical resumption."""

import re

import numpy as np
import pytest

import autograd as ag
import optim
from tests.helpers import rng

CONFIGS = [
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (optim.SGD, {"lr": 0.1}),
    (optim.Adam, {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    (optim.AdamW, {"lr": 0.05}),
    (optim.RMSprop, {"lr": 0.01, "centered": True, "momentum": 0.5}),
]
IDS = [f"{cls.__name__}-{kwargs}" for cls, kwargs in CONFIGS]
SHAPES = [(3, 2), (4,), ()]


def make_params(dtype, values=None):
    if values is None:
        values = [rng(i).standard_normal(s) for i, s in enumerate(SHAPES)]
    return [ag.Tensor(np.array(v, dtype=dtype)) for v in values]


def train(opt, params, steps, start=0):
    for t in range(start, start + steps):
        opt.zero_grad()
        for i, p in enumerate(params):
            if i != 1 or t % 3:  # parameter 1 misses some gradients
                p.grad = (np.cos(p.value * (t + 1)) + 0.1 * i).astype(p.value.dtype)
        opt.step()


def build(cls, kwargs, params):
    return cls([{"params": params[:2]}, {"params": params[2:], "lr": kwargs["lr"] / 2}], **kwargs)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("cls", "kwargs"), CONFIGS, ids=IDS)
def test_resuming_from_an_npz_checkpoint_is_bit_identical(tmp_path, cls, kwargs, dtype):
    reference = make_params(dtype)
    reference_opt = build(cls, kwargs, reference)
    train(reference_opt, reference, 20)

    params = make_params(dtype)
    opt = build(cls, kwargs, params)
    train(opt, params, 7)
    arrays = optim.flatten_state_dict(opt.state_dict(), prefix="optimizer.")
    arrays.update({f"model.{i}": p.value for i, p in enumerate(params)})
    np.savez(tmp_path / "checkpoint.npz", **arrays)
    train(opt, params, 5, start=7)  # the run goes on after the save: the file must not change

    with np.load(tmp_path / "checkpoint.npz", allow_pickle=False) as saved:
        resumed = make_params(dtype, [saved[f"model.{i}"] for i in range(len(SHAPES))])
        fresh = build(cls, {**kwargs, "lr": 123.0}, resumed)  # the saved lr must win
        fresh.load_state_dict(optim.unflatten_state_dict(dict(saved), prefix="optimizer."))
    assert [g["lr"] for g in fresh.param_groups] == [kwargs["lr"], kwargs["lr"] / 2]
    train(fresh, resumed, 13, start=7)
    for i, (a, b) in enumerate(zip(resumed, reference)):
        assert a.value.dtype == dtype
        np.testing.assert_array_equal(a.value, b.value, err_msg=f"expected resumed parameter {i} bit-identical")
    for p, q in zip(resumed, reference):
        for key, value in reference_opt.state.get(q, {}).items():
            np.testing.assert_array_equal(fresh.state[p][key], value, err_msg=f"expected state {key!r} identical")
            assert np.asarray(fresh.state[p][key]).dtype == np.asarray(value).dtype


def test_state_dict_layout_is_pytorchs():
    params = make_params(np.float64)
    opt = build(optim.Adam, {"lr": 0.1}, params)
    train(opt, params, 2)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(sd["state"]) == {0, 1, 2}
    assert sd["state"][0]["step"] == 2 and sd["state"][1]["step"] == 1, "expected step counts per parameter"
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    sd["state"][0]["exp_avg"][...] = 99.0  # a copy: editing it leaves the optimizer alone
    assert not np.any(opt.state[params[0]]["exp_avg"] == 99.0)


def test_flat_keys_are_documented_and_hold_plain_arrays():
    params = make_params(np.float32)
    opt = build(optim.Adam, {"lr": 0.1}, params)
    train(opt, params, 1)
    flat = optim.flatten_state_dict(opt.state_dict(), prefix="optimizer.")
    assert flat["optimizer.state.0.exp_avg"].dtype == np.float32
    assert flat["optimizer.state.0.step"].shape == ()
    assert flat["optimizer.param_groups.0.params"].tolist() == [0, 1]
    assert flat["optimizer.param_groups.0.betas"].tolist() == [0.9, 0.999]
    assert flat["optimizer.param_groups.1.lr"].item() == 0.05
    assert all(a.dtype != object for a in flat.values())
    back = optim.unflatten_state_dict({**flat, "model.w": np.zeros(2)}, prefix="optimizer.")
    assert back["param_groups"][1]["params"] == [2] and back["param_groups"][0]["amsgrad"] is False


def test_loading_a_mismatched_state_dict_is_refused_and_changes_nothing():
    params = make_params(np.float64)
    opt = build(optim.SGD, {"lr": 0.1, "momentum": 0.9}, params)
    train(opt, params, 2)
    good = opt.state_dict()
    other = optim.SGD(make_params(np.float64), lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="saved state has 2 parameter groups, this optimizer has 1"):
        other.load_state_dict(good)
    with pytest.raises(ValueError, match="group 0 has 2 parameters in the saved state and 3 here"):
        optim.SGD([{"params": make_params(np.float64)}, {"params": [ag.Tensor(1.0)]}], lr=0.1).load_state_dict(good)
    bad = opt.state_dict()
    bad["state"][2]["momentum_buffer"] = np.zeros(5)
    bad["param_groups"][0]["lr"] = 0.5
    message = "state[2]['momentum_buffer'] has shape (5,), its parameter has shape ()"
    with pytest.raises(ValueError, match=re.escape(message)):
        opt.load_state_dict(bad)
    assert opt.param_groups[0]["lr"] == 0.1, "expected a failed load to change nothing"
    bad = opt.state_dict()
    bad["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError, match=re.escape("lr=-1.0")):
        opt.load_state_dict(bad)


def test_unflatten_refuses_what_it_cannot_read():
    with pytest.raises(ValueError, match=re.escape("no key starts with 'optimizer.'")):
        optim.unflatten_state_dict({"model.w": np.zeros(2)}, prefix="optimizer.")
    with pytest.raises(ValueError, match="object array"):
        optim.unflatten_state_dict({"lr": np.array([None], dtype=object)})
    with pytest.raises(ValueError, match="numbered"):
        optim.unflatten_state_dict({"param_groups.1.lr": np.array(0.1)})
    with pytest.raises(TypeError, match="cannot hold"):
        optim.flatten_state_dict({"param_groups": [{"params": [0], "lr": None}]})
