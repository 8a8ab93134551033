"""The first models: ``LeNet5`` (1x28x28 images), ``SmallCNN`` (1x8x8 digits) and ``MLP``.

Each is built only from nn layers, so the same model written in PyTorch with the same layer
order has the same state_dict keys and shapes, and weights move between the two both ways.
"""

import itertools
import numbers

from nn.activation import ReLU
from nn.container import Sequential
from nn.conv import Conv2d, MaxPool2d
from nn.linear import Linear
from nn.module import Module
from nn.shape import Flatten


class LeNet5(Module):
    """LeNet-5 (LeCun et al., 1998) with ReLU and max pooling, for x: (N, in_channels, 28, 28).

    features:   Conv2d(1, 6, 5, padding=2) -> ReLU -> MaxPool2d(2)    (N, 6, 14, 14)
                Conv2d(6, 16, 5)           -> ReLU -> MaxPool2d(2)    (N, 16, 5, 5)
    classifier: Flatten -> Linear(400, 120) -> ReLU -> Linear(120, 84) -> ReLU
                -> Linear(84, num_classes)                             (N, num_classes) logits

    The padding of 2 on the first conv makes a 28x28 input behave like the original 32x32 one.
    state_dict keys: features.{0,3}.{weight,bias}, classifier.{1,3,5}.{weight,bias}. Torch
    equivalent: the same two nn.Sequential blocks under the same names.
    """

    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = Sequential(
            Conv2d(in_channels, 6, kernel_size=5, padding=2), ReLU(), MaxPool2d(2),
            Conv2d(6, 16, kernel_size=5), ReLU(), MaxPool2d(2),
        )
        self.classifier = Sequential(
            Flatten(), Linear(16 * 5 * 5, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class SmallCNN(Module):
    """A small CNN for 8x8 images such as scikit-learn's digits, x: (N, in_channels, 8, 8).

    features:   Conv2d(1, c1, 3, padding=1) -> ReLU -> MaxPool2d(2)    (N, c1, 4, 4)
                Conv2d(c1, c2, 3, padding=1) -> ReLU -> MaxPool2d(2)   (N, c2, 2, 2)
    classifier: Flatten -> Linear(4 c2, hidden) -> ReLU -> Linear(hidden, num_classes)

    Defaults c1=16, c2=32, hidden=64: about 13.7k parameters. state_dict keys:
    features.{0,3}.{weight,bias}, classifier.{1,3}.{weight,bias}.
    """

    def __init__(self, num_classes=10, in_channels=1, channels=(16, 32), hidden=64):
        super().__init__()
        c1, c2 = channels
        self.features = Sequential(
            Conv2d(in_channels, c1, kernel_size=3, padding=1), ReLU(), MaxPool2d(2),
            Conv2d(c1, c2, kernel_size=3, padding=1), ReLU(), MaxPool2d(2),
        )
        self.classifier = Sequential(Flatten(), Linear(c2 * 2 * 2, hidden), ReLU(), Linear(hidden, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class MLP(Sequential):
    """A multilayer perceptron: ``MLP(in_features, *hidden_sizes, out_features)``.

    ``MLP(64, 128, 10)`` is Flatten -> Linear(64, 128) -> ReLU -> Linear(128, 10): x of shape
    (N, in_features) or (N, C, H, W) with C*H*W = in_features -> (N, out_features). ``activation``
    is the Module class put between Linear layers (default ReLU). It is a Sequential, so its
    state_dict keys are torch's for ``nn.Sequential(nn.Flatten(), nn.Linear(...), nn.ReLU(), ...)``:
    '1.weight', '1.bias', '3.weight', ...
    """

    def __init__(self, *sizes, activation=ReLU):
        if len(sizes) < 2 or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) and n > 0 for n in sizes
        ):
            raise ValueError(f"MLP: give in_features, any hidden sizes and out_features as positive ints, "
                             f"got {sizes!r}")
        layers = [Flatten()]
        for index, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            if index:
                layers.append(activation())
            layers.append(Linear(n_in, n_out))
        super().__init__(*layers)
