"""The reference kernels: the lessons' algorithms in plain NumPy, the executable specification.

Lesson 9 ("CNN Improvements") in code: pad, ``im2col`` over the whole batch, one GEMM, and
``col2im`` back, for the convolution and for both pools; generalised to the stride, padding and
dilation per axis of PyTorch's ops and to groups. Nothing here is tuned: ``autograd.kernels.fast``
computes the same, faster, and the tests hold the two equal. The interface is documented in
``autograd.kernels``. Notation: ``autograd.geometry``.
"""

import numpy as np

from autograd.im2col import col2im_batch, im2col_batch


def pad(x, geom, fill=0.0):
    """x (N, C, H, W) -> x_pad (N, C, H_pad, W_pad), ``fill`` around x."""
    return np.pad(x, ((0, 0), (0, 0), *geom.padding), constant_values=fill)


def crop(x_pad, geom):
    """The (N, C, H, W) interior of x_pad (a new array)."""
    (top, _), (left, _) = geom.padding
    return x_pad[:, :, top:top + geom.H, left:left + geom.W].copy()


def im2col(x_pad, geom):
    """x_pad (N, C, H_pad, W_pad) -> X_col (N, C*kH*kW, L): the lesson's ``im2col_batch``."""
    return im2col_batch(x_pad, *geom.kernel, stride=geom.stride, dilation=geom.dilation)


def col2im(X_col, geom):
    """X_col (N, C*kH*kW, L) -> x_pad (N, C, H_pad, W_pad): the lesson's ``col2im_batch``."""
    C = X_col.shape[1] // (geom.kernel[0] * geom.kernel[1])
    return col2im_batch(X_col, C, geom.H_pad, geom.W_pad, *geom.kernel, stride=geom.stride, dilation=geom.dilation)


# -- convolution: Y_mat = W_col @ X_mat (lesson 9), a GEMM per group ---------------------------
def conv2d(x, w, bias, geom, groups):
    X_mat = _X_mat(x, geom, groups)                        # (G, K/G, N L)
    W_col = _W_col(w, groups)                              # (G, C_out/G, K/G)
    Y_mat = W_col @ X_mat                                  # (G, C_out/G, N L)
    C_out = w.shape[0]
    Y = Y_mat.reshape(C_out, geom.N, geom.H_out, geom.W_out).transpose(1, 0, 2, 3)
    if bias is not None:
        Y = Y + bias.reshape(C_out, 1, 1)
    return np.ascontiguousarray(Y)


def conv2d_input_grad(dy, w, geom, groups):
    dY_mat = _dY_mat(dy, groups)                            # (G, C_out/G, N L)
    dX_mat = _W_col(w, groups).transpose(0, 2, 1) @ dY_mat  # (G, K/G, N L)
    K = dX_mat.shape[0] * dX_mat.shape[1]
    dX_col = dX_mat.reshape(K, geom.N, geom.L).transpose(1, 0, 2)
    return crop(col2im(dX_col, geom), geom)


def conv2d_weight_grad(x, dy, geom, groups):
    dW_col = _dY_mat(dy, groups) @ _X_mat(x, geom, groups).transpose(0, 2, 1)  # (G, C_out/G, K/G)
    C_out = dy.shape[1]
    return dW_col.reshape(C_out, geom.C // groups, *geom.kernel)


def _X_mat(x, geom, groups):
    X_col = im2col(pad(x, geom), geom)                     # (N, K, L)
    N, K, L = X_col.shape
    return X_col.transpose(1, 0, 2).reshape(groups, K // groups, N * L)


def _W_col(w, groups):
    return w.reshape(groups, w.shape[0] // groups, -1)


def _dY_mat(dy, groups):
    N, C_out, H_out, W_out = dy.shape
    L = H_out * W_out
    return dy.reshape(N, C_out, L).transpose(1, 0, 2).reshape(groups, C_out // groups, N * L)


# -- pooling: the windows of each channel, reduced (lesson 9's MaxPool2d) ----------------------
def max_pool2d(x, geom):
    """The max and its kernel position, PyTorch's rules: the first real element holding the max
    (a -inf padding cell never wins), and the last NaN of a window that holds one."""
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    X_cols = _pool_columns(pad(x, geom, fill), geom)       # (N, C, kH kW, L)
    real = _pool_columns(pad(np.ones((1, 1, geom.H, geom.W), dtype=bool), geom, False), geom)
    Y = X_cols.max(axis=2)
    max_idx = ((X_cols == Y[:, :, None]) & real).argmax(axis=2)
    if x.dtype.kind == "f":
        is_nan = np.isnan(X_cols)
        last_nan = is_nan.shape[2] - 1 - is_nan[:, :, ::-1].argmax(axis=2)
        max_idx = np.where(np.isnan(Y), last_nan, max_idx)
    shape = (geom.N, geom.C, geom.H_out, geom.W_out)
    return Y.reshape(shape), max_idx.reshape(shape)


def max_pool2d_input_grad(dy, argmax, geom):
    """Each dY value into its window's argmax position of dX_col, then col2im (lesson 9)."""
    positions = geom.kernel[0] * geom.kernel[1]
    n_idx, c_idx, l_idx = np.indices((geom.N, geom.C, geom.L))
    dX_cols = np.zeros((geom.N, geom.C, positions, geom.L), dtype=dy.dtype)
    dX_cols[n_idx, c_idx, argmax.reshape(geom.N, geom.C, -1), l_idx] = dy.reshape(geom.N, geom.C, -1)
    return crop(col2im(dX_cols.reshape(geom.N, -1, geom.L), geom), geom)


def max_pool2d_gather(dx, argmax, geom):
    """dX read at each window's argmax: the adjoint of ``max_pool2d_input_grad``."""
    X_cols = _pool_columns(pad(dx, geom), geom)
    picked = np.take_along_axis(X_cols, argmax.reshape(geom.N, geom.C, 1, -1), axis=2)
    return picked.reshape(geom.N, geom.C, geom.H_out, geom.W_out)


def avg_pool2d(x, geom):
    X_cols = _pool_columns(pad(x, geom), geom)
    return X_cols.mean(axis=2).reshape(geom.N, geom.C, geom.H_out, geom.W_out)


def avg_pool2d_input_grad(dy, geom):
    """dY / (kH kW) sent to every position of its window, then col2im."""
    positions = geom.kernel[0] * geom.kernel[1]
    dX_cols = np.repeat(dy.reshape(geom.N, geom.C, 1, geom.L) / positions, positions, axis=2)
    return crop(col2im(dX_cols.reshape(geom.N, -1, geom.L), geom), geom)


def _pool_columns(x_pad, geom):
    positions = geom.kernel[0] * geom.kernel[1]
    return im2col(x_pad, geom).reshape(x_pad.shape[0], x_pad.shape[1], positions, geom.L)


# -- im2col and col2im as ops (F.unfold / F.fold) ------------------------------------------------
def unfold(x, geom):
    return im2col(pad(x, geom), geom)


def fold(columns, geom):
    return crop(col2im(columns, geom), geom)


# -- batch normalisation over every axis but the channel axis 1 ------------------------------------
def batch_norm_statistics(x):
    """The mean and the biased variance (C,) of x (N, C, *spatial) over every axis but 1."""
    axes = _all_but_channels(x)
    mean = x.mean(axis=axes)
    return mean, ((x - _per_channel(mean, x)) ** 2).mean(axis=axes)


def batch_norm_normalize(x, mean, inv_std, weight, bias):
    """xhat = (x - mean) inv_std and y = xhat weight + bias (each (C,); weight, bias may be None,
    then y is xhat): (xhat, y)."""
    xhat = (x - _per_channel(mean, x)) * _per_channel(inv_std, x)
    y = xhat if weight is None else xhat * _per_channel(weight, x)
    return xhat, (y if bias is None else y + _per_channel(bias, x))


def batch_norm_sums(g, xhat):
    """The per-channel sums (C,) of g and of g xhat (g, xhat: (N, C, *spatial))."""
    axes = _all_but_channels(g)
    return g.sum(axis=axes), (g * xhat).sum(axis=axes)


def batch_norm_input_grad(g, xhat, scale, mean_g, mean_g_xhat):
    """dx = scale (g - mean_g - xhat mean_g_xhat), all (C,) but g and xhat; mean_g and
    mean_g_xhat None (evaluation: the statistics are constants): dx = scale g."""
    if mean_g is None:
        return g * _per_channel(scale, g)
    return _per_channel(scale, g) * (g - _per_channel(mean_g, g) - xhat * _per_channel(mean_g_xhat, g))


def _all_but_channels(x):
    return (0, *range(2, x.ndim))


def _per_channel(values, x):
    """A (C,) array shaped to broadcast along axis 1 of x."""
    return values.reshape((1, -1) + (1,) * (x.ndim - 2))
