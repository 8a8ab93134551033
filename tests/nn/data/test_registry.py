import numpy as np
import pytest

from nn.data import CIFAR10, DATASET_NAMES, Digits, FashionMNIST, load_dataset
from tests.nn.data.writers import random_mnist, write_mnist


def test_the_known_names():
    assert DATASET_NAMES == ("digits", "mnist", "fashion-mnist", "cifar10"), f"got {DATASET_NAMES}"


def test_an_unknown_name_lists_the_known_ones():
    known = "known datasets: digits, mnist, fashion-mnist, cifar10"
    with pytest.raises(ValueError, match=f"unknown dataset 'imagenet'; {known}"):
        load_dataset("imagenet")


def test_digits_options_pass_through():
    dataset = load_dataset("digits", train=False, size=28, seed=0)
    assert isinstance(dataset, Digits) and dataset.image_shape == (1, 28, 28), f"got {dataset!r}"


def test_mnist_from_a_directory(tmp_path):
    images, labels = random_mnist(3)
    write_mnist(tmp_path / "mnist", "t10k", images, labels)
    dataset = load_dataset("MNIST", root=tmp_path, train=False)
    np.testing.assert_array_equal(dataset.labels, labels, err_msg="expected the files in root/mnist to be read")


@pytest.mark.parametrize(("name", "dataset_class"), [("Fashion_MNIST", FashionMNIST), ("cifar-10", CIFAR10)])
def test_spelling_variants_reach_the_dataset(tmp_path, name, dataset_class):
    with pytest.raises(FileNotFoundError, match=dataset_class.name):
        load_dataset(name, root=tmp_path)


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist", "cifar10"])
def test_a_missing_directory_is_a_clear_file_not_found_error(tmp_path, name):
    missing = tmp_path / "no-such-dir"
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset(name, root=missing)
    message = str(caught.value)
    for needed in (name, str(missing), "does not exist", "Expected:", "download=True"):
        assert needed in message, f"expected {needed!r} in the message:\n{message}"
