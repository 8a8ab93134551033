"""Running a submitted notebook for ``agrad grade``: which code runs, and the kernel that runs it.

``graded_cells`` puts the student's answer cells into the SOURCE notebook's code cells (the
source's order, its check cells, hidden tests and all); ``run_cells`` runs them in a fresh
kernel (a separate process, through nbclient) with a time limit per cell, restarting the kernel
after a cell that timed out or killed it, and reports each check cell's outcome.
"""

import subprocess
import tempfile

from agrad.exercises import _source, strip_solutions

DEFAULT_TIMEOUT = 60


def grade_id_of(cell):
    """A cell's nbgrader grade_id, or None when it has none (or not a string)."""
    meta = cell.get("metadata", {}).get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def graded_cells(source, submission):
    """The code to run: a list of (grade_id of a check or None, code), in the source's order."""
    answers, extras, anchor = {}, {}, None
    source_code = {_source(cell) for cell in source.notebook["cells"]}
    for cell in submission["cells"]:
        if cell.get("cell_type") != "code":
            continue
        grade_id = grade_id_of(cell)
        known = source.cells.get(grade_id)
        if known and known[1] == "answer":
            answers.setdefault(grade_id, _source(cell))
            anchor = grade_id
        elif not known and _source(cell) not in source_code:
            extras.setdefault(anchor, []).append(_source(cell))
    roles = {index: (gid, role) for gid, (index, role, _) in source.cells.items()}
    run, first_answer = [], True
    for index, cell in enumerate(source.notebook["cells"]):
        if cell.get("cell_type") != "code":
            continue
        grade_id, role = roles.get(index, (None, None))
        if role == "answer":
            if first_answer:
                run.extend((None, code) for code in extras.get(None, []))
                first_answer = False
            run.append((None, answers.get(grade_id, strip_solutions(_source(cell)))))
            run.extend((None, code) for code in extras.get(grade_id, []))
        else:
            run.append((grade_id if role == "check" else None, _source(cell)))
    return run


def run_cells(cells, timeout=DEFAULT_TIMEOUT, workdir=None):
    """Run ``cells`` (from ``graded_cells``) in a fresh kernel; ``{grade_id: message}`` for each
    check cell ("" when it passed). ``timeout`` (default 60) is the limit of each cell, in
    seconds, a whole number; ``workdir`` (default: a new temporary folder) is the kernel's working
    directory."""
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        raise ValueError(f"run_cells: timeout must be a positive whole number of seconds, got {timeout!r}")
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(code) for _, code in cells],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    results, broken, start, replies = {}, set(), 0, {}
    with tempfile.TemporaryDirectory(prefix="agrad-grade-") as scratch:
        while start < len(cells):
            replies.clear()
            client = NotebookClient(
                notebook, timeout=timeout, kernel_name="python3", allow_errors=True, record_timing=False,
                shutdown_kernel="immediate", resources={"metadata": {"path": str(workdir or scratch)}},
                on_cell_executed=lambda cell, cell_index, execute_reply: replies.__setitem__(cell_index, execute_reply),
            )
            # after a restart: the cells before ``start`` again, but checks and cells that broke a kernel
            again = [i for i in range(start) if cells[i][0] is None and i not in broken]
            order = again + list(range(start, len(cells)))
            # the kernel process's own stderr (its startup warnings) stays off the terminal; what
            # the student's code prints reaches the cell outputs over the kernel's channels
            with client.setup_kernel(stderr=subprocess.DEVNULL):
                for i in order:
                    try:
                        client.execute_cell(notebook.cells[i], i)
                    except CellTimeoutError:
                        failure = f"timed out after {timeout} s"
                    except DeadKernelError:
                        failure = "the kernel died (os._exit, a crash, or out of memory)"
                    else:
                        if cells[i][0] is not None and i >= start:
                            results[cells[i][0]] = _failure(notebook.cells[i], replies.get(i))
                        continue
                    broken.add(i)
                    if cells[i][0] is not None:
                        results[cells[i][0]] = failure
                    start = max(start, i + 1)
                    break
                else:
                    start = len(cells)
    return results


def _failure(cell, reply):
    """'' when a cell ran without an error, else its error in one line."""
    errors = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    if errors:
        name, value = errors[0].get("ename") or "Error", (errors[0].get("evalue") or "").strip()
        return f"{name}: {value}" if value else name
    if reply is None and cell.get("source", "").strip():
        return "did not run"
    status = (reply or {}).get("content", {}).get("status", "ok")
    return "" if status == "ok" else f"did not finish (kernel reply: {status})"
