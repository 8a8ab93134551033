"""``optim.Adam`` and ``optim.AdamW``: adaptive moment estimation, with L2 or decoupled weight
decay."""

import numpy as np

from optim.optimizer import Optimizer, check_non_negative, check_number


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014), PyTorch's ``torch.optim.Adam`` (same trajectory).

    For each parameter p with gradient g, at step t = 1, 2, ...::

        g <- -g                                    if maximize
        p <- p - lr * weight_decay * p             if weight_decay != 0 and decoupled (AdamW)
        g <- g + weight_decay * p                  if weight_decay != 0 and not decoupled
        m <- beta1 * m + (1 - beta1) * g           first moment, m_0 = 0
        v <- beta2 * v + (1 - beta2) * g * g       second moment, v_0 = 0
        v_max <- max(v_max, v)                     if amsgrad (then v_max replaces v below)
        denom <- sqrt(v) / sqrt(1 - beta2**t) + eps
        p <- p - (lr / (1 - beta1**t)) * m / denom

    State per parameter: ``step`` (t), ``exp_avg`` (m), ``exp_avg_sq`` (v) and, with amsgrad,
    ``max_exp_avg_sq``. The bias corrections are applied to the step size and the denominator,
    in this order, exactly as PyTorch does (another arrangement differs in the last bits).

    Args:
        params: Tensors / Scalars, or dicts of param groups.
        lr: learning rate (>= 0).
        betas: (beta1, beta2), each in [0, 1): decay rates of the two moments.
        eps: added to the denominator (>= 0).
        weight_decay: L2 penalty (>= 0).
        amsgrad: use the running maximum of v (Reddi et al., 2018).
        maximize: ascend the objective instead of descending.
        decoupled_weight_decay: shrink the weights directly (AdamW) instead of adding to g.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False):
        defaults = {
            "lr": lr,
            "betas": _as_pair(type(self).__name__, betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _check_options(self, options):
        owner = self._name()
        check_non_negative(owner, "learning rate", "lr", options["lr"])
        check_non_negative(owner, "epsilon value", "eps", options["eps"])
        for i, beta in enumerate(_as_pair(owner, options["betas"])):
            check_number(owner, f"betas[{i}]", beta)
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{owner}: Invalid beta parameter at index {i}: betas[{i}]={beta!r} "
                                 "(expected 0 <= beta < 1)")
        check_non_negative(owner, "weight_decay value", "weight_decay", options["weight_decay"])

    def _update(self, param, grad, state, group):
        lr, eps, weight_decay = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = np.zeros_like(param)
        state["step"] = step = state["step"] + 1
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]

        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                param *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * param
        lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad

        bias_correction1 = 1 - beta1**step
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        step_size = lr / bias_correction1
        if group["amsgrad"]:
            second_moment = np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
        else:
            second_moment = exp_avg_sq
        denom = np.sqrt(second_moment) / bias_correction2_sqrt + eps
        param -= step_size * exp_avg / denom


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019), PyTorch's ``torch.optim.AdamW``: Adam whose weight
    decay shrinks the weights directly instead of entering the moments.

    For each parameter p with gradient g, at step t = 1, 2, ...::

        g <- -g                                    if maximize
        p <- p - lr * weight_decay * p
        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g * g
        v_max <- max(v_max, v)                     if amsgrad (then v_max replaces v below)
        denom <- sqrt(v) / sqrt(1 - beta2**t) + eps
        p <- p - (lr / (1 - beta1**t)) * m / denom

    Same arguments as ``Adam``, with ``weight_decay`` defaulting to 1e-2.

    Defaults: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, maximize=False.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict):
        """``Optimizer.load_state_dict``, keeping the decoupled weight decay whatever the saved groups say."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:  # an AdamW stays decoupled, whatever was saved
            group["decoupled_weight_decay"] = True


def lerp_(start, end, weight):
    """``start += weight * (end - start)`` in place, rounded like PyTorch's ``lerp_`` (which
    switches to ``end - (end - start) * (1 - weight)`` for weights of 1/2 and more)."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)
    return start


def _as_pair(owner, betas):
    try:
        beta1, beta2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}") from None
    return (beta1, beta2)
