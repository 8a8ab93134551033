"""agrad.cell_metadata: nbgrader's cell metadata from the lessons' own marks (regions, check tags)."""

import json

import pytest

from agrad import cell_metadata
from agrad.cli import main
from agrad.exercises import ExerciseFormatError


def _notebook(*cells):
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _code(source, tags=(), **metadata):
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags), **metadata},
            "outputs": [], "execution_count": None}


def _markdown(source):
    return {"cell_type": "markdown", "source": source, "metadata": {}}


ANSWER = "def sigmoid(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
CHECK = "assert sigmoid(1) == 1\n"


def _meta(notebook):
    return [cell["metadata"].get("nbgrader") for cell in notebook["cells"]]


def test_answers_checks_and_written_answers_get_their_roles():
    notebook = _notebook(_markdown("# Title"), _code(ANSWER), _code(CHECK, ["check"]),
                         _markdown("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION\n"))
    meta = _meta(cell_metadata.with_nbgrader_metadata(notebook))
    assert meta[0] is None, "expected no nbgrader metadata on prose"
    assert meta[1] == {"schema_version": 3, "solution": True, "grade": False, "locked": False, "grade_id": "sigmoid"}
    assert meta[2] == {"schema_version": 3, "solution": False, "grade": True, "locked": True, "points": 1,
                       "grade_id": "sigmoid_check"}
    assert meta[3] == {"schema_version": 3, "solution": True, "grade": True, "locked": False, "points": 0,
                       "grade_id": "written_answer"}
    assert _meta(notebook)[1] is None, "expected the input notebook left unchanged"


def test_grade_ids_are_unique_and_existing_ones_and_points_are_kept():
    kept = {"nbgrader": {"grade_id": "mine", "points": 5}}
    notebook = _notebook(_code(ANSWER), _code(CHECK, ["check"]), _code(ANSWER), _code(CHECK, ["check"], **kept),
                         _code(CHECK, ["check"]))
    meta = _meta(cell_metadata.with_nbgrader_metadata(notebook))
    assert [m["grade_id"] for m in meta] == ["sigmoid", "sigmoid_check", "sigmoid_2", "mine", "sigmoid_2_check"]
    assert meta[3]["points"] == 5, "expected points an instructor set to be kept"


def test_stale_metadata_is_reported_and_removed_from_a_cell_no_longer_an_exercise():
    stale = {"nbgrader": {"schema_version": 1, "grade": True, "solution": False, "locked": True,
                          "grade_id": "old", "points": 1}}
    notebook = _notebook(_code("x = 1\n", **stale), _code(ANSWER), _code(CHECK, ["check"]))
    problems = cell_metadata.metadata_problems(notebook, where="lesson.ipynb")
    assert [p.split(":")[0] for p in problems] == ["lesson.ipynb, cell 0", "lesson.ipynb, cell 1",
                                                   "lesson.ipynb, cell 2"], problems
    fixed = cell_metadata.with_nbgrader_metadata(notebook)
    assert _meta(fixed)[0] is None, "expected stale nbgrader metadata removed from a plain cell"
    assert cell_metadata.metadata_problems(fixed) == []


def test_prose_quoting_a_marker_and_duplicate_cell_ids_are_problems():
    notebook = _notebook(dict(_markdown("Answer between the `BEGIN SOLUTION` lines."), id="a"),
                         dict(_code("x = 1\n"), id="a"))
    problems = " ".join(cell_metadata.metadata_problems(notebook))
    assert "'BEGIN SOLUTION' outside a marker line" in problems, problems
    assert "duplicate cell id 'a'" in problems, problems


def test_a_check_cell_holding_a_solution_is_an_error():
    with pytest.raises(ExerciseFormatError, match="cell 0"):
        cell_metadata.with_nbgrader_metadata(_notebook(_code(ANSWER, ["check"])))


def test_grade_cells_reads_the_metadata_back():
    notebook = cell_metadata.with_nbgrader_metadata(_notebook(_code(ANSWER), _code(CHECK, ["check"])))
    assert cell_metadata.grade_cells(notebook) == {"sigmoid": (0, "answer", 0), "sigmoid_check": (1, "check", 1)}


def test_the_command_writes_then_checks(tmp_path, capsys):
    (tmp_path / "lesson.ipynb").write_text(json.dumps(_notebook(_code(ANSWER), _code(CHECK, ["check"]))))
    assert main(["exercises", "--nbgrader-metadata", str(tmp_path), "--check"]) == 1
    assert "cell 0: nbgrader metadata is None" in capsys.readouterr().out
    assert main(["exercises", "--nbgrader-metadata", str(tmp_path)]) == 0
    assert "2 change(s)" in capsys.readouterr().out
    assert main(["exercises", "--nbgrader-metadata", str(tmp_path), "--check"]) == 0
    assert "current" in capsys.readouterr().out
    assert list(tmp_path.glob(".*.agrad-tmp")) == [], "expected no temporary files left"


def test_the_command_needs_out_with_student(tmp_path, capsys):
    assert main(["exercises", "--student", str(tmp_path)]) == 2
    assert "--out" in capsys.readouterr().out
