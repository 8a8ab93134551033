"""``agrad exercises --student notebooks/ --out DIR``: student versions of the lesson notebooks.

nbgrader's convention: in a solution notebook, each exercise's answer sits between
``### BEGIN SOLUTION`` and ``### END SOLUTION``. The student version replaces each region
with ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` (``YOUR ANSWER HERE`` in a markdown
cell), keeping the region's indentation, and clears every output. Check cells (tagged
``check``) stay as they are, so each fails with NotImplementedError until the student answers,
except for their hidden tests: a ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` region
(nbgrader's markers) is removed, markers included; grading (``agrad grade``) runs the
instructor's cells, hidden tests and all. Cell metadata (nbgrader's too) is kept.

``agrad exercises --nbgrader-metadata notebooks/`` writes nbgrader's cell metadata into the
solution notebooks themselves (see ``agrad.cell_metadata``); with ``--check`` it only lists what
is missing or stale and exits 1 if anything is.

Notebooks are read as JSON (the nbformat 4 layout); each output file is written atomically.
"""

import json
import re
from pathlib import Path
from typing import NamedTuple

from agrad.files import write_notebook_atomically


def _region(begin, end, keep_indent=False):
    """A whole ``begin`` ... ``end`` region (markers only at the start of a line, as in nbgrader)."""
    indent = r"^(?P<indent>[ \t]*)" if keep_indent else r"^[ \t]*"
    return re.compile(indent + re.escape(begin) + r"[^\n]*\n.*?^[ \t]*" + re.escape(end) + r"[^\n]*(\n|$)",
                      re.MULTILINE | re.DOTALL)


def _marker_line(begin, end):
    """Either marker at the start of a line (so prose may mention one mid-line)."""
    return re.compile(r"^[ \t]*(" + re.escape(begin) + "|" + re.escape(end) + ")", re.MULTILINE)


BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_REGION = _region(BEGIN, END, keep_indent=True)
_MARKER_LINE = _marker_line(BEGIN, END)

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
_HIDDEN = _region(BEGIN_HIDDEN, END_HIDDEN)
_HIDDEN_LINE = _marker_line(BEGIN_HIDDEN, END_HIDDEN)


class ExerciseFormatError(ValueError):
    """A solution region is not closed, or closed without being opened."""


def strip_solutions(source, cell_type="code", where="cell"):
    """``source`` with every solution region replaced by the student placeholder."""
    def placeholder(match):
        indent = match.group("indent")
        if cell_type == "markdown":
            return "YOUR ANSWER HERE\n"
        return f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n"

    stripped = _REGION.sub(placeholder, source)
    if _MARKER_LINE.search(stripped):
        raise ExerciseFormatError(f"{where}: a '{BEGIN}' line without its '{END}' line (or the reverse)")
    return stripped


def strip_hidden_tests(source, where="cell"):
    """``source`` without its hidden-test regions (the marker lines go too)."""
    stripped = _HIDDEN.sub("", source)
    if _HIDDEN_LINE.search(stripped):
        raise ExerciseFormatError(f"{where}: a '{BEGIN_HIDDEN}' line without its '{END_HIDDEN}' line (or the reverse)")
    return stripped


def student_notebook(notebook, where="notebook"):
    """A copy of a notebook dict with solutions replaced, hidden tests removed and outputs cleared."""
    cells = []
    for index, cell in enumerate(notebook.get("cells", [])):
        cell = dict(cell)
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        text = strip_solutions(text, cell.get("cell_type", "code"), f"{where}, cell {index}")
        if cell.get("cell_type") == "code":
            text = strip_hidden_tests(text, f"{where}, cell {index}")
        cell["source"] = text
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cells.append(cell)
    return {**notebook, "cells": cells}


def solution_count(notebook):
    return sum(len(_REGION.findall(_source(cell))) for cell in notebook.get("cells", []))


def check_cells(notebook):
    """Indices of the cells tagged ``check``."""
    return [
        i for i, cell in enumerate(notebook.get("cells", []))
        if "check" in cell.get("metadata", {}).get("tags", [])
    ]


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def write_student_versions(source_dir, out_dir):
    """Student versions of every ``*.ipynb`` in ``source_dir`` written to ``out_dir``.

    Returns a list of (output path, number of solution regions replaced).
    """
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    if source_dir.is_dir() and out_dir.resolve() == source_dir.resolve():
        raise ValueError("exercises: --out must differ from the solution directory (it would be overwritten)")
    written = []
    for path, notebook in _read_notebooks(source_dir):
        target = out_dir / path.name
        out_dir.mkdir(parents=True, exist_ok=True)
        write_notebook_atomically(target, student_notebook(notebook, where=str(path)))
        written.append((target, solution_count(notebook)))
    return written


def _read_notebooks(source_dir):
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise FileNotFoundError(f"exercises: no notebook directory {source_dir}")
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"exercises: no .ipynb files in {source_dir}")
    for path in notebooks:
        try:
            yield path, json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"exercises: {path} is not a valid notebook: {error}") from None


def write_nbgrader_metadata(source_dir, check=False):
    """Give every ``*.ipynb`` in ``source_dir`` nbgrader's cell metadata, in place (atomically).

    With ``check=True`` (default False) nothing is written. Returns a list of (path, problems):
    the lines describing what was wrong before (with ``check``: what is wrong), empty for a
    notebook already current. Without ``check``, the problems the tool cannot fix (a duplicate
    cell id, prose quoting a marker) are still in the notebook: ``remaining`` lists them.
    """
    from agrad.cell_metadata import metadata_problems, with_nbgrader_metadata

    report = []
    for path, notebook in list(_read_notebooks(source_dir)):
        problems = metadata_problems(notebook, where=path.name)
        remaining = problems
        if problems and not check:
            notebook = with_nbgrader_metadata(notebook, where=path.name)
            write_notebook_atomically(path, notebook)
            remaining = metadata_problems(notebook, where=path.name)
        report.append(NotebookReport(path, problems, remaining))
    return report


class NotebookReport(NamedTuple):
    """What ``write_nbgrader_metadata`` found in one notebook: ``problems`` before, ``remaining`` after."""

    path: Path
    problems: list
    remaining: list


def register(subcommands):
    parser = subcommands.add_parser(
        "exercises", help="write student versions of the lesson notebooks, or give them nbgrader's cell metadata")
    task = parser.add_mutually_exclusive_group(required=True)
    task.add_argument("--student", metavar="NOTEBOOKS", help="directory of solution notebooks (needs --out)")
    task.add_argument("--nbgrader-metadata", metavar="NOTEBOOKS",
                      help="write nbgrader's cell metadata (grade_id, points, ...) into these solution notebooks")
    parser.add_argument("--out", metavar="DIR", help="directory for the student versions (with --student)")
    parser.add_argument("--check", action="store_true",
                        help="with --nbgrader-metadata: write nothing, list what is missing or stale, "
                             "exit 1 if anything is (default: off)")
    parser.set_defaults(run=run)


def run(args):
    try:
        if args.nbgrader_metadata is not None:
            return _run_metadata(args)
        if args.check:
            print("agrad exercises: --check goes with --nbgrader-metadata NOTEBOOKS")
            return 2
        if args.out is None:
            print("agrad exercises: --student needs --out DIR (where the student versions go)")
            return 2
        written = write_student_versions(args.student, args.out)
    except (FileNotFoundError, ValueError) as error:
        print(f"agrad exercises: {error}")
        return 2
    for path, count in written:
        print(f"{path}: {count} exercise(s)")
    return 0


def _run_metadata(args):
    report = write_nbgrader_metadata(args.nbgrader_metadata, check=args.check)
    status = 0
    for path, problems, remaining in report:
        if not problems:
            print(f"{path}: nbgrader metadata current")
            continue
        if not args.check:
            print(f"{path}: nbgrader metadata written ({len(problems) - len(remaining)} change(s))")
        for line in remaining:
            print(f"  {line}")
        status = 1 if remaining else status
    return status
