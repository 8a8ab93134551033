"""kill -9 during ``nn.save``: is a checkpoint ever half-written, and is litter left behind?

Each trial starts a process that saves a checkpoint (about 8 MiB by default) over and over to the
same target, SIGKILLs it at a random moment, then checks that:
- the target loads and holds one complete version (every element of its array equal to that
  version's number, the previous or the new one): otherwise it counts as half-written;
- the temporary files the kill left (``.<target>.<pid>-<random>.agrad-tmp``) are all gone after
  the next ``nn.save`` to the same target.

Run: ``python benchmarks/kill_during_save.py --trials 40`` (POSIX only). Prints the counts.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SUFFIX = ".agrad-tmp"

# the child: saves version 1, 2, 3, ... of a (size,) float32 array filled with its version number
CHILD = """
import sys, numpy as np, nn
target, size = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
version = 1
while True:
    nn.save({"version": np.asarray(version), "w": np.full(size, version, np.float32)}, target)
    version += 1
"""


def _check(target, size):
    """'missing', 'whole' or 'half-written' for the checkpoint at ``target``."""
    import nn

    if not target.exists():
        return "missing"
    try:
        state = nn.load(target)
    except ValueError:
        return "half-written"
    w = state.get("w")
    if w is None or w.shape != (size,) or not np.all(w == int(state["version"])):
        return "half-written"
    return "whole"


def _litter(directory):
    return sorted(p.name for p in Path(directory).iterdir() if p.name.endswith(SUFFIX))


def run_trials(trials, directory, mib=8.0, max_delay=None, seed=0):
    """Run ``trials`` kill -9 trials in ``directory``; returns a dict of counts."""
    import nn

    size = int(mib * 2**20) // 4
    target = Path(directory) / "checkpoint.npz"
    started = time.perf_counter()
    nn.save({"version": np.asarray(0), "w": np.zeros(size, np.float32)}, target)
    one_save = time.perf_counter() - started
    # a random moment within a few saves: most kills land inside a write
    max_delay = max_delay if max_delay is not None else 4 * one_save
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    counts = {"trials": trials, "half_written": 0, "missing": 0, "litter_after_kill": 0,
              "litter_after_next_save": 0, "seconds_per_save": one_save}
    for _ in range(trials):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(target), str(size)], env=env,
                                 stdout=subprocess.PIPE, text=True)
        child.stdout.readline()  # "ready": imports done, the saves begin
        time.sleep(rng.uniform(0, max_delay))
        child.send_signal(signal.SIGKILL)
        child.wait()  # reaped: its pid no longer runs
        child.stdout.close()
        state = _check(target, size)
        counts["half_written"] += state == "half-written"
        counts["missing"] += state == "missing"
        counts["litter_after_kill"] += bool(_litter(directory))
        # the next write to the same target, from another process (this one)
        nn.save({"version": np.asarray(0), "w": np.zeros(size, np.float32)}, target)
        counts["litter_after_next_save"] += bool(_litter(directory))
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--mib", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory() as directory:
        counts = run_trials(args.trials, directory, args.mib, seed=args.seed)
    print(f"{counts['trials']} kill -9 trials during nn.save of {args.mib:g} MiB "
          f"({counts['seconds_per_save'] * 1e3:.0f} ms per save):")
    print(f"  half-written targets: {counts['half_written']}; missing targets: {counts['missing']}")
    print(f"  trials that left a temporary file: {counts['litter_after_kill']}")
    print(f"  temporary files left after the next save: {counts['litter_after_next_save']}")
    return 0 if counts["half_written"] == counts["missing"] == counts["litter_after_next_save"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
