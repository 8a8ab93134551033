"""The schedulers of ``optim.lr_scheduler`` beyond the three classic decays (PyTorch's
definitions and sequences): ``MultiStepLR``, ``LinearLR``, ``LambdaLR`` and ``SequentialLR``
(``OneCycleLR`` and ``ReduceLROnPlateau`` are in ``optim/cycle_schedules.py``).

Their ``state_dict()`` holds plain numbers, strings and lists, so ``optim.flatten_state_dict``
can write it to an ``.npz``; what a constructor rebuilds (a LambdaLR's functions, OneCycleLR's
phase table) is left out, as PyTorch leaves out plain functions.
"""

import bisect
import numbers

from optim.lr_scheduler import LRScheduler
from optim.optimizer import Optimizer


def _check_int(owner, name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{owner}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_real(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a real number, got {value!r}")
    return value


def _per_group(owner, name, optimizer, value):
    """``value`` once per param group (a list or tuple must have one entry per group)."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{owner}: {name} must have the same length as optimizer.param_groups. {name} has "
                             f"{len(value)} values, param_groups has {len(optimizer.param_groups)}.")
        return list(value)
    return [value] * len(optimizer.param_groups)


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each epoch of ``milestones``::

        lr_epoch = initial_lr * gamma ** (number of milestones <= epoch)

    A milestone listed twice multiplies by gamma twice, as in PyTorch.

    Defaults gamma=0.1, last_epoch=-1 (-1 to start; the last epoch's index when resuming).
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        milestones = list(milestones)
        for m in milestones:
            _check_int("MultiStepLR", "each milestone", m, 0)
        _check_real("MultiStepLR", "gamma", gamma)
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        hits = self.milestones.count(self.last_epoch)
        if not hits:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma ** hits for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** bisect.bisect_right(self.milestones, self.last_epoch)
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor going linearly from ``start_factor`` to ``end_factor``
    over ``total_iters`` epochs, then keep it (a linear warm-up with the defaults 1/3 -> 1)::

        lr_epoch = initial_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)

    computed recursively from the current rate, as PyTorch does.

    Defaults start_factor=1/3, end_factor=1.0, total_iters=5, last_epoch=-1 (-1 to start; the
    last epoch's index when resuming).
    """

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        _check_real("LinearLR", "start_factor", start_factor)
        _check_real("LinearLR", "end_factor", end_factor)
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(f"LinearLR: Starting multiplicative factor expected to be greater than 0 and less or "
                             f"equal to 1, got start_factor={start_factor!r}")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(f"LinearLR: Ending multiplicative factor expected to be between 0 and 1, got "
                             f"end_factor={end_factor!r}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = _check_int("LinearLR", "total_iters", total_iters, 1)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return [group["lr"] for group in groups]
        change = self.end_factor - self.start_factor
        ratio = 1.0 + change / (self.total_iters * self.start_factor + (self.last_epoch - 1) * change)
        return [group["lr"] * ratio for group in groups]

    def _get_closed_form_lr(self):
        return [base_lr * (self.start_factor + (self.end_factor - self.start_factor)
                           * min(self.total_iters, self.last_epoch) / self.total_iters)
                for base_lr in self.base_lrs]


class LambdaLR(LRScheduler):
    """lr_epoch = initial_lr * lr_lambda(epoch), with one function or one per param group.

    ``state_dict()`` leaves the functions out (rebuild the scheduler with them, then load).
    last_epoch=-1 (the default) to start; the last epoch's index when resuming.
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"LambdaLR: expected an optim.Optimizer, got {type(optimizer).__name__}")
        lambdas = _per_group("LambdaLR", "lr_lambda", optimizer, lr_lambda)
        for fn in lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be a function of the epoch, got {type(fn).__name__}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self):
        state = super().state_dict()
        del state["lr_lambdas"]
        return state


class SequentialLR(LRScheduler):
    """Run ``schedulers`` one after the other, switching at the epochs in ``milestones``
    (one fewer than the schedulers); each scheduler after the first starts from its epoch 0::

        warmup = LinearLR(opt, start_factor=0.1, total_iters=5)
        cosine = CosineAnnealingLR(opt, T_max=95)
        scheduler = SequentialLR(opt, [warmup, cosine], milestones=[5])

    ``state_dict()`` holds the inner schedulers' states under ``'_schedulers.<i>.<key>'``.

    last_epoch=-1 (the default, PyTorch's) starts the epoch count at 0. Another value only
    shifts the count compared with ``milestones``: the first scheduler still starts from its
    beginning (to resume, build the schedulers again and ``load_state_dict``).
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        owner = "SequentialLR"
        schedulers = list(schedulers)
        if not schedulers:
            raise ValueError(f"{owner} expects at least one scheduler, but got no scheduler.")
        from optim.cycle_schedules import ReduceLROnPlateau  # it builds on this file's helpers

        for index, scheduler in enumerate(schedulers):
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(f"{owner} does not support `ReduceLROnPlateau` scheduler as it requires additional "
                                 f"kwargs to be specified when calling `step`, but got one at index {index} in the "
                                 "given schedulers sequence.")
            if not isinstance(scheduler, LRScheduler):
                raise TypeError(f"{owner}: the scheduler at index {index} is a {type(scheduler).__name__}, "
                                "not an LRScheduler")
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"{owner} expects all schedulers to belong to the same optimizer, but the "
                                 f"{type(scheduler).__name__} at index {index} has another one")
        milestones = [_check_int(owner, "each milestone", m, 0) for m in milestones]
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"Sequential Schedulers expects number of schedulers provided to be one more than the "
                             f"number of milestone points, but got number of schedulers {len(schedulers)} and the "
                             f"number of milestones to be equal to {len(milestones)}")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # PyTorch's start: undo what each scheduler's constructor did, then start the first one
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in schedulers:
            scheduler.last_epoch -= 1
        first = self._schedulers[bisect.bisect_right(milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self):
        self.last_epoch += 1
        index = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._jump_to(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        state = {k: v for k, v in vars(self).items() if k not in ("optimizer", "_schedulers")}
        for index, scheduler in enumerate(self._schedulers):
            state.update({f"_schedulers.{index}.{k}": v for k, v in scheduler.state_dict().items()})
        return state

    def load_state_dict(self, state_dict):
        own, inner = {}, [{} for _ in self._schedulers]
        for key, value in state_dict.items():
            if key.startswith("_schedulers."):
                _, index, name = key.split(".", 2)
                if not index.isdigit() or int(index) >= len(inner):
                    raise ValueError(f"SequentialLR.load_state_dict: no scheduler {index} for key {key!r}")
                inner[int(index)][name] = value
            else:
                own[key] = value
        super().load_state_dict(own)
        for scheduler, state in zip(self._schedulers, inner):
            scheduler.load_state_dict(state)
