"""Memory: what agrad does so that a training step does not wait on the allocator.

A training step builds a graph of a few dozen multi-megabyte arrays and frees all of it at the
end; the next step builds the same again. Fresh memory is expensive: the operating system maps
and zeroes it page by page on first touch. Each trick below keeps memory in use instead.
``benchmarks/bench_memory.py`` measures each one with the others in place (every trick off in
turn, each configuration in its own process).

1. **Graphs are freed by reference counting** (``bind_weakly``, always on). An op's backward
   closure reads its own output (``output.grad``), so the output would hold a closure that
   holds the output: every graph a reference cycle, kept alive until Python's cyclic garbage
   collector runs, steps later, with all its arrays. The closure sees its output through a weak
   proxy instead, so a graph is freed the moment the last outside reference goes and its memory
   is reused at once. Nothing to turn off: it changes no result.

2. **Scratch memory for the kernels' temporaries** (``workspace``). Inside
   ``with workspace() as scratch:`` a kernel takes arrays with ``scratch(shape, dtype)``, valid
   until the block ends. They are fresh arrays: a per-thread pool that handed the last call's
   blocks to the next one (cuDNN's workspace) measured no faster than malloc with (3) in place
   (``benchmarks/bench_memory.py``), so it was removed; the scope stays, as the one place where
   a kernel's temporaries come from.

3. **glibc keeps freed memory** (``keep_freed_memory()``, an explicit call, never made on
   import). Op outputs and gradients come from malloc, which by default hands a freed block of
   more than 32 MiB of heap top back to the system; the next step faults it in again.
   ``keep_freed_memory()`` raises glibc's mmap and trim thresholds for the whole process, so up
   to ``TRIM_THRESHOLD`` of freed memory stays with it. ``agrad train``, the benchmarks and the
   notebooks' set-up call it; in your own script, call it once at the start. It does nothing
   off glibc or when malloc's own ``MALLOC_*_`` variables are set (that is the way to opt out).
"""

import contextlib
import ctypes
import os
import sys
import types
import weakref

import numpy as np

# -- 1. closures that do not keep their own output alive -------------------------------------


def bind_weakly(fn, node):
    """``fn`` with its closure's reference to ``node`` made weak (a copy of ``fn``).

    Only a plain function's closure cell that holds ``node`` itself is replaced; the op's other
    variables are shared, untouched. Which cell that is depends only on the function's code, so
    it is looked up once per op.
    """
    cells = getattr(fn, "__closure__", None)
    if not cells or type(fn) is not types.FunctionType:
        return fn
    code = fn.__code__
    index = _node_cell.get(code)
    if index is None or index >= len(cells) or _contents(cells[index]) is not node:
        index = next((i for i, cell in enumerate(cells) if _contents(cell) is node), -1)
        _node_cell[code] = index
    if index < 0:
        return fn
    weak_cells = (*cells[:index], types.CellType(weakref.proxy(node)), *cells[index + 1:])
    weak_fn = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__, weak_cells)
    if fn.__kwdefaults__:
        weak_fn.__kwdefaults__ = fn.__kwdefaults__
    return weak_fn


# code object of a backward closure -> the index of the closure cell holding its output
_node_cell = {}


def _contents(cell):
    try:
        return cell.cell_contents
    except ValueError:  # a variable not assigned yet
        return None


# -- 2. scratch memory, scoped ----------------------------------------------------------------


@contextlib.contextmanager
def workspace():
    """``with workspace() as scratch:`` -- ``scratch(shape, dtype)`` is an uninitialised array
    valid until the block ends (never return one or keep it in a closure: copy what must
    survive)."""
    yield np.empty


# -- 3. glibc's malloc keeps freed memory -------------------------------------------------------

# mallopt's parameter numbers (glibc's malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
# blocks up to this size come from the heap, not from mmap (32 MiB: glibc's largest on 64-bit)
MMAP_THRESHOLD = 32 << 20
# free memory the heap keeps at its top instead of returning it to the operating system: the
# most mallopt takes (an int), because a step frees its whole graph at once and a bigger model or
# batch outgrows any smaller limit (benchmarks/bench_memory.py's trim_256 shows a ResNet that does)
TRIM_THRESHOLD = (1 << 31) - 1


def keep_freed_memory():
    """Set glibc's mmap and trim thresholds so freed blocks are reused. True if they were set.

    Process-wide, and only when called. Both are set because setting either one turns off
    glibc's own adjustment of the other.
    """
    if not sys.platform.startswith("linux") or "malloc" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    if any(name.startswith("MALLOC_") and name.endswith("_") for name in os.environ):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")  # glibc's soname (find_library would run ldconfig each call)
        libc.gnu_get_libc_version()  # glibc only: other C libraries' mallopt may do nothing
    except (OSError, AttributeError):
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
