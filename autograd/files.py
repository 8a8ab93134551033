"""Writing a file atomically: the one way agrad writes anything a user keeps (checkpoints,
downloads, drawings, metrics).

The content goes to a new temporary file beside the destination, is flushed to disk (fsync) and
only then renamed over the destination (``os.replace``, atomic on POSIX and Windows); the
directory is then fsynced so the rename itself survives a crash. An exception, a crash or Ctrl-C
at any moment leaves either the old file or the new one, never half of one.

An exception or Ctrl-C removes the temporary file; a kill -9 or a power cut cannot, so the
temporary file is named to be found again, ``.<target>.<pid>-<random>.agrad-tmp``, and the next
write to the same target removes those its dead writers left (``remove_stale_temporaries``).
"""

import os
import re
import secrets
import shutil
import time
from pathlib import Path

SUFFIX = ".agrad-tmp"
_TEMPORARY = re.compile(r"\.(?P<target>.+)\.(?P<pid>\d+)-[0-9a-f]{12}" + re.escape(SUFFIX))
# where a writer's process cannot be asked whether it still runs: a day-old temporary file is stale
_STALE_AFTER_SECONDS = 24 * 3600


def write_atomically(path, write):
    """Call ``write(binary_file)`` on a temporary file next to ``path``, then move it to ``path``.

    The directory must exist. A new file gets the usual permissions (the umask applies); a
    replaced file keeps its own. Returns ``path`` as a Path.
    """
    path = Path(path)
    remove_stale_temporaries(path.parent, path.name)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}{SUFFIX}")
    # O_EXCL: never write into an existing file; 0o666 leaves the permissions to the umask
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return path


def remove_stale_temporaries(directory, target=None):
    """Delete the temporary files that interrupted writes left in ``directory`` (only those for
    ``target``, a file name, when given). A temporary file is stale when the process that wrote it
    no longer runs; one of a live writer (another process, or a thread of this one) is kept.
    Returns the paths removed."""
    removed = []
    try:
        entries = list(os.scandir(directory))
    except OSError:  # a directory that does not exist (yet) holds nothing stale
        return removed
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or (target is not None and match["target"] != target):
            continue
        if _writer_may_run(int(match["pid"]), entry):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:  # removed meanwhile by another writer, or not ours to remove
            pass
    return removed


def _writer_may_run(pid, entry):
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        try:
            return time.time() - entry.stat().st_mtime < _STALE_AFTER_SECONDS
        except OSError:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: a process of another user has this pid
        return True
    return True


def _fsync_directory(directory):
    try:  # makes the rename durable; not possible on every platform (e.g. Windows)
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
