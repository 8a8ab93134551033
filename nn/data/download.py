"""Fetching the official dataset files: verified by checksum, written atomically, explained offline.

A download streams into a hidden temporary file next to its destination while its MD5 is
computed; only a file whose checksum matches is renamed into place (``os.replace``, atomic), so
an interrupted or corrupted download never leaves a file a dataset could mistake for data.
MD5 serves here as the published integrity check of the data sets, not as a security measure.
"""

import hashlib
import http.client
import shutil
import tarfile
import urllib.request
from pathlib import Path

from autograd.files import write_atomically

CHUNK_BYTES = 1 << 20
TIMEOUT_SECONDS = 60

# the function that opens a URL; tests replace it to work without a network
_urlopen = urllib.request.urlopen


class DownloadError(OSError):
    """A file could not be fetched: no network, a server error, or a checksum mismatch."""


def file_md5(path):
    """The hex MD5 of a file, read in chunks."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def download_url(url, path, md5, progress=True):
    """Fetch ``url`` into ``path`` if its content has MD5 ``md5``; raise ``DownloadError`` if not.

    ``path`` is written (atomically replaced) only by a whole, verified file; a failed download
    leaves no temporary file and any earlier file at ``path`` untouched.
    ``progress``: show a tqdm bar on an interactive terminal.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def fetch_and_verify(out):
        actual = _stream_into(url, out, progress, path.name)
        if actual != md5:  # raised before the rename: the earlier file at path stays
            raise DownloadError(
                f"checksum mismatch for {url}: got MD5 {actual}, expected {md5}; the file was discarded "
                "(a damaged download or a changed file on the server)"
            )

    return write_atomically(path, fetch_and_verify)


def _stream_into(url, out, progress, name):
    """Copy ``url`` into the open file ``out``; return the hex MD5 of what was copied."""
    digest = hashlib.md5(usedforsecurity=False)
    try:
        response = _urlopen(url, timeout=TIMEOUT_SECONDS)
    except (OSError, http.client.HTTPException) as error:  # URLError, HTTPError, timeouts are OSErrors
        raise DownloadError(f"could not download {url}: {_reason(error)}") from None
    with response, _progress_bar(response, progress, name) as bar:
        while True:
            try:
                chunk = response.read(CHUNK_BYTES)
            except (OSError, http.client.HTTPException) as error:
                raise DownloadError(f"the download of {url} broke off: {_reason(error)}") from None
            if not chunk:
                break
            digest.update(chunk)
            out.write(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def _reason(error):
    return str(getattr(error, "reason", None) or error) or type(error).__name__


def _progress_bar(response, enabled, name):
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    length = getattr(response, "headers", {}).get("Content-Length")
    total = int(length) if length and str(length).isdigit() else None
    # disable=None: shown only on an interactive terminal, silent in logs and tests
    return tqdm(total=total, unit="B", unit_scale=True, desc=f"downloading {name}", disable=None)


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def update(self, count):
        pass


def download_from_mirrors(filename, directory, mirrors, md5, manual_hint, progress=True):
    """Fetch ``filename`` into ``directory`` from the first of ``mirrors`` (URL prefixes) that works.

    When every mirror fails, the ``DownloadError`` lists each URL with its reason and tells the
    user how to place the file by hand (``manual_hint``).
    """
    failures = []
    for mirror in mirrors:
        url = mirror + filename
        try:
            return download_url(url, Path(directory) / filename, md5, progress=progress)
        except DownloadError as error:
            failures.append(str(error))
    reasons = "\n  ".join(failures)
    raise DownloadError(
        f"could not download {filename}:\n  {reasons}\n"
        "Without internet access, do it by hand: " + manual_hint
    )


def extract_members(archive, members, directory):
    """Copy the regular-file ``members`` (names inside the tar.gz ``archive``) into ``directory``.

    Each lands under its base name, written atomically. Only the listed names are read, and the
    destination comes from our own list, never from the archive, so a hostile archive cannot
    write elsewhere (no path traversal, links or devices); nothing is executed or unpickled.
    """
    directory = Path(directory)
    wanted = {name: Path(name).name for name in members}
    extracted = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:  # one pass in archive order: a gzip stream cannot seek back cheaply
                name = member.name.removeprefix("./")
                if name not in wanted or name in extracted:
                    continue
                if not member.isfile():
                    raise DownloadError(f"{archive}: member {name} is not a regular file; refusing to extract it")
                source = tar.extractfile(member)
                write_atomically(
                    directory / wanted[name], lambda out, source=source: shutil.copyfileobj(source, out, CHUNK_BYTES)
                )
                extracted.add(name)
    except (tarfile.TarError, EOFError, OSError) as error:
        if isinstance(error, DownloadError):
            raise
        raise DownloadError(f"{archive}: extraction failed ({error})") from None
    missing = sorted(set(wanted) - extracted)
    if missing:
        raise DownloadError(f"{archive}: the archive lacks {', '.join(missing)}")


