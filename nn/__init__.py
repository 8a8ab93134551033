"""agrad's neural-network layers, losses, models and checkpoints (``import nn``).

PyTorch's names, arguments, defaults and state_dict keys, so code and weights move between the
two: ``nn.Module``, ``nn.Parameter``, layers (``nn.Linear``, ``nn.Conv2d``, ...), losses
(``nn.CrossEntropyLoss``, ...), the function API ``nn.functional`` and ``nn.save`` / ``nn.load``.

Models are float32 (``model.double()`` for float64 checks). Weights move to and from PyTorch
for the same layer layout::

    model.load_state_dict(torch_model.state_dict())                      # torch -> agrad
    torch_model.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
"""

from nn import data, functional, init, models, utils
from nn.activation import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from nn.container import ModuleDict, ModuleList, Sequential
from nn.conv import AvgPool2d, Conv2d, MaxPool2d, MaxUnpool2d
from nn.conv_transpose import ConvTranspose2d
from nn.dropout import Dropout, Dropout2d
from nn.linear import Linear
from nn.loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from nn.models import MLP, LeNet5, SmallCNN
from nn.module import IncompatibleKeys, LoadStateDictError, Module
from nn.normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from nn.parameter import Parameter
from nn.resampling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, Upsample
from nn.serialization import load, save
from nn.shape import Flatten, Identity

__all__ = [
    "ELU", "GELU", "MLP", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "AvgPool2d", "BCELoss", "BCEWithLogitsLoss",
    "BatchNorm1d", "BatchNorm2d", "Conv2d", "ConvTranspose2d", "CrossEntropyLoss", "Dropout", "Dropout2d",
    "Flatten", "GroupNorm", "Hardtanh", "Identity", "IncompatibleKeys", "LayerNorm", "LeNet5", "LeakyReLU",
    "Linear", "LoadStateDictError", "LogSoftmax", "MSELoss", "MaxPool2d", "MaxUnpool2d", "Module", "ModuleDict",
    "ModuleList",
    "NLLLoss", "Parameter", "ReLU", "Sequential", "SiLU", "Sigmoid", "SmallCNN", "Softmax", "Softplus", "Tanh",
    "Upsample", "data", "functional", "init", "load", "models", "save", "utils",
]
