"""agrad's version, read from the installed package's metadata (pyproject.toml is its one source).

``ag.__version__`` and ``agrad --version`` both print it. Run from a source tree that was never
installed (``pip install -e .`` installs it), the metadata is missing and the version is
``"0+unknown"``.
"""

from importlib import metadata


def installed_version(distribution="agrad"):
    """The version string of the installed ``distribution`` (default ``"agrad"``), or ``"0+unknown"``."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = installed_version()
