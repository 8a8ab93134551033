"""The student versions of the lesson notebooks in notebooks/ (issue 6).

``agrad exercises --student notebooks --out DIR`` replaces every solution region with
``raise NotImplementedError()`` and clears the outputs. These tests check, for every notebook
(one test case each, its id the file name), that it has exercises and check cells, that no
solution text survives in its student version, and that when the student version runs in a
fresh kernel EVERY check cell fails with NotImplementedError: a check that passes, or fails
with anything else (a NameError from an unset variable, say), would tell a student the wrong
thing. The solution notebooks themselves are run by nbmake.

The execution test takes about as long as running the notebooks (up to a minute each).
Select this file with ``pytest tests/notebooks``, one notebook with ``-k 07_train_cnn``.
"""

import ast
import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from agrad.cli import main as agrad_main
from agrad.exercises import BEGIN, END, check_cells, solution_count

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK_NAMES = [path.name for path in sorted(NOTEBOOK_DIR.glob("*.ipynb"))]
CELL_TIMEOUT = 180  # seconds for one cell; each notebook must run in under a minute in total
PLACEHOLDER = "raise NotImplementedError()"
EXPECTED_ERROR = "NotImplementedError"
# a solution marker counts only at the start of a line (as in agrad.exercises): prose may quote it
MARKER_LINE = re.compile(r"^[ \t]*(" + re.escape(BEGIN) + "|" + re.escape(END) + ")", re.MULTILINE)

every_notebook = pytest.mark.parametrize(
    "name",
    NOTEBOOK_NAMES or [pytest.param(None, marks=pytest.mark.skip(reason=f"no *.ipynb notebooks in {NOTEBOOK_DIR}"))],
)


def read_notebook(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source_of(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def first_line(cell):
    lines = source_of(cell).strip().splitlines()
    return lines[0] if lines else "<empty cell>"


def run_agrad_exercises(source_dir, out_dir):
    """``agrad exercises --student SOURCE --out OUT`` through the real command line:
    (exit status, what it printed)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = agrad_main(["exercises", "--student", str(source_dir), "--out", str(out_dir)])
    return status, printed.getvalue()


@pytest.fixture
def student_dir(name, tmp_path):
    """The student version of notebook ``name`` alone (so one broken notebook fails only its own tests)."""
    solution_dir, out = tmp_path / "solution", tmp_path / "student"
    solution_dir.mkdir()
    shutil.copy(NOTEBOOK_DIR / name, solution_dir / name)
    status, printed = run_agrad_exercises(solution_dir, out)
    assert status == 0, (
        f"{name}: expected `agrad exercises --student` to succeed, it exited {status}: {printed.strip()} "
        f"(the marker lines may appear only around solutions, not quoted in prose)"
    )
    return out


@pytest.mark.skipif(not NOTEBOOK_NAMES, reason=f"no *.ipynb notebooks in {NOTEBOOK_DIR}")
def test_the_whole_folder_converts_in_one_command(tmp_path):
    status, printed = run_agrad_exercises(NOTEBOOK_DIR, tmp_path)
    assert status == 0, f"expected `agrad exercises --student {NOTEBOOK_DIR}` to exit 0, got {status}: {printed}"
    assert sorted(path.name for path in tmp_path.glob("*.ipynb")) == NOTEBOOK_NAMES, (
        f"expected one student version per notebook {NOTEBOOK_NAMES}, got {sorted(tmp_path.iterdir())}"
    )


@every_notebook
def test_notebook_has_exercises_and_check_cells(name):
    notebook = read_notebook(NOTEBOOK_DIR / name)
    assert solution_count(notebook) >= 1, f"{name}: expected at least one '{BEGIN}' region, found none"
    assert check_cells(notebook), f"{name}: expected at least one check cell (metadata tags ['check']), found none"


@every_notebook
def test_check_cells_start_by_calling_the_exercise(name):
    """A check's first statement must call something (the exercise function), so that in the
    student version it stops right there with NotImplementedError."""
    notebook = read_notebook(NOTEBOOK_DIR / name)
    problems = []
    for index in check_cells(notebook):
        cell = notebook["cells"][index]
        if cell.get("cell_type") != "code":
            problems.append(f"cell {index} is tagged 'check' but is a {cell.get('cell_type')} cell")
            continue
        try:
            body = ast.parse(source_of(cell)).body
        except SyntaxError as error:
            problems.append(f"cell {index} is not plain Python ({error.msg}, line {error.lineno})")
            continue
        if not body or not any(isinstance(node, ast.Call) for node in ast.walk(body[0])):
            problems.append(f"cell {index}: its first statement calls nothing: {first_line(cell)!r}")
    assert not problems, f"{name}: expected every check cell to start with a call of the exercise:\n" + "\n".join(
        problems
    )


@every_notebook
def test_student_version_has_no_solutions_and_no_outputs(name, student_dir):
    solution = read_notebook(NOTEBOOK_DIR / name)
    student = read_notebook(student_dir / name)
    assert len(student["cells"]) == len(solution["cells"]), (
        f"{name}: expected the student version to keep all {len(solution['cells'])} cells, "
        f"got {len(student['cells'])}"
    )
    assert check_cells(student) == check_cells(solution), f"{name}: expected the same check cells in both versions"
    placeholders_added = 0
    for index, (before, after) in enumerate(zip(solution["cells"], student["cells"])):
        text = source_of(after)
        assert not MARKER_LINE.search(text), f"{name}, cell {index}: a solution marker line survives:\n{text}"
        assert "HIDDEN TESTS" not in text, f"{name}, cell {index}: expected hidden tests removed:\n{text}"
        assert after.get("metadata", {}).get("nbgrader") == before.get("metadata", {}).get("nbgrader"), (
            f"{name}, cell {index}: expected the nbgrader metadata (grade_id) kept in the student version"
        )
        if after.get("cell_type") == "code":
            assert after.get("outputs") == [], f"{name}, cell {index}: expected cleared outputs in the student version"
            assert after.get("execution_count") is None, f"{name}, cell {index}: expected no execution count"
            placeholders_added += text.count(PLACEHOLDER) - source_of(before).count(PLACEHOLDER)
        else:
            placeholders_added += text.count("YOUR ANSWER HERE") - source_of(before).count("YOUR ANSWER HERE")
    assert placeholders_added == solution_count(solution), (
        f"{name}: expected one placeholder per solution region ({solution_count(solution)}), got {placeholders_added}"
    )


@every_notebook
def test_solution_regions_sit_inside_functions(name, student_dir):
    """A region at the top level of a cell would make the cell itself fail, and every later cell
    that needs what it defines; inside a function only a call fails."""
    solution = read_notebook(NOTEBOOK_DIR / name)
    student = read_notebook(student_dir / name)
    problems = []
    for index, (before, after) in enumerate(zip(solution["cells"], student["cells"])):
        if after.get("cell_type") != "code" or not MARKER_LINE.search(source_of(before)):
            continue
        try:
            tree = ast.parse(source_of(after))
        except SyntaxError as error:
            problems.append(f"cell {index}: the student version is not valid Python ({error.msg}, line {error.lineno})")
            continue
        for line in _raises_outside_functions(tree):
            problems.append(f"cell {index}, line {line}: the solution region is not inside a function body")
    assert not problems, f"{name}:\n" + "\n".join(problems)


def _raises_outside_functions(tree):
    """Line numbers of ``raise NotImplementedError...`` statements not inside a def."""
    lines, pending = [], [(node, False) for node in ast.iter_child_nodes(tree)]
    while pending:
        node, in_function = pending.pop()
        if isinstance(node, ast.Raise) and not in_function and "NotImplementedError" in ast.unparse(node):
            lines.append(node.lineno)
        inside = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        pending.extend((child, inside) for child in ast.iter_child_nodes(node))
    return sorted(lines)


def _errors(cell):
    return [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]


def _describe(errors):
    if not errors:
        return "no error: the check passed without the solution"
    return "; ".join(f"{error.get('ename')}: {error.get('evalue', '')}"[:300] for error in errors)


@every_notebook
def test_every_check_fails_without_the_solutions(name, student_dir, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(student_dir / name, as_version=4)
    checks = check_cells(notebook)
    assert checks, f"{name}: expected at least one check cell"
    client = nbclient.NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True, record_timing=False,
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    client.execute()
    wrong = [
        f"cell {index} ({first_line(notebook.cells[index])!r}): got {_describe(_errors(notebook.cells[index]))}"
        for index in checks
        if not any(error.get("ename") == EXPECTED_ERROR for error in _errors(notebook.cells[index]))
    ]
    assert not wrong, (
        f"{name} (student version): expected every check cell to fail with {EXPECTED_ERROR}, but\n" + "\n".join(wrong)
    )
