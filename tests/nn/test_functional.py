"""nn.functional's convolutions and pools take an unbatched (C, H, W) image, as PyTorch's do."""

import numpy as np
import pytest

import nn.functional as F
from tests.helpers import check_against_torch, rng

torch = pytest.importorskip("torch")
TF = torch.nn.functional

CASES = [
    ("conv2d", lambda x, w: F.conv2d(x, w, stride=2, padding=1), lambda x, w: TF.conv2d(x, w, stride=2, padding=1),
     (3, 7, 6), (4, 3, 3, 3)),
    ("conv_transpose2d", lambda x, w: F.conv_transpose2d(x, w, stride=2, output_padding=1),
     lambda x, w: TF.conv_transpose2d(x, w, stride=2, output_padding=1), (3, 4, 5), (3, 2, 3, 3)),
    ("max_pool2d", lambda x: F.max_pool2d(x, 3, 2, 1), lambda x: TF.max_pool2d(x, 3, 2, 1), (2, 7, 6), None),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 2), lambda x: TF.avg_pool2d(x, 2), (2, 6, 6), None),
]


@pytest.mark.parametrize("name, ours, theirs, x_shape, w_shape", CASES, ids=[case[0] for case in CASES])
def test_an_unbatched_image_matches_torch(name, ours, theirs, x_shape, w_shape):
    arrays = [rng(1).standard_normal(x_shape)] + ([rng(2).standard_normal(w_shape)] if w_shape else [])
    out = ours(*arrays)
    assert out.ndim == 3, f"expected {name} of a (C, H, W) image to be (C, H_out, W_out), got {out.shape}"
    check_against_torch(ours, theirs, *arrays)


def test_a_batched_input_is_unchanged():
    x, w = rng(1).standard_normal((2, 3, 5, 5)), rng(2).standard_normal((4, 3, 3, 3))
    one_by_one = np.stack([F.conv2d(image, w).value for image in x])
    np.testing.assert_allclose(F.conv2d(x, w).value, one_by_one, rtol=1e-12,
                               err_msg="expected a batch to be its images, one by one")


@pytest.mark.parametrize("shape", [(5, 5), (1, 1, 1, 5, 5)])
def test_other_ranks_are_refused_by_name(shape):
    with pytest.raises(ValueError, match=r"conv2d: expected input \(N, C, H, W\) or \(C, H, W\), got shape"):
        F.conv2d(np.ones(shape), np.ones((1, 1, 3, 3)))
