"""agrad's neural-network layers, losses, models and checkpoints (``import nn``).

PyTorch's names, arguments, defaults and state_dict keys, so code and weights move between the
two: ``nn.Module``, ``nn.Parameter``, layers (``nn.Linear``, ``nn.Conv2d``, ...), losses
(``nn.CrossEntropyLoss``, ...), the function API ``nn.functional`` and ``nn.save`` / ``nn.load``.

Models are float32 (``model.double()`` for float64 checks). Weights move to and from PyTorch
for the same layer layout::

    model.load_state_dict(torch_model.state_dict())                      # torch -> agrad
    torch_model.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
"""

from nn import data, functional, init
from nn.activation import ReLU, Sigmoid, Tanh
from nn.container import Sequential
from nn.conv import AvgPool2d, Conv2d, MaxPool2d
from nn.dropout import Dropout
from nn.linear import Linear
from nn.loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from nn.models import MLP, LeNet5, SmallCNN
from nn.module import IncompatibleKeys, LoadStateDictError, Module
from nn.normalization import BatchNorm1d, BatchNorm2d
from nn.parameter import Parameter
from nn.serialization import load, save
from nn.shape import Flatten, Identity

__all__ = [
    "MLP", "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv2d",
    "CrossEntropyLoss", "Dropout", "Flatten", "Identity", "IncompatibleKeys", "LeNet5", "Linear",
    "LoadStateDictError", "MSELoss", "MaxPool2d", "Module", "NLLLoss", "Parameter", "ReLU", "Sequential",
    "Sigmoid", "SmallCNN", "Tanh", "data", "functional", "init", "load", "save",
]
