"""Fast batch-norm kernels: the reference's formulas over (N, C, L) views of the data.

The per-channel sums are ``einsum`` contractions, which read the data once without making a
temporary (the variance's squares, g * xhat); the elementwise passes write in place. Every
function takes ``out`` arrays (and sums only what it is given), so ``threaded`` can run the
images of a batch in parts, each part writing its slice of one output.
"""

import math

import numpy as np


def batch_norm_statistics(x):
    count = x.size // x.shape[1]
    mean = channel_sums(x) / count
    return mean, centered_square_sums(x, mean) / count


def channel_sums(x):
    """The per-channel sums (C,) of x (N, C, *spatial)."""
    return np.einsum("ncl->c", _nc_l(x))


def centered_square_sums(x, mean):
    """The per-channel sums (C,) of (x - mean)^2."""
    centered = np.subtract(_nc_l(x), mean[:, None])
    return np.einsum("ncl,ncl->c", centered, centered)


def batch_norm_normalize(x, mean, inv_std, weight, bias, out=None):
    """(xhat, y), written into ``out`` = (xhat, y) arrays of x's shape if given (y is xhat when
    weight and bias are None, and ``out[1]`` is then unused)."""
    xhat = np.empty_like(x) if out is None else out[0]
    xhat_l = _nc_l(xhat)
    np.subtract(_nc_l(x), mean[:, None], out=xhat_l)
    xhat_l *= inv_std[:, None]
    if weight is None and bias is None:
        return xhat, xhat
    y = np.empty_like(x) if out is None else out[1]
    y_l = _nc_l(y)
    if weight is None:
        np.add(xhat_l, bias[:, None], out=y_l)
    else:
        np.multiply(xhat_l, weight[:, None], out=y_l)
        if bias is not None:
            y_l += bias[:, None]
    return xhat, y


def batch_norm_sums(g, xhat):
    g_l = _nc_l(g)
    return np.einsum("ncl->c", g_l), np.einsum("ncl,ncl->c", g_l, _nc_l(xhat))


def batch_norm_input_grad(g, xhat, scale, mean_g, mean_g_xhat, out=None):
    dx = np.empty_like(g) if out is None else out
    dx_l = _nc_l(dx)
    np.multiply(_nc_l(g), scale[:, None], out=dx_l)
    if mean_g is not None:
        # scale (g - mean_g - xhat mean_g_xhat) = scale g - xhat (scale mean_g_xhat) - scale mean_g
        dx_l -= _nc_l(xhat) * (scale * mean_g_xhat)[:, None]
        dx_l -= (scale * mean_g)[:, None]
    return dx


def _nc_l(x):
    """x (N, C, *spatial) as an (N, C, L) view."""
    return x.reshape(x.shape[0], x.shape[1], math.prod(x.shape[2:]))
