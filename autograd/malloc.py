"""Keep the memory a training step frees for the next step (glibc's malloc).

Why: op outputs and gradients are new arrays every step, and a step frees its whole graph at
once (``Tensor`` graphs are freed by reference counting). glibc's malloc then trims the top of
the heap, more than twice its mmap threshold of free memory, back to the operating system, and
the next step faults the same pages in again: measured, about 900 page faults and 1.5 ms of
system time per LeNet-5 step (batch 64), a quarter of its wall time. With the thresholds below
there are none.

``keep_freed_memory()`` runs once when ``autograd`` is imported. It changes malloc for the whole
process: up to ``TRIM_THRESHOLD`` of freed heap stays with the process instead of going back to
the system. It does nothing off glibc, or when the user has set malloc's own environment
variables (``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_MMAP_THRESHOLD_``, ... or a malloc entry in
``GLIBC_TUNABLES``), which is also how to opt out.
"""

import ctypes
import os
import sys

# mallopt's parameter numbers (glibc's malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
# blocks up to this size come from the heap, not from mmap (32 MiB: glibc's largest on 64-bit)
MMAP_THRESHOLD = 32 << 20
# free memory the heap keeps at its top instead of returning it to the operating system
TRIM_THRESHOLD = 256 << 20


def keep_freed_memory():
    """Set glibc's mmap and trim thresholds so freed blocks are reused. True if they were set.

    Both are set because setting either one turns off glibc's own adjustment of the other.
    """
    if not sys.platform.startswith("linux") or "malloc" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    if any(name.startswith("MALLOC_") and name.endswith("_") for name in os.environ):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")  # glibc's soname (find_library would run ldconfig each import)
        libc.gnu_get_libc_version()  # glibc only: other C libraries' mallopt may do nothing
    except (OSError, AttributeError):
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
