"""The models and datasets the command line knows, and how to fit one to the other (a student's
own model comes through ``agrad.model_spec``)."""

from dataclasses import dataclass

import numpy as np

import nn
from agrad.model_spec import build_from_spec, is_model_spec
from nn.data import Normalize, load_dataset


@dataclass(frozen=True)
class ModelSpec:
    description: str
    image_size: int | None  # the square input it expects; None: any (the MLP adapts)


MODELS = {
    "lenet5": ModelSpec("LeNet-5: conv 5x5 -> 6, pool, conv 5x5 -> 16, pool, 120, 84, classes (28x28)", 28),
    "smallcnn": ModelSpec("a small CNN for 8x8 images (two 3x3 convs, ~14k parameters)", 8),
    "mlp": ModelSpec("an MLP with hidden layers of 128 and 64 units", None),
    "resnet8": ModelSpec("ResNet-8 for CIFAR (He et al. 2016; global average pooling: any image size)", None),
    "resnet20": ModelSpec("ResNet-20 for CIFAR (3 stages of 3 basic blocks, 16/32/64 channels, 0.27M)", None),
    "vgg-small": ModelSpec("a small VGG: 3x3 conv-BN-ReLU 32-32-M-64-64-M-128-128-M, global pooling", None),
}
MODEL_NAMES = tuple(MODELS)
# a student's own model (--model file.py:Class or module:factory): digits are enlarged to LeNet's 28x28
USER_MODEL = ModelSpec("your own nn.Module", 28)


def check_model_name(name):
    if is_model_spec(name):
        return USER_MODEL
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known models: {', '.join(MODEL_NAMES)}, or your own as "
                         "path/to/file.py:ClassName or package.module:factory")
    return MODELS[name]


def build_model(name, image_shape, num_classes):
    """A fresh model ``name`` for images ``image_shape`` = (C, H, W)."""
    if is_model_spec(name):
        return build_from_spec(name, image_shape, num_classes)
    spec = check_model_name(name)
    channels, height, width = image_shape
    if spec.image_size is not None and (height, width) != (spec.image_size, spec.image_size):
        raise ValueError(
            f"model {name} expects {spec.image_size}x{spec.image_size} images, the dataset has "
            f"{height}x{width}; pick another model (known: {', '.join(MODEL_NAMES)})"
        )
    if name in ("resnet8", "resnet20"):
        return getattr(nn.models, name)(num_classes=num_classes, in_channels=channels)
    if name == "vgg-small":
        return nn.models.vgg_small(num_classes=num_classes, in_channels=channels)
    if name == "lenet5":
        return nn.LeNet5(num_classes=num_classes, in_channels=channels)
    if name == "smallcnn":
        return nn.SmallCNN(num_classes=num_classes, in_channels=channels)
    return nn.MLP(channels * height * width, 128, 64, num_classes)


def load_splits(model_name, dataset_name, data_dir="data", download=False, normalization=None):
    """(train, test, normalization) for ``dataset_name`` at the size ``model_name`` needs where the
    dataset can be resized (the bundled 8x8 digits are enlarged to 28x28 for LeNet-5).

    Both splits are normalised per channel with the training split's mean and std (computed
    here unless ``normalization`` = {"mean": [...], "std": [...]} is given, as when evaluating a
    checkpoint): zero-mean, unit-variance inputs train markedly faster.
    """
    spec = check_model_name(model_name)
    options = {"size": spec.image_size or 8} if dataset_name.strip().lower() == "digits" else {}
    train = load_dataset(dataset_name, root=data_dir, train=True, download=download, **options)
    test = load_dataset(dataset_name, root=data_dir, train=False, download=download, **options)
    if normalization is None:
        images = train.images
        normalization = {
            "mean": images.mean(axis=(0, 2, 3)).tolist(),
            "std": np.maximum(images.std(axis=(0, 2, 3)), 1e-6).tolist(),
        }
    train.transform = test.transform = Normalize(normalization["mean"], normalization["std"])
    return train, test, normalization
