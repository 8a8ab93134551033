"""One planted bug fails one exercise's check, by name, in notebooks 01, 03, 05, 06, 07, 08 (issue 18).

As test_planted.py does for 02 and 04: each case plants wrong answers (plants_more.py: a common
mistake per exercise) and runs the notebook in a fresh kernel (``planted.check_failures``),
expecting exactly the planted exercises' checks to fail, each with a message starting with the
exercise's name and case. To keep to one kernel run per case (about five seconds, 07's about 15),
a case plants one bug in each of several exercises at once. That still shows that no bug fails
another exercise's check only because the exercises of a case are independent: no check of the
case calls another planted exercise's function (each case says why). An exercise whose check
needs an upstream one (03's Conv2d and MaxPool2d use im2col, 05's conv2d_backward uses
conv2d_einsum, 06's convolve shows the lecture's output with exercise 3's kernel) is planted in
another case than its upstream, and the upstream's case shows that the downstream check still
passes: run on agrad's reference of the upstream function, or (06) on a random kernel, the
lecture's output shown only once exercise 3's kernel is right. With no plant, no check fails.
"""

from pathlib import Path

import pytest

from tests.notebooks import plants_more as bug
from tests.notebooks.planted import check_failures, crashed

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NB01 = "01_scalar_autograd.ipynb"
NB03 = "03_conv_pool_im2col.ipynb"
NB05 = "05_conv_as_gemm.ipynb"
NB06 = "06_im2col_matrix.ipynb"
NB07 = "07_train_cnn.ipynb"
NB08 = "08_higher_order.ipynb"

# (notebook, [(answer grade_id, planted code, the check expected to fail, how its message starts), ...])
PLANTED = [
    # the four exercises are independent: the Model, Loss and Optimizer checks build their own Scalars
    # and use agrad's relu, none calls sigmoid, Model or Loss
    pytest.param(NB01, [
        ("sigmoid", bug.SIGMOID_ASSIGNS, "sigmoid_check",
         "sigmoid, case sigmoid(u) * sigmoid(u), u = 0.3: expected d(sigmoid(u)^2)/du"),
        ("Model", bug.MODEL_FORGETS_B2, "Model_check",
         "Model.forward: element (0,) = the prediction for x = -1, w2 . relu(w1 x + b1) + b2, should be"),
        ("Loss", bug.MSE_FORGETS_THE_MEAN, "Loss_check",
         "Loss.mse, case predictions [0.5, -1, 2, 0], targets [1, 0, 2.5, -0.5]: expected the mean of the squared "
         "errors, 0.4375 (nn.functional.mse_loss), got 1.75 = 4 x the mean: divided by n_samples?"),
        ("Optimizer", bug.ZERO_GRAD_REBINDS_A_LOCAL, "Optimizer_check",
         "Optimizer.zero_grad: expected every parameter's grad reset to 0.0, got 0.25, -1.0"),
    ], id="01-sigmoid-assigns,Model-forgets-b2,mse-forgets-the-mean,zero_grad-rebinds-a-local"),
    # the three im2col exercises, each defining im2col anew: checked against agrad's im2col, and the
    # Conv2d and MaxPool2d checks that follow run on agrad's im2col, so they must still pass
    pytest.param(NB03, [
        ("im2col", bug.IM2COL_OUTPUT_OFF_BY_ONE, "im2col_check",
         "im2col, case the lesson's 3x3 image [[1, 2, 3], [4, 5, 6], [7, 8, 9]], kernel 2x2: expected X_col of shape "
         "(C*kH*kW, H_out*W_out) = (4, 4), with H_out = H - kH + 1 (W_out alike), got (4, 1)"),
        ("im2col_2", bug.IM2COL_STRIDE_IGNORED, "im2col_2_check",
         "im2col with a stride, case x = arange(25).reshape(5, 5), kernel 3x3, stride 2: column 1 = the window at "
         "(0, 2), flattened row-major should be [ 2,  3,  4,  7,  8,  9, 12, 13, 14], got [ 1,"),
        ("im2col_3", bug.IM2COL_CHANNELS_LAST, "im2col_3_check",
         "multi-channel im2col, case x = arange(27).reshape(3, 3, 3) (an RGB 3x3 image), kernel 2x2: column 0 = the "
         "window at (0, 0), flattened (C, kH, kW) should be"),
    ], id="03-im2col-off-by-one,stride-ignored,channels-last"),
    # the five layers: each class is defined anew and checked on its own (on agrad's im2col)
    pytest.param(NB03, [
        ("Conv2d", bug.CONV_FLIPS_THE_KERNEL, "Conv2d_check",
         "Conv2d.forward, case a random 3x3 kernel: got the kernel rotated by 180 degrees (a true convolution)"),
        ("Conv2d_2", bug.CONV_STRIDE_NOT_PASSED, "Conv2d_2_check",
         "Conv2d.forward with padding and stride, case 3x3 kernel, stride 2, padding 1, x of shape (8, 8): "
         "ValueError: cannot reshape array of size 64 into shape (4,4)"),
        ("Conv2d_3", bug.CONV_PADS_THE_CHANNELS, "Conv2d_3_check",
         "Conv2d.forward with filters, case Conv2d(3, 4, 3, stride=1, padding=1), random x of shape (3, 6, 7): "
         "ValueError: matmul"),
        ("Conv2d_4", bug.CONV_BATCH_SKIPS_SAMPLE_0, "Conv2d_4_check",
         "Conv2d.forward for a batch, case Conv2d(2, 4, 3, stride=2, padding=1), random x of shape (3, 2, 7, 6): "
         "expected every array to match the reference:\n  sample 0: WRONG"),
        ("MaxPool2d", bug.MAXPOOL_ACROSS_CHANNELS, "MaxPool2d_check",
         "MaxPool2d.forward, case kernel 2, stride None, random x of shape (2, 3, 6, 7): expected every array to "
         "match the reference:\n  channel 0: WRONG"),
    ], id="03-Conv2d-flips-kernel,stride-not-passed,pads-channels,skips-sample-0,MaxPool2d-across-channels"),
    # independent: the im2col_loop, window_view, conv1x1, param_count and Winograd checks compare with
    # agrad, and conv2d_backward (not planted here, it uses conv2d_einsum) runs on agrad's conv2d
    pytest.param(NB05, [
        ("im2col_loop", bug.IM2COL_LOOP_COLUMNS_BY_COLUMN, "im2col_loop_check",
         "im2col_loop, case the lesson's 5x5 image X5, kernel 3x3: column 1 = the patch at (0, 1), row by row "
         "should be"),
        ("window_view", bug.WINDOW_VIEW_WRITEABLE, "window_view_check",
         "window_view: expected a read-only view (as_strided(..., writeable=False))"),
        ("conv2d_einsum", bug.EINSUM_DILATION_IGNORED, "conv2d_einsum_check",
         "conv2d_einsum, case stride 1, padding 2, dilation 2, compared with ag.conv2d: expected every array to "
         "match the reference:\n  out: WRONG"),
        ("conv1x1_matmul", bug.CONV1X1_RESHAPE_FOR_TRANSPOSE, "conv1x1_matmul_check",
         "conv1x1_matmul, case x = arange(8.0).reshape(1, 2, 2, 2), weights [1, 10]: element (0, 0) = pixel (0, 0) "
         "= 1 * channel 0 + 10 * channel 1 should be 40, got 10"),
        ("param_count", bug.PARAM_COUNT_GROUPS_IGNORED, "param_count_check",
         "param_count, case groups=256: expected depthwise + pointwise = 256*9 + 256*256 = 67,840, got 655,360 "
         "(each filter sees C_in // groups channels)"),
        ("winograd_f23", bug.WINOGRAD_DIRECT_SIX_MULTIPLICATIONS, "winograd_f23_check",
         "winograd_f23: expected 4 multiplications per 2 outputs (m + r - 1), measured 6"),
    ], id="05-im2col_loop-by-column,writeable-view,einsum-dilation-ignored,1x1-reshape,groups-ignored,winograd-direct"),
    # conv2d_backward apart from conv2d_einsum (its upstream); winograd_f23_2d uses neither
    pytest.param(NB05, [
        ("conv2d_backward", bug.BACKWARD_KERNEL_NOT_ROTATED, "conv2d_backward_check",
         "conv2d_backward, case X5 with the Sobel-X kernel, upstream gradient all ones: expected every array to "
         "match the reference:\n  dx = every window's kernel added back: WRONG"),
        ("winograd_f23_2d", bug.WINOGRAD_2D_KERNEL_TRANSFORMED_ON_ONE_SIDE, "winograd_f23_2d_check",
         "winograd_f23_2d, case tile = arange(16.0).reshape(4, 4), an all-ones 3x3 kernel: ValueError: operands "
         "could not be broadcast"),
    ], id="05-backward-kernel-not-rotated,winograd-2d-one-sided"),
    # delegations: agrad's own function returned where the exercise is to write it (the checks run the
    # answer with every name of agrad's function refused); the exercises of each case are independent,
    # as above (Conv2d_4 and MaxPool2d run on agrad's im2col, im2col_2 is checked against it)
    pytest.param(NB03, [
        ("im2col_2", bug.IM2COL_STRIDE_DELEGATES, "im2col_2_check",
         "im2col with a stride: expected your own code, not a call to agrad's im2col: the exercise is to write it"),
        ("Conv2d_4", bug.CONV_BATCH_DELEGATES_TO_AG_CONV2D, "Conv2d_4_check",
         "Conv2d.forward for a batch: expected your own code, not a call to agrad's conv2d"),
        ("MaxPool2d", bug.MAXPOOL_DELEGATES_TO_AG_MAX_POOL2D, "MaxPool2d_check",
         "MaxPool2d.forward: expected your own code, not a call to agrad's max_pool2d"),
    ], id="03-im2col-Conv2d-MaxPool2d-delegate-to-agrad"),
    pytest.param(NB05, [
        ("im2col_loop", bug.IM2COL_LOOP_DELEGATES, "im2col_loop_check",
         "im2col_loop: expected your own code, not a call to agrad's im2col: the exercise is to write it"),
        ("conv2d_einsum", bug.EINSUM_DELEGATES_TO_AG_CONV2D, "conv2d_einsum_check",
         "conv2d_einsum: expected your own code, not a call to agrad's conv2d: the exercise is to write it"),
        ("conv1x1_matmul", bug.CONV1X1_DELEGATES_TO_AG_CONV2D, "conv1x1_matmul_check",
         "conv1x1_matmul: expected your own code, not a call to agrad's conv2d"),
    ], id="05-im2col_loop-einsum-conv1x1-delegate-to-agrad"),
    pytest.param(NB06, [
        ("im2col_matrix_dense", bug.DENSE_DELEGATES, "im2col_matrix_dense_check",
         "im2col_matrix_dense: expected your own code, not a call to agrad's im2col_matrix_dense"),
        ("im2col_matrix_sparse", bug.SPARSE_DELEGATES, "im2col_matrix_sparse_check",
         "im2col_matrix_sparse: expected your own code, not a call to agrad's im2col_matrix_dense"),
    ], id="06-dense-sparse-delegate-to-agrad"),
    pytest.param(NB01, [
        ("sigmoid", bug.SIGMOID_DELEGATES, "sigmoid_check",
         "sigmoid: the result is the output of agrad's own 'sigmoid', whose backward the library wrote"),
    ], id="01-sigmoid-delegates-to-ag.sigmoid"),
    pytest.param(NB08, [
        ("hvp", bug.HVP_DELEGATES, "hvp_check",
         "hvp: expected your own code, not a call to agrad's hvp: the exercise is to write it"),
    ], id="08-hvp-delegates-to-functional.hvp"),
    # independent: the dense and sparse checks compare with agrad's matrices (X_patches is agrad's too);
    # convolve (not planted here) checks against ag.conv2d with a random kernel, and uses exercise 3's
    # kernel only once that kernel gives the lecture's values
    pytest.param(NB06, [
        ("im2col_matrix_dense", bug.DENSE_ROW_STRIDE_H, "im2col_matrix_dense_check",
         "im2col_matrix_dense, case the lecture's X, K = 2: column 2 = patch 0's entry (c=0, i=1, j=0), the pixel "
         "(0, 1, 0): expected a single 1 in row c*H*W + (top+i)*W + (left+j) = 5, got 1s in rows [4]"),
        ("im2col_matrix_sparse", bug.SPARSE_CHANNEL_LOOP_OUTSIDE, "im2col_matrix_sparse_check",
         "im2col_matrix_sparse, case the lecture's X, K = 2: column 4 = patch 0's entry (c=1, i=0, j=0)"),
        ("exercise3_kernel", bug.KERNEL_CORNERS_SWAPPED, "exercise3_kernel_check",
         "exercise3_kernel, case random Z of shape (3, 2, 5, 6), convolved with your kernel: expected every array "
         "to match the reference"),
    ], id="06-dense-row-stride-H,sparse-loops-swapped,kernel-corners-swapped"),
    pytest.param(NB06, [
        ("convolve", bug.CONVOLVE_RESHAPE_WRONG_ORDER, "convolve_check",
         "convolve, case the lecture's X_patches, a random kernel, compared with ag.conv2d: expected every array "
         "to match the reference:\n  image 0: WRONG"),
    ], id="06-convolve-reshape-wrong-order"),
    # 07 trains for most of its 15 s, so all four in one run: independent, since the accuracy,
    # train_one_epoch and predict checks build their own models (predict's is the one the notebook
    # trains with its own loop) and none counts parameters or calls another exercise's function
    pytest.param(NB07, [
        ("count_parameters", bug.COUNT_PARAMETER_TENSORS, "count_parameters_check",
         "count_parameters, case LeNet-5: expected 61,706 numbers, one per weight and bias"),
        ("accuracy", bug.ACCURACY_WRONG_AXIS, "accuracy_check",
         "accuracy, case 4 samples, 3 classes, an ag.Tensor of logits: ValueError: operands could not be broadcast"),
        ("train_one_epoch", bug.TRAIN_WITHOUT_ZERO_GRAD, "train_one_epoch_check",
         "train_one_epoch, compared with agrad train's loop: expected every array to match the reference:\n"
         "  mean loss per epoch: WRONG"),
        ("predict", bug.PREDICT_RECORDS_A_GRAPH, "predict_check",
         "predict: expected the model run under ag.no_grad(): a graph was recorded"),
    ], id="07-counts-tensors,accuracy-wrong-axis,no-zero_grad,predict-records-a-graph"),
    # independent: each of the four checks calls only its own exercise (and agrad)
    pytest.param(NB08, [
        ("newton_step", bug.NEWTON_WITHOUT_CREATE_GRAPH, "newton_step_check",
         "newton_step, case x = 2.0 (f'' is ag.grad of an f' built with create_graph=True): ValueError: grad: "
         "inputs[0] is not used to compute the outputs"),
        ("nth_derivative", bug.NTH_DERIVATIVE_ONE_TOO_MANY, "nth_derivative_check",
         "nth_derivative: expected tanh's derivative 0 at 1.0 = 0.761594155956, got 0.419974341614 (that is "
         "derivative 1: one ag.grad too many?)"),
        ("hvp", bug.HVP_RETURNS_THE_GRADIENT, "hvp_check",
         "hvp: expected every array to match the reference:\n  (Hv)[0] for w1 (5, 4): WRONG"),
        ("feature_maps", bug.FEATURE_MAPS_HOOKS_LEFT, "feature_maps_check",
         "feature_maps: the maps of ['features.0', 'features.3'] changed when the model ran again after it "
         "returned: expected its hooks removed"),
    ], id="08-no-create_graph,one-derivative-too-many,hvp-returns-gradient,hooks-left"),
]


def _details(failures):
    return "\n".join(f"  {grade_id}: {text[:400]}" for grade_id, text in sorted(failures.items())) or "  (none)"


@pytest.mark.parametrize(("notebook", "plants"), PLANTED)
def test_planted_bugs_fail_exactly_their_own_checks(notebook, plants):
    failures = check_failures(NOTEBOOK_DIR / notebook, {answer: code for answer, code, _, _ in plants})
    expected = {check for _, _, check, _ in plants}
    answers = [answer for answer, _, _, _ in plants]
    assert set(failures) == expected, (
        f"{notebook}, bugs planted in {answers}: expected exactly the checks {sorted(expected)} to fail, "
        f"got {sorted(failures)}:\n{_details(failures)}"
    )
    # a message that names no exception must not come with one: a crash in the check's own path
    # (a NameError, say) would pass a prefix test on the exercise's name alone
    wrong = [(answer, check, message) for answer, _, check, message in plants
             if not failures[check].startswith(f"AssertionError: {message}")
             or ("Error: " not in message and crashed(failures[check]))]
    assert not wrong, f"{notebook}: checks whose message does not start as expected:\n" + "\n".join(
        f"  bug in {answer!r}: expected {check!r} to start with {message!r}, got {failures[check][:400]!r}"
        for answer, check, message in wrong)


@pytest.mark.parametrize("notebook", [NB01, NB03, NB05, NB06, NB07, NB08])
def test_the_solution_notebook_fails_no_check(notebook):
    failures = check_failures(NOTEBOOK_DIR / notebook, {})
    assert not failures, (f"{notebook}: expected no check to fail with the solutions as written, got:\n"
                          f"{_details(failures)}")
