"""nn.data.transforms: RandomCrop and RandomHorizontalFlip equal a per-image reference, Compose and
Normalize, and augmentation through the DataLoader is deterministic and resumable."""

import numpy as np
import pytest

from nn.data import DataLoader, ImageDataset, Normalize, TensorDataset
from nn.data.transforms import Compose, RandomCrop, RandomHorizontalFlip
from tests.helpers import rng


def _images(batch=6, channels=3, size=8, seed=0):
    return rng(seed).standard_normal((batch, channels, size, size)).astype(np.float32)


@pytest.mark.parametrize(("size", "padding", "mode", "pads"), [
    (8, 2, "constant", (2, 2, 2, 2)), ((6, 5), None, "constant", (0, 0, 0, 0)),
    (8, (1, 3), "edge", (3, 3, 1, 1)), (9, (1, 2, 3, 0), "reflect", (2, 0, 1, 3)), (8, 1, "symmetric", (1, 1, 1, 1)),
])
def test_random_crop_equals_the_per_image_reference(size, padding, mode, pads):
    images = _images()
    out = RandomCrop(size, padding=padding, padding_mode=mode, fill=0.5)(images, np.random.default_rng(3))
    top, bottom, left, right = pads
    extra = {"constant_values": 0.5} if mode == "constant" else {}
    padded = np.pad(images, ((0, 0), (0, 0), (top, bottom), (left, right)), mode=mode, **extra)
    h, w = (size, size) if isinstance(size, int) else size
    reference = np.random.default_rng(3)
    tops = reference.integers(0, padded.shape[2] - h + 1, len(images))
    lefts = reference.integers(0, padded.shape[3] - w + 1, len(images))
    for i, (t, left) in enumerate(zip(tops, lefts, strict=True)):
        np.testing.assert_array_equal(out[i], padded[i, :, t:t + h, left:left + w],
                                      err_msg=f"expected image {i} cropped at ({t}, {left})")
    assert out.dtype == np.float32 and out.shape == (6, 3, h, w)


def test_random_crop_reaches_every_shift_and_pads_with_zeros():
    images = np.ones((4000, 1, 4, 4), dtype=np.float32)
    out = RandomCrop(4, padding=2)(images, np.random.default_rng(0))
    zero_rows = (out[:, 0].sum(axis=2) == 0).sum(axis=1)
    assert set(zero_rows.tolist()) == {0, 1, 2}, "expected vertical shifts of 0, 1 and 2 pixels of padding"
    assert 0.15 < (zero_rows == 0).mean() < 0.25, "expected the 5 offsets equally likely (centre 1 in 5)"
    small = RandomCrop(6, pad_if_needed=True)(np.ones((2, 1, 4, 5), dtype=np.float32), np.random.default_rng(0))
    assert small.shape == (2, 1, 6, 6), "expected pad_if_needed to make the crop possible"


def test_random_horizontal_flip_equals_the_per_image_reference():
    images = _images(batch=50)
    out = RandomHorizontalFlip(p=0.3)(images, np.random.default_rng(4))
    flips = np.random.default_rng(4).random(50) < 0.3
    assert 5 < flips.sum() < 25, "expected some images flipped and some not"
    for i, flipped in enumerate(flips):
        np.testing.assert_array_equal(out[i], images[i, :, :, ::-1] if flipped else images[i],
                                      err_msg=f"expected image {i} {'flipped' if flipped else 'unchanged'}")
    assert (RandomHorizontalFlip(p=1.0)(images) == images[..., ::-1]).all(), "expected p=1 to flip every image"
    assert (RandomHorizontalFlip(p=0.0)(images) == images).all(), "expected p=0 to flip none"


def test_compose_applies_in_order_and_normalize_fits_in():
    images = _images()
    composed = Compose([RandomHorizontalFlip(1.0), Normalize([1.0, 2.0, 3.0], [2.0, 2.0, 4.0]), lambda x: x * 2])
    expected = (images[..., ::-1] - np.array([1, 2, 3], np.float32)[:, None, None]) / \
        np.array([2, 2, 4], np.float32)[:, None, None] * 2
    np.testing.assert_allclose(composed(images, np.random.default_rng(0)), expected, rtol=1e-6,
                               err_msg="expected flip, then normalise, then the function")
    assert "RandomHorizontalFlip(p=1.0)" in repr(composed)


def _cifar_like(count=40):
    images = rng(5).integers(0, 256, (count, 3, 8, 8), dtype=np.uint8)
    return ImageDataset(images, np.arange(count) % 10, scale=1 / 255)


def _epochs(loader, count):
    return [[(x.value.copy(), y.copy()) for x, y in loader] for _ in range(count)]


def test_augmented_loader_is_deterministic_resumable_and_keeps_the_shuffle():
    augment = Compose([RandomCrop(8, padding=2), RandomHorizontalFlip()])
    make = lambda seed=0: DataLoader(_cifar_like(), batch_size=16, shuffle=True, seed=seed, transform=augment)
    first, second = _epochs(make(), 3), _epochs(make(), 3)
    for e in range(3):
        for (x1, y1), (x2, y2) in zip(first[e], second[e], strict=True):
            np.testing.assert_array_equal(x1, x2, err_msg=f"expected epoch {e}'s augmented batches to repeat exactly")
            np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(first[0][0][0], first[1][0][0]), "expected other crops in another epoch"
    resumed = make()
    resumed.epoch = 2
    for (x1, _), (x2, _) in zip(first[2], _epochs(resumed, 1)[0], strict=True):
        np.testing.assert_array_equal(x1, x2, err_msg="expected a loader resumed at epoch 2 to give epoch 2's batches")
    plain = DataLoader(_cifar_like(), batch_size=16, shuffle=True, seed=0)
    labels_plain = [y.tolist() for _, y in plain]
    assert labels_plain == [y.tolist() for _, y in first[0]], "expected augmentation not to change the shuffle"
    assert first[0][0][0].dtype == np.float32 and first[0][0][0].shape == (16, 3, 8, 8)
    other = _epochs(make(seed=1), 1)[0]
    assert not np.array_equal(other[0][0], first[0][0][0]), "expected another seed to give other batches"


def test_loader_transform_on_tensor_datasets_and_errors():
    data = TensorDataset(np.ones((4, 1, 2, 2)), np.arange(4))
    (x, y), = list(DataLoader(data, batch_size=4, transform=lambda b: b * 3))
    assert (x.value == 3).all() and y.tolist() == [0, 1, 2, 3], "expected a plain function applied to the inputs"
    with pytest.raises(TypeError, match="DataLoader: transform must be callable, got int"):
        DataLoader(data, transform=3)
    with pytest.raises(ValueError, match=r"RandomCrop: padding must be a non-negative int .* got -1"):
        RandomCrop(4, padding=-1)
    with pytest.raises(ValueError, match=r"RandomCrop: size must be a positive int or a pair"):
        RandomCrop(0)
    with pytest.raises(ValueError, match=r"RandomCrop: the crop size \(5, 5\) is larger than the \(padded\) images"):
        RandomCrop(5)(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"RandomHorizontalFlip: expected a batch of images \(B, C, H, W\)"):
        RandomHorizontalFlip()(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"RandomHorizontalFlip: p must be a probability in \[0, 1\], got 2"):
        RandomHorizontalFlip(2)
    with pytest.raises(TypeError, match="Compose: every transform must be callable"):
        Compose([RandomCrop(2), "flip"])
