"""Writing files atomically: a temporary file in the destination's directory, flushed to disk,
then renamed over the destination, so a crash or Ctrl-C leaves the old file or the new one,
never half of one."""

import json
import os
import tempfile
from pathlib import Path


def _default_file_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_file_mode()  # what open() would give a new file (mkstemp's is 0600)


def write_atomically(path, write):
    """Call ``write(binary_file)`` on a temporary file, then move it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, _FILE_MODE)
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_atomically(path, data):
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    write_atomically(path, lambda file: file.write(text.encode("utf-8")))
