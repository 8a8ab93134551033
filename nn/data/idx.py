"""The IDX file format (MNIST, Fashion-MNIST) and the two datasets stored in it.

An IDX file is a 4-byte magic number ``0x00 0x00 <type> <ndim>``, then ``ndim`` big-endian
uint32 sizes, then the values in C order, big-endian. MNIST images are ``0x00000803`` (unsigned
bytes, 3 dimensions: count, rows, columns), labels ``0x00000801`` (unsigned bytes, 1 dimension).
Files may be gzipped. Parsing reads numbers into NumPy (``np.frombuffer``) and nothing else.
"""

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from nn.data.dataset import ImageDataset
from nn.data.download import download_from_mirrors
from nn.data.files import download_directory, locate_files, missing_download_directory

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
# type byte -> (big-endian NumPy dtype, name)
IDX_TYPES = {
    0x08: (">u1", "unsigned byte"),
    0x09: (">i1", "signed byte"),
    0x0B: (">i2", "int16"),
    0x0C: (">i4", "int32"),
    0x0D: (">f4", "float32"),
    0x0E: (">f8", "float64"),
}
_READ_BYTES = 1 << 24


def read_idx(path, magic=None):
    """The array stored in the IDX file ``path`` (gzipped or not), in native byte order.

    ``magic``: the magic number the file must have (``IMAGES_MAGIC``, ``LABELS_MAGIC``). Raises
    ``ValueError`` naming the file for a wrong magic number, a short header, or a payload whose
    size differs from what the header announces (truncated or oversized file).
    """
    path = Path(path)
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    try:
        with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as stream:
            return _parse(stream, path, magic)
    except (OSError, EOFError, zlib.error) as error:
        if not gzipped:
            raise
        raise ValueError(f"{path}: cannot decompress ({error}); the file is damaged, download it again") from None


def _parse(stream, path, magic):
    header = stream.read(4)
    if len(header) < 4:
        raise ValueError(f"{path}: only {len(header)} bytes, too short for an IDX header")
    found_magic = int.from_bytes(header, "big")
    if magic is not None and found_magic != magic:
        raise ValueError(f"{path}: magic number 0x{found_magic:08X}, expected 0x{magic:08X} ({_describe(magic)})")
    if header[:2] != b"\x00\x00" or header[2] not in IDX_TYPES:
        raise ValueError(f"{path}: magic number 0x{found_magic:08X} is not an IDX file's")
    dtype, _ = IDX_TYPES[header[2]]
    ndim = header[3]
    size_bytes = stream.read(4 * ndim)
    if len(size_bytes) < 4 * ndim:
        raise ValueError(f"{path}: the header is cut short (it announces {ndim} dimensions)")
    shape = tuple(int(s) for s in np.frombuffer(size_bytes, dtype=">u4"))
    expected = math.prod(shape) * np.dtype(dtype).itemsize
    payload = _read_at_most(stream, expected + 1)
    if len(payload) != expected:
        actual = len(payload) + (_count_rest(stream) if len(payload) > expected else 0)
        problem = "truncated" if actual < expected else "longer than its header says"
        raise ValueError(
            f"{path}: {problem}: the header announces shape {shape} = {expected} bytes of data, "
            f"the file holds {actual}"
        )
    array = np.frombuffer(payload, dtype=dtype).reshape(shape)
    return array if array.dtype.isnative else array.astype(array.dtype.newbyteorder("="))


def _describe(magic):
    dtype_name = IDX_TYPES.get((magic >> 8) & 0xFF, ("", "unknown type"))[1]
    return f"{dtype_name}, {magic & 0xFF} dimensions"


def _read_at_most(stream, count):
    """Up to ``count`` bytes, read in bounded chunks (a corrupt header cannot make us allocate
    more than the file really holds)."""
    chunks = []
    while count > 0:
        chunk = stream.read(min(count, _READ_BYTES))
        if not chunk:
            break
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def _count_rest(stream):
    total = 0
    while chunk := stream.read(_READ_BYTES):
        total += len(chunk)
    return total


class MNIST(ImageDataset):
    """``MNIST(root="data", train=True, download=False, transform=None)``: 28x28 handwritten digits.

    Images ``(N, 1, 28, 28)`` float32 in [0, 1] (byte / 255), labels ``(N,)`` int64 in 0-9; the
    training set has 60,000 images, the test set 10,000. The files ``train-images-idx3-ubyte``,
    ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte`` (each
    gzipped ``.gz`` or not) are looked for in ``root``, then in ``root/mnist`` (where
    ``download=True`` puts them) and ``root/MNIST/raw`` (torchvision's layout).
    ``transform``: applied to float32 batches, e.g. ``Normalize(0.1307, 0.3081)``.
    """

    name = "mnist"
    folders = ("mnist", "MNIST/raw")
    # URLs and MD5s of the gzipped files as listed in torchvision/datasets/mnist.py (MNIST.mirrors, .resources)
    mirrors = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")
    resources = {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }
    classes = tuple(str(d) for d in range(10))

    def __init__(self, root="data", train=True, download=False, transform=None):
        prefix = "train" if train else "t10k"
        required = [_accepted_names(f"{prefix}-images-idx3-ubyte"), _accepted_names(f"{prefix}-labels-idx1-ubyte")]
        if download:
            self.download(root)
        images_path, labels_path = locate_files(self.name, root, self.folders, required, self._how_to_get(root))
        images = read_idx(images_path, IMAGES_MAGIC)
        labels = read_idx(labels_path, LABELS_MAGIC)
        if images.shape[0] != labels.shape[0]:
            raise ValueError(
                f"{self.name}: {images_path} holds {images.shape[0]} images but {labels_path} holds "
                f"{labels.shape[0]} labels; the two files must come from the same set"
            )
        out_of_range = np.flatnonzero(labels >= len(self.classes))
        if out_of_range.size:
            first = out_of_range[0]
            raise ValueError(
                f"{labels_path}: label {labels[first]} at position {first} is outside 0-{len(self.classes) - 1}"
            )
        super().__init__(images[:, None, :, :], labels, scale=1.0 / 255.0, transform=transform)
        self.train = bool(train)

    @classmethod
    def download(cls, root="data"):
        """Fetch the four files into ``root/<name>`` unless all are already in one of the searched places."""
        all_files = [_accepted_names(name.removesuffix(".gz")) for name in cls.resources]
        directory = missing_download_directory(cls.name, root, cls.folders, all_files)
        if directory is None:
            return
        for filename, md5 in cls.resources.items():
            if not (directory / filename).is_file():
                download_from_mirrors(filename, directory, cls.mirrors, md5, cls._how_to_get(root, downloading=True))

    @classmethod
    def _how_to_get(cls, root, downloading=False):
        directory = download_directory(root, cls.folders)
        files = ", ".join(cls.resources)
        manual = f"download {files} from {cls.mirrors[0]} (on a machine online) and put them in {directory}."
        return manual if downloading else f"Use download=True to fetch them, or {manual}"


class FashionMNIST(MNIST):
    """``FashionMNIST(root="data", train=True, download=False, transform=None)``: Zalando's 28x28
    clothing images, MNIST's format, sizes and file names; looked for in ``root``,
    ``root/fashion-mnist`` and ``root/FashionMNIST/raw``."""

    name = "fashion-mnist"
    folders = ("fashion-mnist", "FashionMNIST/raw")
    # URL and MD5s as listed in torchvision/datasets/mnist.py (FashionMNIST.mirrors, .resources)
    mirrors = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
    resources = {
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    }
    classes = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def _accepted_names(stem):
    """``train-images-idx3-ubyte`` -> gzipped, plain, and the dotted variant some mirrors use."""
    dotted = stem.replace("-idx", ".idx")
    return (f"{stem}.gz", stem, dotted, f"{dotted}.gz")
