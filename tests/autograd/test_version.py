"""ag.__version__ comes from the installed package's metadata, with a fallback outside an install."""

from importlib import metadata

import autograd as ag
from autograd.version import installed_version


def test_version_is_the_package_metadata():
    try:
        expected = metadata.version("agrad")
    except metadata.PackageNotFoundError:
        expected = "0+unknown"
    assert ag.__version__ == expected, f"expected ag.__version__ {expected!r} (the metadata's), got {ag.__version__!r}"


def test_a_missing_distribution_gives_the_fallback():
    version = installed_version("agrad-no-such-distribution")
    assert version == "0+unknown", f"expected '0+unknown' for a distribution that is not installed, got {version!r}"
