import numpy as np
import pytest

from nn.data import CIFAR10, read_cifar_batch
from tests.nn.data.writers import cifar_bytes, random_cifar, write_cifar_set


def test_read_cifar_batch_round_trips_records_exactly(tmp_path):
    images, labels = random_cifar(3)
    path = tmp_path / "data_batch_1.bin"
    path.write_bytes(cifar_bytes(images, labels))
    parsed_images, parsed_labels = read_cifar_batch(path)
    np.testing.assert_array_equal(parsed_images, images, err_msg="expected the (3, 32, 32) pixels back exactly")
    np.testing.assert_array_equal(parsed_labels, labels, err_msg="expected the labels back exactly")
    assert parsed_labels.dtype == np.int64, f"expected int64 labels, got {parsed_labels.dtype}"


def test_channels_are_the_red_green_blue_planes_in_order(tmp_path):
    record = bytes([7]) + bytes([10]) * 1024 + bytes([20]) * 1024 + bytes([30]) * 1024
    path = tmp_path / "one.bin"
    path.write_bytes(record)
    images, labels = read_cifar_batch(path)
    assert labels.tolist() == [7], f"expected label 7, got {labels.tolist()}"
    assert images[0, :, 5, 9].tolist() == [10, 20, 30], f"expected R, G, B = 10, 20, 30, got {images[0, :, 5, 9]}"


@pytest.mark.parametrize("size", [0, 3073 * 2 - 1, 3073 * 2 + 5])
def test_a_size_that_is_not_whole_records_names_the_file(tmp_path, size):
    path = tmp_path / "data_batch_3.bin"
    path.write_bytes(bytes(size))
    with pytest.raises(ValueError, match=rf"data_batch_3\.bin: {size} bytes is not a whole number of CIFAR-10 records"):
        read_cifar_batch(path)


def test_a_label_above_nine_is_refused(tmp_path):
    images, labels = random_cifar(3)
    labels[1] = 12
    path = tmp_path / "test_batch.bin"
    path.write_bytes(cifar_bytes(images, labels))
    with pytest.raises(ValueError, match=r"test_batch\.bin: record 1 has label 12"):
        read_cifar_batch(path)


def test_cifar10_dataset_concatenates_the_five_training_batches_in_order(tmp_path):
    (train_images, train_labels), (_, test_labels) = write_cifar_set(tmp_path / "cifar10", per_batch=2)
    train, test = CIFAR10(tmp_path), CIFAR10(tmp_path, train=False)
    assert (len(train), len(test)) == (10, 2), f"expected 10 train and 2 test images, got {len(train)}, {len(test)}"
    np.testing.assert_array_equal(train.labels, train_labels, err_msg="expected batches 1..5 in order")
    np.testing.assert_allclose(train.images, train_images / np.float32(255), rtol=1e-6, err_msg="expected bytes / 255")
    assert train.images.dtype == np.float32 and test.image_shape == (3, 32, 32)
    np.testing.assert_array_equal(test.labels, test_labels, err_msg="expected the test batch")


def test_cifar10_is_found_in_the_archive_folder(tmp_path):
    write_cifar_set(tmp_path / "cifar-10-batches-bin", per_batch=1)
    assert len(CIFAR10(tmp_path, train=False)) == 1, "expected root/cifar-10-batches-bin to be searched"


def test_missing_cifar_files_explain_where_and_how(tmp_path):
    (tmp_path / "cifar10").mkdir()
    (tmp_path / "cifar10" / "data_batch_1").write_bytes(b"a pickle we must never read")
    with pytest.raises(FileNotFoundError) as caught:
        CIFAR10(tmp_path)
    message = str(caught.value)
    for needed in ("data_batch_1.bin", "data_batch_5.bin", str(tmp_path / "cifar10"), "download=True",
                   "cifar-10-binary.tar.gz", "not the Python one"):
        assert needed in message, f"expected {needed!r} in the message:\n{message}"
