"""Winograd F(2x2, 3x3) in NumPy against agrad's im2col route: the measurement behind not having it.

Winograd computes each 2x2 block of a 3x3, stride-1 convolution's output from a 4x4 tile of input
with 16 multiplications instead of 36, so its GEMMs (16 of them, (C_out, C) @ (C, tiles)) do
2.25x less work than im2col's one. The tiles have to be transformed on the way in (V = B^T d B)
and out (Y = A^T m A); here both transforms are GEMMs too (with kron(B^T, B^T) and
kron(A^T, A^T)), after one strided copy that gathers the overlapping tiles, 4x the input.

Run with ``OPENBLAS_NUM_THREADS=1`` for steady figures. It prints, per CIFAR-style layer, agrad's
forward (no grad), Winograd's forward and its three parts, and Winograd's largest relative error.
"""

import numpy as np
from threadpoolctl import threadpool_info
from timing import median_time

import autograd as ag

G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])
BT = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]])
LAYERS = [(64, 16, 32, 16), (64, 32, 16, 32), (64, 64, 8, 64), (64, 32, 16, 64)]  # N, C, H=W, C_out


def weight_transform(w):
    """w (C_out, C, 3, 3) -> U (16, C_out, C): G g G^T for every filter."""
    u = np.einsum("ai,kcij,bj->abkc", G, w.astype(np.float64), G)
    return np.ascontiguousarray(u.reshape(16, *w.shape[:2]), dtype=w.dtype)


def input_transform(x):
    """x (N, C, H, W), padding 1 -> V (16, C, N*tiles) and the tiling."""
    n, c, h, w = x.shape
    tiles_h, tiles_w = -(-h // 2), -(-w // 2)
    x_pad = np.zeros((c, n, 2 * tiles_h + 2, 2 * tiles_w + 2), dtype=x.dtype)
    x_pad[:, :, 1:h + 1, 1:w + 1] = x.transpose(1, 0, 2, 3)
    s = x_pad.strides
    tiles = np.lib.stride_tricks.as_strided(
        x_pad, (4, 4, c, n, tiles_h, tiles_w), (s[2], s[3], s[0], s[1], 2 * s[2], 2 * s[3]))
    d = np.ascontiguousarray(tiles).reshape(16, -1)
    v = np.kron(BT, BT).astype(x.dtype) @ d
    return v.reshape(16, c, -1), (n, tiles_h, tiles_w, h, w)


def output_transform(m, c_out, tiling):
    """M (16, C_out, N*tiles) -> Y (N, C_out, H, W)."""
    n, tiles_h, tiles_w, h, w = tiling
    blocks = (np.kron(AT, AT).astype(m.dtype) @ m.reshape(16, -1)).reshape(2, 2, c_out, n, tiles_h, tiles_w)
    y = np.empty((n, c_out, 2 * tiles_h, 2 * tiles_w), dtype=m.dtype)
    np.copyto(y.reshape(n, c_out, tiles_h, 2, tiles_w, 2), blocks.transpose(3, 2, 4, 0, 5, 1))
    return y[:, :, :h, :w]


def winograd_conv3x3(x, w):
    v, tiling = input_transform(x)
    return output_transform(np.matmul(weight_transform(w), v), w.shape[0], tiling)


def median_ms(fn):
    return 1e3 * median_time(fn, repeats=15)


def layer_row(x, w):
    """The printed figures of one layer: agrad, Winograd, its three parts (ms) and its error."""
    with ag.no_grad():
        expected = ag.conv2d(ag.Tensor(x), ag.Tensor(w), padding=1).value
        ours = median_ms(lambda: ag.conv2d(ag.Tensor(x), ag.Tensor(w), padding=1))
    error = np.abs(winograd_conv3x3(x, w) - expected).max() / np.abs(expected).max()
    u = weight_transform(w)
    v, tiling = input_transform(x)
    m = np.matmul(u, v)
    return (ours, median_ms(lambda: winograd_conv3x3(x, w)), median_ms(lambda: input_transform(x)),
            median_ms(lambda: np.matmul(u, v)), median_ms(lambda: output_transform(m, w.shape[0], tiling)), error)


def main():
    print("BLAS:", ", ".join(f"{lib['internal_api']} {lib.get('architecture')} x{lib['num_threads']}"
                             for lib in threadpool_info()))
    rng = np.random.default_rng(0)
    print(f"{'layer':<22}{'agrad':>8}{'winograd':>10}{'(in':>8}{'gemm':>7}{'out)':>7}{'rel. error':>12}")
    for n, c, h, c_out in LAYERS:
        x = rng.standard_normal((n, c, h, h)).astype(np.float32)
        w = (rng.standard_normal((c_out, c, 3, 3)) * 0.1).astype(np.float32)
        ours, winograd, *parts, error = layer_row(x, w)
        print(f"{f'({n},{c},{h},{h})->{c_out}':<22}{ours:>8.2f}{winograd:>10.2f}"
              f"{parts[0]:>8.2f}{parts[1]:>7.2f}{parts[2]:>7.2f}{error:>12.1e}")


if __name__ == "__main__":
    main()
