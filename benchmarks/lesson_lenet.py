"""LeNet-5 the way lesson 9 ("CNN Improvements", seeds/000) builds it: batched im2col/col2im
that loop over output positions, Conv2d as one GEMM, MaxPool2d with stored argmax, each layer
with a hand-written backward. Used only as the benchmark's in-house baseline.
"""

import numpy as np


def im2col_batch(x, kH, kW, stride=1):
    N, C, H, W = x.shape
    H_out, W_out = (H - kH) // stride + 1, (W - kW) // stride + 1
    X_col = np.empty((N, C * kH * kW, H_out * W_out), dtype=x.dtype)
    col = 0
    for i in range(0, H - kH + 1, stride):
        for j in range(0, W - kW + 1, stride):
            X_col[:, :, col] = x[:, :, i:i + kH, j:j + kW].reshape(N, -1)
            col += 1
    return X_col


def col2im_batch(X_col, C, H, W, kH, kW, stride=1):
    N = X_col.shape[0]
    x = np.zeros((N, C, H, W), dtype=X_col.dtype)
    col = 0
    for i in range(0, H - kH + 1, stride):
        for j in range(0, W - kW + 1, stride):
            x[:, :, i:i + kH, j:j + kW] += X_col[:, :, col].reshape(N, C, kH, kW)
            col += 1
    return x


class Conv2d:
    def __init__(self, c_in, c_out, k, padding, rng):
        self.k, self.p = k, padding
        bound = 1 / np.sqrt(c_in * k * k)
        self.weight = rng.uniform(-bound, bound, (c_out, c_in, k, k)).astype(np.float32)
        self.bias = rng.uniform(-bound, bound, c_out).astype(np.float32)

    def forward(self, x):
        p, k = self.p, self.k
        x = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p else x
        self.padded_shape = x.shape
        N, C, H, W = x.shape
        H_out, W_out = H - k + 1, W - k + 1
        self.X_col = im2col_batch(x, k, k)
        K, L = self.X_col.shape[1:]
        X_mat = self.X_col.transpose(1, 0, 2).reshape(K, N * L)
        Y_mat = self.weight.reshape(len(self.weight), -1) @ X_mat + self.bias[:, None]
        return Y_mat.reshape(-1, N, H_out, W_out).transpose(1, 0, 2, 3)

    def backward(self, dY, lr):
        N, C_out, H_out, W_out = dY.shape
        K, L = self.X_col.shape[1:]
        dY_mat = dY.reshape(N, C_out, L).transpose(1, 0, 2).reshape(C_out, N * L)
        X_mat = self.X_col.transpose(1, 0, 2).reshape(K, N * L)
        W_row = self.weight.reshape(C_out, -1)
        dX_cols = (W_row.T @ dY_mat).reshape(K, N, L).transpose(1, 0, 2)
        _, C, H, W = self.padded_shape
        dX = col2im_batch(dX_cols, C, H, W, self.k, self.k)
        self.weight -= lr * (dY_mat @ X_mat.T).reshape(self.weight.shape)
        self.bias -= lr * dY_mat.sum(axis=1)
        return dX[:, :, self.p:-self.p, self.p:-self.p] if self.p else dX


class MaxPool2d:
    def forward(self, x):
        N, C, H, W = x.shape
        self.shape = x.shape
        X_col = im2col_batch(x, 2, 2, stride=2).reshape(N, C, 4, -1)
        self.max_idx = X_col.argmax(axis=2)
        return X_col.max(axis=2).reshape(N, C, H // 2, W // 2)

    def backward(self, dY, lr):
        N, C, H, W = self.shape
        L = dY.shape[2] * dY.shape[3]
        dX_cols = np.zeros((N, C, 4, L), dtype=dY.dtype)
        n, c, l_idx = np.arange(N)[:, None, None], np.arange(C)[None, :, None], np.arange(L)[None, None, :]
        dX_cols[n, c, self.max_idx, l_idx] = dY.reshape(N, C, L)
        return col2im_batch(dX_cols.reshape(N, C * 4, L), C, H, W, 2, 2, stride=2)


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dY, lr):
        return dY * self.mask


class Linear:
    def __init__(self, n_in, n_out, rng):
        bound = 1 / np.sqrt(n_in)
        self.weight = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
        self.bias = rng.uniform(-bound, bound, n_out).astype(np.float32)

    def forward(self, x):
        self.shape = x.shape
        self.x = x.reshape(len(x), -1)
        return self.x @ self.weight.T + self.bias

    def backward(self, dY, lr):
        dX = dY @ self.weight
        self.weight -= lr * dY.T @ self.x
        self.bias -= lr * dY.sum(axis=0)
        return dX.reshape(self.shape)


class LessonLeNet5:
    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.layers = [
            Conv2d(1, 6, 5, 2, rng), ReLU(), MaxPool2d(), Conv2d(6, 16, 5, 0, rng), ReLU(), MaxPool2d(),
            Linear(400, 120, rng), ReLU(), Linear(120, 84, rng), ReLU(), Linear(84, 10, rng),
        ]

    def sgd_step(self, x, y, lr):
        out = x
        for layer in self.layers:
            out = layer.forward(out)
        shifted = out - out.max(axis=1, keepdims=True)
        probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        grad = probabilities
        grad[np.arange(len(y)), y] -= 1
        grad /= len(y)
        for layer in reversed(self.layers):
            grad = layer.backward(grad, lr)
