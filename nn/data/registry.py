"""``load_dataset(name, ...)``: a dataset by name, the entry point of ``agrad train --dataset NAME``."""

from nn.data.cifar import CIFAR10
from nn.data.digits import Digits
from nn.data.idx import MNIST, FashionMNIST

DATASETS = {"digits": Digits, "mnist": MNIST, "fashion-mnist": FashionMNIST, "cifar10": CIFAR10}
DATASET_NAMES = tuple(DATASETS)
_ALIASES = {"fashionmnist": "fashion-mnist", "cifar-10": "cifar10"}


def load_dataset(name, root="data", train=True, download=False, **options):
    """The training (``train=True``) or test split of dataset ``name``.

    ``name``: one of ``DATASET_NAMES`` ("digits", "mnist", "fashion-mnist", "cifar10"; case and
    ``_``/``-`` do not matter). ``root``: the data directory (see each dataset for where its files
    are looked for; "digits" ships with scikit-learn and ignores ``root`` and ``download``).
    ``download=True`` fetches missing files. ``options`` go to the dataset, e.g. ``size=28``,
    ``test_fraction``, ``seed`` for digits, ``transform`` for all.

    Raises ``ValueError`` for an unknown name (listing the known ones) and ``FileNotFoundError``
    (naming the directory, the expected files and how to get them) when the files are missing.
    """
    if not isinstance(name, str):
        raise TypeError(f"load_dataset: name must be a string, got {type(name).__name__}")
    key = name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; known datasets: {', '.join(DATASET_NAMES)}")
    dataset_class = DATASETS[key]
    if dataset_class is Digits:
        return Digits(train=train, **options)
    return dataset_class(root=root, train=train, download=download, **options)
