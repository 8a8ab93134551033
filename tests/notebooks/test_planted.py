"""One planted bug fails one exercise's check, and that check names the exercise (issue 18).

Each case plants a wrong answer (a common mistake, or a delegation to agrad's own op) in one
exercise of notebook 02 or 04, runs the notebook in a fresh kernel (``planted.failing_checks``)
and expects exactly that exercise's check cell to fail, with a message starting with the
exercise's name: a bug upstream must not fail the checks of the exercises built on it (they run
on agrad's reference of the upstream function). With no plant, no check fails.

One kernel run per case, about five seconds each, a minute in all (the cells after the last check are not run).
"""

from pathlib import Path

import pytest

from tests.notebooks.planted import check_failures, crashed

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NB02 = "02_tensors_broadcasting.ipynb"
NB04 = "04_naive_to_batched.ipynb"

IM2COL_STRIDE_IGNORED = """
N, C, H, W = x.shape
H_out = (H - kH) // stride + 1
W_out = (W - kW) // stride + 1
X_col = np.empty((N, C * kH * kW, H_out * W_out), dtype=x.dtype)
for i in range(H_out):
    for j in range(W_out):  # window (i, j) read at (i, j), not at (i * stride, j * stride)
        X_col[:, :, i * W_out + j] = x[:, :, i : i + kH, j : j + kW].reshape(N, -1)
return X_col
"""

COL2IM_ASSIGNS = """
N = X_col.shape[0]
x = np.zeros((N, C, H, W), dtype=X_col.dtype)
col = 0
for i in range(0, H - kH + 1, stride):
    for j in range(0, W - kW + 1, stride):
        x[:, :, i : i + kH, j : j + kW] = X_col[:, :, col].reshape(N, C, kH, kW)  # = where overlaps must add
        col += 1
return x
"""

MAXPOOL_BACKWARD_WRONG_INDEX = """
N, C, H_out, W_out = dY.shape
L = H_out * W_out
_, _, H, W = x_shape
dX_cols_reshaped = np.zeros((N, C, kH * kW, L), dtype=dY.dtype)
n_idx = np.arange(N)[:, None, None]
c_idx = np.arange(C)[None, :, None]
l_idx = np.arange(L)[None, None, :]
column_major = (max_idx % kW) * kH + max_idx // kW  # the window read by columns: the wrong position
dX_cols_reshaped[n_idx, c_idx, column_major, l_idx] = dY.reshape(N, C, L)
return col2im_batch(dX_cols_reshaped.reshape(N, C * kH * kW, L), C, H, W, kH, kW, stride=s)
"""

MAXPOOL_FORWARD_CHANNELS_MIXED = """
N, C, H, W = x.shape
H_out = (H - kH) // s + 1
W_out = (W - kW) // s + 1
L = H_out * W_out
X_col = im2col_batch(x, kH, kW, stride=s)
X_reshaped = X_col.reshape(N, kH * kW, C, L).transpose(0, 2, 1, 3)  # X_col's rows are (C, kH, kW), C first
max_idx = X_reshaped.argmax(axis=2)
out = X_reshaped.max(axis=2).reshape(N, C, H_out, W_out)
return out, max_idx
"""

CONV_FORWARD_N_C_OUT_SWAPPED = """
W_row = weight.reshape(C_out, -1)
X_col = im2col_batch(x_padded, kH, kW, stride=s)
_, K, L = X_col.shape
X_mat = X_col.transpose(1, 0, 2).reshape(K, N * L)
Y_mat = W_row @ X_mat
out = Y_mat.reshape(N, C_out, H_out, W_out)  # Y_mat is (C_out, N*L): its rows are channels, not samples
return out, (X_col, x_padded.shape)
"""

CONV_BACKWARD_N_C_OUT_SWAPPED = """
_, K, L = X_col.shape
dY_mat = dY.reshape(C_out, N * L)  # without the transpose: right at N=1 only
X_mat = X_col.transpose(1, 0, 2).reshape(K, N * L)
W_row = weight.reshape(C_out, K)
dW_row = dY_mat @ X_mat.T
dX_mat = W_row.T @ dY_mat
dX_cols = dX_mat.reshape(K, N, L).transpose(1, 0, 2)
dX_pad = col2im_batch(dX_cols, C_in, H_pad, W_pad, kH, kW, stride=s)
dX = dX_pad[:, :, p : H_pad - p, p : W_pad - p]
return dX, dW_row.reshape(weight.shape)
"""

UNBROADCAST_KEEPS_LENGTH_1_AXES = """
return grad.sum(axis=tuple(range(grad.ndim - len(shape))))  # the leading axes only
"""

# (notebook, answer grade_id, planted code, the check expected to fail, how its message starts)
PLANTED = [
    pytest.param(NB04, "im2col_batch", IM2COL_STRIDE_IGNORED, "im2col_batch_check",
                 "im2col_batch, x = arange(16).reshape(1, 1, 4, 4), kernel 2x2, stride 2, sample 0: column 1 = the "
                 "window at (0, 2)", id="04-im2col_batch-stride-ignored"),
    pytest.param(NB04, "col2im_batch", COL2IM_ASSIGNS, "col2im_batch_check",
                 "col2im_batch, ones of shape (1, 4, 9)", id="04-col2im_batch-assigns-instead-of-adding"),
    pytest.param(NB04, "maxpool_forward_batched", MAXPOOL_FORWARD_CHANNELS_MIXED, "maxpool_forward_batched_check",
                 "maxpool_forward_batched, x = arange(32).reshape(1, 2, 4, 4), 2x2, sample 0, channel 0: element (0, 0) = "
                 "the max of window (0, 0)", id="04-maxpool_forward-channels-mixed"),
    pytest.param(NB04, "maxpool_backward_batched", MAXPOOL_BACKWARD_WRONG_INDEX, "maxpool_backward_batched_check",
                 "maxpool_backward_batched, the 4x4 image", id="04-maxpool_backward-wrong-index"),
    pytest.param(NB04, "conv2d_forward_batched", CONV_FORWARD_N_C_OUT_SWAPPED, "conv2d_forward_batched_check",
                 "conv2d_forward_batched, x = arange(32)", id="04-conv2d_forward-N-C_out-swapped"),
    pytest.param(NB04, "conv2d_backward_batched", CONV_BACKWARD_N_C_OUT_SWAPPED, "conv2d_backward_batched_check",
                 "conv2d_backward_batched, N=2", id="04-conv2d_backward-N-C_out-swapped"),
    pytest.param(NB02, "exp", "return ag.exp(input)", "exp_check",
                 "exp: expected your own code, not a call to ag.exp", id="02-exp-delegates-to-ag.exp"),
    pytest.param(NB02, "exp", "from autograd.ops.elementwise.unary import exp as library_exp\nreturn library_exp(input)",
                 "exp_check", "exp: the result is the output of agrad's own 'exp'", id="02-exp-imports-agrads-exp"),
    pytest.param(NB02, "unbroadcast", "return ag.unbroadcast(grad, shape)", "unbroadcast_check",
                 "unbroadcast: expected your own code, not a call to ag.unbroadcast",
                 id="02-unbroadcast-delegates-to-ag.unbroadcast"),
    pytest.param(NB02, "unbroadcast", UNBROADCAST_KEEPS_LENGTH_1_AXES, "unbroadcast_check",
                 "unbroadcast, grad of shape (2, 3) to shape (1, 3): expected shape (1, 3), got (2, 3): axis 0 should "
                 "have been summed to length 1", id="02-unbroadcast-forgets-length-1-axes"),
    pytest.param(NB02, "tensor_sum", "input.grad += output.grad", "tensor_sum_check",
                 "sum backward, case x of shape (2, 3, 4), axis=1, keepdims=False: ValueError: operands could not be "
                 "broadcast", id="02-sum-backward-without-expand_dims"),
]


@pytest.mark.parametrize(("notebook", "answer", "code", "expected", "message"), PLANTED)
def test_a_planted_bug_fails_exactly_its_own_check(notebook, answer, code, expected, message):
    failures = check_failures(NOTEBOOK_DIR / notebook, {answer: code})
    details = "\n".join(f"  {grade_id}: {text[:400]}" for grade_id, text in sorted(failures.items())) or "  (none)"
    assert set(failures) == {expected}, (
        f"{notebook}, bug planted in {answer!r}: expected exactly the check {expected!r} to fail, "
        f"got {sorted(failures)}:\n{details}"
    )
    assert "Error: " in message or not crashed(failures[expected]), (
        f"{notebook}, bug planted in {answer!r}: expected {expected!r} to name the wrong value, not to report "
        f"an exception, got:\n{details}"
    )
    assert failures[expected].startswith(f"AssertionError: {message}"), (
        f"{notebook}, bug planted in {answer!r}: expected {expected!r} to fail with a message starting "
        f"{message!r}, got:\n{details}"
    )


@pytest.mark.parametrize("notebook", [NB02, NB04])
def test_the_solution_notebook_fails_no_check(notebook):
    failures = check_failures(NOTEBOOK_DIR / notebook, {})
    assert not failures, f"{notebook}: expected no check to fail with the solutions as written, got:\n" + "\n".join(
        f"  {grade_id}: {text[:400]}" for grade_id, text in sorted(failures.items()))
