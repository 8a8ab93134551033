"""agrad exercises: solution regions become placeholders, outputs are cleared, errors are clear."""

import json

import pytest

from agrad import exercises
from agrad.cli import main


def _notebook(*cells):
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _code(source, tags=()):
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "old"}], "execution_count": 3}


SOLUTION = '''def reshape_backward(grad, shape):
    """Exercise 2.1."""
    ### BEGIN SOLUTION
    return grad.reshape(shape)
    ### END SOLUTION
'''


def test_solution_region_becomes_the_placeholder_with_its_indentation():
    stripped = exercises.strip_solutions(SOLUTION)
    assert "grad.reshape" not in stripped, "expected the solution removed"
    assert "    # YOUR CODE HERE\n    raise NotImplementedError()\n" in stripped
    assert stripped.startswith("def reshape_backward"), "expected code outside the region kept"
    namespace = {}
    exec(stripped, namespace)
    with pytest.raises(NotImplementedError):
        namespace["reshape_backward"](None, (2,))


def test_markdown_answers_and_several_regions():
    text = "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION\n"
    assert exercises.strip_solutions(text, "markdown") == "Why?\nYOUR ANSWER HERE\n"
    two = SOLUTION + "\nx = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\n"
    assert exercises.strip_solutions(two).count("raise NotImplementedError()") == 2


def test_markers_mentioned_in_prose_are_left_alone():
    text = "Answers go between the `### BEGIN SOLUTION` and `### END SOLUTION` lines.\n"
    assert exercises.strip_solutions(text, "markdown") == text


def test_unclosed_region_is_an_error_naming_the_cell():
    with pytest.raises(exercises.ExerciseFormatError, match="cell 0"):
        exercises.student_notebook(_notebook(_code("### BEGIN SOLUTION\nx = 1\n")), where="nb")


def test_write_student_versions_clears_outputs_and_keeps_checks(tmp_path):
    source, out = tmp_path / "solutions", tmp_path / "student"
    source.mkdir()
    notebook = _notebook(_code(SOLUTION), _code("assert reshape_backward(g, s).shape == s", tags=["check"]))
    (source / "lesson.ipynb").write_text(json.dumps(notebook))
    assert main(["exercises", "--student", str(source), "--out", str(out)]) == 0
    student = json.loads((out / "lesson.ipynb").read_text())
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in student["cells"])
    assert exercises.check_cells(student) == [1]
    assert student["cells"][1]["source"] == notebook["cells"][1]["source"], "expected check cells unchanged"
    assert list(tmp_path.glob("student/.*.agrad-tmp")) == [], "expected no temporary files left"


def test_refuses_to_overwrite_the_solutions(tmp_path, capsys):
    (tmp_path / "a.ipynb").write_text(json.dumps(_notebook()))
    assert main(["exercises", "--student", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert "must differ" in capsys.readouterr().out


def test_missing_directory_is_a_clear_message(tmp_path, capsys):
    assert main(["exercises", "--student", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert "no notebook directory" in capsys.readouterr().out


def test_hidden_tests_are_removed_from_the_student_version_only():
    check = "assert f(1) == 1\n### BEGIN HIDDEN TESTS\nassert f(2) == 2\n### END HIDDEN TESTS\nassert f(3) == 3\n"
    student = exercises.student_notebook(_notebook(_code(check, tags=["check"])))
    assert student["cells"][0]["source"] == "assert f(1) == 1\nassert f(3) == 3\n", (
        "expected the hidden region removed, markers included, and the rest of the check kept"
    )
    with pytest.raises(exercises.ExerciseFormatError, match="HIDDEN TESTS"):
        exercises.student_notebook(_notebook(_code("### BEGIN HIDDEN TESTS\nassert True\n")))
