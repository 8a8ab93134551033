"""``optim.lr_scheduler``: change the learning rate every epoch (PyTorch's schedulers, same
sequence of learning rates).

    scheduler = StepLR(optimizer, step_size=10, gamma=0.1)
    for epoch in range(epochs):
        train_one_epoch()              # optimizer.step() inside
        scheduler.step()               # then the learning rate for the next epoch

A scheduler writes ``optimizer.param_groups[i]['lr']`` and records the starting value as
``'initial_lr'`` in each group. Like PyTorch's, StepLR, ExponentialLR and CosineAnnealingLR
compute the next rate from the current one (recursively), so their numbers match PyTorch's
to the last bit, and a rate changed by hand carries on from the new value.

Here: ``StepLR``, ``ExponentialLR``, ``CosineAnnealingLR``; importable from here too:
``MultiStepLR``, ``LinearLR``, ``LambdaLR``, ``SequentialLR`` (e.g. a linear warm-up then a
cosine) from ``optim/schedules.py``, ``OneCycleLR`` and ``ReduceLROnPlateau`` from
``optim/cycle_schedules.py``.
"""

import math
import numbers

import numpy as np

from optim.optimizer import Optimizer


class LRScheduler:
    """Base class. ``last_epoch`` counts the ``step()`` calls (-1 before the first, at
    construction; the constructor takes one step to epoch 0). Subclasses define ``get_lr()``:
    the rates for epoch ``last_epoch``, one per param group."""

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an optim.Optimizer, got {type(optimizer).__name__}")
        if isinstance(last_epoch, bool) or not isinstance(last_epoch, numbers.Integral) or last_epoch < -1:
            raise ValueError(f"{type(self).__name__}: last_epoch must be an integer >= -1, got {last_epoch!r}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming a "
                        f"scheduler with last_epoch={last_epoch}: load the optimizer's state_dict first"
                    )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = int(last_epoch)
        self._initial_step()

    def _initial_step(self):
        """The constructor's step (``get_lr`` sees ``_is_initial``: the rate is the starting one)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self):
        """The learning rates for epoch ``last_epoch`` (called by ``step``; to read the current
        rates use ``get_last_lr()``)."""
        raise NotImplementedError

    def step(self):
        """Advance one epoch and set each group's ``'lr'`` (call after ``optimizer.step()``)."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _jump_to(self, epoch):
        """Set epoch ``epoch`` directly (PyTorch's deprecated ``step(epoch)``, which SequentialLR uses
        at a milestone): the closed form of the schedule where there is one, else ``get_lr``."""
        self.last_epoch = epoch
        closed_form = getattr(self, "_get_closed_form_lr", None)
        lrs = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The learning rates the last ``step()`` set, one per param group."""
        return list(self._last_lr)

    def state_dict(self):
        """Everything but the optimizer, as plain numbers and lists (``optim.flatten_state_dict``
        turns it into arrays for an ``.npz`` file)."""
        return {k: list(v) if isinstance(v, list) else v for k, v in vars(self).items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        """Restore what ``state_dict()`` returned (NumPy values from an ``.npz`` are accepted)."""
        unknown = sorted(set(state_dict) - set(vars(self)) - {"optimizer"})
        if unknown:
            raise ValueError(f"{type(self).__name__}.load_state_dict: unexpected keys {unknown}")
        for key, value in state_dict.items():
            if isinstance(value, (np.ndarray, np.generic)):
                value = value.tolist()
            setattr(self, key, list(value) if isinstance(value, (list, tuple)) else value)

    def __repr__(self):
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, last_lr={self._last_lr})"


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs::

        lr_epoch = initial_lr * gamma ** (epoch // step_size)

    Args:
        optimizer: the optimizer whose groups' ``'lr'`` to set.
        step_size: period of the decay, in epochs (an integer >= 1).
        gamma: the factor (>= 0).
        last_epoch: -1 to start; the last epoch's index when resuming.
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if isinstance(step_size, bool) or not isinstance(step_size, numbers.Integral) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be an integer >= 1, got {step_size!r}")
        _check_gamma("StepLR", gamma)
        self.step_size = int(step_size)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        groups = self.optimizer.param_groups
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma for group in groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch::

        lr_epoch = initial_lr * gamma ** epoch

    Args:
        optimizer: the optimizer whose groups' ``'lr'`` to set.
        gamma: the factor (>= 0).
        last_epoch: -1 to start; the last epoch's index when resuming.
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        _check_gamma("ExponentialLR", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Anneal the learning rate along a cosine from ``initial_lr`` down to ``eta_min`` over
    ``T_max`` epochs (SGDR without restarts)::

        lr_epoch = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2

    Past ``T_max`` it climbs back up the same cosine (period 2 * T_max), as PyTorch's does.
    Like PyTorch, each rate is computed from the previous one,
    ``lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t / T)) / (1 + cos(pi (t-1) / T))``,
    with the step at the bottom of the cosine (where that ratio would be 0/0) added directly.

    Args:
        optimizer: the optimizer whose groups' ``'lr'`` to set.
        T_max: half period, in epochs (an integer >= 1).
        eta_min: the lowest learning rate.
        last_epoch: -1 to start; the last epoch's index when resuming.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        if isinstance(T_max, bool) or not isinstance(T_max, numbers.Integral) or T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be an integer >= 1, got {T_max!r}")
        if isinstance(eta_min, bool) or not isinstance(eta_min, numbers.Real):
            raise TypeError(f"CosineAnnealingLR: eta_min must be a real number, got {eta_min!r}")
        self.T_max = int(T_max)
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        groups = self.optimizer.param_groups
        epoch, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return [group["lr"] for group in groups]
        if (epoch - 1 - period) % (2 * period) == 0:
            return [
                group["lr"] + (base_lr - eta_min) * (1 - math.cos(math.pi / period)) / 2
                for base_lr, group in zip(self.base_lrs, groups)
            ]
        return [
            (1 + math.cos(math.pi * epoch / period)) / (1 + math.cos(math.pi * (epoch - 1) / period))
            * (group["lr"] - eta_min) + eta_min
            for group in groups
        ]

    def _get_closed_form_lr(self):
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


def _check_gamma(owner, gamma):
    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real):
        raise TypeError(f"{owner}: gamma must be a real number, got {gamma!r}")
    if not gamma >= 0:
        raise ValueError(f"{owner}: Invalid gamma: gamma={gamma!r} (expected gamma >= 0)")


# the further schedules are built on LRScheduler, so they are imported once it exists
from optim.cycle_schedules import OneCycleLR, ReduceLROnPlateau  # noqa: E402
from optim.schedules import LambdaLR, LinearLR, MultiStepLR, SequentialLR  # noqa: E402

__all__ = [
    "CosineAnnealingLR", "ExponentialLR", "LRScheduler", "LambdaLR", "LinearLR", "MultiStepLR", "OneCycleLR",
    "ReduceLROnPlateau", "SequentialLR", "StepLR",
]
