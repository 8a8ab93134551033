"""Scratch buffers reused from call to call for the big temporaries of conv and pool.

Why: a fresh multi-megabyte array is new memory for the operating system to map and zero page
by page, and the allocator hands it back as soon as it is freed; measured on the benchmark's
machine, those page faults cost more than the arithmetic of a LeNet-sized conv2d. Reusing one
buffer per purpose (per thread) removes them, as cuDNN's workspace does.

Rule for callers: a scratch array is valid only until the next call that asks for the same
name; never return it, never keep it in a closure for later (copy what must survive).

The arrays that outlive a call (op outputs, gradients) come from malloc; ``autograd.malloc``
keeps those from faulting in anew every step.
"""

import math
import threading

import numpy as np

_local = threading.local()


def scratch(name, shape, dtype):
    """An uninitialised array of ``shape`` and ``dtype`` in the reusable buffer ``name``."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    buffers = _local.__dict__.setdefault("buffers", {})
    buffer = buffers.get(name)
    if buffer is None or buffer.nbytes < nbytes:
        buffer = buffers[name] = np.empty(max(nbytes, 1), dtype=np.uint8)
    return buffer[:nbytes].view(dtype).reshape(shape)


def release():
    """Free this thread's scratch buffers (they are rebuilt on the next call that needs one)."""
    _local.__dict__.pop("buffers", None)
