"""Learning-rate schedulers: PyTorch's sequences of get_last_lr(), resuming, argument checks."""

import numpy as np
import pytest

import autograd as ag
import optim
from optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LRScheduler, StepLR

SCHEDULES = [
    ("StepLR", {"step_size": 7, "gamma": 0.5}),
    ("StepLR", {"step_size": 3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}),
    ("CosineAnnealingLR", {"T_max": 1, "eta_min": 0.01}),
]
IDS = [f"{name}-{kwargs}" for name, kwargs in SCHEDULES]
LRS = (0.1, 0.03)


def optimizer(cls=optim.SGD, **kwargs):
    return cls([{"params": [ag.Tensor(np.zeros(2))]}, {"params": [ag.Tensor(np.zeros(3))], "lr": LRS[1]}],
               lr=LRS[0], **kwargs)


def lr_sequence(scheduler, opt, epochs):
    sequence = [scheduler.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        scheduler.step()
        sequence.append(scheduler.get_last_lr())
    return sequence


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULES, ids=IDS)
def test_learning_rates_match_torch_over_40_epochs(name, kwargs):
    torch = pytest.importorskip("torch")
    torch_opt = torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)]},
                                 {"params": [torch.zeros(3, requires_grad=True)], "lr": LRS[1]}], lr=LRS[0])
    expected = lr_sequence(getattr(torch.optim.lr_scheduler, name)(torch_opt, **kwargs), torch_opt, 40)
    opt = optimizer()
    scheduler = getattr(optim.lr_scheduler, name)(opt, **kwargs)
    actual = lr_sequence(scheduler, opt, 40)
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=0,
                               err_msg=f"expected {name}({kwargs}) to give torch's learning rates")
    assert [g["lr"] for g in opt.param_groups] == actual[-1], "expected the optimizer's lr to be the scheduler's"
    assert [g["initial_lr"] for g in opt.param_groups] == list(LRS), "expected 'initial_lr' recorded per group"
    assert scheduler.last_epoch == 40


def test_closed_forms_hold():
    opt = optimizer()
    steps = lr_sequence(StepLR(opt, step_size=4, gamma=0.5), opt, 12)
    assert [lrs[0] for lrs in steps] == [0.1 * 0.5 ** (e // 4) for e in range(13)]
    opt = optimizer()
    cosine = lr_sequence(CosineAnnealingLR(opt, T_max=8, eta_min=0.01), opt, 24)
    closed = [0.01 + (0.1 - 0.01) * (1 + np.cos(np.pi * e / 8)) / 2 for e in range(25)]
    np.testing.assert_allclose([lrs[0] for lrs in cosine], closed, rtol=1e-12, err_msg="expected the cosine")


def test_the_scheduled_lr_is_the_one_the_optimizer_uses():
    w = ag.Tensor(np.zeros(1))
    opt = optim.SGD([w], lr=1.0)
    scheduler = ExponentialLR(opt, gamma=0.5)
    for _ in range(3):
        w.grad = np.ones(1)
        opt.step()
        scheduler.step()
    np.testing.assert_array_equal(w.value, [-(1.0 + 0.5 + 0.25)], err_msg="expected steps of 1, 0.5, 0.25")


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULES, ids=IDS)
def test_resuming_scheduler_and_optimizer_from_an_npz_file(tmp_path, name, kwargs):
    cls = getattr(optim.lr_scheduler, name)
    opt = optimizer(optim.Adam)
    reference = lr_sequence(cls(opt, **kwargs), opt, 30)

    opt = optimizer(optim.Adam)
    scheduler = cls(opt, **kwargs)
    lr_sequence(scheduler, opt, 12)
    arrays = {**optim.flatten_state_dict(opt.state_dict(), prefix="optimizer."),
              **optim.flatten_state_dict(scheduler.state_dict(), prefix="scheduler.")}
    np.savez(tmp_path / "ckpt.npz", **arrays)

    fresh_opt = optimizer(optim.Adam)
    fresh = cls(fresh_opt, **kwargs)  # PyTorch's order: build the scheduler, then load both
    with np.load(tmp_path / "ckpt.npz", allow_pickle=False) as saved:
        fresh_opt.load_state_dict(optim.unflatten_state_dict(dict(saved), prefix="optimizer."))
        fresh.load_state_dict(optim.unflatten_state_dict(dict(saved), prefix="scheduler."))
    assert fresh.last_epoch == 12 and fresh.get_last_lr() == reference[12]
    resumed = lr_sequence(fresh, fresh_opt, 18)
    assert resumed == reference[12:], "expected the resumed schedule to be identical"


def test_resuming_with_last_epoch_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(optimizer(), step_size=2, last_epoch=5)
    opt = optimizer()
    StepLR(opt, step_size=2)
    assert StepLR(opt, step_size=2, last_epoch=5).last_epoch == 6


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda opt: StepLR(opt, step_size=0), ValueError, "step_size must be an integer >= 1, got 0"),
    (lambda opt: StepLR(opt, step_size=2.5), ValueError, "step_size"),
    (lambda opt: StepLR(opt, step_size=2, gamma=-0.1), ValueError, "gamma=-0.1"),
    (lambda opt: ExponentialLR(opt, gamma="0.9"), TypeError, "gamma must be a real number"),
    (lambda opt: CosineAnnealingLR(opt, T_max=0), ValueError, "T_max must be an integer >= 1, got 0"),
    (lambda opt: CosineAnnealingLR(opt, T_max=5, eta_min=None), TypeError, "eta_min"),
    (lambda opt: StepLR("not an optimizer", step_size=1), TypeError, "expected an optim.Optimizer"),
    (lambda opt: StepLR(opt, step_size=1, last_epoch=-2), ValueError, "last_epoch"),
])
def test_bad_scheduler_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make(optimizer())


def test_the_base_class_needs_get_lr_and_unknown_state_keys_are_refused():
    with pytest.raises(NotImplementedError):
        LRScheduler(optimizer())
    scheduler = ExponentialLR(optimizer(), gamma=0.5)
    with pytest.raises(ValueError, match="unexpected keys"):
        scheduler.load_state_dict({"gama": 0.5})
    assert "ExponentialLR(last_epoch=0" in repr(scheduler)
