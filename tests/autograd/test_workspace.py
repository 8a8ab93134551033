"""Scratch buffers: reused between calls, sized and typed as asked, released on request."""

import threading

import numpy as np

from autograd.ops import workspace


def test_scratch_reuses_one_buffer_per_name():
    workspace.release()
    first = workspace.scratch("test", (4, 5), np.float32)
    assert first.shape == (4, 5) and first.dtype == np.float32, "expected the requested shape and dtype"
    smaller = workspace.scratch("test", (3,), np.float64)
    assert np.shares_memory(first, smaller), "expected the same memory for the same name"
    other = workspace.scratch("other", (4, 5), np.float32)
    assert not np.shares_memory(first, other), "expected separate memory for another name"
    bigger = workspace.scratch("test", (100, 100), np.float32)
    assert bigger.shape == (100, 100) and not np.shares_memory(first, bigger), "expected a larger buffer"


def test_scratch_is_per_thread_and_release_frees_it():
    workspace.release()
    mine = workspace.scratch("test", (8,), np.float32)
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(workspace.scratch("test", (8,), np.float32)))
    thread.start()
    thread.join()
    assert not np.shares_memory(mine, theirs[0]), "expected each thread to have its own buffers"
    workspace.release()
    assert not np.shares_memory(mine, workspace.scratch("test", (8,), np.float32)), "expected a new buffer"
