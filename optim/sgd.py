"""``optim.SGD``: gradient descent with optional momentum, Nesterov momentum and weight decay."""

import numpy as np

from optim.optimizer import Optimizer, check_non_negative, check_number


class SGD(Optimizer):
    """Stochastic gradient descent (PyTorch's ``torch.optim.SGD``, same trajectory).

    For each parameter p with gradient g, at step t = 1, 2, ...::

        g <- -g                                        if maximize
        g <- g + weight_decay * p                      if weight_decay != 0
        if momentum != 0:
            b <- g                                     at t = 1
            b <- momentum * b + (1 - dampening) * g    at t > 1
            g <- g + momentum * b                      if nesterov
            g <- b                                     otherwise
        p <- p - lr * g

    Without momentum this is the lecture's ``param.value -= lr * param.grad``. The momentum
    buffer b is the parameter's ``state['momentum_buffer']``. Note (as in PyTorch) the learning
    rate multiplies the buffer, it is not folded into it.

    Args:
        params: Tensors / Scalars, or dicts of param groups.
        lr: learning rate (>= 0).
        momentum: momentum factor (>= 0).
        dampening: dampening for momentum.
        weight_decay: L2 penalty (>= 0), added to the gradient.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening = 0).
        maximize: ascend the objective instead of descending.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False):
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_options(self, options):
        check_non_negative("SGD", "learning rate", "lr", options["lr"])
        check_non_negative("SGD", "momentum value", "momentum", options["momentum"])
        check_number("SGD", "dampening", options["dampening"])
        check_non_negative("SGD", "weight_decay value", "weight_decay", options["weight_decay"])
        if options["nesterov"] and (options["momentum"] <= 0 or options["dampening"] != 0):
            raise ValueError(
                "SGD: Nesterov momentum requires a momentum and zero dampening, got "
                f"momentum={options['momentum']!r}, dampening={options['dampening']!r}"
            )

    def _update(self, param, grad, state, group):
        lr, momentum = float(group["lr"]), float(group["momentum"])
        dampening, weight_decay = float(group["dampening"]), float(group["weight_decay"])
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            grad = grad + weight_decay * param
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, dtype=param.dtype)
            else:
                buf *= momentum
                buf += (1 - dampening) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        param -= lr * grad
