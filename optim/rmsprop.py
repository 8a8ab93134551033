"""``optim.RMSprop``: divide the gradient by a running root mean square of recent gradients."""

import numpy as np

from optim.adam import lerp_
from optim.optimizer import Optimizer, check_non_negative


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), PyTorch's ``torch.optim.RMSprop`` (same trajectory).

    For each parameter p with gradient g::

        g <- -g                                         if maximize
        g <- g + weight_decay * p                       if weight_decay != 0
        v <- alpha * v + (1 - alpha) * g * g            v_0 = 0
        if centered:
            g_avg <- alpha * g_avg + (1 - alpha) * g    g_avg_0 = 0
            avg <- sqrt(v - g_avg * g_avg) + eps
        else:
            avg <- sqrt(v) + eps
        if momentum > 0:
            b <- momentum * b + g / avg                 b_0 = 0
            p <- p - lr * b
        else:
            p <- p - lr * g / avg

    State per parameter: ``step``, ``square_avg`` (v), and ``momentum_buffer`` (b) /
    ``grad_avg`` (g_avg) when momentum / centered are on.

    Args:
        params: Tensors / Scalars, or dicts of param groups.
        lr: learning rate (>= 0).
        alpha: smoothing constant, in [0, 1] (PyTorch only checks alpha >= 0; above 1 the
            average of g*g can turn negative and the update NaN, so it is refused here).
        eps: added to the denominator (>= 0).
        weight_decay: L2 penalty (>= 0).
        momentum: momentum factor (>= 0).
        centered: normalize by an estimate of the gradient's variance instead of its second moment.
        maximize: ascend the objective instead of descending.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, *,
                 maximize=False):
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_options(self, options):
        check_non_negative("RMSprop", "learning rate", "lr", options["lr"])
        check_non_negative("RMSprop", "epsilon value", "eps", options["eps"])
        check_non_negative("RMSprop", "momentum value", "momentum", options["momentum"])
        check_non_negative("RMSprop", "weight_decay value", "weight_decay", options["weight_decay"])
        check_non_negative("RMSprop", "alpha value", "alpha", options["alpha"])
        if options["alpha"] > 1:
            raise ValueError(f"RMSprop: Invalid alpha value: alpha={options['alpha']!r} (expected alpha <= 1)")

    def _update(self, param, grad, state, group):
        lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
        weight_decay, momentum = float(group["weight_decay"]), float(group["momentum"])
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(param)
        state["step"] += 1
        square_avg = state["square_avg"]

        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            grad = grad + weight_decay * param
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state.get("grad_avg")
            if grad_avg is None:
                grad_avg = state["grad_avg"] = np.zeros_like(param)
            lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = np.sqrt(square_avg) + eps
        if momentum > 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.zeros_like(param)
            buf *= momentum
            buf += grad / avg
            param -= lr * buf
        else:
            param -= lr * grad / avg
