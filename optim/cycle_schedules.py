"""``OneCycleLR`` (stepped every batch, with the momentum moving opposite to the rate) and
``ReduceLROnPlateau`` (driven by a validation metric), PyTorch's definitions and sequences.
Their ``state_dict()`` holds plain numbers, strings and lists (an ``.npz`` can hold it)."""

import math

from optim.lr_scheduler import LRScheduler
from optim.optimizer import Optimizer
from optim.schedules import _check_int, _check_real, _per_group


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith and Topin, 2017), stepped after every batch: the rate climbs from
    max_lr / div_factor to ``max_lr`` over the first ``pct_start`` of ``total_steps`` (or
    ``epochs * steps_per_epoch``) and anneals down to initial_lr / final_div_factor (``'cos'`` or
    ``'linear'``); with ``cycle_momentum`` the momentum (SGD, RMSprop) or beta1 (Adam) moves the
    opposite way between ``max_momentum`` and ``base_momentum``. ``three_phase`` returns to the
    initial rate symmetrically before the final annealing. PyTorch's arguments and numbers.

    Defaults (PyTorch's): pct_start=0.3, anneal_strategy='cos' (or 'linear'), cycle_momentum=True,
    base_momentum=0.85, max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
    last_epoch=-1: here the number of batches already stepped; -1 starts the cycle and writes
    'initial_lr', 'max_lr', 'min_lr' (and the momentum bounds) into each group, another value
    resumes and expects them there (load the optimizer's state_dict first).
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
        """True while the ``cooldown`` epochs after a reduction are still running (bad epochs
        do not count then)."""
        return self.cooldown_counter > 0
