"""Normalisation layers: ``BatchNorm1d``, ``BatchNorm2d``, ``LayerNorm`` and ``GroupNorm`` (PyTorch's
semantics, parameters and state_dict keys)."""

import numpy as np

from autograd.tensor import Tensor, as_tensor
from nn import functional as F
from nn import normalization_functions as NF
from nn.linear import check_size
from nn.module import Module, cast_input
from nn.parameter import Parameter


class _BatchNorm(Module):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, per channel (axis 1).

    Training uses the batch's mean and biased variance and updates the buffers
    ``running_mean`` / ``running_var`` (unbiased variance) with ``momentum``
    (r <- (1 - momentum) r + momentum * batch_stat; momentum=None: a cumulative average) and
    counts ``num_batches_tracked``; eval uses the running statistics. ``affine=False`` drops
    ``weight`` (ones) and ``bias`` (zeros), ``bias=False`` only the bias (torch 2.13's keyword);
    ``track_running_stats=False`` always uses batch statistics. state_dict keys: weight, bias,
    running_mean, running_var, num_batches_tracked.

    Defaults (PyTorch's): eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, bias=True;
    dtype=None gives float32 parameters and buffers.
    """

    _expected_ndim = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, dtype=None,
                 *, bias=True):
        super().__init__()
        self.num_features = check_size(num_features, "num_features", type(self).__name__)
        NF._check_batch_norm_options(eps, momentum, type(self).__name__)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.num_features, dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype))
            self.register_buffer("running_var", np.ones(self.num_features, dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        """running_mean to zeros, running_var to ones, num_batches_tracked to 0."""
        if self.track_running_stats:
            self.running_mean[...] = 0
            self.running_var[...] = 1
            self.num_batches_tracked[...] = 0

    def forward(self, x):
        x = as_tensor(x, type(self).__name__, "input")
        if x.ndim not in self._expected_ndim:
            raise ValueError(f"{type(self).__name__}: expected a {' or '.join(map(str, self._expected_ndim))}-d "
                             f"input, got shape {x.shape}")
        if self.running_mean is not None or self.weight is not None:
            x = cast_input(x, (self.running_mean if self.weight is None else self.weight).dtype, type(self).__name__)
        if x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: expected {self.num_features} channels (num_features), got "
                             f"input of shape {x.shape} with {x.shape[1]}")
        if self.training and x.value.size <= x.shape[1]:
            raise ValueError(f"{type(self).__name__}: expected more than 1 value per channel when training, got "
                             f"input of shape {x.shape}")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        # the buffers exist exactly when running statistics are tracked: then training updates
        # them and eval normalises with them; without them every mode uses batch statistics
        use_batch_stats = self.training or self.running_mean is None
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, use_batch_stats,
                            factor, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm for x: (N, C) or (N, C, L), statistics over N (and L) per channel C.

    Arguments as in the base class: num_features = C; defaults eps=1e-5, momentum=0.1, affine=True,
    track_running_stats=True, dtype=None (float32), bias=True.
    """

    _expected_ndim = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm for images x: (N, C, H, W), statistics over N, H, W per channel C.

    Arguments as in the base class: num_features = C; defaults eps=1e-5, momentum=0.1, affine=True,
    track_running_stats=True, dtype=None (float32), bias=True.
    """

    _expected_ndim = (4,)


class LayerNorm(Module):
    """Layer normalisation (Ba et al., 2016), PyTorch's ``nn.LayerNorm``.

    x: (*, *normalized_shape) -> same shape, each sample normalised over its last
    ``len(normalized_shape)`` axes. ``elementwise_affine`` adds ``weight`` (ones) and ``bias``
    (zeros) of shape normalized_shape (``bias=False`` drops the bias). state_dict keys: weight, bias.

    Defaults (PyTorch's): eps=1e-5 (added to the variance), elementwise_affine=True, bias=True;
    dtype=None gives float32 parameters (the input is cast to their dtype; without parameters
    dtype has no effect: a floating input keeps its dtype, any other becomes float32).
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(check_size(n, "normalized_shape", "LayerNorm") for n in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x):
        return NF.layer_norm(_like_weight(x, self.weight), self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """Group normalisation (Wu and He, 2018), PyTorch's ``nn.GroupNorm``.

    x: (N, num_channels, *) -> same shape; the channels are split into ``num_groups`` groups,
    each normalised per sample. ``affine`` adds per-channel ``weight`` (ones) and ``bias`` (zeros).

    Defaults (PyTorch's): eps=1e-5 (added to the variance), affine=True; dtype=None gives float32
    parameters (the input is cast to their dtype; with affine=False dtype has no effect: a
    floating input keeps its dtype, any other becomes float32).
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, dtype=None):
        super().__init__()
        self.num_groups = check_size(num_groups, "num_groups", "GroupNorm")
        self.num_channels = check_size(num_channels, "num_channels", "GroupNorm")
        if self.num_groups == 0 or self.num_channels % self.num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.eps = eps
        self.affine = affine
        dtype = np.dtype(np.float32 if dtype is None else dtype)
        if affine:
            self.weight = Parameter(np.ones(self.num_channels, dtype))
            self.bias = Parameter(np.zeros(self.num_channels, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x):
        x = _like_weight(x, self.weight)
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm: expected input (N, {self.num_channels}, *), got shape {x.shape}")
        return NF.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


def _like_weight(x, weight):
    """x cast to the weight's dtype (a float32 layer computes in float32); without a weight,
    x as it is (a non-floating input becomes float32)."""
    if weight is not None:
        return cast_input(x, weight.dtype)
    x = x if isinstance(x, Tensor) else cast_input(x, np.asarray(x).dtype)
    return x if x.dtype.kind == "f" else cast_input(x, np.float32)
