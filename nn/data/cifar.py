"""CIFAR-10 from its *binary* version: 32x32 colour images in 10 classes.

Each batch file is a run of 3,073-byte records: 1 label byte (0-9), then 3,072 pixel bytes:
1,024 red, 1,024 green, 1,024 blue, each a 32x32 image in row-major order, which is exactly
``(3, 32, 32)``. The Python version of CIFAR is pickled and is never read here (unpickling a
file can run arbitrary code).
"""

from pathlib import Path

import numpy as np

from nn.data.dataset import ImageDataset
from nn.data.download import DownloadError, download_url, extract_members, file_md5
from nn.data.files import download_directory, locate_files, missing_download_directory

IMAGE_SHAPE = (3, 32, 32)
RECORD_BYTES = 1 + 3 * 32 * 32
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_FILES = ("test_batch.bin",)
# the binary version's URL and MD5 as published on https://www.cs.toronto.edu/~kriz/cifar.html
ARCHIVE_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
ARCHIVE_MD5 = "c32a1d4ab5d03f1284b67883e8d87530"
ARCHIVE_FOLDER = "cifar-10-batches-bin"


def read_cifar_batch(path):
    """``(images (N, 3, 32, 32) uint8, labels (N,) int64)`` from one binary batch file.

    Raises ``ValueError`` naming the file when its size is not a positive multiple of 3,073
    bytes (truncated, or not a CIFAR-10 binary batch) or a label is outside 0-9.
    """
    path = Path(path)
    data = path.read_bytes()
    if not data or len(data) % RECORD_BYTES:
        raise ValueError(
            f"{path}: {len(data)} bytes is not a whole number of CIFAR-10 records ({RECORD_BYTES} bytes each: "
            f"1 label + 3072 pixels); the file is truncated or not a CIFAR-10 binary batch"
        )
    records = np.frombuffer(data, dtype=np.uint8).reshape(-1, RECORD_BYTES)
    labels = records[:, 0].astype(np.int64)
    out_of_range = np.flatnonzero(labels >= len(CIFAR10_CLASSES))
    if out_of_range.size:
        first = out_of_range[0]
        raise ValueError(
            f"{path}: record {first} has label {labels[first]}, outside 0-9; not a CIFAR-10 binary batch "
            "(CIFAR-100's binary records have 2 label bytes)"
        )
    images = np.ascontiguousarray(records[:, 1:]).reshape(-1, *IMAGE_SHAPE)
    return images, labels


class CIFAR10(ImageDataset):
    """``CIFAR10(root="data", train=True, download=False, transform=None)``.

    Images ``(N, 3, 32, 32)`` float32 in [0, 1] (byte / 255), labels ``(N,)`` int64 in 0-9;
    50,000 training images (``data_batch_1.bin`` .. ``data_batch_5.bin``) and 10,000 test images
    (``test_batch.bin``), looked for in ``root``, ``root/cifar10`` (where ``download=True`` puts
    them), ``root/cifar-10-batches-bin`` and ``root/cifar10/cifar-10-batches-bin`` (the archive's
    own folder). ``transform``: applied to float32 batches, e.g.
    ``Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))``.
    """

    name = "cifar10"
    folders = ("cifar10", ARCHIVE_FOLDER, f"cifar10/{ARCHIVE_FOLDER}")
    classes = CIFAR10_CLASSES

    def __init__(self, root="data", train=True, download=False, transform=None):
        if download:
            self.download(root)
        names = TRAIN_FILES if train else TEST_FILES
        paths = locate_files(self.name, root, self.folders, [(n,) for n in names], _how_to_get(root))
        batches = [read_cifar_batch(p) for p in paths]
        images = np.concatenate([b[0] for b in batches]) if len(batches) > 1 else batches[0][0]
        labels = np.concatenate([b[1] for b in batches]) if len(batches) > 1 else batches[0][1]
        super().__init__(images, labels, scale=1.0 / 255.0, transform=transform)
        self.train = bool(train)

    @classmethod
    def download(cls, root="data"):
        """Fetch and verify the binary archive, then extract the six batch files into ``root/cifar10``.

        Nothing is fetched when the batch files are already in one of the searched places. The
        archive (162 MB) is removed once its files are extracted.
        """
        directory = missing_download_directory(cls.name, root, cls.folders, [(n,) for n in TRAIN_FILES + TEST_FILES])
        if directory is None:
            return
        archive = directory / Path(ARCHIVE_URL).name
        if not (archive.is_file() and file_md5(archive) == ARCHIVE_MD5):
            try:
                download_url(ARCHIVE_URL, archive, ARCHIVE_MD5)
            except DownloadError as error:
                raise DownloadError(f"{error}\nWithout internet access: {_manual_steps(root)}") from None
        members = [f"{ARCHIVE_FOLDER}/{n}" for n in TRAIN_FILES + TEST_FILES]
        extract_members(archive, members, directory)
        archive.unlink()


def _manual_steps(root):
    directory = download_directory(root, CIFAR10.folders)
    return (
        f"download {ARCHIVE_URL} (the binary version, not the Python one) on another machine, extract it "
        f"and put the .bin files of {ARCHIVE_FOLDER}/ in {directory}."
    )


def _how_to_get(root):
    return f"Use download=True to fetch them, or {_manual_steps(root)}"
