"""scikit-learn's 8x8 handwritten digits: the offline dataset (1,797 images bundled with sklearn).

Each image is a 32x32 bitmap counted in 4x4 blocks, so its pixels are integers 0-16. ``Digits``
scales them to [0, 1], splits them into a fixed train/test pair and can enlarge them to MNIST's
geometry for LeNet-5.
"""

import numpy as np

from nn.data.dataset import ImageDataset

DIGIT_CLASSES = tuple(str(d) for d in range(10))
_UINT64_MASK = (1 << 64) - 1


class Digits(ImageDataset):
    """``Digits(train=True, size=8, test_fraction=0.2, seed=0, transform=None)``.

    Images ``(N, 1, size, size)`` float32 in [0, 1] (pixel / 16), labels ``(N,)`` int64 in 0-9.

    - ``size=8``: the original images. Any larger ``size`` (28 for LeNet-5) draws the digit in a
      box of ``round(size * 20 / 28)`` pixels centred on a blank border, MNIST's layout (a 20x20
      digit in a 28x28 frame), with bilinear interpolation (see ``resize_bilinear``).
    - The split is stratified (each class is divided in the same proportion) and fixed by
      ``seed``: ``test_fraction`` of every class goes to the test set, the rest to the training
      set, so the two never overlap and together hold all 1,797 images. The choice is made by a
      hash of (seed, sample index), not by ``np.random``, so it is the same on every machine and
      NumPy version (NumPy does not promise to keep its random streams across versions).
    - ``transform``: as in ``ImageDataset`` (e.g. ``Normalize``), applied per batch.
    """

    def __init__(self, train=True, size=8, test_fraction=0.2, seed=0, transform=None):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 8:
            raise ValueError(f"Digits: size must be an integer >= 8 (8 = the original images), got {size!r}")
        if not 0.0 < test_fraction < 1.0:
            raise ValueError(f"Digits: test_fraction must be between 0 and 1 (exclusive), got {test_fraction!r}")
        images, labels = load_digits_arrays()
        train_indices, test_indices = stratified_split(labels, test_fraction, seed)
        chosen = train_indices if train else test_indices
        images, labels = images[chosen], labels[chosen]
        if size == 8:
            raw, scale = images, 1.0 / 16.0  # keep the small integers; scaled per batch
        else:
            raw, scale = frame_digits(images.astype(np.float32) / 16.0, size), 1.0
        super().__init__(raw, labels, scale=scale, transform=transform, classes=DIGIT_CLASSES)
        self.train = bool(train)
        self.indices = chosen  # positions in sklearn's array: lets a test check the split

    def __repr__(self):
        split = "train" if self.train else "test"
        return f"Digits(split={split}, samples={len(self)}, image_shape={self.image_shape})"


def load_digits_arrays():
    """scikit-learn's digits as ``(images (1797, 1, 8, 8) uint8 0-16, labels (1797,) int64)``."""
    try:
        from sklearn.datasets import load_digits  # imported here: only this dataset needs scikit-learn
    except ImportError:
        raise ImportError("the digits dataset needs scikit-learn: pip install scikit-learn") from None
    bunch = load_digits()
    images = bunch.images.astype(np.uint8)[:, None, :, :]
    return images, bunch.target.astype(np.int64)


def stratified_split(labels, test_fraction, seed):
    """``(train_indices, test_indices)``, each sorted, for a stratified split of ``labels (N,)``.

    Within each class, samples are ranked by a hash of (seed, index); the
    ``round(test_fraction * class size)`` lowest go to the test set.
    """
    labels = np.asarray(labels)
    count = labels.shape[0]
    keys = _hash64(np.arange(count, dtype=np.uint64) + np.uint64((int(seed) * 0x9E3779B97F4A7C15) & _UINT64_MASK))
    # group by class, then by hash inside each class (lexsort's last key is the primary one)
    grouped = np.lexsort((keys, labels))
    classes, first_position, class_sizes = np.unique(labels[grouped], return_index=True, return_counts=True)
    test_per_class = np.floor(test_fraction * class_sizes + 0.5).astype(np.int64)
    class_number = np.searchsorted(classes, labels[grouped])
    rank_in_class = np.arange(count) - first_position[class_number]
    is_test = rank_in_class < test_per_class[class_number]
    return np.sort(grouped[~is_test]), np.sort(grouped[is_test])


def _hash64(values):
    """SplitMix64's finaliser on uint64 values: a fixed, well-mixed hash (wraps modulo 2**64)."""
    z = values.astype(np.uint64)
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def resize_bilinear(images, height, width):
    """Bilinear resize of ``images (N, C, H, W)`` to ``(N, C, height, width)``, in two matrix products.

    Output pixel ``i`` samples the input at ``(i + 0.5) * H / height - 0.5`` (pixel centres
    aligned, as PIL, OpenCV and ``torch.nn.functional.interpolate(align_corners=False)`` do),
    clamped at the edges. Bilinear rather than nearest: enlarging 8 to 20 pixels is 2.5x, which
    nearest neighbour can only do by copying some pixels twice and others three times (uneven,
    blocky strokes); bilinear gives smooth strokes like MNIST's anti-aliased ones. Each
    interpolation row sums to 1, so [0, 1] stays [0, 1].
    """
    rows = _interpolation_matrix(images.shape[-2], height).astype(images.dtype)
    cols = _interpolation_matrix(images.shape[-1], width).astype(images.dtype)
    return rows @ images @ cols.T


def _interpolation_matrix(size_in, size_out):
    """``(size_out, size_in)`` matrix of linear-interpolation weights along one axis."""
    position = (np.arange(size_out) + 0.5) * (size_in / size_out) - 0.5
    position = np.clip(position, 0, size_in - 1)
    left = np.floor(position).astype(np.int64)
    right = np.minimum(left + 1, size_in - 1)
    weight_right = position - left
    matrix = np.zeros((size_out, size_in))
    np.add.at(matrix, (np.arange(size_out), left), 1.0 - weight_right)
    np.add.at(matrix, (np.arange(size_out), right), weight_right)
    return matrix


def frame_digits(images, size):
    """Enlarge ``images (N, C, 8, 8)`` to a ``round(size * 20 / 28)`` box centred in ``(size, size)``."""
    box = round(size * 20 / 28)
    top = (size - box) // 2
    framed = np.zeros((*images.shape[:2], size, size), dtype=images.dtype)
    framed[:, :, top : top + box, top : top + box] = resize_bilinear(images, box, box)
    return framed
