"""The lesson notebooks as nbgrader takes them (issue 15).

Every notebook's exercise cells carry current nbgrader cell metadata (``agrad exercises
--nbgrader-metadata notebooks/`` writes it; this test fails on a new or edited notebook until it
is run), valid by nbgrader's own schema when nbgrader is installed. Then the round trip in a
course directory in tmp: ``nbgrader generate_assignment --no-db`` takes all the notebooks, and
``nbgrader autograde`` (with a sqlite gradebook in tmp) gives notebook 01's solution full points
and its released student version zero (its hidden tests
removed at release and run at grading). The round trip takes about a minute (nbgrader starts a
kernel per submission); it runs wherever the test extra is installed, as in CI.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agrad.cell_metadata import SCHEMA_VERSION, grade_cells, metadata_problems

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK_NAMES = [path.name for path in sorted(NOTEBOOK_DIR.glob("*.ipynb"))]
ROUND_TRIP = "01_scalar_autograd.ipynb"  # the quickest lesson to execute
NBGRADER_TIMEOUT = 600

every_notebook = pytest.mark.parametrize("name", NOTEBOOK_NAMES)


def read_notebook(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


@every_notebook
def test_exercise_cells_carry_current_nbgrader_metadata(name):
    problems = metadata_problems(read_notebook(NOTEBOOK_DIR / name), where=name)
    assert not problems, (
        f"{name}: expected current nbgrader cell metadata on every exercise cell; "
        "run `agrad exercises --nbgrader-metadata notebooks/`:\n" + "\n".join(problems[:10])
    )


@every_notebook
def test_every_check_is_worth_points(name):
    cells = grade_cells(read_notebook(NOTEBOOK_DIR / name))
    checks = {grade_id: points for grade_id, (_, role, points) in cells.items() if role == "check"}
    assert checks, f"{name}: expected check cells with nbgrader grade_ids, found none"
    assert all(points > 0 for points in checks.values()), f"{name}: expected every check worth points, got {checks}"


def test_schema_version_is_nbgraders():
    nbgraderformat = pytest.importorskip("nbgrader.nbgraderformat")
    assert nbgraderformat.SCHEMA_VERSION == SCHEMA_VERSION, (
        f"expected agrad's SCHEMA_VERSION {SCHEMA_VERSION} to be the installed nbgrader's "
        f"{nbgraderformat.SCHEMA_VERSION}"
    )


@every_notebook
def test_nbgraders_validator_accepts_the_notebook(name):
    nbgraderformat = pytest.importorskip("nbgrader.nbgraderformat")
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    nbgraderformat.MetadataValidator().validate_nb(notebook)  # raises ValidationError


def _nbgrader(course, *args):
    """Run the nbgrader command line in ``course``; its own helper ``alembic`` must be on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    command = [sys.executable, "-m", "nbgrader", *args]
    done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=NBGRADER_TIMEOUT)
    errors = [line for line in (done.stdout + done.stderr).splitlines() if "| ERROR]" in line]
    assert done.returncode == 0 and not errors, (
        f"expected `nbgrader {' '.join(args)}` to succeed, it exited {done.returncode}:\n"
        + "\n".join((errors or (done.stdout + done.stderr).splitlines())[-30:])
    )


def _course(root, db=True):
    root.mkdir(parents=True, exist_ok=True)
    lines = ["c = get_config()", f"c.CourseDirectory.root = {str(root)!r}"]
    if db:
        lines.append(f"c.CourseDirectory.db_url = {'sqlite:///' + str(root / 'gradebook.db')!r}")
    (root / "nbgrader_config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_generate_assignment_takes_every_notebook(tmp_path):
    pytest.importorskip("nbgrader")
    course = _course(tmp_path / "course", db=False)
    source = course / "source" / "lessons"
    source.mkdir(parents=True)
    for name in NOTEBOOK_NAMES:
        shutil.copy(NOTEBOOK_DIR / name, source / name)
    _nbgrader(course, "generate_assignment", "lessons", "--no-db")
    released = sorted(path.name for path in (course / "release" / "lessons").glob("*.ipynb"))
    assert released == NOTEBOOK_NAMES, f"expected a released version of every notebook, got {released}"
    for name in NOTEBOOK_NAMES:
        text = (course / "release" / "lessons" / name).read_text(encoding="utf-8")
        assert "### BEGIN SOLUTION" not in text, f"{name}: expected nbgrader to remove every solution region"
        assert "HIDDEN TESTS" not in text, f"{name}: expected nbgrader to remove every hidden test"


def test_a_lesson_has_hidden_tests():
    text = (NOTEBOOK_DIR / ROUND_TRIP).read_text(encoding="utf-8")
    assert "### BEGIN HIDDEN TESTS" in text, f"expected {ROUND_TRIP} to show a hidden test in a check cell"


def test_autograde_gives_the_solution_full_points_and_the_student_version_zero(tmp_path):
    pytest.importorskip("nbgrader")
    api = pytest.importorskip("nbgrader.api")
    course = _course(tmp_path / "course")
    (course / "source" / "ps1").mkdir(parents=True)
    shutil.copy(NOTEBOOK_DIR / ROUND_TRIP, course / "source" / "ps1" / ROUND_TRIP)
    _nbgrader(course, "generate_assignment", "ps1")
    for student, origin in (("instructor", course / "source"), ("student", course / "release")):
        (course / "submitted" / student / "ps1").mkdir(parents=True)
        shutil.copy(origin / "ps1" / ROUND_TRIP, course / "submitted" / student / "ps1" / ROUND_TRIP)
    _nbgrader(course, "autograde", "ps1")
    expected_max = sum(
        points for _, role, points in grade_cells(read_notebook(NOTEBOOK_DIR / ROUND_TRIP)).values() if role == "check"
    )
    with api.Gradebook("sqlite:///" + str(course / "gradebook.db")) as gradebook:
        scores = {
            student: gradebook.find_submission_notebook(Path(ROUND_TRIP).stem, "ps1", student)
            for student in ("instructor", "student")
        }
        got = {student: (notebook.score, notebook.max_score) for student, notebook in scores.items()}
    assert got == {"instructor": (expected_max, expected_max), "student": (0, expected_max)}, (
        f"expected autograde to give the solution {expected_max}/{expected_max} and the student version "
        f"0/{expected_max}, got {got}"
    )
