"""Loss modules, PyTorch's: each stores its settings and calls the function in
``nn.functional`` (see there for shapes and formulas). Class weights and pos_weight are
buffers, as in torch. Call as ``loss_fn(input, target)``."""

from nn import functional as F
from nn.loss_functions import check_reduction
from nn.module import Module


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        check_reduction(reduction, type(self).__name__)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error; input and target of one shape.

    Called as ``loss(input, target)``: shapes and formula as in ``nn.functional.mse_loss``;
    reduction='mean' by default ('sum', 'none').
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits (N, C) [or (N, C, *d), or (C,)] against integer class targets.

     Called as ``loss(input, target)``: shapes and formula as in ``nn.functional.cross_entropy``.
     Defaults: weight=None (every class 1), ignore_index=-100, reduction='mean', label_smoothing=0.0.
    """

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                                self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (N, C) against integer class targets.

     Called as ``loss(input, target)``: shapes and formula as in ``nn.functional.nll_loss``.
     Defaults: weight=None (every class 1), ignore_index=-100, reduction='mean'.
    """

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities in [0, 1] (logs clamped at -100).

     Called as ``loss(input, target)``, both of one shape with values in [0, 1]: the formula as in
     ``nn.functional.binary_cross_entropy``. Defaults: weight=None (every element 1), reduction='mean'.
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy computed from logits, stable for any logit size.

     Called as ``loss(input, target)``, logits and targets in [0, 1] of one shape: the formula as in
     ``nn.functional.binary_cross_entropy_with_logits``. Defaults: weight=None, pos_weight=None
     (every element 1), reduction='mean'.
    """

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)
