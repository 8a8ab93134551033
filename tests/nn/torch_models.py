"""The reference PyTorch models for nn.models: the same layers under the same names, written
the way a PyTorch user would, so state_dicts and logits can be compared."""

import pytest

torch = pytest.importorskip("torch")
tnn = torch.nn


class TorchBasicBlock(tnn.Module):
    def __init__(self, in_planes, planes, stride=1, option="A"):
        super().__init__()
        self.conv1 = tnn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.conv2 = tnn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.relu = tnn.ReLU()
        self.option, self.stride, self.extra = option, stride, planes - in_planes
        self.shortcut = tnn.Sequential()
        if (stride != 1 or in_planes != planes) and option == "B":
            self.shortcut = tnn.Sequential(tnn.Conv2d(in_planes, planes, 1, stride=stride, bias=False),
                                           tnn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        if self.option == "A" and (self.stride != 1 or self.extra):
            short = tnn.functional.pad(x[:, :, ::self.stride, ::self.stride],
                                       (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))
        else:
            short = self.shortcut(x)
        return self.relu(out + short)


class TorchResNet(tnn.Module):
    def __init__(self, num_blocks, num_classes=10, in_channels=3, option="A"):
        super().__init__()
        self.conv1 = tnn.Conv2d(in_channels, 16, 3, padding=1, bias=False)
        self.bn1 = tnn.BatchNorm2d(16)
        self.relu = tnn.ReLU()
        in_planes = 16
        for stage, (planes, blocks) in enumerate(zip((16, 32, 64), num_blocks), start=1):
            layers = []
            for index in range(blocks):
                layers.append(TorchBasicBlock(in_planes, planes, 2 if stage > 1 and index == 0 else 1, option))
                in_planes = planes
            setattr(self, f"layer{stage}", tnn.Sequential(*layers))
        self.avgpool = tnn.AdaptiveAvgPool2d(1)
        self.fc = tnn.Linear(64, num_classes)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.relu(self.bn1(self.conv1(x))))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def torch_resnet(num_blocks, num_classes=10, in_channels=3, option="A"):
    return TorchResNet(num_blocks, num_classes, in_channels, option)


class TorchVGG(tnn.Module):
    def __init__(self, config, num_classes=10, in_channels=3, batch_norm=True):
        super().__init__()
        layers, channels = [], in_channels
        for entry in config:
            if entry == "M":
                layers.append(tnn.MaxPool2d(2))
            else:
                layers.append(tnn.Conv2d(channels, entry, 3, padding=1, bias=not batch_norm))
                if batch_norm:
                    layers.append(tnn.BatchNorm2d(entry))
                layers.append(tnn.ReLU())
                channels = entry
        self.features = tnn.Sequential(*layers)
        self.pool = tnn.AdaptiveAvgPool2d(1)
        self.classifier = tnn.Sequential(tnn.Flatten(), tnn.Linear(channels, num_classes))

    def forward(self, x):
        return self.classifier(self.pool(self.features(x)))


class TorchAutoencoder(tnn.Module):
    def __init__(self, in_channels=1, channels=(16, 32)):
        super().__init__()
        c1, c2 = channels
        self.encoder = tnn.Sequential(tnn.Conv2d(in_channels, c1, 3, stride=2, padding=1), tnn.ReLU(),
                                      tnn.Conv2d(c1, c2, 3, stride=2, padding=1), tnn.ReLU())
        self.decoder = tnn.Sequential(
            tnn.ConvTranspose2d(c2, c1, 3, stride=2, padding=1, output_padding=1), tnn.ReLU(),
            tnn.ConvTranspose2d(c1, in_channels, 3, stride=2, padding=1, output_padding=1), tnn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))
