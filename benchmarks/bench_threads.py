"""BLAS threads on a busy machine: agrad and PyTorch with 1 and 2 threads, and agrad on its own
threads (``ag.use_threads(2)``), alone and beside a process that keeps one core busy (a student's
laptop with a browser open).

Every (side, threads, load) runs in a fresh process of its own and the combinations take turns
``--rounds`` times; the table gives each one's median step time over the rounds and its spread.
OpenBLAS's workers wait for work by spinning, so a GEMM split over two threads waits for the
slower one: when another process holds a core, that is the one the scheduler took away.

    python benchmarks/bench_threads.py --rounds 3 [--only "CIFAR-style step"]
    python benchmarks/bench_threads.py --calls   # each kernel call split or whole (thread_calls.py)
    python benchmarks/bench_threads.py --gil     # a NumPy call's cost beside a second thread (gil_handoff.py)
    python benchmarks/bench_threads.py --bar MIN_SPLIT_BN_GRAD_BYTES=2097152,8388608   # whole steps
    OPENBLAS_CORETYPE=Haswell python benchmarks/bench_threads.py

``--bar NAME=V1,V2,...`` times whole steps (the CIFAR-style, ResNet-20 and VGG-small steps unless
``--only``) on agrad's own 2 threads with the ``threaded`` bar NAME at each value, each value in
its own processes, alternating: a call timed alone (``--calls``) reads data its last call left
in the cache, which a step's calls do not.
"""

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKLOADS = ("LeNet-5 SGD step", "CIFAR-style step")
BAR_WORKLOADS = ("CIFAR-style step", "ResNet-20 step", "VGG-small step")


def worker(side, names, seconds):
    sys.path[:0] = [str(ROOT), str(HERE)]
    import threadpoolctl
    import workloads

    build = workloads.build_torch if side == "torch" else workloads.build_agrad
    result = {}
    for name in names:
        step = build(name)
        if side == "torch":
            import torch
            torch.set_num_threads(int(os.environ["OPENBLAS_NUM_THREADS"]))
        elif side == "agrad-own":
            import autograd as ag
            from autograd.kernels import threaded

            ag.use_threads(int(os.environ["OPENBLAS_NUM_THREADS"]))
            if os.environ.get("AGRAD_BAR"):
                bar, value = os.environ["AGRAD_BAR"].split("=")
                getattr(threaded, bar)  # AttributeError: no such bar
                setattr(threaded, bar, int(value))
        for _ in range(3):
            step()
        times, end = [], time.perf_counter() + seconds
        while time.perf_counter() < end or len(times) < 5:
            start = time.perf_counter()
            step()
            times.append(1e3 * (time.perf_counter() - start))
        result[name] = statistics.median(times)
    result["blas"] = sorted({f"{d.get('internal_api')}:{d.get('architecture')}:{d.get('num_threads')}"
                             for d in threadpoolctl.threadpool_info()})
    print(json.dumps(result))


def _burn(stop):
    while not stop.is_set():
        sum(range(10_000))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="turns of every combination (default 3)")
    parser.add_argument("--seconds", type=float, default=3.0, help="timing per workload and process (default 3)")
    parser.add_argument("--only", action="append", default=[], help="workloads whose name contains this")
    parser.add_argument("--no-torch", action="store_true", help="time agrad only")
    parser.add_argument("--calls", action="store_true",
                        help="time every threaded kernel call split and whole instead (the MIN_SPLIT_* rules)")
    parser.add_argument("--repeats", type=int, default=30, help="calls per alternative with --calls (default 30)")
    parser.add_argument("--gil", action="store_true",
                        help="time a NumPy copy alone, beside a second thread and beside a second process instead")
    parser.add_argument("--bar", help="NAME=V1,V2,...: whole steps with the threaded bar NAME at each value instead")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--names", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.names, args.seconds)
    if args.calls:
        sys.path[:0] = [str(ROOT), str(HERE)]
        import thread_calls

        import autograd as ag
        ag.keep_freed_memory()
        return thread_calls.calls_section(args.repeats)
    if args.gil:
        sys.path[:0] = [str(HERE)]
        import gil_handoff

        return gil_handoff.gil_section()
    if args.bar:
        return bars(args)
    names = [n for n in WORKLOADS if not args.only or any(o in n for o in args.only)]
    sides = ["agrad"] + ([] if args.no_torch else ["torch"])
    combos = [(side, threads, load) for load in ("alone", "1 core busy") for side in sides for threads in (1, 2)]
    combos += [("agrad-own", 2, load) for load in ("alone", "1 core busy")]  # ag.use_threads(2)
    samples = {combo: {name: [] for name in names} for combo in combos}
    blas = set()
    for round_index in range(args.rounds):
        order = combos[round_index % len(combos):] + combos[:round_index % len(combos)]
        for side, threads, load in order:
            stop = multiprocessing.Event()
            burner = multiprocessing.Process(target=_burn, args=(stop,)) if load != "alone" else None
            if burner:
                burner.start()
            try:
                result = _run_worker(side, names, args.seconds, OPENBLAS_NUM_THREADS=str(threads),
                                     OMP_NUM_THREADS=str(threads))
            finally:
                if burner:
                    stop.set()
                    burner.join()
            blas.update(f"{side} {b}" for b in result.pop("blas"))
            for name in names:
                samples[(side, threads, load)][name].append(result[name])
        print(f"round {round_index + 1}/{args.rounds}", file=sys.stderr, flush=True)

    print(f"BLAS: {sorted(blas)}  OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}  "
          f"rounds: {args.rounds}, {os.cpu_count()} CPUs")
    for name in names:
        print(f"\n{name}\n  {'side':<9} {'threads':>7} {'load':<12} {'median ms':>9} {'spread':>17}")
        for combo in sorted(combos, key=lambda c: (c[2], c[0], c[1])):
            ms = samples[combo][name]
            print(f"  {combo[0]:<9} {combo[1]:>7} {combo[2]:<12} {statistics.median(ms):9.2f} "
                  f"{min(ms):8.2f}-{max(ms):<8.2f}")


def _run_worker(side, names, seconds, **env):
    """One fresh worker process's timings, {name: median ms, "blas": [...]}, with ``env`` added to
    this process's environment."""
    out = subprocess.run([sys.executable, __file__, "--worker", side, "--seconds", str(seconds), "--names", *names],
                         env=dict(os.environ, **env), capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bars(args):
    """Whole steps on agrad's own 2 threads, the bar at each value in turn, ``--rounds`` times."""
    bar, values = args.bar.split("=")
    values = values.split(",")
    names = [n for n in BAR_WORKLOADS if not args.only or any(o in n for o in args.only)]
    samples = {value: {name: [] for name in names} for value in values}
    for round_index in range(args.rounds):
        for value in values[round_index % len(values):] + values[:round_index % len(values)]:
            result = _run_worker("agrad-own", names, args.seconds, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2",
                                 AGRAD_BAR=f"{bar}={value}")
            blas = result.pop("blas")
            for name in names:
                samples[value][name].append(result[name])
        print(f"round {round_index + 1}/{args.rounds}", file=sys.stderr, flush=True)
    print(f"BLAS: {blas}  OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}  "
          f"rounds: {args.rounds}; agrad's own 2 threads, {bar} at each value")
    for name in names:
        print(f"\n{name}\n  {bar:>26} {'median ms':>9} {'spread':>17}")
        for value in values:
            ms = samples[value][name]
            print(f"  {value:>26} {statistics.median(ms):9.2f} {min(ms):8.2f}-{max(ms):<8.2f}")


if __name__ == "__main__":
    main()
