"""``bench_threads.py --gil``: what one NumPy call costs while a second thread makes NumPy calls too.

A block of copies of each size is timed alone; on two threads at once, each copying its own
arrays (the way ``ag.use_threads`` runs the parts of a batch); and in two processes at once. Each
figure is the wall time until both have made their copies, per copy: 1x the call alone means
the second thread or process came for free, 2x that they took turns.
NumPy releases the GIL inside the copy, so the threads' copies do overlap, but each thread must
take the GIL back between its calls: while the other holds it, the thread sleeps and is woken
when it is free. The two processes, which share no GIL, show what the machine itself allows.
Short calls (a convolution's column copies, slab by slab) pay the hand-off on every call; that is
why ``threaded`` has the parts of a call copy their columns in turns (``MIN_LOCKED_ROWS``).

    python benchmarks/bench_threads.py --gil
"""

import concurrent.futures
import statistics
import subprocess
import sys
import threading
import time

import numpy as np

SIZES_KIB = (16, 64, 256, 1024, 4096)
COPY_KIB = 256 << 10  # KiB copied per timed block, whatever the size of one copy
BLOCKS = 7


def copies(kib, calls):
    """``calls`` copies of kib KiB between two arrays of this thread's own."""
    source = np.random.default_rng(0).standard_normal(kib * 256, dtype=np.float32)
    target = np.empty_like(source)
    return lambda: [np.copyto(target, source) for _ in range(calls)]


def per_call_us(run, calls, start_at=None):
    """Microseconds per copy of ``run`` (``calls`` copies): the median over BLOCKS blocks, the
    first at the wall-clock time ``start_at`` if given (so that two processes start together)."""
    if start_at is not None:
        time.sleep(max(0.0, start_at - time.time()))
    times = []
    for _ in range(BLOCKS):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times)


def _two_threads(kib, calls):
    barrier = threading.Barrier(2)

    def run():
        block = copies(kib, calls)  # this thread's own arrays
        # both threads start each block together: the slower one's time is the pair's
        return per_call_us(lambda: (barrier.wait(), block()), calls)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        other = pool.submit(run)
        return max(run(), other.result())


def _two_processes(kib, calls):
    command = [sys.executable, __file__, str(kib), str(calls), str(time.time() + 1.0)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    return max(float(run.communicate()[0]) for run in runs)


def gil_section():
    print("one NumPy copy, microseconds per call: alone, on two threads at once, in two processes at once")
    print(f"  {'size':>9} {'alone':>9} {'2 threads':>10} {'2 processes':>12}")
    for kib in SIZES_KIB:
        calls = max(10, COPY_KIB // kib)
        alone = per_call_us(copies(kib, calls), calls)
        threads, processes = _two_threads(kib, calls), _two_processes(kib, calls)
        print(f"  {kib:>5} KiB {alone:9.2f} {threads:10.2f} {processes:12.2f}   "
              f"threads {threads / alone:.2f}x, processes {processes / alone:.2f}x the call alone")


if __name__ == "__main__":  # one of the two processes: its per-call time
    kib, calls, start_at = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    print(per_call_us(copies(kib, calls), calls, start_at))
