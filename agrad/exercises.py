"""``agrad exercises --student notebooks/ --out DIR``: student versions of the lesson notebooks.

nbgrader's convention: in a solution notebook, each exercise's answer sits between
``### BEGIN SOLUTION`` and ``### END SOLUTION``. The student version replaces each region
with ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` (``YOUR ANSWER HERE`` in a markdown
cell), keeping the region's indentation, and clears every output. Check cells (tagged
``check``) stay as they are, so each fails with NotImplementedError until the student answers.

Notebooks are read as JSON (the nbformat 4 layout); each output file is written atomically.
"""

import json
import re
from pathlib import Path

from agrad.files import write_json_atomically

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_REGION = re.compile(
    r"^(?P<indent>[ \t]*)" + re.escape(BEGIN) + r"[^\n]*\n.*?^[ \t]*" + re.escape(END) + r"[^\n]*(\n|$)",
    re.MULTILINE | re.DOTALL,
)


# a marker counts only at the start of a line (as in nbgrader), so prose may mention it
_MARKER_LINE = re.compile(r"^[ \t]*(" + re.escape(BEGIN) + "|" + re.escape(END) + ")", re.MULTILINE)


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


def student_notebook(notebook, where="notebook"):
    """A copy of a notebook dict with solutions replaced and outputs cleared."""
    cells = []
    for index, cell in enumerate(notebook.get("cells", [])):
        cell = dict(cell)
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        cell["source"] = strip_solutions(text, cell.get("cell_type", "code"), f"{where}, cell {index}")
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
    if not source_dir.is_dir():
        raise FileNotFoundError(f"exercises: no notebook directory {source_dir}")
    if out_dir.resolve() == source_dir.resolve():
        raise ValueError("exercises: --out must differ from the solution directory (it would be overwritten)")
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"exercises: no .ipynb files in {source_dir}")
    written = []
    for path in notebooks:
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"exercises: {path} is not a valid notebook: {error}") from None
        target = out_dir / path.name
        out_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomically(target, student_notebook(notebook, where=str(path)))
        written.append((target, solution_count(notebook)))
    return written


def register(subcommands):
    parser = subcommands.add_parser("exercises", help="write student versions of the lesson notebooks")
    parser.add_argument("--student", metavar="NOTEBOOKS", required=True, help="directory of solution notebooks")
    parser.add_argument("--out", metavar="DIR", required=True, help="directory for the student versions")
    parser.set_defaults(run=run)


def run(args):
    try:
        written = write_student_versions(args.student, args.out)
    except (FileNotFoundError, ValueError) as error:
        print(f"agrad exercises: {error}")
        return 2
    for path, count in written:
        print(f"{path}: {count} exercise(s)")
    return 0
