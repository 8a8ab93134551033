"""LeNet-5 the way lesson 9 ("CNN Improvements", seeds/000) builds it: its batched Conv2d and
MaxPool2d (``nn.lesson_layers``: im2col/col2im looping over output positions, one GEMM, argmax
routing), plus ReLU and Linear layers with the same kind of hand-written backward, updated by
plain SGD. The benchmark's in-house baseline.
"""

import numpy as np

from nn.lesson_layers import BatchedConv2d, BatchedMaxPool2d


class Conv2d(BatchedConv2d):
    """The lesson's Conv2d (no bias, as in its slides) with an SGD update after backward."""

    def __init__(self, c_in, c_out, k, padding, rng):
        bound = 1 / np.sqrt(c_in * k * k)
        super().__init__(rng.uniform(-bound, bound, (c_out, c_in, k, k)).astype(np.float32), padding=padding)

    def backward(self, dY, lr):
        dX = super().backward(dY)
        self.weight -= lr * self.grad_weight
        return dX


class MaxPool2d(BatchedMaxPool2d):
    def backward(self, dY, lr):
        return super().backward(dY)


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
            Conv2d(1, 6, 5, 2, rng), ReLU(), MaxPool2d(2), Conv2d(6, 16, 5, 0, rng), ReLU(), MaxPool2d(2),
            Linear(400, 120, rng), ReLU(), Linear(120, 84, rng), ReLU(), Linear(84, 10, rng),
        ]

    def sgd_step(self, x, y, lr):
        out = x
        for layer in self.layers:
            out = layer.forward(out)
        shifted = out - out.max(axis=1, keepdims=True)
        grad = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)  # softmax - onehot, / N
        grad[np.arange(len(y)), y] -= 1
        grad /= len(y)
        for layer in reversed(self.layers):
            grad = layer.backward(grad, lr)
