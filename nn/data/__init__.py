"""``nn.data``: datasets and the ``DataLoader`` that feeds them to a model in batches.

    train = nn.data.load_dataset("digits", train=True, size=28)
    for x, y in nn.data.DataLoader(train, batch_size=64, shuffle=True, seed=0):
        ...  # x: ag.Tensor (64, 1, 28, 28) float32, y: (64,) int64 labels

Everything here uses only NumPy, the standard library and autograd (scikit-learn for digits).
"""

from nn.data import transforms
from nn.data.cifar import CIFAR10, read_cifar_batch
from nn.data.dataset import Dataset, ImageDataset, Normalize, TensorDataset
from nn.data.digits import Digits
from nn.data.download import DownloadError
from nn.data.idx import MNIST, FashionMNIST, read_idx
from nn.data.loader import DataLoader
from nn.data.registry import DATASET_NAMES, load_dataset

__all__ = [
    "CIFAR10", "DATASET_NAMES", "MNIST", "DataLoader", "Dataset", "Digits", "DownloadError", "FashionMNIST",
    "ImageDataset", "Normalize", "TensorDataset", "load_dataset", "read_cifar_batch", "read_idx", "transforms",
]
