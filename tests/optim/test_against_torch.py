"""Every optimizer's trajectory against PyTorch's (torch==2.13.0, single-tensor path), in float64.

Both sides start from the same parameters and take 20 steps; at each step each parameter's
gradient is computed from its own current value by the same function (a quadratic pull plus
fixed noise), so any difference in an update rule shows up and then persists. PyTorch's CPU
kernels fuse multiply-adds (a last-bit difference per operation), hence rtol=1e-12, not equality.
"""

import numpy as np
import pytest

import autograd as ag
import optim

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (5,), (), (2, 3)]
STEPS = 20
RNG = np.random.default_rng(0)
INITIAL = [RNG.standard_normal(s) for s in SHAPES]
NOISE = [[RNG.standard_normal(s) for s in SHAPES] for _ in range(STEPS)]


def gradient(i, value, t):
    """d/dp of 0.35 p^2 - 0.3 (i + 1) p, plus noise: depends on the parameter's own value."""
    return 0.7 * value - 0.3 * (i + 1) + NOISE[t][i]


def has_gradient(i, t):
    # parameter 3 gets a gradient only on even steps: both libraries must skip it (no step
    # counted, state untouched) when its grad is None
    return i != 3 or t % 2 == 0


def run_both(name, groups, kwargs, dtype=np.float64, steps=STEPS):
    """Run agrad's and torch's optimizer ``name`` side by side; yield (t, ag_params, torch_params)."""
    ag_params = [ag.Tensor(a.astype(dtype)) for a in INITIAL]
    torch_params = [torch.tensor(a.astype(dtype), requires_grad=True) for a in INITIAL]
    frozen = ag.Tensor(np.ones(2, dtype))  # in the optimizer, never gets a gradient
    torch_frozen = torch.ones(2, dtype=torch_params[0].dtype, requires_grad=True)

    def grouped(params, extra):
        if groups is None:
            return [*params, extra]
        built = [{**g, "params": [params[i] for i in g["params"]]} for g in groups]
        built[-1]["params"].append(extra)
        return built

    ag_opt = getattr(optim, name)(grouped(ag_params, frozen), **kwargs)
    torch_opt = getattr(torch.optim, name)(grouped(torch_params, torch_frozen), **kwargs, foreach=False)
    for t in range(steps):
        ag_opt.zero_grad()
        torch_opt.zero_grad()
        for i, (a, b) in enumerate(zip(ag_params, torch_params)):
            if has_gradient(i, t):
                a.grad = gradient(i, a.value, t).astype(dtype)
                b.grad = torch.tensor(gradient(i, b.detach().numpy(), t).astype(dtype))
        ag_opt.step()
        torch_opt.step()
        yield t, ag_params, torch_params
    assert np.array_equal(frozen.value, np.ones(2)), "expected a parameter without gradient to stay put"
    assert frozen not in ag_opt.state, "expected no state for a parameter that never had a gradient"
    compare_state(ag_opt, torch_opt, dtype)


def compare_state(ag_opt, torch_opt, dtype):
    """The buffers have PyTorch's names and values (state_dict layout included)."""
    mine, theirs = ag_opt.state_dict(), torch_opt.state_dict()
    assert set(mine["state"]) == set(theirs["state"]), "expected state for the same parameter indices as torch"
    for index, buffers in theirs["state"].items():
        assert set(mine["state"][index]) == set(buffers), f"expected torch's state keys for parameter {index}"
        for key, value in buffers.items():
            expected = value.item() if key == "step" else value.numpy()
            np.testing.assert_allclose(
                mine["state"][index][key], expected, rtol=1e-12 if dtype == np.float64 else 1e-5, atol=1e-14,
                err_msg=f"expected state[{index}][{key!r}] to match torch's",
            )
    for g, (a, b) in enumerate(zip(mine["param_groups"], theirs["param_groups"])):
        assert a["params"] == b["params"], f"expected group {g} to number its parameters like torch"
        for key in a:
            if key != "params":
                assert a[key] == b[key], f"expected group {g}'s {key!r} to be torch's {b[key]!r}, got {a[key]!r}"


CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.02, "momentum": 0.8, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-3, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.05}),
    ("Adam", {"lr": 0.1, "betas": (0.3, 0.6), "maximize": True}),
    ("Adam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.3}),
    ("AdamW", {"lr": 0.1, "betas": (0.4, 0.9), "amsgrad": True, "maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-4, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.3, "centered": True, "momentum": 0.5, "weight_decay": 0.05}),
    ("RMSprop", {"lr": 0.01, "maximize": True, "momentum": 0.2}),
]


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_trajectory_matches_torch(name, kwargs):
    for t, ag_params, torch_params in run_both(name, None, kwargs):
        for i, (a, b) in enumerate(zip(ag_params, torch_params)):
            np.testing.assert_allclose(
                a.value, b.detach().numpy(), rtol=1e-12, atol=1e-14,
                err_msg=f"expected {name}({kwargs}) parameter {i} after step {t + 1} to match torch",
            )


GROUP_CASES = [
    ("SGD", [{"params": [0, 1], "lr": 0.2, "momentum": 0.9}, {"params": [2, 3], "nesterov": True}],
     {"lr": 0.05, "momentum": 0.5}),
    ("Adam", [{"params": [0], "lr": 0.2, "amsgrad": True}, {"params": [1, 2, 3], "betas": (0.5, 0.7)}], {"lr": 0.01}),
    ("AdamW", [{"params": [2, 0]}, {"params": [3, 1], "weight_decay": 0.5, "lr": 0.3}], {"lr": 0.02}),
    ("RMSprop", [{"params": [3]}, {"params": [0, 1, 2], "centered": True, "lr": 0.03}], {"momentum": 0.3}),
]


@pytest.mark.parametrize(("name", "groups", "kwargs"), GROUP_CASES, ids=[c[0] for c in GROUP_CASES])
def test_param_groups_with_their_own_options_match_torch(name, groups, kwargs):
    for t, ag_params, torch_params in run_both(name, groups, kwargs):
        for i, (a, b) in enumerate(zip(ag_params, torch_params)):
            np.testing.assert_allclose(
                a.value, b.detach().numpy(), rtol=1e-12, atol=1e-14,
                err_msg=f"expected {name} with groups {groups}: parameter {i} after step {t + 1} to match torch",
            )


@pytest.mark.parametrize(("name", "kwargs"), [c for c in CASES if c[1]], ids=[f"{n}-{k}" for n, k in CASES if k])
def test_float32_stays_float32_and_follows_torch(name, kwargs):
    for t, ag_params, torch_params in run_both(name, None, kwargs, dtype=np.float32):
        for i, (a, b) in enumerate(zip(ag_params, torch_params)):
            assert a.value.dtype == np.float32, f"expected parameter {i} to stay float32, got {a.value.dtype}"
            np.testing.assert_allclose(
                a.value, b.detach().numpy(), rtol=2e-5, atol=1e-5,
                err_msg=f"expected float32 {name}({kwargs}) parameter {i} after step {t + 1} to follow torch",
            )
