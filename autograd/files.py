"""Writing a file atomically: the one way agrad writes anything a user keeps (checkpoints,
downloads, drawings, metrics).

The content goes to a new temporary file beside the destination, is flushed to disk (fsync) and
only then renamed over the destination (``os.replace``, atomic on POSIX and Windows); the
directory is then fsynced so the rename itself survives a crash. An exception, a crash or Ctrl-C
at any moment leaves either the old file or the new one, never half of one, and no temporary file.
"""

import os
import secrets
import shutil
from pathlib import Path


def write_atomically(path, write):
    """Call ``write(binary_file)`` on a temporary file next to ``path``, then move it to ``path``.

    The directory must exist. A new file gets the usual permissions (the umask applies); a
    replaced file keeps its own. Returns ``path`` as a Path.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
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
