"""Run a lesson notebook with planted bugs and see which check cells fail (issue 18).

``failing_checks(notebook_path, plants)`` runs the solution notebook in a fresh kernel with some
answers replaced by wrong ones, and returns the set of grade_ids of the check cells that failed;
``check_failures`` returns each one's error too ("AssertionError: im2col_batch, ..."). With checks
that test one exercise each, a bug planted in one exercise fails exactly its own check.

plants: ``{answer grade_id: replacement}``. The key is the nbgrader grade_id of the answer cell
(``cell.metadata.nbgrader.grade_id``, e.g. ``"im2col_batch"``): ``agrad exercises
--nbgrader-metadata`` keeps an id once given, and released notebooks and submissions are matched
by it, so it survives edits of the solution's text, where a substring of the code would not. The
answer cell must hold exactly one solution region. The replacement takes the place of that whole
region (its marker lines go too) and is written without indentation: it is indented like the
region's ``### BEGIN SOLUTION`` line, so a plant for a region inside ``def _backward():`` is
written at column 0 too. For an answer cell with several regions (a class whose ``zero_grad``
and ``step`` are both exercises), the replacement is a list with one entry per region, in order:
a str replaces that region, None keeps its solution.

Cells after the last check cell (the notebooks' timing tables) are not run: they grade nothing.
"""

import copy
import json
import tempfile
import textwrap
from pathlib import Path

from agrad.cell_metadata import grade_cells
from agrad.exercises import _REGION, _source

CELL_TIMEOUT = 120  # seconds for one cell; the checks take well under one


def planted_notebook(notebook, plants):
    """A copy of ``notebook`` (an nbformat 4 dict) with each planted answer's solution region replaced."""
    notebook = copy.deepcopy(notebook)
    cells = grade_cells(notebook)
    for grade_id, replacement in plants.items():
        index, role, _ = cells.get(grade_id, (None, None, None))
        if role != "answer":
            answers = sorted(gid for gid, (_, r, _) in cells.items() if r == "answer")
            raise KeyError(f"planted: no answer cell with grade_id {grade_id!r}; the answers are {answers}")
        cell = notebook["cells"][index]
        source = _source(cell)
        regions = list(_REGION.finditer(source))
        replacements = [replacement] if isinstance(replacement, str) else list(replacement)
        if len(regions) != len(replacements):
            raise ValueError(f"planted: answer {grade_id!r} has {len(regions)} solution regions, got "
                             f"{len(replacements)} replacement(s) (a list with one entry per region, None "
                             f"keeping one, plants a cell with several)")
        for region, code in reversed(list(zip(regions, replacements))):  # from the end: offsets stay valid
            if code is None:
                continue
            code = textwrap.indent(textwrap.dedent(code).strip("\n") + "\n", region["indent"])
            source = source[:region.start()] + code + source[region.end():]
        cell["source"] = source
    return notebook


def check_failures(notebook_path, plants, timeout=CELL_TIMEOUT):
    """``{check grade_id: "ErrorName: message"}`` for every check cell that failed when the
    notebook ran with ``plants`` (see the module docstring) in a fresh kernel."""
    import nbclient
    import nbformat

    notebook = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    notebook = planted_notebook(notebook, plants)
    checks = {index: gid for gid, (index, role, _) in grade_cells(notebook).items() if role == "check"}
    if not checks:
        raise ValueError(f"planted: {notebook_path} has no check cells with nbgrader grade_ids")
    notebook["cells"] = notebook["cells"][:max(checks) + 1]
    node = nbformat.reads(json.dumps(notebook), as_version=4)  # joins the sources' lines, as nbclient wants
    with tempfile.TemporaryDirectory() as workdir:
        client = nbclient.NotebookClient(node, timeout=timeout, kernel_name="python3", allow_errors=True,
                                         record_timing=False, resources={"metadata": {"path": workdir}})
        client.execute()
    failures = {}
    for index, grade_id in checks.items():
        errors = [out for out in node.cells[index].get("outputs", []) if out.get("output_type") == "error"]
        if errors:
            failures[grade_id] = f"{errors[0].get('ename')}: {errors[0].get('evalue', '')}"
    return failures


def failing_checks(notebook_path, plants, timeout=CELL_TIMEOUT):
    """The set of grade_ids of the check cells that fail with ``plants`` planted."""
    return set(check_failures(notebook_path, plants, timeout))


def crashed(failure):
    """Whether a check's failure (``"AssertionError: ..."``) reports an exception raised inside the
    student's code (``checking`` names it: "..., case ...: ValueError: ...") rather than a wrong
    value the check named."""
    return failure.count("Error: ") > 1
