"""The schedulers of ``optim.lr_scheduler`` beyond the three classic decays (PyTorch's
definitions and sequences): ``MultiStepLR``, ``LinearLR``, ``LambdaLR``, ``SequentialLR``,
``OneCycleLR`` (per batch) and ``ReduceLROnPlateau`` (driven by a metric).

Their ``state_dict()`` holds plain numbers, strings and lists, so ``optim.flatten_state_dict``
can write it to an ``.npz``; what a constructor rebuilds (a LambdaLR's functions, OneCycleLR's
phase table) is left out, as PyTorch leaves out plain functions.
"""

import bisect
import math
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
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        owner = "SequentialLR"
        schedulers = list(schedulers)
        if not schedulers:
            raise ValueError(f"{owner} expects at least one scheduler, but got no scheduler.")
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


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith and Topin, 2017), stepped after every batch: the rate climbs from
    max_lr / div_factor to ``max_lr`` over the first ``pct_start`` of ``total_steps`` (or
    ``epochs * steps_per_epoch``) and anneals down to initial_lr / final_div_factor (``'cos'`` or
    ``'linear'``); with ``cycle_momentum`` the momentum (SGD, RMSprop) or beta1 (Adam) moves the
    opposite way between ``max_momentum`` and ``base_momentum``. ``three_phase`` returns to the
    initial rate symmetrically before the final annealing. PyTorch's arguments and numbers.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.0,
                 final_div_factor=1e4, three_phase=False, last_epoch=-1):
        owner = "OneCycleLR"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{owner}: expected an optim.Optimizer, got {type(optimizer).__name__}")
        if total_steps is not None:
            self.total_steps = _check_int(owner, "total_steps", total_steps, 1)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (_check_int(owner, "epochs", epochs, 1)
                                * _check_int(owner, "steps_per_epoch", steps_per_epoch, 1))
        else:
            raise ValueError(f"{owner}: You must define either total_steps OR (epochs AND steps_per_epoch)")
        if isinstance(pct_start, bool) or not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"{owner}: Expected float between 0 and 1 pct_start, but got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{owner}: anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy!r}")
        self.pct_start = pct_start
        self.three_phase = bool(three_phase)
        self.anneal_strategy = anneal_strategy
        max_lrs = _per_group(owner, "max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for lr, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = lr / div_factor
                group["max_lr"] = lr
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = bool(cycle_momentum)
        self.use_beta1 = "betas" in optimizer.defaults
        if self.cycle_momentum:
            if "momentum" not in optimizer.defaults and not self.use_beta1:
                raise ValueError(f"{owner}: optimizer must support momentum or beta1 with `cycle_momentum` option "
                                 f"enabled ({type(optimizer).__name__} has neither)")
            if last_epoch == -1:
                for high, low, group in zip(_per_group(owner, "max_momentum", optimizer, max_momentum),
                                            _per_group(owner, "base_momentum", optimizer, base_momentum),
                                            optimizer.param_groups):
                    self._set_momentum(group, high)
                    group["max_momentum"] = high
                    group["base_momentum"] = low
        super().__init__(optimizer, last_epoch)

    def _phases(self):
        """(end_step, start_lr, end_lr, start_momentum, end_momentum) per phase: keys of a group."""
        steps, pct = self.total_steps, self.pct_start
        if self.three_phase:
            return [(float(pct * steps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                    (float(2 * pct * steps) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                    (steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        return [(float(pct * steps) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _set_momentum(self, group, momentum):
        if self.use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum

    def get_lr(self):
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: Tried to step {step} times. The specified number of total steps is "
                             f"{self.total_steps}")
        phases = self._phases()
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for index, (end_step, lr_from, lr_to, m_from, m_to) in enumerate(phases):
                if step <= end_step or index == len(phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[lr_from], group[lr_to], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[m_from], group[m_to], pct))
                    break
                start_step = end_step
        return lrs


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` once a metric has stopped improving for more
    than ``patience`` epochs: ``scheduler.step(validation_loss)`` after each epoch.

    ``mode='min'`` (a loss) or ``'max'`` (an accuracy); improving means beating the best value by
    ``threshold`` (relative, ``threshold_mode='rel'``, or absolute, ``'abs'``). After a reduction
    ``cooldown`` epochs pass before bad epochs count again; rates never go below ``min_lr`` (one
    number or one per group), and a change smaller than ``eps`` is skipped. PyTorch's rules.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        owner = "ReduceLROnPlateau"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{owner}: expected an optim.Optimizer, got {type(optimizer).__name__}")
        if _check_real(owner, "factor", factor) >= 1.0:
            raise ValueError(f"{owner}: Factor should be < 1.0, got factor={factor!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"{owner}: mode {mode!r} is unknown! (expected 'min' or 'max')")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"{owner}: threshold mode {threshold_mode!r} is unknown! (expected 'rel' or 'abs')")
        self.optimizer = optimizer
        self.factor = factor
        self.min_lrs = [float(m) for m in _per_group(owner, "min_lr", optimizer, min_lr)]
        self.patience = _check_int(owner, "patience", patience, 0)
        self.cooldown = _check_int(owner, "cooldown", cooldown, 0)
        self.eps = eps
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def _is_better(self, value, best):
        if self.mode == "min":
            return value < (best * (1.0 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold)
        return value > (best * (self.threshold + 1.0) if self.threshold_mode == "rel" else best + self.threshold)

    def step(self, metrics):
        current = float(metrics.item() if hasattr(metrics, "item") else metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during the cooldown do not count
        if self.num_bad_epochs > self.patience:
            for min_lr, group in zip(self.min_lrs, self.optimizer.param_groups):
                old = float(group["lr"])
                new = max(old * self.factor, min_lr)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0
