"""Ready-made models (``nn.models``), each built only from nn layers so that the same model
written in PyTorch with the same layer names has the same state_dict keys and shapes:

- ``LeNet5`` (1x28x28), ``SmallCNN`` (1x8x8 digits), ``MLP``;
- ``VGG`` (stacks of 3x3 conv-BN-ReLU blocks; ``vgg_small()``), for 32x32 images;
- ``ResNet`` for CIFAR (He et al., 2016: ``resnet8()``, ``resnet20()``, ``resnet32()``, ...);
- ``ConvAutoencoder`` (a strided-conv encoder and a ``ConvTranspose2d`` decoder).
"""

from nn.models.autoencoder import ConvAutoencoder
from nn.models.classic import MLP, LeNet5, SmallCNN
from nn.models.resnet import BasicBlock, ResNet, resnet8, resnet20, resnet32, resnet44, resnet56
from nn.models.vgg import VGG, VGG_CONFIGS, vgg11, vgg_small

__all__ = [
    "MLP", "VGG", "VGG_CONFIGS", "BasicBlock", "ConvAutoencoder", "LeNet5", "ResNet", "SmallCNN", "resnet8",
    "resnet20", "resnet32", "resnet44", "resnet56", "vgg11", "vgg_small",
]
