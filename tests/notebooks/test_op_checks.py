"""The op-writing exercises' check cells catch micrograd's most common bug (issue 15).

For every exercise whose solution adds into a gradient (``input.grad += ...``, or
``np.add.at(input.grad, ...)``), the solution is changed as a student might write it, assigning
with ``=``, and its check cell must then fail with AssertionError; with the solution as written
it must pass. (Failing means raising: an AssertionError of the checks, or the ValueError of
``Tensor.grad`` when the assigned gradient has the wrong shape.) The answer and check cells are run in this process (``exec`` of the lesson's own
code, after the notebook's imports), not in a kernel: a few seconds for all notebooks.
"""

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

from agrad.cell_metadata import grade_cells
from agrad.exercises import _source

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
ADD_INTO = re.compile(r"^(?P<indent>[ \t]*)(?P<target>[\w.]+\.grad) \+= (?P<value>.+)$", re.MULTILINE)
ADD_AT = re.compile(r"^(?P<indent>[ \t]*)np\.add\.at\((?P<target>[\w.]+\.grad), (?P<rest>.+)\)$", re.MULTILINE)


def _assigning(source):
    """``source`` with each gradient accumulation turned into an assignment."""
    source = ADD_INTO.sub(lambda m: f"{m['indent']}{m['target']} = {m['value']}", source)
    return ADD_AT.sub(lambda m: (f"{m['indent']}_fresh = np.zeros_like({m['target']}); "
                                 f"np.add.at(_fresh, {m['rest']}); {m['target']} = _fresh"), source)


def _imports(cell):
    """The import statements of a code cell, as code."""
    if cell.get("cell_type") != "code":
        return ""
    try:
        body = ast.parse(_source(cell)).body
    except SyntaxError:
        return ""
    return "".join(ast.unparse(node) + "\n" for node in body if isinstance(node, (ast.Import, ast.ImportFrom)))


def _op_exercises():
    cases = []
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
        by_index = {index: (gid, role) for gid, (index, role, _) in grade_cells(notebook).items()}
        for index, (gid, role) in sorted(by_index.items()):
            source = _source(cells[index])
            if role != "answer" or _assigning(source) == source:
                continue
            check = next((_source(cells[j]) for j in range(index + 1, len(cells))
                          if by_index.get(j, (None, None))[1] == "check"), None)
            setup = "".join(_imports(cells[j]) for j in range(index))
            cases.append(pytest.param(setup + source, check, id=f"{path.stem}-{gid}"))
    return cases


OP_EXERCISES = _op_exercises()


def _run(answer, check):
    import autograd as ag

    namespace = {"np": np, "ag": ag, "__name__": "lesson"}
    exec(compile(answer, "<answer>", "exec"), namespace)
    exec(compile(check, "<check>", "exec"), namespace)


def test_there_are_op_writing_exercises():
    assert len(OP_EXERCISES) >= 3, f"expected the op-writing exercises of notebook 02 at least, got {OP_EXERCISES}"


@pytest.mark.parametrize(("answer", "check"), OP_EXERCISES)
def test_the_check_passes_with_the_solution(answer, check, capsys):
    assert check is not None, "expected a check cell after the exercise"
    _run(answer, check)


@pytest.mark.parametrize(("answer", "check"), OP_EXERCISES)
def test_the_check_fails_when_the_gradient_is_assigned(answer, check, capsys):
    with pytest.raises(Exception) as caught:  # AssertionError, or the grad setter's shape error
        _run(_assigning(answer), check)
    assert not isinstance(caught.value, NotImplementedError)
    assert str(caught.value), "expected the failing check to say what went wrong"


# issue 18: an op-writing exercise is not passed by handing the work to the library's own op, under
# whatever name the answer reaches it by
DELEGATIONS = [
    pytest.param("exp", "def exp(input):\n    return ag.exp(input)\n", id="exp-ag.exp"),
    pytest.param("exp", "from autograd.ops.elementwise.unary import exp as _exp\n"
                        "def exp(input):\n    return _exp(input)\n", id="exp-imported"),
    pytest.param("getitem", "def getitem(input, index):\n    return input[index]\n", id="getitem-indexing"),
    pytest.param("unbroadcast", "def unbroadcast(grad, shape):\n    return ag.unbroadcast(grad, shape)\n",
                 id="unbroadcast-ag.unbroadcast"),
    pytest.param("unbroadcast", "def unbroadcast(grad, shape):\n    import autograd.ops.broadcast\n"
                                "    return autograd.ops.broadcast.unbroadcast(grad, shape)\n", id="unbroadcast-module"),
    pytest.param("unbroadcast", "from autograd.ops.broadcast import unbroadcast as _unbroadcast\n"
                                "def unbroadcast(grad, shape):\n    return _unbroadcast(grad, shape)\n",
                 id="unbroadcast-imported"),
    pytest.param("unbroadcast", "unbroadcast = ag.unbroadcast\n", id="unbroadcast-aliased"),
]


def _check_of(grade_id):
    notebook = json.loads((NOTEBOOK_DIR / "02_tensors_broadcasting.ipynb").read_text(encoding="utf-8"))
    cells = notebook["cells"]
    index = grade_cells(notebook)[f"{grade_id}_check"][0]
    return "".join(_imports(cells[j]) for j in range(index)), _source(cells[index])


@pytest.mark.parametrize(("grade_id", "answer"), DELEGATIONS)
def test_the_check_fails_when_the_answer_delegates(grade_id, answer, capsys):
    setup, check = _check_of(grade_id)
    refused = rf"^{grade_id}: (expected your own code|the result is the output of agrad's own)"
    with pytest.raises(AssertionError, match=refused):
        _run(setup + answer, check)
