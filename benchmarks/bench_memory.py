"""What each of ``autograd/memory.py``'s tricks buys: every trick off in turn.

Each configuration runs the workloads in a fresh process of its own (a trick changes the
process: the heap, the pool, the garbage left behind), the configurations take turns
``--rounds`` times, and the table gives per workload the median step time over the rounds, its
spread (min-max), the minor page faults per step (fresh memory the kernel had to map and zero)
and the ratio to all tricks on.

    all_on       as agrad train runs: weak closures, ag.keep_freed_memory()
    no_weakref   closures hold their output strongly: every graph is a reference cycle, freed
                 by the cyclic garbage collector when it gets round to it
    no_malloc    ag.keep_freed_memory() not called (glibc's default thresholds)
    trim_256     ag.keep_freed_memory() with a 256 MiB trim threshold instead of glibc's largest
                 (autograd.memory.TRIM_THRESHOLD): ResNet-20's threaded step faults ~80,000
                 pages a step back in

(A pool of scratch blocks reused from one kernel call to the next was measured here too, as
"no_scratch" against it, and removed: it was no faster than fresh arrays.)

    python benchmarks/bench_memory.py --rounds 5             # with agrad's 2 threads, as agrad train
    python benchmarks/bench_memory.py --threads 0             # BLAS's own threads instead
    OPENBLAS_CORETYPE=SkylakeX python benchmarks/bench_memory.py
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIGS = ("all_on", "no_weakref", "no_malloc", "trim_256")
WORKLOADS = ("LeNet-5 SGD step", "CIFAR-style step", "ResNet-20 step", "conv (64,16,32,32)->16 3x3 p1 forward+backward")


def switch_off(config):
    """Undo one trick in this process, before anything is built."""
    import autograd as ag
    import autograd.memory as memory

    if config == "trim_256":
        memory.TRIM_THRESHOLD = 256 << 20
    if config != "no_malloc":
        ag.keep_freed_memory()
    if config == "no_weakref":
        memory.bind_weakly = lambda fn, node: fn


def worker(config, seconds, threads):
    sys.path[:0] = [str(ROOT), str(HERE)]
    import threadpoolctl
    from workloads import build_agrad

    import autograd as ag

    switch_off(config)
    if threads:
        ag.use_threads(threads)  # for the rest of the process, as agrad train does
    result = {}
    for name in WORKLOADS:
        step = build_agrad(name)
        for _ in range(3):
            step()
        times = []
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        end = time.perf_counter() + seconds
        while time.perf_counter() < end or len(times) < 5:
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
        result[name] = {"ms": 1e3 * statistics.median(times), "faults": faults / len(times)}
    result["blas"] = sorted({f"{d.get('internal_api')}:{d.get('architecture')}:{d.get('num_threads')}"
                             for d in threadpoolctl.threadpool_info()})
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="turns of every configuration (default 5)")
    parser.add_argument("--seconds", type=float, default=2.0, help="timing per workload and process (default 2)")
    parser.add_argument("--threads", type=int, default=2,
                        help="agrad's kernel threads, ag.use_threads (default 2, as agrad train; 0: BLAS's own)")
    parser.add_argument("--worker", choices=CONFIGS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.seconds, args.threads)

    samples = {config: [] for config in CONFIGS}
    blas = set()
    for round_index in range(args.rounds):
        order = CONFIGS[round_index % len(CONFIGS):] + CONFIGS[:round_index % len(CONFIGS)]
        for config in order:
            out = subprocess.run([sys.executable, __file__, "--worker", config, "--seconds", str(args.seconds),
                                  "--threads", str(args.threads)],
                                 capture_output=True, text=True, check=True, env=dict(os.environ))
            result = json.loads(out.stdout.strip().splitlines()[-1])
            blas.update(result.pop("blas"))
            samples[config].append(result)
        print(f"round {round_index + 1}/{args.rounds}", file=sys.stderr, flush=True)

    print(f"BLAS: {sorted(blas)}  OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}  "
          f"rounds: {args.rounds}  threads: {args.threads}")
    for name in WORKLOADS:
        base = statistics.median(s[name]["ms"] for s in samples["all_on"])
        print(f"\n{name}\n  {'config':<11} {'median ms':>9} {'spread':>15} {'faults/step':>11} {'ratio':>6}")
        for config in CONFIGS:
            ms = [s[name]["ms"] for s in samples[config]]
            faults = statistics.median(s[name]["faults"] for s in samples[config])
            print(f"  {config:<11} {statistics.median(ms):9.2f} {min(ms):7.2f}-{max(ms):<7.2f} {faults:11.0f} "
                  f"{statistics.median(ms) / base:6.2f}")


if __name__ == "__main__":
    main()
