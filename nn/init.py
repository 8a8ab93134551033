"""Weight initialisation, PyTorch's ``torch.nn.init`` functions.

Each ``*_`` function fills a Tensor's array in place (keeping its dtype) and returns the
Tensor. Random draws come from NumPy's global generator, so ``np.random.seed(0)`` before
building a model makes it reproducible; pass ``generator=np.random.default_rng(0)`` to use
your own instead.

Linear and Conv2d use PyTorch's defaults: weight ``kaiming_uniform_(w, a=sqrt(5))``, which is
U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
"""

import math

import numpy as np

_GAINS = {"linear": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0, "sigmoid": 1.0,
          "tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 3.0 / 4}


def calculate_gain(nonlinearity, param=None):
    """The recommended scale for weights followed by ``nonlinearity`` (PyTorch's table).

    param: leaky_relu's negative slope (None, the default, means 0.01); the other nonlinearities ignore it.
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")
    return _GAINS[nonlinearity]


def _calculate_fan_in_and_fan_out(tensor):
    """fan_in, fan_out of a weight (out_features, in_features, *kernel) as PyTorch counts them:
    fan_in = in_features * kernel area, fan_out = out_features * kernel area."""
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, got shape {shape}")
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _generator(generator):
    return np.random if generator is None else generator


def _fill(tensor, values):
    tensor.value[...] = values
    return tensor


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b).

    Defaults a=0.0, b=1.0. generator=None (the default) draws from NumPy's global generator
    (``np.random.seed``); else a ``np.random.Generator``.
    Returns ``tensor``, filled in place (any shape).
    """
    return _fill(tensor, _generator(generator).uniform(a, b, size=tensor.shape))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std^2).

    Defaults mean=0.0, std=1.0. generator=None (the default) draws from NumPy's global generator
    (``np.random.seed``); else a ``np.random.Generator``.
    Returns ``tensor``, filled in place (any shape).
    """
    return _fill(tensor, _generator(generator).normal(mean, std, size=tensor.shape))


def constant_(tensor, val):
    """Fill ``tensor`` (any shape) with ``val`` in place and return it."""
    return _fill(tensor, val)


def zeros_(tensor):
    """Fill ``tensor`` (any shape) with 0 in place and return it."""
    return _fill(tensor, 0)


def ones_(tensor):
    """Fill ``tensor`` (any shape) with 1 in place and return it."""
    return _fill(tensor, 1)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010).

    tensor: at least 2-D, (fan_out, fan_in, *kernel). Default gain=1.0. generator=None (the default)
    draws from NumPy's global generator (``np.random.seed``); else a ``np.random.Generator``.
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    tensor: at least 2-D, (fan_out, fan_in, *kernel). Default gain=1.0. generator=None (the default)
    draws from NumPy's global generator (``np.random.seed``); else a ``np.random.Generator``.
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """U(-b, b) with b = gain * sqrt(3 / fan) (He et al., 2015); ``a`` is leaky_relu's slope.

    With a = sqrt(5) (Linear's and Conv2d's default) b = 1 / sqrt(fan_in).

    mode='fan_in' (the default) or 'fan_out' picks fan; gain = calculate_gain(nonlinearity, a) with
    nonlinearity='leaky_relu' and a=0.0 by default. generator=None (the default) draws from NumPy's
    global generator (``np.random.seed``); else a ``np.random.Generator``.
    """
    fan = _fan(tensor, mode)
    if fan == 0:
        return tensor  # an empty weight has nothing to fill (PyTorch warns and skips)
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std^2) with std = gain / sqrt(fan).

    a, mode, nonlinearity as in ``kaiming_uniform_`` (defaults 0.0, 'fan_in', 'leaky_relu').
    generator=None (the default) draws from NumPy's global generator (``np.random.seed``); else a
    ``np.random.Generator``.
    """
    fan = _fan(tensor, mode)
    if fan == 0:
        return tensor
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator)


def default_bias_(bias, weight, generator=None):
    """PyTorch's Linear/Conv bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with the weight's fan_in.

    bias: (out_features,); weight: (out_features, in_features, *kernel). generator=None (the
    default) draws from NumPy's global generator (``np.random.seed``); else a
    ``np.random.Generator``.
    """
    fan_in, _ = _calculate_fan_in_and_fan_out(weight)
    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return uniform_(bias, -bound, bound, generator)


def default_weight_and_bias_(weight, bias, generator=None):
    """PyTorch's reset_parameters of Linear and Conv2d: kaiming_uniform_(a=sqrt(5)) for the
    weight, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and ``default_bias_`` for the bias (if any).

    weight: (out_features, in_features, *kernel); bias: (out_features,) or None. generator=None (the
    default) draws from NumPy's global generator (``np.random.seed``); else a
    ``np.random.Generator``.
    """
    kaiming_uniform_(weight, a=5**0.5, generator=generator)
    if bias is not None:
        default_bias_(bias, weight, generator)
