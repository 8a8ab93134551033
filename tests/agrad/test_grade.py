"""agrad grade: submissions graded in a fresh kernel with the instructor's check cells.

One ``agrad grade`` run (module fixture) grades a small purpose-made assignment as a dozen
students handed it in: the solution, the student version, an answer that loops forever, one
that calls ``os._exit``, a deleted check cell, a check cell edited to ``pass``, an answer that
passes the visible checks but not the hidden tests, reordered cells, an added helper cell, an
nbgrader ``submitted/`` folder of three students, a corrupt file and a missing path. Each test
reads its row of grades.csv. A second test grades lesson 01 itself (solution and student version).
Together about 30 s (a kernel per notebook, a 5 s limit per cell).
"""

import contextlib
import csv
import io
import json
import shutil
import time
from pathlib import Path

import pytest

from agrad.cell_metadata import with_nbgrader_metadata
from agrad.cli import main
from agrad.exercises import student_notebook

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

TIMEOUT = 5
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def _code(source, tags=()):
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}, "outputs": [],
            "execution_count": None}


ANSWERS = {
    "double": "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n",
    "square": "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION\n",
    "inc": "def inc(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n",
}
CHECKS = {
    "double": 'assert double(2) == 4, f"expected double(2) == 4, got {double(2)}"\n',
    "square": ('assert square(3) == 9, f"expected square(3) == 9, got {square(3)}"\n'
               "### BEGIN HIDDEN TESTS\n"
               'assert square(-2) == 4, f"expected square(-2) == 4, got {square(-2)}"\n'
               "### END HIDDEN TESTS\n"),
    "inc": 'assert inc(1) == 2, f"expected inc(1) == 2, got {inc(1)}"\n',
}
CHECK_IDS = ["double_check", "square_check", "inc_check"]


def _source_notebook():
    cells = [{"cell_type": "markdown", "source": "# Three small exercises", "metadata": {}}, _code("import math\n")]
    for name in ANSWERS:
        cells += [_code(ANSWERS[name]), _code(CHECKS[name], ["check"])]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
                "nbformat": 4, "nbformat_minor": 5}
    return with_nbgrader_metadata(notebook)


def _with_answer(notebook, name, code):
    """A copy of ``notebook`` whose answer cell ``name`` holds ``code``."""
    notebook = json.loads(json.dumps(notebook))
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == name:
            cell["source"] = code
    return notebook


def _without(notebook, grade_id, replace=None):
    notebook = json.loads(json.dumps(notebook))
    cells = []
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            if replace is None:
                continue
            cell["source"] = replace
        cells.append(cell)
    notebook["cells"] = cells
    return notebook


def _cases(solution):
    student = student_notebook(solution)
    wrong_double = "def double(x):\n    return 0\n"
    reordered = json.loads(json.dumps(solution))
    reordered["cells"].reverse()
    helper = json.loads(json.dumps(solution))
    helper["cells"].insert(2, _code("def twice(x):\n    return x + x\n"))
    helper = _with_answer(helper, "double", "def double(x):\n    return twice(x)\n")
    return {
        "solution": solution,
        "student_version": student,
        "loops": _with_answer(solution, "square", "def square(x):\n    while True:\n        pass\n"),
        "exits": _with_answer(solution, "double", "import os\n\ndef double(x):\n    os._exit(1)\n"),
        "deleted_check": _without(_with_answer(solution, "double", wrong_double), "double_check"),
        "check_is_pass": _without(_with_answer(solution, "double", wrong_double), "double_check", "pass\n"),
        "fails_hidden": _with_answer(solution, "square", "def square(x):\n    return 9\n"),
        "reordered": reordered,
        "helper_cell": helper,
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(exit code, printed text, {student: row of grades.csv}, feedback folder, seconds taken)."""
    root = tmp_path_factory.mktemp("grade")
    source_dir, cases_dir = root / "source", root / "cases"
    source_dir.mkdir()
    cases_dir.mkdir()
    solution = _source_notebook()
    (source_dir / "lesson.ipynb").write_text(json.dumps(solution), encoding="utf-8")
    paths = []
    for student, notebook in _cases(solution).items():
        (cases_dir / f"{student}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        paths.append(str(cases_dir / f"{student}.ipynb"))
    (cases_dir / "corrupt.ipynb").write_text('{"cells": [', encoding="utf-8")
    submitted = root / "course" / "submitted"
    for student, notebook in (("ann", solution), ("ben", student_notebook(solution)),
                              ("cat", _with_answer(solution, "inc", "def inc(x):\n    return x\n"))):
        (submitted / student / "ps1").mkdir(parents=True)
        (submitted / student / "ps1" / "lesson.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    out, feedback = root / "grades.csv", root / "feedback"
    argv = ["grade", *paths, str(cases_dir / "corrupt.ipynb"), str(submitted), str(root / "missing"),
            "--source", str(source_dir), "--out", str(out), "--timeout", str(TIMEOUT), "--feedback", str(feedback)]
    printed = io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(printed):
        code = main(argv)
    seconds = time.monotonic() - started
    with out.open(encoding="utf-8") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    return code, printed.getvalue(), rows, feedback, seconds


def _scores(rows, student):
    assert student in rows, f"expected a row for {student} in grades.csv, got rows for {sorted(rows)}"
    row = rows[student]
    return [int(row[gid]) for gid in CHECK_IDS], (int(row["total"]), int(row["max"]))


@pytest.mark.parametrize(("student", "expected"), [
    ("solution", [1, 1, 1]),
    ("student_version", [0, 0, 0]),
    ("loops", [1, 0, 1]),
    ("exits", [0, 1, 1]),
    ("deleted_check", [0, 1, 1]),
    ("check_is_pass", [0, 1, 1]),
    ("fails_hidden", [1, 0, 1]),
    ("reordered", [1, 1, 1]),
    ("helper_cell", [1, 1, 1]),
    ("ann", [1, 1, 1]),
    ("ben", [0, 0, 0]),
    ("cat", [1, 1, 0]),
])
def test_each_submission_gets_the_instructors_grades(graded, student, expected):
    _, _, rows, _, _ = graded
    scores, (total, full) = _scores(rows, student)
    assert scores == expected, f"{student}: expected the checks {CHECK_IDS} to score {expected}, got {scores}"
    assert (total, full) == (sum(expected), 3), f"{student}: expected total {sum(expected)} of 3, got {total} of {full}"


def test_one_row_per_student_and_notebook_with_a_column_per_check(graded):
    _, _, rows, _, _ = graded
    assert len(rows) == 12, f"expected 12 graded students, got {sorted(rows)}"
    assert all(row["notebook"] == "lesson.ipynb" for row in rows.values())
    assert list(next(iter(rows.values()))) == ["student", "notebook", *CHECK_IDS, "total", "max"]


def test_bad_submissions_are_one_line_each_and_the_run_goes_on(graded):
    code, printed, rows, _, _ = graded
    assert code == 1, f"expected exit code 1 (some submissions could not be graded), got {code}"
    assert "corrupt.ipynb: not a notebook" in printed, printed
    assert "missing: no such file or folder" in printed, printed
    assert "Traceback" not in printed, printed
    assert "corrupt" not in rows


def test_the_loop_and_the_dead_kernel_cost_only_their_time_limit(graded):
    _, _, _, _, seconds = graded
    assert seconds < 12 * 10 + TIMEOUT, (
        f"expected the run to finish soon after one {TIMEOUT} s timeout, took {seconds:.0f} s"
    )


def test_feedback_names_each_failed_check_and_its_message(graded):
    _, _, _, feedback, _ = graded
    text = (feedback / "fails_hidden.txt").read_text(encoding="utf-8")
    assert "FAILED square_check" in text and "expected square(-2) == 4, got 9" in text, text
    assert "double_check" not in text, f"expected only failed checks listed:\n{text}"
    assert f"timed out after {TIMEOUT} s" in (feedback / "loops.txt").read_text(encoding="utf-8")
    assert "kernel died" in (feedback / "exits.txt").read_text(encoding="utf-8")
    assert "every check passed" in (feedback / "solution.txt").read_text(encoding="utf-8")


def test_lesson_01_solution_full_points_and_student_version_zero(tmp_path, capsys):
    name = "01_scalar_autograd.ipynb"
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(NOTEBOOK_DIR / name, source / name)
    solution = json.loads((NOTEBOOK_DIR / name).read_text(encoding="utf-8"))
    (tmp_path / "student.ipynb").write_text(json.dumps(student_notebook(solution)), encoding="utf-8")
    shutil.copy(NOTEBOOK_DIR / name, tmp_path / "teacher.ipynb")
    out = tmp_path / "grades.csv"
    code = main(["grade", str(tmp_path / "teacher.ipynb"), str(tmp_path / "student.ipynb"),
                 "--source", str(source), "--out", str(out), "--timeout", "120"])
    assert code == 0, capsys.readouterr().out
    with out.open(encoding="utf-8") as file:
        rows = {row["student"]: (row["total"], row["max"]) for row in csv.DictReader(file)}
    assert rows == {"teacher": ("4", "4"), "student": ("0", "4")}, f"expected 4/4 and 0/4, got {rows}"


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--timeout", "0"], "--timeout must be a positive whole number"),
    (["--source", "{tmp}/nowhere"], "no such folder"),
    (["--out", "{tmp}/no/such/grades.csv"], "expected a file in an existing folder"),
])
def test_bad_arguments_are_one_clear_line(tmp_path, capsys, argv, fragment):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lesson.ipynb").write_text(json.dumps(_source_notebook()), encoding="utf-8")
    args = {"--source": str(tmp_path / "src"), "--out": str(tmp_path / "g.csv")}
    args.update(dict(zip(argv[::2], [a.format(tmp=tmp_path) for a in argv[1::2]])))
    code = main(["grade", str(tmp_path / "src" / "lesson.ipynb"), *[x for kv in args.items() for x in kv]])
    text = capsys.readouterr().out
    assert code == 2 and fragment in text and "Traceback" not in text, f"expected exit 2 and {fragment!r}: {text}"


@pytest.mark.parametrize("text", [
    '{"cells": [3]}', '{"cells": [{"metadata": 3}]}', '{"cells": [{"source": [1]}]}', "[]", "\xff",
    '{"cells": [{"metadata": {"nbgrader": {"grade_id": [1]}}, "source": ""}]}',
])
def test_a_malformed_submission_is_one_line_and_not_graded(tmp_path, capsys, text):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lesson.ipynb").write_text(json.dumps(_source_notebook()), encoding="utf-8")
    (tmp_path / "bad.ipynb").write_text(text, encoding="latin-1")
    code = main(["grade", str(tmp_path / "bad.ipynb"), "--source", str(tmp_path / "src"),
                 "--out", str(tmp_path / "g.csv")])
    printed = capsys.readouterr().out
    if text.startswith('{"cells": [{"metadata": {"nbgrader"'):  # odd metadata: no grade_id in common
        assert code == 1 and "matches no notebook" in printed, printed
        return
    assert code == 1 and "bad.ipynb: not a notebook" in printed and "Traceback" not in printed, printed
    assert (tmp_path / "g.csv").read_text(encoding="utf-8").count("\n") == 1, "expected only the header row"


def test_a_source_without_checks_is_refused(tmp_path, capsys):
    (tmp_path / "plain.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4}), encoding="utf-8")
    code = main(["grade", str(tmp_path / "plain.ipynb"), "--source", str(tmp_path), "--out", str(tmp_path / "g.csv")])
    assert code == 2 and "no notebook with graded check cells" in capsys.readouterr().out
