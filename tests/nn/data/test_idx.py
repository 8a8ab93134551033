import gzip

import numpy as np
import pytest

from nn.data import MNIST, FashionMNIST, read_idx
from nn.data.idx import IMAGES_MAGIC, LABELS_MAGIC
from tests.nn.data.writers import idx_bytes, random_mnist, write_idx, write_mnist


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
def test_read_idx_round_trips_images_and_labels_exactly(tmp_path, gz):
    images, labels = random_mnist(5)
    image_file = write_idx(tmp_path / "images", images, gz)
    label_file = write_idx(tmp_path / "labels", labels, gz)
    parsed_images = read_idx(image_file, IMAGES_MAGIC)
    parsed_labels = read_idx(label_file, LABELS_MAGIC)
    np.testing.assert_array_equal(parsed_images, images, err_msg="expected the image bytes back exactly")
    np.testing.assert_array_equal(parsed_labels, labels, err_msg="expected the label bytes back exactly")
    assert parsed_images.shape == (5, 28, 28), f"expected shape (5, 28, 28), got {parsed_images.shape}"


@pytest.mark.parametrize("dtype", [np.int32, np.float32])
def test_read_idx_converts_big_endian_types_to_native(tmp_path, dtype):
    values = (np.arange(24).reshape(2, 3, 4) * 1000 - 7000).astype(dtype)
    parsed = read_idx(write_idx(tmp_path / "values", values))
    assert parsed.dtype == np.dtype(dtype) and parsed.dtype.isnative, f"expected native {dtype}, got {parsed.dtype}"
    np.testing.assert_array_equal(parsed, values, err_msg="expected multi-byte values decoded big-endian")


def test_wrong_magic_number_names_the_file_and_both_numbers(tmp_path):
    _, labels = random_mnist(3)
    path = write_idx(tmp_path / "train-images-idx3-ubyte", labels)  # a labels file where images belong
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.*0x00000801.*expected 0x00000803"):
        read_idx(path, IMAGES_MAGIC)


def test_a_file_that_is_not_idx_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello, this is not an IDX file")
    with pytest.raises(ValueError, match=r"notes\.txt.*not an IDX"):
        read_idx(path)


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
def test_truncated_payload_is_reported_with_expected_and_actual_sizes(tmp_path, gz):
    images, _ = random_mnist(2)
    data = idx_bytes(images)[:-10]
    path = tmp_path / "cut"
    path.write_bytes(gzip.compress(data) if gz else data)
    expected = 2 * 28 * 28
    with pytest.raises(ValueError, match=rf"cut: truncated.*{expected} bytes.*holds {expected - 10}"):
        read_idx(path, IMAGES_MAGIC)


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
def test_oversized_payload_is_reported(tmp_path, gz):
    images, _ = random_mnist(2)
    data = idx_bytes(images) + b"\x00" * 7
    path = tmp_path / "long"
    path.write_bytes(gzip.compress(data) if gz else data)
    expected = 2 * 28 * 28
    with pytest.raises(ValueError, match=rf"long: longer than its header says.*{expected} bytes.*holds {expected + 7}"):
        read_idx(path, IMAGES_MAGIC)


def test_cut_header_is_reported(tmp_path):
    images, _ = random_mnist(1)
    short = tmp_path / "short"
    short.write_bytes(idx_bytes(images)[:2])
    with pytest.raises(ValueError, match="short: only 2 bytes"):
        read_idx(short)
    no_sizes = tmp_path / "no_sizes"
    no_sizes.write_bytes(idx_bytes(images)[:9])
    with pytest.raises(ValueError, match="no_sizes: the header is cut short"):
        read_idx(no_sizes)


def test_damaged_gzip_is_reported_naming_the_file(tmp_path):
    images, _ = random_mnist(2)
    path = tmp_path / "damaged.gz"
    path.write_bytes(gzip.compress(idx_bytes(images))[:-30])
    with pytest.raises(ValueError, match=r"damaged\.gz"):
        read_idx(path, IMAGES_MAGIC)


def test_a_huge_header_does_not_allocate_what_it_announces(tmp_path):
    path = tmp_path / "liar"
    path.write_bytes(bytes([0, 0, 8, 3]) + (60000).to_bytes(4, "big") + (50000).to_bytes(4, "big") * 2 + b"\x01" * 9)
    with pytest.raises(ValueError, match=r"liar: truncated.*holds 9"):
        read_idx(path, IMAGES_MAGIC)


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
def test_mnist_dataset_scales_bytes_and_picks_the_split(tmp_path, gz):
    train_images, train_labels = random_mnist(6, seed=1)
    test_images, test_labels = random_mnist(4, seed=2)
    write_mnist(tmp_path, "train", train_images, train_labels, gz)
    write_mnist(tmp_path, "t10k", test_images, test_labels, gz)
    train, test = MNIST(tmp_path), MNIST(tmp_path, train=False)
    assert (len(train), len(test)) == (6, 4), f"expected 6 train and 4 test samples, got {len(train)}, {len(test)}"
    assert train.images.dtype == np.float32 and train.images.shape == (6, 1, 28, 28)
    np.testing.assert_allclose(
        train.images[:, 0], train_images.astype(np.float32) / 255, rtol=1e-6, err_msg="expected bytes / 255"
    )
    np.testing.assert_array_equal(test.labels, test_labels, err_msg="expected the test labels")
    assert test.labels.dtype == np.int64, f"expected int64 labels, got {test.labels.dtype}"
    image, label = test[-1]
    assert image.shape == (1, 28, 28) and label == test_labels[-1], "expected the last test sample"


def test_mnist_is_found_in_the_dataset_subfolder_and_under_the_dotted_names(tmp_path):
    images, labels = random_mnist(3)
    folder = tmp_path / "mnist"
    folder.mkdir()
    write_idx(folder / "train-images.idx3-ubyte", images)
    write_idx(folder / "train-labels.idx1-ubyte", labels)
    np.testing.assert_array_equal(MNIST(tmp_path).labels, labels, err_msg="expected data/mnist/ to be searched")


def test_fashion_mnist_reads_its_own_folder_and_classes(tmp_path):
    images, labels = random_mnist(3)
    write_mnist(tmp_path / "fashion-mnist", "t10k", images, labels)
    dataset = FashionMNIST(tmp_path, train=False)
    assert dataset.classes[9] == "Ankle boot" and len(dataset) == 3, "expected Fashion-MNIST's classes and data"
    with pytest.raises(FileNotFoundError, match="mnist"):
        MNIST(tmp_path, train=False)  # the fashion files must not pass for MNIST


def test_image_and_label_count_mismatch_names_both_files(tmp_path):
    images, labels = random_mnist(4)
    write_mnist(tmp_path, "train", images, labels[:3])
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz holds 4 images.*train-labels-idx1-ubyte\.gz"):
        MNIST(tmp_path)


def test_label_out_of_range_names_the_labels_file(tmp_path):
    images, labels = random_mnist(4)
    labels[2] = 11
    write_mnist(tmp_path, "train", images, labels)
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte\.gz: label 11 at position 2"):
        MNIST(tmp_path)


def test_missing_mnist_files_name_the_directory_the_files_and_the_remedy(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError) as caught:
        MNIST(missing)
    message = str(caught.value)
    for needed in (str(missing), "does not exist", "train-images-idx3-ubyte[.gz]", "train-labels-idx1-ubyte",
                   "download=True", "https://ossci-datasets.s3.amazonaws.com/mnist/"):
        assert needed in message, f"expected {needed!r} in the message:\n{message}"


def test_only_the_labels_missing_is_still_a_clear_error(tmp_path):
    images, _ = random_mnist(2)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", images)
    with pytest.raises(FileNotFoundError, match=r"has t10k-images-idx3-ubyte but not t10k-labels-idx1-ubyte\[\.gz\]"):
        MNIST(tmp_path, train=False)
