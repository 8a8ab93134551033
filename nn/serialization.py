"""``nn.save`` / ``nn.load``: checkpoints as ``.npz`` files, written atomically, never unpickled.

``save`` writes the whole archive to a temporary file next to the destination, flushes it to
disk (fsync) and only then renames it over the destination (``os.replace``, atomic on POSIX and
Windows), so a crash or Ctrl-C at any moment leaves either the previous checkpoint or the new
one, never half a file. ``load`` reads with ``allow_pickle=False``: a checkpoint holds arrays,
and loading it can never run code.
"""

import os
import zipfile
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from autograd.files import write_atomically
from autograd.tensor import Tensor


def _as_saved_array(key, value):
    if not isinstance(key, str) or not key:
        raise TypeError(f"save: keys must be non-empty strings, got {key!r}")
    if isinstance(value, Tensor):
        value = value.value
    if isinstance(value, (dict, list, tuple, set)) or value is None:
        raise TypeError(f"save: the value of {key!r} is a {type(value).__name__}; save stores a flat "
                        "mapping of name -> array")
    array = np.asarray(value)
    if array.dtype.hasobject:
        raise ValueError(f"save: the value of {key!r} is an object array (dtype {array.dtype}); only "
                         "numeric arrays can be saved (they load without pickle)")
    return array


def _write_npz(file, arrays):
    """The .npz layout np.savez writes: one ``<key>.npy`` member per array, in order."""
    with zipfile.ZipFile(file, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", mode="w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def save(state_dict, path):
    """Write ``state_dict`` (name -> array, Tensor or torch tensor) to ``path`` as ``.npz``.

    The file is written to ``path`` exactly (no suffix is added). Object arrays and nested
    containers are refused (ValueError / TypeError naming the key) before anything is written.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save: state_dict must be a mapping of name -> array, got {type(state_dict).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save: path must be a str or os.PathLike, got {type(path).__name__} {path!r}")
    arrays = OrderedDict((key, _as_saved_array(key, value)) for key, value in state_dict.items())
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: the directory {directory!r} for {path!r} does not exist")
    write_atomically(path, lambda file: _write_npz(file, arrays))


def load(path):
    """Read a checkpoint written by ``save`` (or ``np.savez``): an OrderedDict of name -> array
    in the saved order. Pickled (object) data is refused with a ValueError naming the key; a
    file that is not an .npz archive, or is truncated, gives a ValueError naming the file."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load: path must be a str or os.PathLike, got {type(path).__name__} {path!r}")
    path = os.fspath(path)
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ValueError(f"load: {path!r} is not a readable .npz checkpoint ({error})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"load: {path!r} holds a single array, not an .npz checkpoint of named arrays")
    with archive:
        state = OrderedDict()
        for key in archive.files:
            try:
                state[key] = archive[key]
            except ValueError as error:
                if "allow_pickle" in str(error):
                    raise ValueError(f"load: {key!r} in {path!r} is an object array, which would need "
                                     "unpickling; refused (checkpoints hold numeric arrays only)") from None
                raise ValueError(f"load: {key!r} in {path!r} is unreadable ({error})") from None
            except (OSError, EOFError, zipfile.BadZipFile) as error:
                raise ValueError(f"load: {key!r} in {path!r} is unreadable ({error})") from None
    return state
