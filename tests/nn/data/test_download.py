"""The download code, without a network: file:// URLs and a replaced opener."""

import hashlib
import io
import tarfile
import urllib.error

import numpy as np
import pytest

import nn.data.cifar as cifar_module
import nn.data.download as download_module
from nn.data import CIFAR10, MNIST, DownloadError
from nn.data.download import download_url, extract_members
from tests.nn.data.writers import cifar_bytes, random_cifar, random_mnist, write_mnist


def _md5(data):
    return hashlib.md5(data).hexdigest()


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir())


def test_download_url_fetches_and_verifies(tmp_path):
    source = tmp_path / "source.bin"
    source.write_bytes(b"\x00\x01payload" * 1000)
    target_dir = tmp_path / "target"
    path = download_url(source.as_uri(), target_dir / "file.bin", _md5(source.read_bytes()), progress=False)
    assert path.read_bytes() == source.read_bytes(), "expected the downloaded bytes"
    assert _leftovers(target_dir) == ["file.bin"], f"expected no temporary files, found {_leftovers(target_dir)}"


def test_a_checksum_mismatch_leaves_nothing_behind(tmp_path):
    source = tmp_path / "source.bin"
    source.write_bytes(b"not what the checksum describes")
    target_dir = tmp_path / "target"
    with pytest.raises(DownloadError, match=r"checksum mismatch for file://.*source\.bin.*expected 0{32}"):
        download_url(source.as_uri(), target_dir / "file.bin", "0" * 32, progress=False)
    assert _leftovers(target_dir) == [], f"expected an empty directory, found {_leftovers(target_dir)}"


def test_a_checksum_mismatch_does_not_replace_an_existing_file(tmp_path):
    source = tmp_path / "source.bin"
    source.write_bytes(b"new but wrong")
    target = tmp_path / "file.bin"
    target.write_bytes(b"the old file")
    with pytest.raises(DownloadError):
        download_url(source.as_uri(), target, "0" * 32, progress=False)
    assert target.read_bytes() == b"the old file", "expected the existing file untouched"


def test_no_network_gives_a_clear_message_without_the_urllib_traceback(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(download_module, "_urlopen", offline)
    with pytest.raises(DownloadError) as caught:
        download_url("https://example.org/data.gz", tmp_path / "data.gz", "0" * 32, progress=False)
    message = str(caught.value)
    assert "https://example.org/data.gz" in message and "name resolution" in message, message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__, "expected no chained urllib traceback"
    assert _leftovers(tmp_path) == [], f"expected nothing written, found {_leftovers(tmp_path)}"


def test_a_download_that_breaks_off_leaves_nothing_behind(tmp_path, monkeypatch):
    class Broken(io.BytesIO):
        headers = {"Content-Length": "100"}

        def read(self, size=-1):
            if self.tell() > 0:
                raise ConnectionResetError(104, "Connection reset by peer")
            return super().read(10)

    monkeypatch.setattr(download_module, "_urlopen", lambda url, timeout: Broken(b"x" * 100))
    with pytest.raises(DownloadError, match=r"broke off.*Connection reset by peer"):
        download_url("https://example.org/big.bin", tmp_path / "big.bin", "0" * 32, progress=False)
    assert _leftovers(tmp_path) == [], f"expected nothing written, found {_leftovers(tmp_path)}"


def _serve_mnist(tmp_path, monkeypatch):
    """Official-looking gzipped MNIST files in a local 'mirror', with the resources' MD5s set to match."""
    mirror = tmp_path / "mirror"
    train, test = random_mnist(5, seed=1), random_mnist(3, seed=2)
    write_mnist(mirror, "train", *train)
    write_mnist(mirror, "t10k", *test)
    resources = {name: _md5((mirror / name).read_bytes()) for name in MNIST.resources}
    monkeypatch.setattr(MNIST, "resources", resources)
    return mirror, train, test


def test_mnist_download_fetches_all_files_then_loads(tmp_path, monkeypatch):
    mirror, _, (_, test_labels) = _serve_mnist(tmp_path, monkeypatch)
    dead_mirror = (tmp_path / "dead").as_uri() + "/"
    monkeypatch.setattr(MNIST, "mirrors", (dead_mirror, mirror.as_uri() + "/"))  # the first fails, the next works
    root = tmp_path / "data"
    dataset = MNIST(root, train=False, download=True)
    np.testing.assert_array_equal(dataset.labels, test_labels, err_msg="expected the downloaded test labels")
    assert sorted(_leftovers(root / "mnist")) == sorted(MNIST.resources), "expected the four files and nothing else"
    monkeypatch.setattr(download_module, "_urlopen", None)  # present files must not be fetched again
    assert len(MNIST(root, download=True)) == 5, "expected the training set from the files already there"


def test_mnist_download_offline_names_the_urls_and_the_manual_way(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(download_module, "_urlopen", offline)
    root = tmp_path / "data"
    with pytest.raises(DownloadError) as caught:
        MNIST(root, download=True)
    message = str(caught.value)
    for needed in (MNIST.mirrors[0] + "train-images-idx3-ubyte.gz", "name resolution", "by hand",
                   str(root / "mnist"), "t10k-labels-idx1-ubyte.gz"):
        assert needed in message, f"expected {needed!r} in the message:\n{message}"


def _cifar_archive(path, extra_members=()):
    """A tar.gz in the official layout with one record per batch, plus optional extra members."""
    records = {}
    with tarfile.open(path, "w:gz") as tar:
        names = [*(f"data_batch_{i}.bin" for i in range(1, 6)), "test_batch.bin"]
        for seed, name in enumerate(names):
            data = cifar_bytes(*random_cifar(1, seed))
            records[name] = data
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info, data in extra_members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return records


def test_cifar_download_extracts_only_the_expected_members(tmp_path, monkeypatch):
    evil = tarfile.TarInfo("../../evil.bin")
    evil.size = 4
    link = tarfile.TarInfo("cifar-10-batches-bin/link")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    archive = tmp_path / "server" / "cifar-10-binary.tar.gz"
    archive.parent.mkdir()
    records = _cifar_archive(archive, [(evil, b"evil"), (link, None)])
    monkeypatch.setattr(cifar_module, "ARCHIVE_URL", archive.as_uri())
    monkeypatch.setattr(cifar_module, "ARCHIVE_MD5", _md5(archive.read_bytes()))
    root = tmp_path / "deep" / "data"
    test = CIFAR10(root, train=False, download=True)
    assert test.labels.tolist() == [records["test_batch.bin"][0]], "expected the extracted test batch"
    found = _leftovers(root / "cifar10")
    assert found == sorted(records), f"expected only the six batches, found {found}"
    assert not (tmp_path / "evil.bin").exists() and not (tmp_path / "deep" / "evil.bin").exists(), "path traversal"


def test_cifar_download_offline_explains_the_manual_way(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError("[Errno 101] Network is unreachable")

    monkeypatch.setattr(download_module, "_urlopen", offline)
    with pytest.raises(DownloadError) as caught:
        CIFAR10(tmp_path, download=True)
    message = str(caught.value)
    for needed in (cifar_module.ARCHIVE_URL, "Network is unreachable", "binary version", str(tmp_path / "cifar10")):
        assert needed in message, f"expected {needed!r} in the message:\n{message}"
    assert not (tmp_path / "cifar10").exists() or _leftovers(tmp_path / "cifar10") == [], "expected nothing left"


def test_extract_refuses_a_link_under_an_expected_name(tmp_path):
    archive = tmp_path / "a.tar.gz"
    link = tarfile.TarInfo("folder/data.bin")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    with tarfile.open(archive, "w:gz") as tar:
        tar.addfile(link)
    with pytest.raises(DownloadError, match=r"folder/data\.bin is not a regular file"):
        extract_members(archive, ["folder/data.bin"], tmp_path / "out")
    assert not (tmp_path / "out" / "data.bin").exists(), "expected the link not to be created"


def test_extract_reports_missing_members_and_damaged_archives(tmp_path):
    archive = tmp_path / "a.tar.gz"
    _cifar_archive(archive)
    with pytest.raises(DownloadError, match=r"lacks cifar-10-batches-bin/data_batch_9\.bin"):
        extract_members(archive, ["cifar-10-batches-bin/data_batch_9.bin"], tmp_path / "out")
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[:200])
    with pytest.raises(DownloadError, match=r"damaged\.tar\.gz: extraction failed"):
        extract_members(damaged, ["cifar-10-batches-bin/test_batch.bin"], tmp_path / "out")
