"""Scratch memory: a kernel's temporaries come from ``workspace()``, sized, typed and distinct."""

import numpy as np

from autograd import memory


def test_scratch_arrays_are_sized_typed_and_distinct_within_a_block():
    with memory.workspace() as scratch:
        first = scratch((4, 5), np.float32)
        second = scratch((4, 5), np.float32)
    assert first.shape == (4, 5) and first.dtype == np.float32, "expected the requested shape and dtype"
    assert not np.shares_memory(first, second), "expected separate memory for two arrays of one block"
