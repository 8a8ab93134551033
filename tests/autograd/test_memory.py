"""autograd.memory: freed memory is kept for the next step when asked, unless the user tuned malloc."""

import os
import subprocess
import sys

import pytest

from autograd import memory as malloc

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")


@linux_only
def test_the_user_s_own_malloc_settings_win(monkeypatch):
    for name in [n for n in os.environ if n.startswith("MALLOC_")]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    if not malloc.keep_freed_memory():
        pytest.skip("not glibc: nothing to tune")
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert malloc.keep_freed_memory() is False, "expected the thresholds left to the user"
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072")
    assert malloc.keep_freed_memory() is False, "expected GLIBC_TUNABLES left to rule"


STEP_FAULTS = """
import resource
import numpy as np
import sys
import autograd as ag, nn, optim
if sys.argv[1] == "keep":
    ag.keep_freed_memory()
np.random.seed(0)
model = nn.LeNet5()
optimizer = optim.SGD(model.parameters(), lr=0.01)
x = ag.Tensor(np.random.default_rng(0).random((64, 1, 28, 28), dtype=np.float32), requires_grad=False)
y = np.arange(64) % 10
def step():
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()
for _ in range(3):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def page_faults_of_ten_steps(keep=True, **env):
    clean = {name: value for name, value in os.environ.items()
             if not name.startswith("MALLOC_") and name != "GLIBC_TUNABLES"}
    command = [sys.executable, "-c", STEP_FAULTS, "keep" if keep else "import only"]
    result = subprocess.run(command, env={**clean, **env}, capture_output=True, text=True, check=True)
    return int(result.stdout.split()[-1])


@linux_only
def test_a_training_step_reuses_the_memory_the_last_one_freed():
    # a fresh process, as `agrad train` is: each LeNet-5 step frees its whole graph at once.
    # MALLOC_PERTURB_=0 changes nothing in malloc but counts as the user's own setting: the opt-out
    trimmed = page_faults_of_ten_steps(MALLOC_PERTURB_="0")
    if trimmed < 1000:
        pytest.skip(f"this C library keeps freed memory by itself ({trimmed} page faults in 10 steps)")
    kept = page_faults_of_ten_steps()
    assert kept < min(500, trimmed // 4), f"expected the freed pages reused: {kept} page faults vs {trimmed}"


@linux_only
def test_importing_autograd_leaves_malloc_alone():
    # the tuning is an explicit call: a process that only imports agrad faults its pages in as
    # any other does (the opted-out count), one that calls keep_freed_memory() does not
    trimmed = page_faults_of_ten_steps(MALLOC_PERTURB_="0")
    if trimmed < 1000:
        pytest.skip(f"this C library keeps freed memory by itself ({trimmed} page faults in 10 steps)")
    imported = page_faults_of_ten_steps(keep=False)
    assert imported > trimmed // 2, (
        f"expected import alone to leave malloc untuned: {imported} page faults vs {trimmed} untuned"
    )


BIG_FREE_FAULTS = """
import resource
import numpy as np
import autograd as ag
ag.keep_freed_memory()
def step():  # 300 MiB in blocks under the mmap threshold, all from the heap, freed together
    blocks = [np.ones(5 << 20, dtype=np.float32) for _ in range(15)]
    del blocks
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
step()
step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@linux_only
def test_a_step_that_frees_more_than_256_mib_at_once_keeps_it():
    # ResNet-20's threaded step frees more than 256 MiB at the heap's top: the trim threshold
    # must be above that, or every step faults it in again
    clean = {name: value for name, value in os.environ.items()
             if not name.startswith("MALLOC_") and name != "GLIBC_TUNABLES"}
    if not malloc.keep_freed_memory():
        pytest.skip("not glibc: nothing to tune")
    result = subprocess.run([sys.executable, "-c", BIG_FREE_FAULTS], env=clean, capture_output=True, text=True,
                            check=True)
    faults = int(result.stdout.split()[-1])
    assert faults < 2000, f"expected the 300 MiB freed by each step reused, got {faults} page faults in two steps"
