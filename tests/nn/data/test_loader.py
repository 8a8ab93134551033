import numpy as np
import pytest

import autograd as ag
from nn.data import DataLoader, ImageDataset, Normalize, TensorDataset


def _numbered(count, features=3):
    """x row i is filled with i, so a batch tells which samples it holds."""
    x = np.repeat(np.arange(count, dtype=np.float64)[:, None], features, axis=1)
    return TensorDataset(x, np.arange(count) % 10)


def _sample_ids(x):
    return x.value[:, 0].astype(np.int64).tolist()


def test_tensor_dataset_needs_a_common_first_dimension():
    with pytest.raises(ValueError, match=r"same first dimension.*\(4, 2\), \(3,\)"):
        TensorDataset(np.zeros((4, 2)), np.zeros(3))


def test_tensor_dataset_items_are_tuples_and_tensors_are_accepted():
    x = ag.Tensor(np.arange(6.0).reshape(3, 2))
    dataset = TensorDataset(x, np.array([5, 6, 7]))
    assert len(dataset) == 3, f"expected 3 samples, got {len(dataset)}"
    features, label = dataset[1]
    assert features.tolist() == [2.0, 3.0] and label == 6, f"expected ([2, 3], 6), got {dataset[1]}"


def test_batches_in_order_with_a_short_last_batch():
    loader = DataLoader(_numbered(10), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 == len(batches), f"expected 3 batches, len {len(loader)}, got {len(batches)}"
    assert [_sample_ids(x) for x, _ in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], "expected samples in order"
    x, y = batches[0]
    assert isinstance(x, ag.Tensor) and x.dtype == np.float32, f"expected a float32 Tensor, got {x!r}"
    assert not x.requires_grad, "expected data that does not require grad"
    assert isinstance(y, np.ndarray) and y.dtype == np.int64, f"expected int64 labels, got {type(y)} {y.dtype}"
    assert y.tolist() == [0, 1, 2, 3], f"expected labels 0..3, got {y.tolist()}"


def test_drop_last_drops_the_short_batch():
    loader = DataLoader(_numbered(10), batch_size=4, drop_last=True)
    sizes = [len(y) for _, y in loader]
    assert len(loader) == 2 and sizes == [4, 4], f"expected two batches of 4, len {len(loader)}, sizes {sizes}"
    assert len(DataLoader(_numbered(8), batch_size=4, drop_last=True)) == 2, "expected an exact fit to keep all"
    assert len(DataLoader(_numbered(3), batch_size=4, drop_last=True)) == 0, "expected no batch from 3 samples"


def test_shuffle_visits_every_sample_once_in_a_new_order_each_epoch():
    loader = DataLoader(_numbered(50), batch_size=8, shuffle=True, seed=3)
    epochs = [[i for x, _ in loader for i in _sample_ids(x)] for _ in range(3)]
    for order in epochs:
        assert sorted(order) == list(range(50)), "expected each sample exactly once per epoch"
    assert epochs[0] != list(range(50)), "expected a shuffled order"
    assert epochs[0] != epochs[1] != epochs[2], "expected a new order each epoch"


def test_the_same_seed_gives_the_same_sequence_of_orders_and_another_seed_does_not():
    def orders(seed):
        loader = DataLoader(_numbered(40), batch_size=16, shuffle=True, seed=seed)
        return [[i for x, _ in loader for i in _sample_ids(x)] for _ in range(3)]

    assert orders(7) == orders(7), "expected identical epoch orders for the same seed"
    assert orders(7) != orders(8), "expected different orders for another seed"


def test_setting_the_epoch_resumes_the_sequence():
    first = DataLoader(_numbered(30), batch_size=30, shuffle=True, seed=1)
    uninterrupted = [_sample_ids(next(iter(first))[0]) for _ in range(3)]
    resumed = DataLoader(_numbered(30), batch_size=30, shuffle=True, seed=1)
    resumed.epoch = 2
    assert _sample_ids(next(iter(resumed))[0]) == uninterrupted[2], "expected epoch 2's order after resuming"


def test_labels_and_features_stay_paired_when_shuffled():
    loader = DataLoader(_numbered(25), batch_size=7, shuffle=True, seed=0)
    for x, y in loader:
        np.testing.assert_array_equal(np.array(_sample_ids(x)) % 10, y, err_msg="expected each label with its sample")


def test_array_backed_datasets_are_gathered_without_per_sample_access():
    class NoItems(TensorDataset):
        def __getitem__(self, index):
            raise AssertionError("the loader must gather array-backed batches with get_batch")

    x, y = next(iter(DataLoader(NoItems(np.ones((6, 2)), np.zeros(6, dtype=np.int32)), batch_size=4)))
    assert x.shape == (4, 2) and y.dtype == np.int64, f"expected a (4, 2) batch and int64 labels, got {x.shape}"


def test_generic_datasets_are_stacked_sample_by_sample():
    class Squares:
        def __len__(self):
            return 5

        def __getitem__(self, index):
            return np.full((2, 2), float(index)), index * index

    x, y = list(DataLoader(Squares(), batch_size=3))[1]
    assert x.shape == (2, 2, 2) and x.value[:, 0, 0].tolist() == [3.0, 4.0], f"expected samples 3, 4, got {x}"
    assert y.tolist() == [9, 16] and y.dtype == np.int64, f"expected labels [9, 16] int64, got {y}"


def test_samples_that_are_not_tuples_yield_the_batch_alone():
    class Plain:
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return np.array([index, index], dtype=np.float64)

    batches = list(DataLoader(Plain(), batch_size=2))
    assert isinstance(batches[0], ag.Tensor) and batches[1].value.tolist() == [[2, 2], [3, 3]], "expected Tensors"


def test_float_targets_come_as_float32_arrays():
    _, y = next(iter(DataLoader(TensorDataset(np.ones((3, 2)), np.linspace(0, 1, 3)), batch_size=3)))
    assert y.dtype == np.float32, f"expected float32 regression targets, got {y.dtype}"


@pytest.mark.parametrize("batch_size", [0, -2])
def test_batch_size_below_one_is_a_value_error(batch_size):
    with pytest.raises(ValueError, match=f"batch_size must be at least 1, got {batch_size}"):
        DataLoader(_numbered(3), batch_size=batch_size)


def test_a_non_integer_batch_size_or_dataset_is_a_type_error():
    with pytest.raises(TypeError, match="batch_size must be an integer"):
        DataLoader(_numbered(3), batch_size=2.5)
    with pytest.raises(TypeError, match="__len__ and __getitem__"):
        DataLoader(42)


def test_image_dataset_scales_per_batch_and_indexes_like_a_sequence():
    raw = np.arange(2 * 1 * 2 * 2, dtype=np.uint8).reshape(2, 1, 2, 2) * 50
    dataset = ImageDataset(raw, [3, 4], scale=1 / 255, transform=Normalize(0.5, 0.25))
    image, label = dataset[-1]
    expected = (raw[1].astype(np.float32) / 255 - 0.5) / 0.25
    np.testing.assert_allclose(image, expected, rtol=1e-6, err_msg="expected (byte / 255 - mean) / std")
    assert image.dtype == np.float32 and label == 4, f"expected float32 and label 4, got {image.dtype}, {label}"
    with pytest.raises(IndexError, match="index 2 is out of range for 2 samples"):
        dataset[2]


def test_normalize_is_per_channel_and_checks_its_arguments():
    images = np.ones((2, 3, 2, 2), dtype=np.float32)
    out = Normalize((0.0, 0.5, 1.0), (1.0, 0.5, 2.0))(images)
    assert out[0, :, 0, 0].tolist() == [1.0, 1.0, 0.0], f"expected per-channel results, got {out[0, :, 0, 0]}"
    with pytest.raises(ValueError, match="std must be positive"):
        Normalize(0.0, 0.0)
    with pytest.raises(ValueError, match="2 mean values for images with 3 channels"):
        Normalize((0.1, 0.2), 1.0)(images)
