"""Datasets: anything with ``__len__`` and ``__getitem__``, and the array-backed kinds.

The ``DataLoader`` works with any dataset, but an *array-backed* one, which also has
``get_batch(indices)``, hands over a whole batch in one fancy-indexing gather instead of one
``__getitem__`` call per sample. ``TensorDataset`` and every built-in image dataset are array-backed.
"""

import operator

import numpy as np

from autograd.tensor import Tensor


class Dataset:
    """The dataset protocol (PyTorch's ``torch.utils.data.Dataset``): ``__getitem__(i)`` returns
    sample ``i`` (usually a tuple ``(x, y)``) and ``__len__`` the number of samples.

    Subclassing is optional: the ``DataLoader`` only needs the two methods.
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Samples are rows of arrays that share their first dimension.

    ``TensorDataset(x, y)`` with ``x: (N, ...)`` and ``y: (N, ...)`` (NumPy arrays or
    ``ag.Tensor``s, whose ``value`` is kept without a copy). ``dataset[i]`` is the tuple
    ``(x[i], y[i])`` of NumPy values; ``dataset.arrays`` is the tuple of arrays.
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        converted = []
        for position, array in enumerate(arrays):
            array = array.value if isinstance(array, Tensor) else np.asarray(array)
            if array.ndim == 0:
                raise ValueError(f"TensorDataset: array {position} is a scalar; each array needs a first (sample) axis")
            converted.append(array)
        lengths = {a.shape[0] for a in converted}
        if len(lengths) != 1:
            shapes = ", ".join(str(a.shape) for a in converted)
            raise ValueError(f"TensorDataset: all arrays must have the same first dimension, got shapes {shapes}")
        self.arrays = tuple(converted)

    def __len__(self):
        return self.arrays[0].shape[0]

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)

    def get_batch(self, indices):
        """The samples at ``indices`` (an integer array), one array per field."""
        return tuple(a[indices] for a in self.arrays)


class ImageDataset(Dataset):
    """Labelled images kept compactly (e.g. uint8) and turned into float32 batches on demand.

    ``images: (N, C, H, W)`` of any numeric dtype, ``labels: (N,)`` integers. A batch is
    ``images[indices] * scale`` as float32 (``scale`` maps the stored range to [0, 1], e.g.
    1/255 for bytes), then ``transform`` if one is given. Keeping the bytes and scaling per batch
    takes a quarter of the memory of a float32 copy (CIFAR-10: 150 MB instead of 600 MB).

    ``transform``: a function of a float32 batch ``(B, C, H, W)`` returning an array of the same
    shape, applied to whole batches (so it must treat samples independently), e.g.
    ``Normalize(mean, std)``. Without it images are in [0, 1].

    ``classes``: the class names, index = label (default None: none, ``classes = ()``); ``scale``
    defaults to 1.0 (no scaling).
    """

    classes = ()

    def __init__(self, images, labels, scale=1.0, transform=None, classes=None):
        images, labels = np.asarray(images), np.asarray(labels)
        if images.ndim != 4:
            raise ValueError(f"{type(self).__name__}: images must be (N, C, H, W), got shape {images.shape}")
        if labels.shape != images.shape[:1]:
            raise ValueError(
                f"{type(self).__name__}: labels must be (N,) = {images.shape[:1]} to match images {images.shape}, "
                f"got {labels.shape}"
            )
        if transform is not None and not callable(transform):
            raise TypeError(f"{type(self).__name__}: transform must be callable, got {type(transform).__name__}")
        self.raw_images = images
        self.labels = labels.astype(np.int64, copy=False)
        self.scale = float(scale)
        self.transform = transform
        if classes is not None:
            self.classes = tuple(classes)

    def __len__(self):
        return self.labels.shape[0]

    def __getitem__(self, index):
        """``(image, label)``: image ``(C, H, W)`` float32, label an int64 scalar."""
        position = operator.index(index)
        count = len(self)
        if position < 0:
            position += count
        if not 0 <= position < count:
            raise IndexError(f"{type(self).__name__}: index {index} is out of range for {count} samples")
        images, labels = self.get_batch(np.array([position]))
        return images[0], labels[0]

    def get_batch(self, indices):
        """``(images (B, C, H, W) float32, labels (B,) int64)`` for an integer array ``indices``."""
        images = self.raw_images[indices].astype(np.float32)
        if self.scale != 1.0:
            images *= np.float32(self.scale)
        if self.transform is not None:
            images = np.asarray(self.transform(images), dtype=np.float32)
        return images, self.labels[indices]

    @property
    def images(self):
        """All images as one float32 ``(N, C, H, W)`` array (built on each access: costs N images' memory)."""
        return self.get_batch(np.arange(len(self)))[0]

    @property
    def image_shape(self):
        """``(C, H, W)`` of one image."""
        return tuple(self.raw_images.shape[1:])

    def __repr__(self):
        name = type(self).__name__
        return f"{name}(samples={len(self)}, image_shape={self.image_shape}, classes={len(self.classes)})"


class Normalize:
    """``(images - mean) / std`` per channel, for float32 batches ``(B, C, H, W)``.

    ``mean``/``std``: a number or one value per channel. The usual figures are MNIST
    ``(0.1307, 0.3081)``; CIFAR-10 ``((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))``.
    """

    def __init__(self, mean, std):
        self.mean = np.atleast_1d(np.asarray(mean, dtype=np.float32))
        self.std = np.atleast_1d(np.asarray(std, dtype=np.float32))
        if self.mean.ndim != 1 or self.std.ndim != 1:
            raise ValueError(
                f"Normalize: mean and std must be numbers or 1-D, got shapes {self.mean.shape} and {self.std.shape}"
            )
        if not np.all(self.std > 0):
            raise ValueError(f"Normalize: std must be positive, got {self.std.tolist()}")

    def __call__(self, images):
        channels = images.shape[1]
        for name, values in (("mean", self.mean), ("std", self.std)):
            if values.size not in (1, channels):
                raise ValueError(f"Normalize: {values.size} {name} values for images with {channels} channels")
        return (images - self.mean[:, None, None]) / self.std[:, None, None]

    def __repr__(self):
        return f"Normalize(mean={self.mean.tolist()}, std={self.std.tolist()})"
