"""agrad's optimizers and learning-rate schedulers, with PyTorch's names, defaults and
trajectories: ``optim.SGD(model.parameters(), lr=0.1, momentum=0.9)``.

They take Tensors / ``nn.Parameter``s or the lecture's lists of ``ag.Scalar``
(``optim.SGD(model.parameters, lr=0.1)``).
"""

from optim import lr_scheduler
from optim.adam import Adam, AdamW
from optim.flat_state import flatten_state_dict, unflatten_state_dict
from optim.optimizer import Optimizer
from optim.rmsprop import RMSprop
from optim.sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "Optimizer",
    "RMSprop",
    "flatten_state_dict",
    "lr_scheduler",
    "unflatten_state_dict",
]
