"""``nn.data.transforms``: batch transforms for augmentation (torchvision's names), applied to a
whole float32 batch ``images: (B, C, H, W)`` at once, with no loop over the images.

    augment = Compose([RandomCrop(32, padding=4), RandomHorizontalFlip(), Normalize(mean, std)])
    loader = DataLoader(train, batch_size=64, shuffle=True, seed=0, transform=augment)

Random transforms draw from the ``generator`` they are called with: the ``DataLoader`` passes
its own, seeded by (seed, epoch) and shared with the shuffling, so the crops and flips of a run
are the same on every run and a run resumed at an epoch sees exactly the batches it would have.
Called without one they draw from NumPy's global generator (``np.random.seed`` makes that
reproducible, as for initialisation and dropout).
"""

import numbers

import numpy as np

from nn.data.dataset import Normalize

__all__ = ["Compose", "Normalize", "RandomCrop", "RandomHorizontalFlip", "apply_transform"]


def apply_transform(transform, images, generator=None):
    """``transform(images, generator)`` for a transform that draws random numbers (it has
    ``takes_generator = True``, as every random transform here and ``Compose`` do), else
    ``transform(images)``: plain functions and ``Normalize`` work too."""
    if getattr(transform, "takes_generator", False):
        return transform(images, generator)
    return transform(images)


def _integers(generator, high, size):
    """``size`` ints in [0, high) from ``generator`` (or NumPy's global generator)."""
    if generator is None:
        return np.random.randint(0, high, size=size)
    return generator.integers(0, high, size=size)


def _uniform(generator, size):
    return np.random.random_sample(size) if generator is None else generator.random(size)


def _check_batch(images, transform):
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"{transform}: expected a batch of images (B, C, H, W), got shape {images.shape}")
    return images


class Compose:
    """Apply ``transforms`` in order (each a transform of this module or a function of a batch)."""

    takes_generator = True

    def __init__(self, transforms):
        transforms = list(transforms)
        for t in transforms:
            if not callable(t):
                raise TypeError(f"Compose: every transform must be callable, got {type(t).__name__}")
        self.transforms = transforms

    def __call__(self, images, generator=None):
        for t in self.transforms:
            images = apply_transform(t, images, generator)
        return images

    def __repr__(self):
        inner = "".join(f"\n    {t!r}" for t in self.transforms)
        return f"Compose({inner}\n)"


def _size_pair(value, name, transform):
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2 or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0 for v in pair):
        raise ValueError(f"{transform}: {name} must be a positive int or a pair (height, width), got {value!r}")
    return tuple(int(v) for v in pair)


def _padding(padding):
    """(top, bottom, left, right) from torchvision's int, (left/right, top/bottom) or (left, top, right, bottom)."""
    if padding is None:
        return (0, 0, 0, 0)
    values = (padding,) if isinstance(padding, numbers.Integral) else tuple(padding)
    if len(values) not in (1, 2, 4) or not all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0 for v in values
    ):
        raise ValueError(f"RandomCrop: padding must be a non-negative int or a sequence of 2 or 4 of them, got "
                         f"{padding!r}")
    if len(values) == 1:
        return (values[0],) * 4
    if len(values) == 2:
        return (values[1], values[1], values[0], values[0])
    left, top, right, bottom = values
    return (top, bottom, left, right)


class RandomCrop:
    """A random ``size`` = (h, w) window of each image, after padding by ``padding`` (torchvision's
    int, (left/right, top/bottom) or (left, top, right, bottom)) with ``fill`` or by
    ``padding_mode`` 'edge', 'reflect' or 'symmetric'. ``RandomCrop(32, padding=4)`` is the
    usual CIFAR-10 augmentation: shifts of up to 4 pixels. ``pad_if_needed`` pads images smaller
    than ``size`` up to it. Each image gets its own offsets (B draws per axis).
    """

    takes_generator = True

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self.size = _size_pair(size, "size", "RandomCrop")
        self.padding = padding
        self._pads = _padding(padding)
        self.pad_if_needed = bool(pad_if_needed)
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError(f"RandomCrop: padding_mode must be 'constant', 'edge', 'reflect' or 'symmetric', got "
                             f"{padding_mode!r}")
        if isinstance(fill, bool) or not isinstance(fill, numbers.Real):
            raise TypeError(f"RandomCrop: fill must be a number, got {fill!r}")
        self.fill = fill
        self.padding_mode = padding_mode

    def __call__(self, images, generator=None):
        images = _check_batch(images, "RandomCrop")
        top, bottom, left, right = self._pads
        h, w = self.size
        if self.pad_if_needed:  # torchvision's rule: the shortfall d is added on both sides
            short_h = max(0, h - (images.shape[2] + top + bottom))
            short_w = max(0, w - (images.shape[3] + left + right))
            top, bottom, left, right = top + short_h, bottom + short_h, left + short_w, right + short_w
        if top or bottom or left or right:
            widths = ((0, 0), (0, 0), (top, bottom), (left, right))
            extra = {"constant_values": self.fill} if self.padding_mode == "constant" else {}
            images = np.pad(images, widths, mode=self.padding_mode, **extra)
        batch, channels, height, width = images.shape
        if height < h or width < w:
            raise ValueError(f"RandomCrop: the crop size {self.size} is larger than the (padded) images "
                             f"{(height, width)}")
        tops = _integers(generator, height - h + 1, batch)
        lefts = _integers(generator, width - w + 1, batch)
        rows = (tops[:, None] + np.arange(h))[:, None, :, None]       # (B, 1, h, 1)
        cols = (lefts[:, None] + np.arange(w))[:, None, None, :]      # (B, 1, 1, w)
        return images[np.arange(batch)[:, None, None, None], np.arange(channels)[None, :, None, None], rows, cols]

    def __repr__(self):
        return f"RandomCrop(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip:
    """Mirror each image left-right with probability ``p`` (one draw per image)."""

    takes_generator = True

    def __init__(self, p=0.5):
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
            raise ValueError(f"RandomHorizontalFlip: p must be a probability in [0, 1], got {p!r}")
        self.p = p

    def __call__(self, images, generator=None):
        images = _check_batch(images, "RandomHorizontalFlip")
        flip = _uniform(generator, images.shape[0]) < self.p
        return np.where(flip[:, None, None, None], images[..., ::-1], images)

    def __repr__(self):
        return f"RandomHorizontalFlip(p={self.p})"
