"""Checks of command-line settings shared by the subcommands: a bad value is a ``ValueError``
whose message names the flag and the value, which the command prints as one line (exit code 2)."""

import numbers
from pathlib import Path


def check_positive_int(value, flag):
    """``value`` (of ``flag``, e.g. ``--epochs``) as an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{flag} must be a whole number of at least 1, got {value!r}")
    return int(value)


def check_run_directory(out, flag="--out"):
    """``out`` as a Path that is a directory or can become one (it may not exist yet)."""
    out = Path(out)
    for parent in (out, *out.parents):
        if parent.exists():
            if not parent.is_dir():
                what = "it" if parent == out else f"its parent {parent}"
                raise ValueError(f"{flag} {out}: {what} is a file, not a directory")
            break
    return out


def command_line_message(error, download_hint="--download"):
    """The text of ``error`` for a command-line user: the library's ``download=True`` advice
    becomes the flag that does it."""
    return str(error).replace("download=True", download_hint)
