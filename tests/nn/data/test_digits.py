import numpy as np
import pytest

from nn.data import DataLoader, Digits
from nn.data.digits import load_digits_arrays, resize_bilinear, stratified_split

pytest.importorskip("sklearn")


def test_digits_images_are_float32_scaled_by_one_sixteenth():
    train = Digits()
    images = train.images
    assert images.shape == (len(train), 1, 8, 8) and images.dtype == np.float32, f"got {images.shape} {images.dtype}"
    raw, labels = load_digits_arrays()
    np.testing.assert_array_equal(images * 16, raw[train.indices], err_msg="expected sklearn's pixels / 16")
    np.testing.assert_array_equal(train.labels, labels[train.indices], err_msg="expected sklearn's labels")
    assert train.labels.dtype == np.int64 and images.min() == 0 and images.max() == 1, "expected [0, 1], int64"


def test_the_split_is_disjoint_complete_and_stratified():
    train, test = Digits(train=True), Digits(train=False)
    assert np.intersect1d(train.indices, test.indices).size == 0, "expected no sample in both sets"
    assert len(train) + len(test) == 1797, f"expected all 1797 samples, got {len(train)} + {len(test)}"
    _, labels = load_digits_arrays()
    per_class = np.bincount(labels)
    expected_test = np.floor(0.2 * per_class + 0.5)
    np.testing.assert_array_equal(np.bincount(test.labels), expected_test, err_msg="expected 20% of each class")


def test_the_split_is_pinned_across_runs_and_machines():
    test = Digits(train=False)
    # hash-based, so these are the same on every machine and NumPy version
    assert test.indices[:12].tolist() == [3, 10, 18, 21, 33, 41, 48, 49, 68, 82, 83, 100], "expected the pinned split"
    assert int(test.indices.sum()) == 335176, "expected the pinned split"
    np.testing.assert_array_equal(Digits(train=False).indices, test.indices, err_msg="expected the same split again")
    assert not np.array_equal(Digits(train=False, seed=1).indices, test.indices), "expected another seed to differ"


def test_stratified_split_respects_the_fraction_for_any_labels():
    labels = np.repeat(np.arange(3), [10, 5, 1])
    train, test = stratified_split(labels, 0.3, seed=4)
    assert np.bincount(labels[test], minlength=3).tolist() == [3, 2, 0], "expected round(0.3 * count) per class"
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(16)), "expected a partition"


def test_size_28_centres_a_20_pixel_digit_like_mnist():
    digits = Digits(size=28)
    images = digits.images
    assert images.shape == (len(digits), 1, 28, 28) and images.dtype == np.float32, f"got {images.shape}"
    border = np.ones((28, 28), dtype=bool)
    border[4:24, 4:24] = False
    assert np.all(images[:, :, border] == 0), "expected a blank 4-pixel border"
    assert images.min() >= 0 and images.max() <= 1, "expected values in [0, 1]"
    small = Digits().images
    np.testing.assert_allclose(images[:, :, 4:24, 4:24], resize_bilinear(small, 20, 20), rtol=1e-6)


def test_resize_bilinear_matches_torch_interpolate():
    torch = pytest.importorskip("torch")
    images = np.random.default_rng(0).random((2, 3, 8, 8))
    for size in [(20, 20), (28, 11), (5, 13)]:
        expected = torch.nn.functional.interpolate(
            torch.from_numpy(images), size=size, mode="bilinear", align_corners=False
        ).numpy()
        np.testing.assert_allclose(resize_bilinear(images, *size), expected, atol=1e-12, err_msg=f"size {size}")


def test_resize_bilinear_keeps_constants():
    images = np.full((1, 1, 8, 8), 0.75, dtype=np.float32)
    out = resize_bilinear(images, 20, 20)
    assert out.dtype == np.float32, f"expected float32 to stay float32, got {out.dtype}"
    np.testing.assert_allclose(out, 0.75, rtol=1e-6, err_msg="expected interpolation weights summing to 1")


def test_digits_feed_the_loader_as_float32_batches():
    x, y = next(iter(DataLoader(Digits(size=28), batch_size=16, shuffle=True, seed=0)))
    assert x.shape == (16, 1, 28, 28) and x.dtype == np.float32 and not x.requires_grad, f"got {x.shape} {x.dtype}"
    assert y.shape == (16,) and y.dtype == np.int64, f"got labels {y.shape} {y.dtype}"


@pytest.mark.parametrize("arguments", [{"size": 4}, {"size": 28.0}, {"test_fraction": 0.0}, {"test_fraction": 1.5}])
def test_bad_arguments_are_value_errors(arguments):
    with pytest.raises(ValueError, match="Digits"):
        Digits(**arguments)
