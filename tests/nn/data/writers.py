"""Writers of the real file formats, written from the format descriptions (independent of the parsers)."""

import gzip
import struct

import numpy as np

IDX_TYPE_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D}


def idx_bytes(array):
    """The IDX encoding of ``array``: 0, 0, type code, ndim, big-endian uint32 sizes, big-endian values."""
    array = np.asarray(array)
    header = bytes([0, 0, IDX_TYPE_CODES[array.dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array, gz=False):
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_mnist(directory, prefix, images, labels, gz=True):
    """``{prefix}-images-idx3-ubyte[.gz]`` and ``{prefix}-labels-idx1-ubyte[.gz]`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    write_idx(directory / f"{prefix}-images-idx3-ubyte{suffix}", images, gz)
    write_idx(directory / f"{prefix}-labels-idx1-ubyte{suffix}", labels, gz)


def random_mnist(count, seed=0):
    """``(images (count, 28, 28) uint8, labels (count,) uint8)``."""
    generator = np.random.default_rng(seed)
    return (
        generator.integers(0, 256, size=(count, 28, 28), dtype=np.uint8),
        generator.integers(0, 10, size=count, dtype=np.uint8),
    )


def cifar_bytes(images, labels):
    """CIFAR-10 binary records: per image 1 label byte then 3072 pixel bytes (R plane, G plane, B plane)."""
    out = bytearray()
    for image, label in zip(images, labels):
        out.append(int(label))
        out += np.asarray(image, dtype=np.uint8).reshape(3, 32, 32).tobytes()
    return bytes(out)


def random_cifar(count, seed=0):
    generator = np.random.default_rng(seed)
    return (
        generator.integers(0, 256, size=(count, 3, 32, 32), dtype=np.uint8),
        generator.integers(0, 10, size=count, dtype=np.uint8),
    )


def write_cifar_set(directory, per_batch=2, seed=0):
    """Five training batches and a test batch of ``per_batch`` images each; returns (train, test) arrays."""
    directory.mkdir(parents=True, exist_ok=True)
    train_images, train_labels = random_cifar(5 * per_batch, seed)
    for batch in range(5):
        part = slice(batch * per_batch, (batch + 1) * per_batch)
        (directory / f"data_batch_{batch + 1}.bin").write_bytes(cifar_bytes(train_images[part], train_labels[part]))
    test_images, test_labels = random_cifar(per_batch, seed + 1)
    (directory / "test_batch.bin").write_bytes(cifar_bytes(test_images, test_labels))
    return (train_images, train_labels), (test_images, test_labels)
