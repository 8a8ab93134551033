"""MultiStepLR, LinearLR, LambdaLR, SequentialLR, OneCycleLR and ReduceLROnPlateau: PyTorch's
learning-rate (and momentum) sequences over 50 steps, and state_dict round trips through .npz."""

import math

import numpy as np
import pytest

import autograd as ag
import optim
from optim import lr_scheduler as S

torch = pytest.importorskip("torch")
TS = torch.optim.lr_scheduler
LRS = (0.1, 0.03)
STEPS = 50


def _groups(lib):
    if lib is torch:
        return [{"params": [torch.zeros(2, requires_grad=True)]},
                {"params": [torch.zeros(3, requires_grad=True)], "lr": LRS[1]}]
    return [{"params": [ag.Tensor(np.zeros(2))]}, {"params": [ag.Tensor(np.zeros(3))], "lr": LRS[1]}]


def _optimizer(lib, kind="sgd"):
    groups = _groups(lib)
    if kind == "adam":
        return (torch.optim.Adam if lib is torch else optim.Adam)(groups, lr=LRS[0])
    return (torch.optim.SGD if lib is torch else optim.SGD)(groups, lr=LRS[0], momentum=0.9)


def _warm_cosine(mod, opt):
    return mod.SequentialLR(opt, [mod.LinearLR(opt, start_factor=0.1, total_iters=5),
                                  mod.CosineAnnealingLR(opt, T_max=45)], milestones=[5])


def _three_stage(mod, opt):
    return mod.SequentialLR(opt, [mod.LinearLR(opt, 0.5, 1.0, 4), mod.StepLR(opt, 7, 0.5),
                                  mod.ExponentialLR(opt, 0.95)], milestones=[4, 20])


def _multistep_then_lambda(mod, opt):
    return mod.SequentialLR(opt, [mod.MultiStepLR(opt, [2, 5], 0.5), mod.LambdaLR(opt, lambda e: 1 / (e + 1))],
                            milestones=[10])


CASES = {
    "MultiStepLR": lambda mod, opt: mod.MultiStepLR(opt, milestones=[3, 10, 10, 30], gamma=0.5),
    "LinearLR": lambda mod, opt: mod.LinearLR(opt),
    "LinearLR_decay": lambda mod, opt: mod.LinearLR(opt, start_factor=1.0, end_factor=0.05, total_iters=30),
    "LambdaLR": lambda mod, opt: mod.LambdaLR(opt, lambda e: 0.97 ** e),
    "LambdaLR_per_group": lambda mod, opt: mod.LambdaLR(opt, [lambda e: 1 / (1 + e), lambda e: min(1, (e + 1) / 8)]),
    "SequentialLR_warmup_cosine": _warm_cosine,
    "SequentialLR_three": _three_stage,
    "SequentialLR_multistep_lambda": _multistep_then_lambda,
    "OneCycleLR": lambda mod, opt: mod.OneCycleLR(opt, max_lr=0.5, total_steps=STEPS + 1),
    "OneCycleLR_linear_3phase": lambda mod, opt: mod.OneCycleLR(opt, max_lr=[0.4, 0.2], epochs=3, steps_per_epoch=17,
                                                                pct_start=0.25, anneal_strategy="linear",
                                                                three_phase=True),
    "OneCycleLR_no_momentum": lambda mod, opt: mod.OneCycleLR(opt, 1.0, STEPS + 1, cycle_momentum=False,
                                                              div_factor=10.0, final_div_factor=100.0),
}


def _sequence(scheduler, opt, steps, kind="sgd"):
    """(lrs, momenta) after construction and after each of ``steps`` steps."""
    def momenta():
        return [g["betas"][0] if kind == "adam" else g["momentum"] for g in opt.param_groups]

    lrs, moms = [list(scheduler.get_last_lr())], [momenta()]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        lrs.append(list(scheduler.get_last_lr()))
        moms.append(momenta())
    return lrs, moms


@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("name", CASES)
def test_sequences_match_torch_over_50_steps(name, kind):
    torch_opt, opt = _optimizer(torch, kind), _optimizer(None, kind)
    expected = _sequence(CASES[name](TS, torch_opt), torch_opt, STEPS, kind)
    actual = _sequence(CASES[name](S, opt), opt, STEPS, kind)
    np.testing.assert_allclose(actual[0], expected[0], rtol=1e-13, atol=0,
                               err_msg=f"expected {name}'s learning rates to be torch's")
    np.testing.assert_allclose(actual[1], expected[1], rtol=1e-13, atol=0,
                               err_msg=f"expected {name}'s momenta to be torch's")
    assert [g["lr"] for g in opt.param_groups] == actual[0][-1], "expected the optimizer to use the scheduled lr"


@pytest.mark.parametrize("name", CASES)
def test_state_dict_round_trip_through_npz_resumes_identically(tmp_path, name):
    opt = _optimizer(None)
    reference = _sequence(CASES[name](S, opt), opt, STEPS)[0]
    opt = _optimizer(None)
    scheduler = CASES[name](S, opt)
    _sequence(scheduler, opt, 20)
    arrays = {**optim.flatten_state_dict(opt.state_dict(), prefix="optimizer."),
              **optim.flatten_state_dict(scheduler.state_dict(), prefix="scheduler.")}
    np.savez(tmp_path / "ckpt.npz", **arrays)
    fresh_opt = _optimizer(None)
    fresh = CASES[name](S, fresh_opt)
    with np.load(tmp_path / "ckpt.npz", allow_pickle=False) as saved:
        fresh_opt.load_state_dict(optim.unflatten_state_dict(dict(saved), prefix="optimizer."))
        fresh.load_state_dict(optim.unflatten_state_dict(dict(saved), prefix="scheduler."))
    assert fresh.get_last_lr() == reference[20], "expected the reloaded scheduler at step 20's rates"
    resumed = _sequence(fresh, fresh_opt, STEPS - 20)[0]
    assert resumed == reference[20:], f"expected {name} resumed from its state_dict to continue identically"


PLATEAU = [
    {},
    {"mode": "max", "factor": 0.5, "patience": 2, "threshold": 0.1, "threshold_mode": "abs", "cooldown": 3},
    {"factor": 0.3, "patience": 1, "min_lr": [0.01, 0.005], "cooldown": 1},
    {"patience": 0, "threshold_mode": "rel", "threshold": 0.05, "eps": 0.02},
]


@pytest.mark.parametrize("kwargs", PLATEAU, ids=str)
def test_reduce_on_plateau_matches_torch(tmp_path, kwargs):
    metrics = [1.0 / (1 + e) if e < 12 else 0.08 + 0.01 * math.sin(e) for e in range(STEPS)]
    torch_opt, opt = _optimizer(torch), _optimizer(None)
    theirs, mine = TS.ReduceLROnPlateau(torch_opt, **kwargs), S.ReduceLROnPlateau(opt, **kwargs)
    expected, actual = [], []
    for e, metric in enumerate(metrics):
        theirs.step(metric)
        mine.step(np.float32(metric) if e % 2 else metric)  # a NumPy scalar works as a float does
        expected.append(theirs.get_last_lr())
        actual.append(mine.get_last_lr())
        if e == 25:  # a round trip through an .npz in the middle
            np.savez(tmp_path / "s.npz", **optim.flatten_state_dict(mine.state_dict()))
            mine = S.ReduceLROnPlateau(opt, **kwargs)
            with np.load(tmp_path / "s.npz", allow_pickle=False) as saved:
                mine.load_state_dict(optim.unflatten_state_dict(dict(saved)))
    np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=0,
                               err_msg=f"expected ReduceLROnPlateau({kwargs}) to reduce as torch's does")
    assert actual[-1] != actual[0], "expected this metric sequence to trigger at least one reduction"


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda o: S.MultiStepLR(o, [2, -1]), ValueError, "MultiStepLR: each milestone must be an integer >= 0, got -1"),
    (lambda o: S.LinearLR(o, start_factor=0), ValueError, "Starting multiplicative factor expected"),
    (lambda o: S.LinearLR(o, end_factor=1.5), ValueError, "Ending multiplicative factor"),
    (lambda o: S.LinearLR(o, total_iters=0), ValueError, "LinearLR: total_iters must be an integer >= 1, got 0"),
    (lambda o: S.LambdaLR(o, [lambda e: 1]), ValueError, "lr_lambda must have the same length"),
    (lambda o: S.LambdaLR(o, 0.5), TypeError, "LambdaLR: lr_lambda must be a function"),
    (lambda o: S.SequentialLR(o, [S.StepLR(o, 2)], [3]), ValueError, "number of schedulers provided to be one more"),
    (lambda o: S.SequentialLR(o, [], []), ValueError, "expects at least one scheduler"),
    (lambda o: S.SequentialLR(o, [S.StepLR(o, 2), S.ReduceLROnPlateau(o)], [3]), ValueError, "ReduceLROnPlateau"),
    (lambda o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(_optimizer(None), 2)], [3]), ValueError,
     "same optimizer"),
    (lambda o: S.OneCycleLR(o, 0.1), ValueError, "either total_steps OR"),
    (lambda o: S.OneCycleLR(o, 0.1, total_steps=0), ValueError, "total_steps must be an integer >= 1, got 0"),
    (lambda o: S.OneCycleLR(o, 0.1, 10, pct_start=1), ValueError, "Expected float between 0 and 1 pct_start"),
    (lambda o: S.OneCycleLR(o, 0.1, 10, anneal_strategy="exp"), ValueError, "anneal_strategy must be one of"),
    (lambda o: S.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0"),
    (lambda o: S.ReduceLROnPlateau(o, mode="up"), ValueError, "mode 'up' is unknown"),
    (lambda o: S.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "min_lr must have the same length"),
])
def test_bad_arguments_name_the_scheduler(make, error, message):
    with pytest.raises(error, match=message):
        make(_optimizer(None))


def test_onecycle_stepping_past_total_steps_and_without_momentum_support():
    opt = _optimizer(None)
    scheduler = S.OneCycleLR(opt, 0.1, total_steps=3)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match=r"Tried to step 4 times\. The specified number of total steps is 3"):
        scheduler.step()

    class NoMomentum(optim.SGD):
        def __init__(self, params):
            super().__init__(params, lr=0.1)
            del self.defaults["momentum"]

    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        S.OneCycleLR(NoMomentum([ag.Tensor(np.zeros(1))]), 0.1, 10)
