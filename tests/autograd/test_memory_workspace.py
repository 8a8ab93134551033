"""Scratch memory: scoped to a with-block, reused by the next block, per thread, bounded, released on request."""

import threading

import numpy as np

from autograd import memory


def test_scratch_arrays_are_sized_typed_and_distinct_within_a_block():
    memory.release_scratch()
    with memory.workspace() as scratch:
        first = scratch((4, 5), np.float32)
        second = scratch((4, 5), np.float32)
    assert first.shape == (4, 5) and first.dtype == np.float32, "expected the requested shape and dtype"
    assert not np.shares_memory(first, second), "expected separate memory for two arrays of one block"


def test_the_next_block_reuses_the_memory_of_the_last():
    memory.release_scratch()
    with memory.workspace() as scratch:
        first = scratch((100, 100), np.float32)
    with memory.workspace() as scratch:
        smaller = scratch((10,), np.float64)
        other = scratch((100, 100), np.float32)
    assert np.shares_memory(first, smaller), "expected a freed block to serve the next request that fits"
    assert not np.shares_memory(smaller, other), "expected a new block once the free one is taken"


def test_scratch_is_per_thread_and_release_frees_it():
    memory.release_scratch()
    with memory.workspace() as scratch:
        mine = scratch((8,), np.float32)
    theirs = []

    def other_thread():
        with memory.workspace() as scratch:
            theirs.append(scratch((8,), np.float32))

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert not np.shares_memory(mine, theirs[0]), "expected each thread to have its own blocks"
    memory.release_scratch()
    with memory.workspace() as scratch:
        assert not np.shares_memory(mine, scratch((8,), np.float32)), "expected a new block after release"


def test_the_pool_keeps_at_most_its_bound(monkeypatch):
    memory.release_scratch()
    monkeypatch.setattr(memory, "SCRATCH_BYTES", 1000)
    with memory.workspace() as scratch:
        for _ in range(5):
            scratch((100,), np.float32)  # 400 bytes each
    kept = sum(block.nbytes for block in memory._pool.free)
    assert kept <= 1000, f"expected at most 1000 bytes kept, got {kept}"
    memory.release_scratch()
