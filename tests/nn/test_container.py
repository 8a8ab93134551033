"""nn.ModuleList and nn.ModuleDict: registration, list/dict behaviour and torch's state_dict names."""

from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import assert_close, rng
from tests.nn.parity import torch_state_dict


def tower(lib):
    """The same model with ``lib`` = nn or torch.nn: a ModuleList trunk and a ModuleDict of heads."""

    class Tower(lib.Module):
        def __init__(self):
            super().__init__()
            self.blocks = lib.ModuleList([lib.Linear(3, 3), lib.ReLU(), lib.Linear(3, 2)])
            self.heads = lib.ModuleDict({"cls": lib.Linear(2, 4), "reg": lib.Linear(2, 1)})

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return self.heads["cls"](x), self.heads["reg"](x)

    return Tower()


def test_modulelist_registers_and_names_like_torch():
    torch = pytest.importorskip("torch")
    mine = tower(nn).double()
    theirs = tower(torch.nn).double()
    assert list(mine.state_dict()) == list(theirs.state_dict()), "expected torch's dotted state_dict keys"
    for key, value in theirs.state_dict().items():
        assert mine.state_dict()[key].shape == tuple(value.shape), f"expected {key} to have torch's shape"
    theirs.load_state_dict(torch_state_dict(mine.state_dict()))
    x = rng(0).standard_normal((5, 3))
    for a, b in zip(mine(ag.Tensor(x)), theirs(torch.from_numpy(x)), strict=True):
        assert_close(a, b.detach().numpy(), "a ModuleList/ModuleDict model's output vs torch")
    mine.eval()
    assert not any(m.training for m in mine.modules()), "expected eval() to reach modules inside the containers"
    assert len(list(mine.parameters())) == 8, "expected the parameters of every held module"


def test_modulelist_list_operations_match_torch_naming():
    torch = pytest.importorskip("torch")
    ops = [
        lambda lib, ml: ml.append(lib.Linear(1, 2)),
        lambda lib, ml: ml.extend([lib.Linear(2, 3), lib.Linear(3, 4)]),
        lambda lib, ml: ml.insert(1, lib.Linear(5, 6)),
        lambda lib, ml: ml.__delitem__(0),
        lambda lib, ml: ml.__setitem__(-1, lib.Linear(7, 8)),
        lambda lib, ml: ml.pop(1),
        lambda lib, ml: ml.__iadd__([lib.Linear(9, 9)]),
    ]
    mine, theirs = nn.ModuleList([nn.Linear(1, 1)]), torch.nn.ModuleList([torch.nn.Linear(1, 1)])
    for op in ops:
        op(nn, mine)
        op(torch.nn, theirs)
        assert [(k, v.shape) for k, v in mine.state_dict().items()] == \
            [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()], "expected torch's keys after each op"
    assert len(mine) == len(theirs) == 4
    assert [m.in_features for m in mine[1:3]] == [2, 7], "expected a slice to hold the same modules"
    assert next(iter(mine[1:3].state_dict())) == "0.weight", "expected a slice renumbered from 0, as torch"
    assert mine[-1] is list(mine)[-1]
    both = mine + nn.ModuleList([nn.ReLU()])
    assert len(both) == 5 and isinstance(both[4], nn.ReLU)


def test_modulelist_errors():
    layers = nn.ModuleList()
    with pytest.raises(TypeError, match="ModuleList: int is not a Module"):
        layers.append(3)
    with pytest.raises(TypeError, match="should be called with an iterable"):
        layers.extend(nn.Linear(2, 2))
    with pytest.raises(IndexError, match="out of range for a ModuleList of 0"):
        _ = layers[0]
    with pytest.raises(TypeError, match="indices must be integers"):
        _ = nn.ModuleList([nn.ReLU()])["0"]
    with pytest.raises(NotImplementedError, match="forward"):
        nn.ModuleList([nn.ReLU()])(np.zeros(2))


def test_moduledict_behaves_like_an_ordered_dict():
    torch = pytest.importorskip("torch")
    pairs = [("b", nn.Linear(2, 2)), ("a", nn.Linear(2, 3))]
    heads = nn.ModuleDict(pairs)
    theirs = torch.nn.ModuleDict([("b", torch.nn.Linear(2, 2)), ("a", torch.nn.Linear(2, 3))])
    assert list(heads) == list(theirs) == ["b", "a"], "expected insertion order, as torch"
    assert list(heads.state_dict()) == list(theirs.state_dict())
    heads.update(OrderedDict(c=nn.ReLU()))
    heads["d"] = nn.Linear(1, 1)
    assert "c" in heads and list(heads.keys()) == ["b", "a", "c", "d"]
    assert isinstance(heads.pop("c"), nn.ReLU) and "c" not in heads
    del heads["b"]
    assert [k for k, _ in heads.items()] == ["a", "d"] and len(heads) == 2
    assert next(iter(heads.values())) is heads["a"]
    heads.clear()
    assert len(heads) == 0 and not list(heads.parameters())


def test_moduledict_errors():
    heads = nn.ModuleDict()
    with pytest.raises(KeyError, match="no module 'x'"):
        _ = heads["x"]
    with pytest.raises(KeyError, match="'keys' already exists"):
        heads["keys"] = nn.ReLU()
    with pytest.raises(KeyError, match=r"without '\.'"):
        heads["a.b"] = nn.ReLU()
    with pytest.raises(TypeError, match="ModuleDict: float is not a Module"):
        heads["a"] = 1.5
    with pytest.raises(ValueError, match="element #0 has length 3; 2 is required"):
        heads.update([("a", nn.ReLU(), 1)])
    with pytest.raises(TypeError, match="element #0 should be Iterable"):
        heads.update([nn.ReLU()])
