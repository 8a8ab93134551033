# ruff: noqa: RUF059, E741 -- the lessons' code as printed (unused unpacked sizes, loop index l)
"""The lessons' own layers, as printed, each with its hand-written backward (no autograd).

- lesson 6 ("Convolution and Pooling with im2col", seeds/002): ``Lesson6Conv2d`` (one image,
  several filters) and ``Lesson6MaxPool2d`` (loops over batch and channels);
- lesson 9 ("CNN Improvements", seeds/000): ``NaiveConv2d`` / ``NaiveMaxPool2d`` (loops over the
  batch, and over (n, c, l) in the pool's backward, as the lesson describes in words) and
  ``BatchedConv2d`` / ``BatchedMaxPool2d`` (the lesson's solutions: one GEMM for the whole batch,
  argmax routing), on the lesson's ``im2col_batch`` / ``col2im_batch`` (``autograd.im2col``).

They are the reference the notebooks and tests hold agrad's ``conv2d`` / ``max_pool2d`` to, and
the in-house baseline of the benchmarks. agrad's own geometry (``autograd.im2col``) computes the
same columns without the Python loops.
"""

import numpy as np

from autograd.im2col import col2im_batch, im2col, im2col_batch
from autograd.ops.conv_args import pair


# -- lesson 6 ---------------------------------------------------------------------------------
class Lesson6Conv2d:
    """Multiple filters, one image: x (C_in, H, W) -> (C_out, H_out, W_out)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        kernel_size = pair(kernel_size, "kernel_size", type(self).__name__, 1)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        kH, kW = self.kernel_size
        self.weight = np.random.randn(out_channels, in_channels, kH, kW) * 0.01

    def forward(self, x):
        C_in, H, W = x.shape
        kH, kW = self.kernel_size
        if self.padding > 0:
            p = self.padding
            x = np.pad(x, ((0, 0), (p, p), (p, p)), mode="constant")
        _, H_pad, W_pad = x.shape
        H_out = (H_pad - kH) // self.stride + 1
        W_out = (W_pad - kW) // self.stride + 1
        X_col = im2col(x, kH, kW, stride=self.stride)
        W_col = self.weight.reshape(self.out_channels, -1)
        out = W_col @ X_col
        return out.reshape(self.out_channels, H_out, W_out)


class Lesson6MaxPool2d:
    """Loops over batch and channels: x (N, C, H, W) -> (N, C, H_out, W_out)."""

    def __init__(self, kernel_size, stride=None, padding=0):
        kernel_size = pair(kernel_size, "kernel_size", type(self).__name__, 1)
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding

    def forward(self, x):
        N, C, H, W = x.shape
        kH, kW = self.kernel_size
        p = self.padding
        s = self.stride if isinstance(self.stride, int) else self.stride[0]
        if p > 0:
            x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
        _, _, H_pad, W_pad = x.shape
        H_out = (H_pad - kH) // s + 1
        W_out = (W_pad - kW) // s + 1
        out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
        for n in range(N):
            for c in range(C):
                X_col = im2col(x[n, c:c + 1], kH, kW, stride=s)
                out[n, c] = X_col.max(axis=0).reshape(H_out, W_out)
        return out


# -- lesson 9: naive (loops) and batched, with backward ----------------------------------------
class NaiveMaxPool2d(Lesson6MaxPool2d):
    """Lesson 6's loops, keeping each window's argmax; backward loops over (n, c, l)."""

    def forward(self, x):
        N, C, H, W = x.shape
        kH, kW = self.kernel_size
        s = self.stride if isinstance(self.stride, int) else self.stride[0]
        H_out, W_out = (H - kH) // s + 1, (W - kW) // s + 1
        out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
        self.max_idx = np.empty((N, C, H_out * W_out), dtype=int)
        self.x_shape = x.shape
        for n in range(N):
            for c in range(C):
                X_col = im2col(x[n, c], kH, kW, stride=s)
                self.max_idx[n, c] = X_col.argmax(axis=0)
                out[n, c] = X_col.max(axis=0).reshape(H_out, W_out)
        return out

    def backward(self, dY):
        N, C, H, W = self.x_shape
        kH, kW = self.kernel_size
        s = self.stride if isinstance(self.stride, int) else self.stride[0]
        L = dY.shape[2] * dY.shape[3]
        dY_flat = dY.reshape(N, C, L)
        dX_cols = np.zeros((N, C, kH * kW, L), dtype=dY.dtype)
        for n in range(N):
            for c in range(C):
                for l in range(L):
                    dX_cols[n, c, self.max_idx[n, c, l], l] += dY_flat[n, c, l]
        return col2im_batch(dX_cols.reshape(N, C * kH * kW, L), C, H, W, kH, kW, stride=s)


class BatchedMaxPool2d:
    """Lesson 9's solution (no padding in these tests)."""

    def __init__(self, kernel_size, stride=None, padding=0):
        kernel_size = pair(kernel_size, "kernel_size", type(self).__name__, 1)
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size[0]
        self.padding = padding
        self.cache = None

    def forward(self, x):
        N, C, H, W = x.shape
        kH, kW = self.kernel_size
        s = self.stride
        H_out = (H - kH) // s + 1
        W_out = (W - kW) // s + 1
        L = H_out * W_out
        X_col = im2col_batch(x, kH, kW, stride=s)
        X_reshaped = X_col.reshape(N, C, kH * kW, L)
        max_idx = X_reshaped.argmax(axis=2)
        out = X_reshaped.max(axis=2).reshape(N, C, H_out, W_out)
        self.cache = {"x_padded_shape": x.shape, "max_idx": max_idx}
        return out

    def backward(self, dY):
        kH, kW = self.kernel_size
        s = self.stride
        N, C, H_out, W_out = dY.shape
        L = H_out * W_out
        _, _, H_pad, W_pad = self.cache["x_padded_shape"]
        max_idx = self.cache["max_idx"]
        dY_flat = dY.reshape(N, C, L)
        dX_cols_reshaped = np.zeros((N, C, kH * kW, L), dtype=dY.dtype)
        n_idx = np.arange(N)[:, None, None]
        c_idx = np.arange(C)[None, :, None]
        l_idx = np.arange(L)[None, None, :]
        dX_cols_reshaped[n_idx, c_idx, max_idx, l_idx] = dY_flat
        dX_cols = dX_cols_reshaped.reshape(N, C * kH * kW, L)
        return col2im_batch(dX_cols, C, H_pad, W_pad, kH, kW, stride=s)


class NaiveConv2d:
    """Lesson 6's batch Conv2d (a loop over N), with a per-sample backward."""

    def __init__(self, weight, stride=1, padding=0):
        self.weight = weight
        self.out_channels, self.in_channels, kH, kW = weight.shape
        self.kernel_size = (kH, kW)
        self.stride = stride
        self.padding = padding

    def forward(self, x):
        N, C_in, H, W = x.shape
        kH, kW = self.kernel_size
        p, s = self.padding, self.stride
        if p > 0:
            x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
        _, _, H_pad, W_pad = x.shape
        H_out = (H_pad - kH) // s + 1
        W_out = (W_pad - kW) // s + 1
        W_col = self.weight.reshape(self.out_channels, -1)
        out = np.empty((N, self.out_channels, H_out, W_out), dtype=x.dtype)
        self.X_cols, self.padded_shape = [], x.shape
        for n in range(N):
            X_col = im2col(x[n], kH, kW, stride=s)
            self.X_cols.append(X_col)
            out[n] = (W_col @ X_col).reshape(self.out_channels, H_out, W_out)
        return out

    def backward(self, dY):
        N, C_out = dY.shape[:2]
        _, C_in, H_pad, W_pad = self.padded_shape
        kH, kW = self.kernel_size
        p, s = self.padding, self.stride
        W_col = self.weight.reshape(C_out, -1)
        self.grad_weight = np.zeros_like(self.weight)
        dX_pad = np.empty(self.padded_shape, dtype=dY.dtype)
        for n in range(N):
            dY_n = dY[n].reshape(C_out, -1)
            self.grad_weight += (dY_n @ self.X_cols[n].T).reshape(self.weight.shape)
            dX_col = W_col.T @ dY_n
            dX_pad[n] = col2im_batch(dX_col[None], C_in, H_pad, W_pad, kH, kW, stride=s)[0]
        return dX_pad[:, :, p:-p, p:-p] if p > 0 else dX_pad


class BatchedConv2d(NaiveConv2d):
    """Lesson 9's solution: one GEMM over the whole batch."""

    def forward(self, x):
        N, C_in, H, W = x.shape
        kH, kW = self.kernel_size
        p, s = self.padding, self.stride
        self.x_shape = x.shape
        x_padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant") if p > 0 else x
        _, _, H_pad, W_pad = x_padded.shape
        H_out = (H_pad - kH) // s + 1
        W_out = (W_pad - kW) // s + 1
        self.H_pad, self.W_pad = H_pad, W_pad
        W_col = self.weight.reshape(self.out_channels, -1)
        self.W_col = W_col
        X_col = im2col_batch(x_padded, kH, kW, stride=s)
        self.X_col = X_col
        _, K, L = X_col.shape
        X_mat = X_col.transpose(1, 0, 2).reshape(K, N * L)
        Y_mat = W_col @ X_mat
        return Y_mat.reshape(self.out_channels, N, H_out, W_out).transpose(1, 0, 2, 3)

    def backward(self, dY):
        N, C_out, H_out, W_out = dY.shape
        kH, kW = self.kernel_size
        C_in, s, p = self.in_channels, self.stride, self.padding
        _, K, L = self.X_col.shape
        dY_mat = dY.reshape(N, C_out, L).transpose(1, 0, 2).reshape(C_out, N * L)
        X_mat = self.X_col.transpose(1, 0, 2).reshape(K, N * L)
        dW_col = dY_mat @ X_mat.T
        dX_mat = self.W_col.T @ dY_mat
        dX_cols = dX_mat.reshape(K, N, L).transpose(1, 0, 2)
        dX_pad = col2im_batch(dX_cols, C_in, self.H_pad, self.W_pad, kH, kW, stride=s)
        self.grad_weight = dW_col.reshape(self.weight.shape)
        return dX_pad[:, :, p:-p, p:-p] if p > 0 else dX_pad
