"""nn.save / nn.load: round trip, atomic replacement, no pickles, clear errors for bad files."""

import os
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn


def _leftovers(directory):
    return [name for name in os.listdir(directory) if name.endswith(".agrad-tmp")]


def test_round_trip_keeps_order_dtypes_and_values(tmp_path):
    state = OrderedDict([("z.weight", np.arange(6, dtype=np.float32).reshape(2, 3)), ("a.bias", np.ones(3)),
                         ("bn.num_batches_tracked", np.array(7, dtype=np.int64)), ("m.t", ag.Tensor([1.5, 2.5]))])
    path = tmp_path / "ckpt.npz"
    nn.save(state, path)
    loaded = nn.load(path)
    assert isinstance(loaded, OrderedDict)
    assert list(loaded) == list(state), "expected the saved key order back"
    assert loaded["z.weight"].dtype == np.float32 and loaded["bn.num_batches_tracked"].shape == ()
    np.testing.assert_array_equal(loaded["z.weight"], state["z.weight"])
    np.testing.assert_array_equal(loaded["m.t"], [1.5, 2.5])
    assert sorted(np.load(path).files) == sorted(state), "expected a plain .npz that NumPy reads too"
    nn.save(state, str(tmp_path / "no_suffix"))
    assert (tmp_path / "no_suffix").exists(), "expected the exact path, no suffix added"
    assert _leftovers(tmp_path) == []


def test_model_checkpoint_round_trip(tmp_path):
    model, other = nn.MLP(4, 8, 3), nn.MLP(4, 8, 3)
    nn.save(model.state_dict(), tmp_path / "mlp.npz")
    other.load_state_dict(nn.load(tmp_path / "mlp.npz"))
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_array_equal(other(x).value, model(x).value, err_msg="expected identical outputs after loading")


def test_a_crash_midway_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "best.npz"
    nn.save({"w": np.ones(3)}, path)
    before = path.read_bytes()
    real_write_array = np.lib.format.write_array
    calls = []

    def crash_on_second_array(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full (simulated)")
        return real_write_array(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", crash_on_second_array)
    with pytest.raises(OSError, match="simulated"):
        nn.save({"w": np.zeros(3), "b": np.zeros(2), "c": np.zeros(1)}, path)
    assert len(calls) == 2, "expected the failure to happen after part of the file was written"
    assert path.read_bytes() == before, "expected the previous checkpoint untouched"
    assert _leftovers(tmp_path) == [], "expected no temporary file left behind"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, "write_array", interrupted)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"w": np.zeros(3)}, path)
    np.testing.assert_array_equal(nn.load(path)["w"], np.ones(3))
    assert _leftovers(tmp_path) == []


def test_a_failed_rename_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "best.npz"
    nn.save({"w": np.ones(3)}, path)

    def failing_replace(src, dst):
        raise PermissionError("rename refused (simulated)")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(PermissionError):
        nn.save({"w": np.zeros(3)}, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(nn.load(path)["w"], np.ones(3))
    assert _leftovers(tmp_path) == []


def test_object_arrays_are_refused_on_save_and_on_load(tmp_path):
    with pytest.raises(ValueError, match="'meta' is an object array"):
        nn.save({"w": np.ones(2), "meta": np.array([{"a": 1}], dtype=object)}, tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists() and _leftovers(tmp_path) == []
    with pytest.raises(TypeError, match="'groups' is a list"):
        nn.save({"groups": [np.ones(2)]}, tmp_path / "x.npz")
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, w=np.ones(2), meta=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match=r"'meta' in .* is an object array"):
        nn.load(pickled)


def test_bad_files_give_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "missing.npz")
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a checkpoint")
    with pytest.raises(ValueError, match=r"garbage\.npz"):
        nn.load(garbage)
    single = tmp_path / "single.npy"
    np.save(single, np.ones(3))
    with pytest.raises(ValueError, match="single array"):
        nn.load(single)
    good = tmp_path / "good.npz"
    nn.save({"w": np.arange(1000.0)}, good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:4000])
    with pytest.raises(ValueError, match=r"truncated\.npz"):
        nn.load(truncated)
    corrupted = tmp_path / "corrupted.npz"
    data = bytearray(good.read_bytes())
    data[200] ^= 0xFF  # inside the array's bytes: the zip CRC check catches it
    corrupted.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"corrupted\.npz"):
        nn.load(corrupted)
    with zipfile.ZipFile(good) as archive:
        assert archive.namelist() == ["w.npy"]


def test_missing_directory_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.save({"w": np.ones(1)}, tmp_path / "no" / "such" / "dir.npz")
