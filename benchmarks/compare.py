"""Side-by-side timings, each side in its own process, the processes alternated.

Two libraries in one process slow each other (OpenBLAS's and OpenMP's workers keep spinning
after a parallel call), and a shared machine drifts: so every side (agrad at this tree, agrad
at another commit, agrad on its reference kernels, PyTorch) runs all the workloads of
``workloads.py`` in a fresh process of its own, and the sides take turns, ``--rounds`` times.
Each process reports, per workload, the median of its calls; the table gives the median over
the rounds and their spread (min-max), and the ratio of each side to PyTorch.

    python benchmarks/compare.py                        # agrad vs PyTorch
    python benchmarks/compare.py --rev 5d76a1e --reference --threaded --rounds 5
    python benchmarks/compare.py --only "LeNet" --only "CIFAR"
    python benchmarks/compare.py --gemm-floor --threaded   # + the GEMMs alone: the im2col floor
    OPENBLAS_CORETYPE=SkylakeX python benchmarks/compare.py   # another BLAS kernel (each side sees it)
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def worker(side, names, seconds):
    """Run in a fresh process: time every workload, print one JSON line."""
    import workloads

    if side == "torch":
        build = workloads.build_torch
    elif side == "gemm-floor":
        build = workloads.build_gemm_floor
    else:
        build = workloads.build_agrad
        if side == "reference":
            import autograd as ag
            ag.use_kernels("reference")
        elif side == "threaded":
            import autograd as ag
            from agrad.train import thread_count
            ag.use_threads(thread_count("auto"))  # as agrad train's default
    results = {}
    for name in names:
        try:
            fn = build(name)
        except (AttributeError, ImportError, KeyError):  # an older tree without this model or op
            continue
        for _ in range(3):
            fn()
        samples, start = [], time.perf_counter()
        while len(samples) < 5 or (time.perf_counter() - start < seconds and len(samples) < 200):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1e3)
        results[name] = statistics.median(samples)
    print(json.dumps({"ms": results, "blas": blas_kernels()}))


def blas_kernels():
    try:
        import threadpoolctl
    except ImportError:
        return ["threadpoolctl not installed"]
    return sorted({f"{info.get('internal_api')} {info.get('architecture')} x{info.get('num_threads')}"
                   for info in threadpoolctl.threadpool_info()})


def run_side(side, src, names, seconds):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(src), str(HERE)]))
    command = [sys.executable, str(HERE / "compare.py"), "--worker", side, "--seconds", str(seconds)]
    for name in names:
        command += ["--only-exact", name]
    out = subprocess.run(command, env=env, cwd=src, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{side} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def checkout(rev):
    folder = Path(tempfile.mkdtemp(prefix="agrad-bench-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), rev],
                   check=True, capture_output=True)
    return folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="also time agrad at this git revision")
    parser.add_argument("--reference", action="store_true", help="also time agrad on its reference kernels")
    parser.add_argument("--threaded", action="store_true",
                        help="also time agrad on its own threads (ag.use_threads, one per core), BLAS on one "
                             "(at --rev too)")
    parser.add_argument("--gemm-floor", action="store_true",
                        help="also time the GEMMs alone of each convolution workload (their im2col floor)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per workload per process")
    parser.add_argument("--only", action="append", default=[], help="workloads whose name contains this")
    parser.add_argument("--only-exact", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import workloads

    if args.worker:
        return worker(args.worker, args.only_exact, args.seconds)
    names = [n for n in workloads.workload_names() if not args.only or any(o in n for o in args.only)]
    sides = [("agrad", ROOT, "agrad")]  # (label, source tree, what the worker runs)
    rev_tree = None
    if args.rev:
        rev_tree = checkout(args.rev)
        sides.append((f"agrad@{args.rev}", rev_tree, "agrad"))
    if args.reference:
        sides.append(("reference", ROOT, "reference"))
    if args.threaded:
        sides.append(("threaded", ROOT, "threaded"))
        if args.rev:
            sides.append((f"threaded@{args.rev}", rev_tree, "threaded"))
    if args.gemm_floor:
        sides.append(("gemm-floor", ROOT, "gemm-floor"))
    if not args.no_torch:
        sides.append(("torch", ROOT, "torch"))
    samples = {side: {name: [] for name in names} for side, _, _ in sides}
    blas = {}
    try:
        for round_ in range(args.rounds):
            order = sides[round_ % len(sides):] + sides[: round_ % len(sides)]
            for side, src, kind in order:
                result = run_side(kind, src, names, args.seconds)
                blas[side] = result["blas"]
                for name, ms in result["ms"].items():
                    samples[side][name].append(ms)
    finally:
        if rev_tree is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(rev_tree)],
                           capture_output=True)
    report(names, sides, samples, blas, args)


def report(names, sides, samples, blas, args):
    print(f"{args.rounds} rounds, each side in its own process; OPENBLAS_CORETYPE="
          f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    for side, _, _ in sides:
        print(f"  BLAS of {side}: {', '.join(blas.get(side, []))}")
    header = "".join(f"{side:>26}" for side, _, _ in sides)
    print(f"\n{'workload (ms: median of rounds [min-max])':<52}{header}")
    for name in names:
        cells = []
        torch_ms = statistics.median(samples["torch"][name]) if samples.get("torch", {}).get(name) else None
        for side, _, _ in sides:
            values = samples[side][name]
            if not values:
                cells.append("-")
                continue
            median = statistics.median(values)
            ratio = f" {median / torch_ms:4.2f}x" if torch_ms and side != "torch" else ""
            cells.append(f"{median:8.2f} [{min(values):.2f}-{max(values):.2f}]{ratio}")
        print(f"{name:<52}" + "".join(f"{c:>26}" for c in cells))


if __name__ == "__main__":
    main()
