"""``bench_threads.py --gil``: what one NumPy call costs while a second thread makes NumPy calls too.

A block of copies of each size is timed alone; on two threads at once, each copying its own
arrays (the way ``ag.use_threads`` runs the parts of a batch); and in two processes at once. Each
figure is the wall time until both have made their copies, per copy: 1x the call alone means
the second thread or process came for free, 2x that they took turns.
NumPy releases the GIL inside the copy, so the threads' copies do overlap, but each call takes
the GIL back when it is done and does its own bookkeeping holding it: two threads doing that call
after call slow each other down, short calls the most. The two processes, which share no GIL,
show what the machine itself allows. The unpadded layout's column copies, a few short calls per
kernel position and slab, are such calls: that is why ``threaded`` has the parts of a call take
turns at them (``MIN_LOCKED_ROWS``).

    python benchmarks/bench_threads.py --gil
"""

import concurrent.futures
import multiprocessing
import statistics
import threading
import time

import numpy as np

SIZES_KIB = (16, 64, 256, 1024, 4096)
COPY_KIB = 256 << 10  # KiB copied per timed block, whatever the size of one copy
BLOCKS = 7
WAIT_SECONDS = 60  # a side that fails leaves the other at the barrier this long, not forever


def copies(kib, calls):
    """``calls`` copies of kib KiB between two arrays of the caller's own."""
    source = np.random.default_rng(0).standard_normal(kib * 256, dtype=np.float32)
    target = np.empty_like(source)
    return lambda: [np.copyto(target, source) for _ in range(calls)]


def per_call_us(run, calls, barrier=None):
    """Microseconds per copy of ``run`` (``calls`` copies): the median over BLOCKS blocks. With a
    ``barrier`` shared by two sides, a block is timed from when both have reached it to when both
    have finished it: the pair's wall time."""
    times = []
    for _ in range(BLOCKS):
        if barrier is not None:
            barrier.wait()
        start = time.perf_counter()
        run()
        if barrier is not None:
            barrier.wait()
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times)


def _two_threads(kib, calls):
    barrier = threading.Barrier(2, timeout=WAIT_SECONDS)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        other = pool.submit(lambda: per_call_us(copies(kib, calls), calls, barrier))  # its own arrays
        return max(per_call_us(copies(kib, calls), calls, barrier), other.result())


def _in_process(kib, calls, barrier, results):
    results.put(per_call_us(copies(kib, calls), calls, barrier))


def _two_processes(kib, calls):
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2, timeout=WAIT_SECONDS), context.SimpleQueue()
    sides = [context.Process(target=_in_process, args=(kib, calls, barrier, results)) for _ in range(2)]
    for side in sides:
        side.start()
    for side in sides:
        side.join()
    if any(side.exitcode for side in sides):
        raise RuntimeError(f"gil_handoff: a copying process failed (exit codes {[s.exitcode for s in sides]})")
    return max(results.get(), results.get())


def gil_section():
    print("one NumPy copy, microseconds per call: alone, on two threads at once, in two processes at once")
    print(f"  {'size':>9} {'alone':>9} {'2 threads':>10} {'2 processes':>12}")
    for kib in SIZES_KIB:
        calls = max(10, COPY_KIB // kib)
        alone = per_call_us(copies(kib, calls), calls)
        threads, processes = _two_threads(kib, calls), _two_processes(kib, calls)
        print(f"  {kib:>5} KiB {alone:9.2f} {threads:10.2f} {processes:12.2f}   "
              f"threads {threads / alone:.2f}x, processes {processes / alone:.2f}x the call alone")
