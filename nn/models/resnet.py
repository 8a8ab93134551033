"""``ResNet`` for CIFAR-10: the 6n+2-layer networks of He et al. (2016), section 4.2.

A 3x3 convolution to 16 channels, three stages of n basic blocks with 16, 32 and 64 channels
(the second and third halve the image with a stride-2 first block), global average pooling and
one linear layer: ``resnet20()`` is n = 3 (0.27M parameters), ``resnet8()`` n = 1.
"""

import numbers

from autograd.ops import shape
from nn.activation import ReLU
from nn.container import Sequential
from nn.conv import Conv2d
from nn.linear import Linear
from nn.module import Module
from nn.normalization import BatchNorm2d
from nn.resampling import AdaptiveAvgPool2d


class BasicBlock(Module):
    """relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), 3x3 convolutions without bias.

    x: (N, in_planes, H, W) -> (N, planes, H / stride, W / stride). When the shape changes the
    shortcut is option "A" (the paper's CIFAR choice: x[:, :, ::2, ::2] with zero channels
    added, no parameters) or "B" (``shortcut`` = Sequential(Conv2d 1x1 with the stride,
    BatchNorm2d): keys shortcut.0.weight, shortcut.1.*).
    """

    expansion = 1

    def __init__(self, in_planes, planes, stride=1, option="A"):
        super().__init__()
        self.conv1 = Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = BatchNorm2d(planes)
        self.conv2 = Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = BatchNorm2d(planes)
        self.relu = ReLU()
        self.option = option
        self.stride = stride
        self.extra_channels = planes - in_planes
        self.shortcut = Sequential()
        if (stride != 1 or in_planes != planes) and option == "B":
            self.shortcut = Sequential(Conv2d(in_planes, planes, 1, stride=stride, bias=False), BatchNorm2d(planes))

    def _shortcut(self, x):
        if self.option == "B" or (self.stride == 1 and self.extra_channels == 0):
            return self.shortcut(x)
        # option A: subsample, then pad the new channels with zeros (half before, half after)
        x = shape.getitem(x, (slice(None), slice(None), slice(None, None, self.stride), slice(None, None, self.stride)))
        before = self.extra_channels // 2
        return shape.pad(x, [(0, 0), (before, self.extra_channels - before), (0, 0), (0, 0)])

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self._shortcut(x))


class ResNet(Module):
    """x: (N, in_channels, H, W) (32x32 for CIFAR) -> (N, num_classes) logits.

    conv1 -> bn1 -> relu -> layer1 (16) -> layer2 (32, stride 2) -> layer3 (64, stride 2)
    -> avgpool (global) -> flatten -> fc. ``num_blocks``: blocks per stage, e.g. (3, 3, 3) for
    ResNet-20. Convolutions are initialised with kaiming_normal_ (fan_out, ReLU), BatchNorm
    with weight 1 and bias 0. state_dict keys as torchvision's names: conv1.weight, bn1.*,
    layer1.0.conv1.weight, ..., fc.{weight,bias}.

    Defaults: num_blocks=(3, 3, 3), num_classes=10, in_channels=3, option="A" (the shortcut of
    a block that changes the shape, see ``BasicBlock``: "A" zero-padding, "B" 1x1 convolutions),
    widths=(16, 32, 64) (the channels of the three stages; conv1 has widths[0]).
    """

    def __init__(self, num_blocks=(3, 3, 3), num_classes=10, in_channels=3, option="A", widths=(16, 32, 64)):
        super().__init__()
        if option not in ("A", "B"):
            raise ValueError(f"ResNet: option must be 'A' (zero-padding shortcuts) or 'B' (1x1 convolutions), "
                             f"got {option!r}")
        if len(num_blocks) != 3 or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1 for n in num_blocks
        ):
            raise ValueError(f"ResNet: num_blocks must be three positive ints, got {num_blocks!r}")
        self.conv1 = Conv2d(in_channels, widths[0], 3, stride=1, padding=1, bias=False)
        self.bn1 = BatchNorm2d(widths[0])
        self.relu = ReLU()
        in_planes = widths[0]
        for stage, (planes, blocks) in enumerate(zip(widths, num_blocks), start=1):
            layers = []
            for index in range(blocks):
                stride = 2 if stage > 1 and index == 0 else 1
                layers.append(BasicBlock(in_planes, planes, stride, option))
                in_planes = planes
            setattr(self, f"layer{stage}", Sequential(*layers))
        self.avgpool = AdaptiveAvgPool2d(1)
        self.fc = Linear(in_planes, num_classes)
        self._initialize()

    def _initialize(self):
        from nn import init

        for module in self.modules():
            if isinstance(module, Conv2d):
                init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = self.avgpool(x)
        return self.fc(shape.flatten(x, 1))


def _resnet(n):
    def build(num_classes=10, in_channels=3, option="A"):
        return ResNet((n, n, n), num_classes, in_channels, option)

    build.__name__ = f"resnet{6 * n + 2}"
    build.__doc__ = (
        f"ResNet-{6 * n + 2} for CIFAR: three stages of {n} basic block(s) (16, 32, 64 channels), "
        f"``ResNet(({n}, {n}, {n}), num_classes, in_channels, option)``.\n\n"
        "x: (N, in_channels, H, W) -> (N, num_classes) logits. Defaults num_classes=10, in_channels=3, "
        'option="A" (zero-padding shortcuts; "B": 1x1 convolutions).'
    )
    return build


resnet8, resnet20, resnet32, resnet44, resnet56 = (_resnet(n) for n in (1, 3, 5, 7, 9))
