"""``DataLoader``: a dataset in mini-batches, optionally shuffled, ready for a model."""

import operator

import numpy as np

from autograd.tensor import Tensor
from nn.data.transforms import apply_transform


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples.

    ``for x, y in DataLoader(dataset, batch_size=64, shuffle=True, seed=0):`` gives

    - ``x``: an ``ag.Tensor`` of float32, ``(B, ...)`` (images: ``(B, C, H, W)``), with
      ``requires_grad=False`` (data are constants of the graph);
    - ``y``: a NumPy array ``(B, ...)``: int64 for integer (class) labels, float32 for float targets.

    A dataset with more than two fields yields one entry per field (the first a Tensor, the others
    arrays, as above); a dataset whose samples are not tuples yields the batched ``x`` alone.
    ``B`` is ``batch_size`` except for a smaller last batch, which ``drop_last=True`` drops.
    ``len(loader)`` is the number of batches per epoch.

    Shuffling: epoch ``k`` (counted from 0 by ``loader.epoch``, which each new iteration advances)
    visits the samples in an order drawn by a NumPy ``Generator`` seeded with ``(seed, k)``, so the
    same seed gives the same sequence of orders on every run, and a run resumed at epoch ``k`` can
    set ``loader.epoch = k`` to continue it. ``seed=None`` draws a fresh seed.

    Transforms: ``transform`` (e.g. ``nn.data.transforms.Compose([RandomCrop(32, padding=4),
    RandomHorizontalFlip()])``) is applied to each batch's inputs as a float32 array; random
    transforms draw from the epoch's generator after the shuffle, so augmentation is as
    reproducible as the order, and resuming at epoch ``k`` repeats epoch ``k``'s crops and flips.

    Batching: an array-backed dataset (one with ``get_batch(indices)``, like ``TensorDataset`` and
    the built-in datasets) is gathered with one fancy index per batch; any other dataset falls back
    to ``dataset[i]`` per sample, stacked with ``np.stack``.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None, transform=None):
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: dataset must have __len__ and __getitem__, got {type(dataset).__name__}")
        if isinstance(batch_size, bool):
            raise TypeError("DataLoader: batch_size must be an integer, got a bool")
        try:
            batch_size = operator.index(batch_size)
        except TypeError:
            raise TypeError(f"DataLoader: batch_size must be an integer, got {batch_size!r}") from None
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be at least 1, got {batch_size}")
        if seed is None:
            seed = int(np.random.SeedSequence().entropy)
        elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"DataLoader: seed must be a non-negative integer or None, got {seed!r}")
        if transform is not None and not callable(transform):
            raise TypeError(f"DataLoader: transform must be callable, got {type(transform).__name__}")
        self.dataset = dataset
        self.transform = transform
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.seed = int(seed)
        self.epoch = 0

    def __len__(self):
        count = len(self.dataset)
        if self.drop_last:
            return count // self.batch_size
        return -(-count // self.batch_size)

    def epoch_generator(self, epoch):
        """The NumPy ``Generator`` of epoch ``epoch``, seeded by (seed, epoch): it draws the
        shuffled order first, then the random transforms' numbers batch after batch."""
        return np.random.default_rng([self.seed, epoch])

    def epoch_order(self, epoch, generator=None):
        """The sample indices of epoch ``epoch``, in visiting order (int64 array)."""
        count = len(self.dataset)
        if not self.shuffle:
            return np.arange(count, dtype=np.int64)
        return (self.epoch_generator(epoch) if generator is None else generator).permutation(count)

    def __iter__(self):
        generator = self.epoch_generator(self.epoch)
        order = self.epoch_order(self.epoch, generator)
        self.epoch += 1
        get_batch = getattr(self.dataset, "get_batch", None)
        for batch_number in range(len(self)):
            indices = order[batch_number * self.batch_size : (batch_number + 1) * self.batch_size]
            fields = get_batch(indices) if get_batch is not None else _stack_samples(self.dataset, indices)
            if self.transform is not None:
                fields = self._transformed(fields, generator)
            yield _as_model_inputs(fields)

    def _transformed(self, fields, generator):
        """The batch with ``transform`` applied to its inputs (the first field)."""
        inputs = fields[0] if isinstance(fields, tuple) else fields
        inputs = inputs.value if isinstance(inputs, Tensor) else np.asarray(inputs)
        changed = apply_transform(self.transform, inputs.astype(np.float32, copy=False), generator)
        return (changed, *fields[1:]) if isinstance(fields, tuple) else changed

    def __repr__(self):
        return (
            f"DataLoader(samples={len(self.dataset)}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"drop_last={self.drop_last}, seed={self.seed})"
        )


def _stack_samples(dataset, indices):
    """The fallback for datasets without ``get_batch``: one ``dataset[i]`` per sample, stacked.

    Returns a tuple of arrays (one per field) or, for samples that are not tuples, one array.
    """
    samples = [dataset[int(i)] for i in indices]
    if isinstance(samples[0], (tuple, list)):
        widths = {len(s) for s in samples}
        if len(widths) != 1:
            raise ValueError(f"DataLoader: samples of {type(dataset).__name__} have different lengths {sorted(widths)}")
        return tuple(_stack([s[k] for s in samples], k) for k in range(len(samples[0])))
    return _stack(samples, 0)


def _stack(values, field):
    arrays = [v.value if isinstance(v, Tensor) else np.asarray(v) for v in values]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"DataLoader: field {field} of the samples has different shapes {sorted(shapes)}")
    return np.stack(arrays)


def _as_model_inputs(fields):
    if not isinstance(fields, tuple):
        return _as_input(fields)
    return (_as_input(fields[0]), *(_as_target(f) for f in fields[1:]))


def _as_input(array):
    array = array.value if isinstance(array, Tensor) else np.asarray(array)
    return Tensor(np.ascontiguousarray(array, dtype=np.float32), requires_grad=False)


def _as_target(array):
    array = array.value if isinstance(array, Tensor) else np.asarray(array)
    if array.dtype.kind in "biu":
        return array.astype(np.int64, copy=False)
    if array.dtype.kind == "f":
        return array.astype(np.float32, copy=False)
    return array
