"""``VGG``: stacks of 3x3 conv-BN-ReLU blocks and 2x2 max pooling (Simonyan and Zisserman, 2015),
sized for 32x32 images such as CIFAR-10."""

import numbers

from nn.activation import ReLU
from nn.container import Sequential
from nn.conv import Conv2d, MaxPool2d
from nn.linear import Linear
from nn.module import Module
from nn.normalization import BatchNorm2d
from nn.resampling import AdaptiveAvgPool2d
from nn.shape import Flatten

# channel counts of the 3x3 convolutions, "M" for a 2x2 max pool
VGG_CONFIGS = {
    "small": (32, 32, "M", 64, 64, "M", 128, 128, "M"),
    "vgg11": (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
}


class VGG(Module):
    """x: (N, in_channels, H, W) -> (N, num_classes) logits.

    features: for each entry of ``config``, an int c gives Conv2d(., c, 3, padding=1)
              [-> BatchNorm2d(c)] -> ReLU, "M" gives MaxPool2d(2);
    pool:     AdaptiveAvgPool2d(1) (global average pooling, so any input size >= the pools works);
    classifier: Flatten -> Linear(last c, num_classes).

    ``config``: a key of ``VGG_CONFIGS`` or a sequence; ``batch_norm=False`` leaves out the
    BatchNorm layers (and then the convolutions have biases). state_dict keys, for the torch
    model with the same Sequential layout: features.0.weight, features.1.{weight,bias,running_mean,
    running_var,num_batches_tracked}, ..., classifier.1.{weight,bias}.
    """

    def __init__(self, config="small", num_classes=10, in_channels=3, batch_norm=True):
        super().__init__()
        if isinstance(config, str):
            if config not in VGG_CONFIGS:
                raise ValueError(f"VGG: unknown config {config!r}; known: {', '.join(VGG_CONFIGS)}")
            config = VGG_CONFIGS[config]
        layers, channels = [], in_channels
        for entry in config:
            if entry == "M":
                layers.append(MaxPool2d(2))
            elif isinstance(entry, numbers.Integral) and not isinstance(entry, bool) and entry > 0:
                layers.append(Conv2d(channels, int(entry), 3, padding=1, bias=not batch_norm))
                if batch_norm:
                    layers.append(BatchNorm2d(int(entry)))
                layers.append(ReLU())
                channels = int(entry)
            else:
                raise ValueError(f"VGG: config entries must be positive ints or 'M', got {entry!r}")
        if channels == in_channels and not any(entry != "M" for entry in config):
            raise ValueError(f"VGG: config {config!r} has no convolution")
        self.config = tuple(config)
        self.features = Sequential(*layers)
        self.pool = AdaptiveAvgPool2d(1)
        self.classifier = Sequential(Flatten(), Linear(channels, num_classes))

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)))


def vgg_small(num_classes=10, in_channels=3, batch_norm=True):
    """VGG with 32-32-M-64-64-M-128-128-M: about 0.29M parameters.

    x: (N, in_channels, H, W) -> (N, num_classes) logits. Defaults num_classes=10, in_channels=3,
    batch_norm=True (False: no BatchNorm2d, and convolutions with biases).
    """
    return VGG("small", num_classes, in_channels, batch_norm)


def vgg11(num_classes=10, in_channels=3, batch_norm=True):
    """VGG-11's convolutions (configuration A) with BatchNorm and one linear layer, for 32x32 images.

    x: (N, in_channels, H, W) -> (N, num_classes) logits. Defaults num_classes=10, in_channels=3,
    batch_norm=True (False: no BatchNorm2d, and convolutions with biases).
    """
    return VGG("vgg11", num_classes, in_channels, batch_norm)
