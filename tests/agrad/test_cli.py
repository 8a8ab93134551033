"""The agrad command itself: --version, and that the main job runs without torch installed."""

import subprocess
import sys
from pathlib import Path

import pytest

import autograd as ag
from agrad.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0, f"expected agrad --version to exit with 0, got {exit_info.value.code!r}"
    printed = capsys.readouterr().out.strip()
    assert printed == f"agrad {ag.__version__}", f"expected 'agrad {ag.__version__}', got {printed!r}"


# Blocks torch as if it were not installed, imports every module of the runtime packages and runs
# a one-epoch `agrad train`: what `make train`'s environment (which has no torch) must do.
WITHOUT_TORCH = """
import importlib, pkgutil, sys

class NoTorch:  # a finder that says torch is not installed (not a None in sys.modules: scipy looks there)
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoTorch())
for package in ("autograd", "nn", "optim", "agrad"):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
from agrad.cli import main
code = main(["train", "--model", "smallcnn", "--epochs", "1", "--batch-size", "256",
             "--out", sys.argv[1], "--no-progress"])
assert "torch" not in sys.modules, "something imported torch"
sys.exit(code)
"""


def test_the_main_job_runs_without_torch(tmp_path):
    run = subprocess.run([sys.executable, "-c", WITHOUT_TORCH, str(tmp_path / "run")], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"expected agrad to import and train without torch, got:\n{run.stderr[-3000:]}"
    assert (tmp_path / "run" / "metrics.json").is_file(), "expected the torch-free run to write metrics.json"
