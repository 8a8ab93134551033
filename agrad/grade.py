"""``agrad grade SUBMISSION... --source notebooks/ --out grades.csv``: grade students' notebooks.

A submission is a notebook file (the student is its file name), a folder of notebooks (the
student is the folder), or nbgrader's ``submitted/<student>/<assignment>/`` layout (the student
is ``<student>``). Each submitted notebook is matched to a source notebook by the ``grade_id``s
its cells carry (by its file name when it has none in common with any), and graded by running,
in a fresh kernel (a separate process, started by nbclient), the SOURCE notebook's code cells in
the source's order with each answer cell (nbgrader ``solution``) replaced by the student's cell
of the same ``grade_id``. So the instructor's check cells count, whatever the student did to
them (deleted, edited, reordered), hidden tests included. Code cells a student added are run
right after the answer cell they follow. A missing answer runs as the student version's
``raise NotImplementedError()``.

A check cell scores its points when it runs to the end without an error; otherwise 0. A cell
that runs longer than ``--timeout`` seconds, or kills its kernel (``os._exit``, a crash, running
out of memory), scores 0 and the kernel is restarted: the cells before it (but the checks and
the cells that failed that way) are run again and grading goes on with the next cell. Nothing
else is trusted: an unreadable notebook, one that matches no source, or a kernel that will not
start is one line of output and no grades, and the other submissions are still graded.

``grades.csv`` has one row per student and notebook: ``student``, ``notebook``, a column per
check (its ``grade_id``, empty where a check belongs to another notebook), ``total`` and
``max``. ``--feedback DIR`` writes ``DIR/<student>.txt`` listing each failed check with its
error (an AssertionError's message). Both are written atomically.
"""

import csv
import importlib.util
import io
import json
import re
import sys
from pathlib import Path
from typing import NamedTuple

from agrad.cell_metadata import grade_cells
from agrad.kernel_run import DEFAULT_TIMEOUT, grade_id_of, graded_cells, run_cells
from autograd.files import write_atomically


class SourceNotebook(NamedTuple):
    """A solution notebook with its exercise cells (``grade_cells``) and check points."""

    name: str
    notebook: dict
    cells: dict
    checks: dict  # grade_id -> points, in notebook order


class Submission(NamedTuple):
    """One submitted notebook file and the student it belongs to."""

    student: str
    path: Path


class CheckResult(NamedTuple):
    """A check cell's outcome: its points (0 on a failure) and, when it failed, why."""

    grade_id: str
    points: float
    max_points: float
    message: str


def load_sources(source_dir):
    """The notebooks of ``source_dir`` that have checks with nbgrader metadata, by file name.

    Raises FileNotFoundError / ValueError naming the folder or notebook that is wrong.
    """
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise FileNotFoundError(f"--source {source_dir}: no such folder")
    sources = {}
    for path in sorted(source_dir.glob("*.ipynb")):
        notebook = read_notebook(path)
        cells = grade_cells(notebook)
        checks = {gid: points for gid, (_, role, points) in cells.items() if role == "check"}
        if checks:
            sources[path.name] = SourceNotebook(path.name, notebook, cells, checks)
    if not sources:
        raise ValueError(f"--source {source_dir}: no notebook with graded check cells (nbgrader metadata); "
                         "run `agrad exercises --nbgrader-metadata` on it first")
    return sources


def read_notebook(path):
    """A notebook file as a dict (parsed as JSON, never executed); ValueError if it is not one."""
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a notebook (not JSON: {error})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"{path}: not a notebook (no list of cells)")
    for index, cell in enumerate(notebook["cells"]):
        source = cell.get("source", "") if isinstance(cell, dict) else None
        if not isinstance(cell, dict) or not isinstance(cell.get("metadata", {}), dict):
            raise ValueError(f"{path}: not a notebook (cell {index} is not a cell with a metadata object)")
        if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
            raise ValueError(f"{path}: not a notebook (cell {index}'s source is not text)")
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is not None and not isinstance(meta, dict):
            cell["metadata"] = {k: v for k, v in cell["metadata"].items() if k != "nbgrader"}  # ignored, not trusted
    return notebook


def find_submissions(paths):
    """(submissions, problems): the notebook files under ``paths`` with their students, and one
    line for each path that does not exist or holds no notebook."""
    submissions, problems = [], []
    for path in map(Path, paths):
        if path.is_file():
            submissions.append(Submission(path.stem, path))
        elif not path.is_dir():
            problems.append(f"{path}: no such file or folder")
        else:
            found = [p for p in sorted(path.rglob("*.ipynb"))
                     if ".ipynb_checkpoints" not in p.parts and len(p.relative_to(path).parts) <= 3]
            if not found:
                problems.append(f"{path}: no .ipynb notebook in this folder")
            submissions.extend(Submission(_student(path, p), p) for p in found)
    return submissions, problems


def _student(root, notebook):
    parts = notebook.relative_to(root).parts
    if len(parts) == 1:
        return root.resolve().name
    if len(parts) == 2 and root.resolve().parent.name == "submitted":  # submitted/<student>/<assignment>/
        return root.resolve().name
    return parts[0]


def match_source(notebook, path, sources):
    """The source notebook sharing the most grade_ids with ``notebook``, else the one named like
    ``path``; None when neither."""
    ids = {grade_id_of(cell) for cell in notebook["cells"]} - {None}
    best = max(sources.values(), key=lambda source: len(ids & set(source.cells)))
    if ids & set(best.cells):
        return best
    return sources.get(Path(path).name)


def grade_notebook(source, submission, timeout=DEFAULT_TIMEOUT):
    """A CheckResult per check of ``source`` for the submitted notebook dict ``submission``;
    ``timeout`` (default 60) seconds per cell."""
    messages = run_cells(graded_cells(source, submission), timeout)
    return [
        CheckResult(gid, 0 if messages.get(gid, "not run") else points, points, messages.get(gid, "not run"))
        for gid, points in source.checks.items()
    ]


def write_grades(path, rows, sources):
    """``grades.csv``: rows of (student, notebook, [CheckResult]); a column per check of the
    notebooks graded, named by its grade_id (``<notebook>/<grade_id>`` where two notebooks
    share one)."""
    graded = [source for source in sources.values() if any(row[1] == source.name for row in rows)]
    keys = [(source.name, gid) for source in graded for gid in source.checks]
    shared = {gid for _, gid in keys if sum(gid == other for _, other in keys) > 1}
    header = [f"{Path(name).stem}/{gid}" if gid in shared else gid for name, gid in keys]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["student", "notebook", *header, "total", "max"])
    for student, notebook, results in rows:
        scores = {(notebook, result.grade_id): result.points for result in results}
        writer.writerow([student, notebook, *(_number(scores[key]) if key in scores else "" for key in keys),
                         _number(sum(r.points for r in results)), _number(sum(r.max_points for r in results))])
    write_atomically(path, lambda file: file.write(text.getvalue().encode("utf-8")))


def _number(value):
    return str(int(value)) if float(value).is_integer() else str(value)


def write_feedback(directory, student, graded):
    """``directory/<student>.txt``: per notebook, the score and each failed check with its error."""
    lines = [f"Feedback for {student}", ""]
    for notebook, results in graded:
        total, full = sum(r.points for r in results), sum(r.max_points for r in results)
        lines.append(f"{notebook}: {_number(total)} / {_number(full)} points")
        failed = [r for r in results if r.message]
        lines.extend(f"  FAILED {r.grade_id} (0 / {_number(r.max_points)}): {r.message}" for r in failed)
        if not failed:
            lines.append("  every check passed")
        lines.append("")
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", student) or "student"
    text = "\n".join(lines).rstrip("\n") + "\n"
    write_atomically(Path(directory) / f"{name}.txt", lambda file: file.write(text.encode("utf-8")))


def register(subcommands):
    parser = subcommands.add_parser("grade", help="grade submitted notebooks with the instructor's check cells")
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="a notebook, a folder of notebooks, or nbgrader's submitted/ folder")
    parser.add_argument("--source", required=True, metavar="NOTEBOOKS",
                        help="folder of the solution notebooks (with nbgrader metadata)")
    parser.add_argument("--out", required=True, metavar="CSV", help="where grades.csv goes")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"time limit of each cell, in whole seconds (default: {DEFAULT_TIMEOUT})")
    parser.add_argument("--feedback", metavar="DIR", help="write DIR/<student>.txt with each failed check "
                        "(default: no feedback files)")
    parser.set_defaults(run=run)


def run(args):
    if not args.timeout > 0:
        print(f"agrad grade: --timeout must be a positive whole number of seconds, got {args.timeout}")
        return 2
    if not Path(args.out).resolve().parent.is_dir() or Path(args.out).is_dir():
        print(f"agrad grade: --out {args.out}: expected a file in an existing folder")
        return 2
    if args.feedback and Path(args.feedback).exists() and not Path(args.feedback).is_dir():
        print(f"agrad grade: --feedback {args.feedback}: expected a folder, it is a file")
        return 2
    missing = [name for name in ("nbclient", "nbformat", "ipykernel") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"agrad grade: needs {', '.join(missing)} to run notebooks: pip install 'agrad[grade]'")
        return 2
    try:
        sources = load_sources(args.source)
    except (FileNotFoundError, ValueError) as error:
        print(f"agrad grade: {error}")
        return 2
    from tqdm import tqdm

    submissions, problems = find_submissions(args.submissions)
    for line in problems:
        print(f"agrad grade: {line}")
    rows, by_student = [], {}
    for submission in tqdm(submissions, desc="grading", unit="notebook", file=sys.stderr):
        try:
            notebook = read_notebook(submission.path)
        except (OSError, ValueError) as error:
            problems.append(str(error))
            tqdm.write(f"agrad grade: {error}")
            continue
        source = match_source(notebook, submission.path, sources)
        if source is None:
            problems.append(f"{submission.path}: matches no notebook of --source {args.source}")
            tqdm.write(f"agrad grade: {problems[-1]}")
            continue
        try:
            results = grade_notebook(source, notebook, args.timeout)
        except Exception as error:  # a kernel that will not start: this submission only
            problems.append(f"{submission.path}: could not be run ({type(error).__name__}: {error})")
            tqdm.write(f"agrad grade: {problems[-1]}")
            continue
        rows.append((submission.student, source.name, results))
        by_student.setdefault(submission.student, []).append((source.name, results))
        total, full = sum(r.points for r in results), sum(r.max_points for r in results)
        tqdm.write(f"{submission.student} {source.name}: {_number(total)} / {_number(full)}")
    write_grades(args.out, rows, sources)
    if args.feedback:
        Path(args.feedback).mkdir(parents=True, exist_ok=True)
        for student, graded in by_student.items():
            write_feedback(args.feedback, student, graded)
    print(f"agrad grade: {len(rows)} notebook(s) graded, {len(problems)} problem(s); grades in {args.out}")
    return 1 if problems else 0
