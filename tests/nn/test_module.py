"""nn.Module and nn.Parameter: registration, traversal, modes, state_dict, repr, scope, dtype."""

import copy
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import engine
from tests.nn.parity import torch_state_dict


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.scale = nn.Parameter(np.ones(4, dtype=np.float32))
        self.register_buffer("count", np.zeros(2))
        self.act = nn.ReLU()
        self.note = "plain attribute"

    def forward(self, x):
        return self.act(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = Block()
        self.head = nn.Linear(4, 2, bias=False)
        self.second = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.1))

    def forward(self, x):
        return self.second(self.head(self.first(x)))


def test_attributes_register_in_insertion_order():
    block = Block()
    assert list(block._parameters) == ["scale"]
    assert list(block._modules) == ["fc", "act"]
    assert list(block._buffers) == ["count"]
    assert block.note == "plain attribute" and "note" not in block._parameters
    assert [name for name, _ in Net().named_parameters()] == [
        "first.scale", "first.fc.weight", "first.fc.bias", "head.weight", "second.0.weight", "second.0.bias",
    ], "expected each module's own parameters first, then its children's, in registration order"


def test_named_modules_children_and_buffers():
    net = Net()
    assert [name for name, _ in net.named_modules()] == [
        "", "first", "first.fc", "first.act", "head", "second", "second.0", "second.1"]
    assert [name for name, _ in net.named_children()] == ["first", "head", "second"]
    assert list(net.children()) == [net.first, net.head, net.second]
    assert len(list(net.modules())) == 8
    assert [name for name, _ in net.named_buffers()] == ["first.count"]
    assert next(net.buffers()) is net.first.count


def test_shared_weight_is_listed_once():
    net = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 3))
    net[2].weight = net[0].weight
    names = [name for name, _ in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.bias"], "expected the shared weight once, under its first name"
    assert len(list(net.parameters())) == 3
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"], \
        "expected state_dict to list shared parameters under every name, as torch does"
    same = nn.Linear(2, 2)
    twice = nn.Sequential(same, same)
    assert [name for name, _ in twice.named_modules()] == ["", "0"]
    assert len(list(twice.parameters())) == 2


def test_getattr_typo_raises_attribute_error_naming_it():
    block = Block()
    with pytest.raises(AttributeError, match="'wieght'"):
        _ = block.fc.wieght
    assert nn.Linear(2, 2, bias=False).bias is None, "expected a registered None parameter to read as None"


def test_assignment_errors_and_reassignment():
    block = Block()
    with pytest.raises(TypeError, match="'scale'"):
        block.scale = ag.Tensor(np.ones(4))
    with pytest.raises(TypeError, match="'fc'"):
        block.fc = 3
    block.scale = None
    assert block.scale is None and "scale" in block._parameters
    block.note = nn.Parameter(np.zeros(1))
    assert "note" in block._parameters and "note" not in block.__dict__
    del block.note
    assert "note" not in block._parameters
    block.count = np.ones(2)
    np.testing.assert_array_equal(block._buffers["count"], np.ones(2))
    with pytest.raises(KeyError, match="'\\.'"):
        block.register_buffer("a.b", np.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        block.register_buffer("forward", np.zeros(1))


def test_forgetting_super_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\)\.__init__\(\)"):
        Broken()


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Module"):
        nn.Module()(1)


def test_parameter_is_a_leaf_that_requires_grad():
    p = nn.Parameter(np.zeros((2, 3), dtype=np.float32))
    assert isinstance(p, ag.Tensor) and p.requires_grad and p.is_leaf and p.dtype == np.float32
    assert p.__slots__ == () and not hasattr(p, "__dict__"), "expected Parameter to stay slot-only"
    assert repr(p).startswith("Parameter containing:\nTensor(")
    with pytest.raises(TypeError, match="int64"):
        nn.Parameter(np.arange(3))
    with pytest.raises(TypeError, match="bool"):
        nn.Parameter(np.array([True]))


def test_train_eval_recurse():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules()), "expected eval() to reach every submodule"
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="True or False"):
        net.train("no")


def test_zero_grad_sets_grads_to_none():
    net = Net()
    net(np.ones((5, 3), dtype=np.float32)).sum().backward()
    assert all(p._grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p._grad is None for p in net.parameters()), "expected zero_grad to set every grad to None"
    net(np.ones((5, 3), dtype=np.float32)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert all(p._grad is not None and not p.grad.any() for p in net.parameters())


def test_state_dict_keys_order_and_live_arrays():
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == ["first.scale", "first.count", "first.fc.weight", "first.fc.bias", "head.weight",
                        "second.0.weight", "second.0.bias"]
    assert all(isinstance(v, np.ndarray) for v in sd.values())
    assert sd["head.weight"] is net.head.weight.value, "expected the live arrays, as torch's state_dict"
    block = Block()
    block.register_buffer("scratch", np.zeros(1), persistent=False)
    assert "scratch" not in block.state_dict() and "scratch" in dict(block.named_buffers())


def test_load_state_dict_copies_in_place_keeping_dtype():
    source, target = Net(), Net()
    weight_array = target.head.weight.value
    sd = {key: np.asarray(value, dtype=np.float64) + 1 for key, value in source.state_dict().items()}
    result = target.load_state_dict(sd)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.head.weight.value is weight_array, "expected an in-place copy"
    assert target.head.weight.dtype == np.float32, "expected the parameter's dtype to be kept"
    for key, value in target.state_dict().items():
        np.testing.assert_allclose(value, sd[key], rtol=1e-6, err_msg=f"expected {key} loaded")
    target.load_state_dict({k: ag.Tensor(v) for k, v in source.state_dict().items()})
    np.testing.assert_array_equal(target.head.weight.value, source.head.weight.value)


def test_load_state_dict_errors_name_keys_and_shapes():
    net = Net()
    sd = net.state_dict()
    missing = OrderedDict(sd)
    del missing["head.weight"]
    with pytest.raises(nn.LoadStateDictError, match=r"missing key\(s\): 'head.weight' \(the model's shape \(2, 4\)\)"):
        net.load_state_dict(missing)
    extra = OrderedDict(sd, bogus=np.zeros(3))
    with pytest.raises(ValueError, match=r"unexpected key\(s\): 'bogus' \(shape \(3,\)\)"):
        net.load_state_dict(extra)
    wrong = OrderedDict(sd)
    wrong["first.fc.weight"] = np.zeros((3, 4))
    before = net.first.fc.weight.value.copy()
    message = r"'first.fc.weight': the state_dict has shape \(3, 4\), the model has \(4, 3\)"
    with pytest.raises(RuntimeError, match=message):
        net.load_state_dict(wrong)
    np.testing.assert_array_equal(net.first.fc.weight.value, before, err_msg="expected nothing copied on error")
    with pytest.raises(ValueError, match="size mismatch"):
        net.load_state_dict(wrong, strict=False)
    result = net.load_state_dict(OrderedDict(missing, bogus=np.zeros(3)), strict=False)
    assert result == (["head.weight"], ["bogus"])
    with pytest.raises(TypeError, match=r"'head\.weight'"):
        net.load_state_dict(OrderedDict(sd, **{"head.weight": np.array([["a"] * 4] * 2)}))


def test_weights_move_to_and_from_torch():
    torch = pytest.importorskip("torch")
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    reference = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                                    torch.nn.Linear(4, 2))
    assert list(model.state_dict()) == list(reference.state_dict()), "expected torch's keys in torch's order"
    for (key, mine), theirs in zip(model.state_dict().items(), reference.state_dict().values()):
        assert mine.shape == tuple(theirs.shape), f"expected {key} to have torch's shape"
    model.load_state_dict(reference.state_dict())  # torch tensors load directly
    np.testing.assert_array_equal(model[0].weight.value, reference[0].weight.detach().numpy())
    reference.load_state_dict(torch_state_dict(nn.Sequential(
        nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2)).state_dict()))


def test_repr_prints_the_tree_like_torch():
    torch = pytest.importorskip("torch")
    mine = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Sequential(nn.Linear(64, 10), nn.Dropout(0.25)), nn.BatchNorm1d(10), nn.Tanh(),
                         nn.Sigmoid(), nn.Identity(), nn.AvgPool2d(2), nn.Conv2d(2, 4, 3, 2, 1, groups=2, bias=False))
    tnn = torch.nn
    theirs = tnn.Sequential(tnn.Conv2d(1, 6, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Flatten(),
                            tnn.Sequential(tnn.Linear(64, 10), tnn.Dropout(0.25)), tnn.BatchNorm1d(10), tnn.Tanh(),
                            tnn.Sigmoid(), tnn.Identity(), tnn.AvgPool2d(2),
                            tnn.Conv2d(2, 4, 3, 2, 1, groups=2, bias=False))
    assert repr(mine) == repr(theirs)
    assert repr(nn.Linear(64, 10)) == "Linear(in_features=64, out_features=10, bias=True)"
    assert repr(nn.Conv2d(1, 2, 4, padding="same")) == repr(tnn.Conv2d(1, 2, 4, padding="same"))
    assert repr(nn.Sequential()) == "Sequential()"


def test_call_records_the_module_scope():
    net = Net()
    seen = {}

    class Spy(nn.Module):
        def forward(self, x):
            seen["scope"] = engine.current_scope()
            return x * 2

    net.second.append(Spy())
    out = net(np.ones((2, 3), dtype=np.float32))
    assert seen["scope"] == (net, net.second, net.second[2]), "expected the scope outermost first"
    assert out.scope == (net, net.second, net.second[2])
    assert net.head(np.ones((1, 4), dtype=np.float32)).scope == (net.head,)
    names = {id(m): name for name, m in net.named_modules()}
    assert [names[id(m)] for m in out.scope] == ["", "second", "second.2"]
    assert engine.current_scope() is None, "expected the scope to be restored after the call"


def test_dtype_conversion_keeps_parameter_objects():
    net = Net()
    params = list(net.parameters())
    net.double()
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.first.count.dtype == np.float64
    bn = nn.BatchNorm2d(3).double()
    assert bn.running_mean.dtype == np.float64 and bn.num_batches_tracked.dtype == np.int64
    net.float()
    assert all(p.dtype == np.float32 for p in net.parameters())
    with pytest.raises(TypeError, match="int32"):
        net.to(np.int32)


def test_apply_deepcopy_and_requires_grad():
    net = Net()
    visited = []
    net.apply(lambda m: visited.append(type(m).__name__))
    assert visited[-1] == "Net" and visited.index("Linear") < visited.index("Block")
    clone = copy.deepcopy(net)
    assert clone.head.weight is not net.head.weight
    np.testing.assert_array_equal(clone.head.weight.value, net.head.weight.value)
    clone.head.weight.value[...] = 0
    assert net.head.weight.value.any(), "expected the deep copy to be independent"
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    assert "fc" in dir(net.first) and "scale" in dir(net.first)
