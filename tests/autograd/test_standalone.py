"""The core stands alone: autograd, nn and optim import and train without graphviz installed, and
importing them changes nothing in the process."""

import subprocess
import sys

WITHOUT_GRAPHVIZ = """
import sys
sys.modules["graphviz"] = None  # as if it were not installed: importing it raises ImportError
import numpy as np
import autograd as ag, nn, optim
x = ag.Tensor(np.ones((2, 1, 8, 8), dtype=np.float32), requires_grad=False)
model = nn.SmallCNN()
loss = nn.functional.cross_entropy(model(x), np.array([0, 1]))
loss.backward()
optim.SGD(model.parameters(), lr=0.1).step()
try:
    ag.draw_graph(loss)
except ModuleNotFoundError as error:
    print("draw_graph:", error)
"""


def test_import_and_train_without_graphviz():
    result = subprocess.run([sys.executable, "-c", WITHOUT_GRAPHVIZ], capture_output=True, text=True)
    assert result.returncode == 0, f"expected agrad to work without graphviz, got:\n{result.stderr}"
    assert "pip install graphviz" in result.stdout, f"expected draw_graph to say how to install it: {result.stdout}"


def test_import_leaves_the_recursion_limit_threads_and_warnings_alone():
    # numpy and scipy add warnings filters of their own when imported: import them first
    probe = ("import sys, threading, warnings, numpy, scipy.special, scipy.sparse; "
             "before = (sys.getrecursionlimit(), threading.active_count(), list(warnings.filters)); "
             "import autograd, nn, optim; "
             "print(before == (sys.getrecursionlimit(), threading.active_count(), list(warnings.filters)))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True", f"expected no process-wide change on import, got {result.stdout}"
