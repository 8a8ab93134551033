"""Timing helpers shared by the benchmark scripts."""

import statistics
import time

CLOCK = time.perf_counter


def median_time(fn, repeats=3, warmup=1):
    """Median wall time of ``fn()`` in seconds over ``repeats`` calls, after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def timings(fns, repeats, block=5, settle=0.1):
    """Milliseconds of each function: (median of its quietest block, median of all its calls).

    The calls are made in blocks of ``block`` (``repeats`` calls in all), each function's block
    after ``settle`` idle seconds and one untimed call, round after round, so slow drifts of the
    machine hit every function alike. Not interleaved call by call: torch's OpenMP threads and
    OpenBLAS's threads keep spinning for a while after a parallel call and would slow down
    whatever runs next on two cores. On a shared machine other jobs only ever add time, so the
    quietest block's median is the estimate of each function's own speed.
    """
    blocks = {name: [] for name in fns}
    for fn in fns.values():
        fn()
    for _ in range(max(1, repeats // block)):
        for name, fn in fns.items():
            time.sleep(settle)
            fn()
            samples = []
            for _ in range(block):
                start = CLOCK()
                fn()
                samples.append((CLOCK() - start) * 1e3)
            blocks[name].append(samples)
    return {name: (min(statistics.median(b) for b in bs), statistics.median([t for b in bs for t in b]))
            for name, bs in blocks.items()}
