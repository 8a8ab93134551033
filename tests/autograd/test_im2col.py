"""im2col geometry: the lessons' functions, their agreement with the lessons' loops, and lecture 08's
X_patches and im2col matrix examples (the fast windows: tests/autograd/kernels/test_fast_windows.py)."""

import numpy as np
import pytest

from autograd import im2col as lesson
from tests.helpers import rng


# -- lesson 6's loop implementation, as printed (the reference for the vectorised one) --------
def lesson6_im2col(x, kH, kW, stride=1):
    C, H, W = x.shape
    H_out = (H - kH) // stride + 1
    W_out = (W - kW) // stride + 1
    X_col = np.empty((C * kH * kW, H_out * W_out), dtype=x.dtype)
    col = 0
    for i in range(0, H - kH + 1, stride):
        for j in range(0, W - kW + 1, stride):
            X_col[:, col] = x[:, i:i + kH, j:j + kW].reshape(-1)
            col += 1
    return X_col


@pytest.mark.parametrize("shape", [(5, 7), (3, 5, 7), (2, 6, 6)])
@pytest.mark.parametrize("kernel", [(2, 2), (3, 2), (1, 4)])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_im2col_matches_the_lesson_loop(shape, kernel, stride):
    x = rng(1).standard_normal(shape)
    image = x if x.ndim == 3 else x[None]
    expected = lesson6_im2col(image, *kernel, stride)
    np.testing.assert_array_equal(lesson.im2col(x, *kernel, stride), expected, err_msg="expected lesson 6's im2col")


def test_im2col_lesson_small_example():
    # lesson 6's acceptance check: 3x3 image, 2x2 kernel -> 4 columns, one per top-left corner
    x = np.arange(1, 10).reshape(3, 3)
    expected = [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]
    np.testing.assert_array_equal(lesson.im2col(x, 2, 2), expected, err_msg="expected one flattened patch per column")


@pytest.mark.parametrize("kernel, stride", [((2, 2), 1), ((3, 2), 2), ((2, 3), 3)])
def test_im2col_batch_is_im2col_per_image_and_torch_unfold(kernel, stride):
    x = rng(2).standard_normal((3, 2, 7, 8))
    cols = lesson.im2col_batch(x, *kernel, stride)
    for n in range(3):
        np.testing.assert_array_equal(cols[n], lesson.im2col(x[n], *kernel, stride), err_msg=f"expected image {n}")
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.unfold(torch.tensor(x), kernel, stride=stride).numpy()
    np.testing.assert_array_equal(cols, expected, err_msg="expected torch's unfold layout")


@pytest.mark.parametrize("kernel, stride", [((2, 2), 1), ((3, 2), 2), ((2, 3), 3), ((3, 3), 1)])
def test_col2im_batch_is_the_adjoint_and_matches_torch_fold(kernel, stride):
    x = rng(3).standard_normal((2, 3, 7, 8))
    cols = lesson.im2col_batch(x, *kernel, stride)
    y = rng(4).standard_normal(cols.shape)
    back = lesson.col2im_batch(y, 3, 7, 8, *kernel, stride)
    # <im2col(x), y> == <x, col2im(y)>: col2im is the transpose of im2col
    np.testing.assert_allclose(np.sum(cols * y), np.sum(x * back), rtol=1e-12, err_msg="expected the adjoint")
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.fold(torch.tensor(y), (7, 8), kernel, stride=stride).numpy()
    np.testing.assert_allclose(back, expected, rtol=1e-12, atol=1e-12, err_msg="expected torch's fold")


def test_col2im_batch_counts_overlaps():
    ones = np.ones((1, 1 * 2 * 2, 4))  # 3x3 image, 2x2 windows, stride 1
    expected = [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    np.testing.assert_array_equal(lesson.col2im_batch(ones, 1, 3, 3, 2, 2)[0, 0], expected,
                                  err_msg="expected each pixel to count the windows covering it")


# -- lecture 08: X_patches and the im2col matrix ----------------------------------------------
N, C, H, W, K = 2, 2, 4, 5, 2
X = np.arange(N * C * H * W).reshape(N, C, H, W)
P = (H - K + 1) * (W - K + 1)


def x_patches(matrix):
    return (X.reshape(N, -1) @ matrix).reshape(N, P, C, K, K)


def test_im2col_matrix_dense_lecture_example():
    M = lesson.im2col_matrix_dense(X, K)
    assert M.shape == (C * H * W, P * C * K * K), f"expected shape (C*H*W, P*C*K*K), got {M.shape}"
    assert set(np.unique(M)) == {0.0, 1.0} and (M.sum(axis=0) == 1).all(), "expected one 1 per column"
    X_out_dense = X.reshape(N, -1) @ M
    first = [0, 1, 5, 6, 20, 21, 25, 26, 1, 2, 6, 7, 21, 22, 26, 27, 2, 3, 7, 8, 22, 23, 27, 28, 3, 4,
             8, 9, 23, 24, 28, 29, 5, 6, 10, 11, 25, 26, 30, 31, 6, 7, 11, 12, 26, 27, 31, 32, 7, 8, 12, 13]
    np.testing.assert_array_equal(X_out_dense[0, :len(first)], first, err_msg="expected the lecture's printout")
    patches = x_patches(M)
    lecture = {
        (0, 0): [[[0, 1], [5, 6]], [[20, 21], [25, 26]]],
        (0, 1): [[[1, 2], [6, 7]], [[21, 22], [26, 27]]],
        (0, 3): [[[3, 4], [8, 9]], [[23, 24], [28, 29]]],
        (0, 4): [[[5, 6], [10, 11]], [[25, 26], [30, 31]]],
        (1, 0): [[[40, 41], [45, 46]], [[60, 61], [65, 66]]],
    }
    for index, expected in lecture.items():
        np.testing.assert_array_equal(patches[index], expected, err_msg=f"expected X_patches{list(index)}")


def test_im2col_matrix_sparse_equals_dense():
    dense = lesson.im2col_matrix_dense(X, K)
    sparse = lesson.im2col_matrix_sparse(X, K)
    assert sparse.format == "csr", f"expected a CSR matrix, got {sparse.format}"
    np.testing.assert_array_equal(sparse.toarray(), dense, err_msg="expected the dense matrix")
    np.testing.assert_array_equal(sparse.T.dot(X.reshape(N, -1).T).T, X.reshape(N, -1) @ dense,
                                  err_msg="expected the same patches through the sparse product")


def test_x_patches_agree_with_im2col_batch():
    cols = lesson.im2col_batch(X, K, K)  # (N, C*K*K, P)
    np.testing.assert_array_equal(x_patches(lesson.im2col_matrix_dense(X, K)),
                                  cols.transpose(0, 2, 1).reshape(N, P, C, K, K),
                                  err_msg="expected X_patches[n, p] to be column p of im2col_batch")


def test_lecture_exercise_3_lower_left_minus_top_right():
    kernel = np.zeros((C, K, K))
    kernel[0] = [[0, -1], [2, 0]]  # 2 x lower left - 1 x top right, second channel ignored
    X_convolved = np.einsum("npckl,ckl->np", x_patches(lesson.im2col_matrix_sparse(X, K).toarray()), kernel)
    X_convolved = X_convolved.reshape(N, H - K + 1, W - K + 1)
    assert X_convolved.shape == (2, 3, 4), f"expected (2, 3, 4), got {X_convolved.shape}"
    expected = [[9, 10, 11, 12], [14, 15, 16, 17], [19, 20, 21, 22]]
    np.testing.assert_array_equal(X_convolved[0], expected, err_msg="expected the lecture's first map")
    by_gemm = (kernel.reshape(1, -1) @ lesson.im2col_batch(X, K, K)).reshape(N, 3, 4)
    np.testing.assert_array_equal(by_gemm, X_convolved, err_msg="expected im2col + GEMM to agree")


@pytest.mark.parametrize("call, message", [
    (lambda: lesson.im2col(np.zeros((1, 2, 3, 4)), 2, 2), r"\(1, 2, 3, 4\)"),
    (lambda: lesson.im2col_batch(np.zeros((3, 4)), 2, 2), r"\(3, 4\)"),
    (lambda: lesson.im2col_batch(np.zeros((1, 1, 3, 4)), 4, 2), "4x2"),
    (lambda: lesson.im2col_batch(np.zeros((1, 1, 3, 4)), 2, 2, stride=0), "im2col_batch: stride must be an int >= 1"),
    (lambda: lesson.im2col_batch(np.zeros((1, 1, 3, 4)), 2, 2, stride=1.5), "stride must be an int >= 1, got 1.5"),
    (lambda: lesson.im2col(np.zeros((3, 4)), 0, 2), "im2col: kH must be an int >= 1, got 0"),
    (lambda: lesson.im2col(np.zeros((3, 4)), 2, 2.5), "im2col: kW must be an int >= 1, got 2.5"),
    (lambda: lesson.col2im_batch(np.zeros((1, 4, 5)), 1, 3, 3, 2, 2), r"\(1, 4, 5\)"),
    (lambda: lesson.col2im_batch(np.zeros((1, 4, 0)), 1, 1, 3, 2, 2), "kernel 2x2 is larger than the image 1x3"),
    (lambda: lesson.col2im_batch(np.zeros((1, 4, 4)), 1, 3, 3, 2, 2, stride=0), "stride must be an int >= 1"),
    (lambda: lesson.col2im_batch(np.zeros((1, 4, 4)), 1.0, 3, 3, 2, 2), "col2im_batch: C must be an int >= 0, got 1.0"),
    (lambda: lesson.im2col_matrix_dense(np.zeros((2, 3, 4)), 2), r"\(2, 3, 4\)"),
    (lambda: lesson.im2col_matrix_dense(np.zeros((1, 1, 3, 3)), 0), "im2col_matrix_dense: K must be an int >= 1"),
    (lambda: lesson.im2col_matrix_sparse(np.zeros((1, 1, 3, 3)), 4), "kernel size 4"),
])
def test_lesson_functions_name_bad_shapes(call, message):
    with pytest.raises(ValueError, match=message) as error:
        call()
    assert ":" in str(error.value).split()[0], f"expected the function's name first, got {error.value}"
