"""nbgrader's cell metadata for the lesson notebooks: ``agrad exercises --nbgrader-metadata NOTEBOOKS``.

nbgrader (``generate_assignment``, ``autograde``, the formgrader) knows a cell's role only from
``cell.metadata.nbgrader`` (its schema, version 3 in nbgrader 0.9)::

    {"schema_version": 3, "grade": bool, "solution": bool, "locked": bool,
     "grade_id": "^[a-zA-Z0-9_-]+$", "points": number (grade cells only)}

The lessons mark the roles their own way, and this module turns those into the metadata:

- a code cell with a ``### BEGIN SOLUTION`` region is an *answer*: ``solution``, not ``grade``,
  not ``locked`` (nbgrader's "autograded answer");
- a markdown cell with a region is a *written answer*: ``solution`` and ``grade`` (nbgrader's
  "manually graded answer", which nbgrader requires of markdown), worth 0 points by default,
  since no check can grade it;
- a code cell tagged ``check`` is a *check*: ``grade`` and ``locked``, worth 1 point by default
  (nbgrader's "autograder tests");
- every other cell has no nbgrader metadata.

A ``grade_id`` already in a notebook is kept (a released notebook and its submissions carry it:
grading matches cells by it), and so are ``points`` an instructor set; new ids are named for
what the answer cell defines (``sigmoid``, and ``sigmoid_check`` for the check after it), made
unique with ``_2``, ``_3``. ``metadata_problems`` lists what is missing or stale, so a test can
fail until the tool is run again.
"""

import ast
import re

from agrad.exercises import _MARKER_LINE, _REGION, ExerciseFormatError, _source

SCHEMA_VERSION = 3  # nbgrader 0.9's nbgrader.nbgraderformat.SCHEMA_VERSION
GRADE_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
CHECK_POINTS = 1
WRITTEN_ANSWER_POINTS = 0


def cell_role(cell, where="cell"):
    """``"answer"``, ``"written answer"``, ``"check"`` or None (a cell of prose or setup)."""
    has_region = bool(_REGION.search(_source(cell)))
    is_check = "check" in cell.get("metadata", {}).get("tags", [])
    if has_region and is_check:
        raise ExerciseFormatError(f"{where}: a check cell (tagged 'check') may not hold a solution region")
    if is_check:
        if cell.get("cell_type") != "code":
            raise ExerciseFormatError(f"{where}: tagged 'check' but is a {cell.get('cell_type')} cell")
        return "check"
    if has_region:
        return "written answer" if cell.get("cell_type") == "markdown" else "answer"
    return None


def _defined_name(source):
    """The name of the first function or class a cell defines (else of its first assignment)."""
    try:
        tree = ast.parse(_MARKER_LINE.sub("#", source))
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return node.name
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            return node.targets[0].id
    return None


def _wanted(role, points):
    meta = {"schema_version": SCHEMA_VERSION, "solution": role != "check",
            "grade": role != "answer", "locked": role == "check"}
    if role != "answer":
        meta["points"] = points
    return meta


def with_nbgrader_metadata(notebook, where="notebook", check_points=CHECK_POINTS,
                           written_answer_points=WRITTEN_ANSWER_POINTS):
    """A copy of ``notebook`` (an nbformat 4 dict) whose exercise cells carry ``metadata.nbgrader``.

    ``check_points`` (default 1) and ``written_answer_points`` (default 0) are the points of a
    check or written answer that has none yet. Existing valid, unique grade_ids and points are
    kept; nbgrader metadata on a cell that is no longer an exercise is removed. Raises
    ExerciseFormatError for a cell that is both a check and an answer.
    """
    cells = [dict(cell, metadata=dict(cell.get("metadata", {}))) for cell in notebook.get("cells", [])]
    roles = [cell_role(cell, f"{where}, cell {i}") for i, cell in enumerate(cells)]
    taken, keep = set(), {}
    for i, (cell, role) in enumerate(zip(cells, roles)):
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if role and isinstance(grade_id, str) and GRADE_ID.match(grade_id) and grade_id not in taken:
            taken.add(grade_id)
            keep[i] = grade_id

    def fresh(base):
        base = re.sub(r"[^a-zA-Z0-9_-]", "_", base) or "exercise"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        return name

    last_answer = "exercise"
    for i, (cell, role) in enumerate(zip(cells, roles)):
        old = cell["metadata"].get("nbgrader", {})
        if role is None:
            cell["metadata"].pop("nbgrader", None)
            continue
        if role == "answer":
            grade_id = keep.get(i) or fresh(_defined_name(_source(cell)) or "answer")
            last_answer = grade_id
        elif role == "written answer":
            grade_id = keep.get(i) or fresh("written_answer")
        else:
            grade_id = keep.get(i) or fresh(f"{last_answer}_check")
        default = written_answer_points if role == "written answer" else check_points
        points = old.get("points", default)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            points = default
        cell["metadata"]["nbgrader"] = {**_wanted(role, points), "grade_id": grade_id}
    return {**notebook, "cells": cells}


def metadata_problems(notebook, where="notebook"):
    """What ``agrad exercises --nbgrader-metadata`` would change in ``notebook``, one line a cell
    (empty when its nbgrader metadata is complete and current), plus what nbgrader would refuse
    that the tool cannot fix: duplicate cell ids and prose quoting a marker (``marker_problems``)."""
    wanted = with_nbgrader_metadata(notebook, where)
    problems = []
    for i, (cell, good) in enumerate(zip(notebook.get("cells", []), wanted["cells"])):
        have, want = cell.get("metadata", {}).get("nbgrader"), good["metadata"].get("nbgrader")
        if have != want:
            problems.append(f"{where}, cell {i}: nbgrader metadata is {have}, expected {want}")
    problems.extend(marker_problems(notebook, where))
    seen = {}
    for i, cell in enumerate(notebook.get("cells", [])):
        if "id" in cell and cell["id"] in seen:
            problems.append(f"{where}, cell {i}: duplicate cell id {cell['id']!r} (also cell {seen[cell['id']]})")
        seen.setdefault(cell.get("id"), i)
    return problems


_NBGRADER_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def marker_problems(notebook, where="notebook"):
    """Lines that mention a marker (``BEGIN SOLUTION``, ...) without being one: nbgrader takes
    every line containing the words for a marker, so prose must not quote them. The tool cannot
    fix these; the notebook's author rephrases."""
    problems = []
    for i, cell in enumerate(notebook.get("cells", [])):
        for number, line in enumerate(_source(cell).splitlines(), 1):
            for marker in _NBGRADER_MARKERS:
                if marker in line and not re.match(r"^[ \t]*### " + marker, line):
                    problems.append(f"{where}, cell {i}, line {number}: mentions {marker!r} outside a marker line "
                                    f"(nbgrader would take it for a marker; rephrase): {line.strip()[:80]!r}")
    return problems


def grade_cells(notebook):
    """``{grade_id: (cell index, role, points)}`` of a notebook's exercise cells, from their metadata."""
    found = {}
    for i, cell in enumerate(notebook.get("cells", [])):
        meta = cell.get("metadata", {}).get("nbgrader")
        if not isinstance(meta, dict) or not isinstance(meta.get("grade_id"), str):
            continue
        if meta.get("grade") and not meta.get("solution"):
            role = "check"
        elif meta.get("solution"):
            role = "written answer" if cell.get("cell_type") == "markdown" else "answer"
        else:
            continue
        found.setdefault(meta["grade_id"], (i, role, meta.get("points", 0)))
    return found


__all__ = [
    "SCHEMA_VERSION", "cell_role", "grade_cells", "marker_problems", "metadata_problems", "with_nbgrader_metadata",
]
