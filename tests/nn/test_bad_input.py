"""Bad input to the public API of ``nn`` (layers, functional, losses, init, state_dict, save/load,
data) and ``optim``: wrong types, shapes, empty and 0-d inputs, bad options. Each raises
TypeError / ValueError / IndexError / KeyError naming the layer or function (tests/bad_calls.py)."""

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn import functional as F
from nn import init
from nn.data import DataLoader, Normalize, TensorDataset, load_dataset
from tests.bad_calls import bad, check_bad_call, numbered


def t(*shape, dtype=np.float32):
    return ag.Tensor(np.ones(shape, dtype))


NOT_NUMBERS = [None, "x", object(), {"a": 1}]


def _layer_cases():
    cases = []
    layers = {
        "Linear": (lambda: nn.Linear(4, 3), t(2, 4)),
        "Conv2d": (lambda: nn.Conv2d(1, 2, 3), t(1, 1, 5, 5)),
        "BatchNorm1d": (lambda: nn.BatchNorm1d(3), t(4, 3)),
        "BatchNorm2d": (lambda: nn.BatchNorm2d(3), t(2, 3, 2, 2)),
    }
    for name, (make, _) in layers.items():
        cases += [bad(name, TypeError, lambda make=make, v=v: make()(v)) for v in NOT_NUMBERS]
    cases += [bad("relu", TypeError, lambda v=v: nn.ReLU()(v)) for v in NOT_NUMBERS]
    cases += [bad("tanh", TypeError, lambda v=v: nn.Tanh()(v)) for v in NOT_NUMBERS]
    cases += [bad("sigmoid", TypeError, lambda v=v: nn.Sigmoid()(v)) for v in NOT_NUMBERS]
    cases += [bad("dropout", TypeError, lambda v=v: nn.Dropout()(v)) for v in NOT_NUMBERS]
    for size in (-1, 2.5, "3", True, None):
        cases += [bad("Linear", ValueError, lambda s=size: nn.Linear(s, 3)),
                  bad("Linear", ValueError, lambda s=size: nn.Linear(3, s)),
                  bad("BatchNorm2d", ValueError, lambda s=size: nn.BatchNorm2d(s))]
    cases += [
        bad("linear", ValueError, lambda: nn.Linear(4, 3)(t(2, 5))),
        bad("linear", ValueError, lambda: nn.Linear(4, 3)(t())),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(1, 2, 0)),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(1, 2, 3, stride="1")),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(1, 2, 3, padding=-1)),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(1, 2, 3, padding="full")),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(1, 2, 3, stride=2, padding="same")),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(3, 2, 3, groups=2)),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(1, 2, 3, groups=0)),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(1, 2, 3, padding_mode="reflect")),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(1, 2, 3)(t(1, 2, 5, 5))),
        bad("Conv2d", ValueError, lambda: nn.Conv2d(1, 2, 3)(t(5, 5))),
        bad("MaxPool2d", ValueError, lambda: nn.MaxPool2d(0)),
        bad("MaxPool2d", ValueError, lambda: nn.MaxPool2d(2, stride=-1)),
        bad("AvgPool2d", ValueError, lambda: nn.AvgPool2d("2")),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3)(t(2, 4, 2, 2))),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3).eval()(t(2, 4, 2, 2))),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3, affine=False, track_running_stats=False)(
            t(2, 4, 2, 2))),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3)(t(2, 3))),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3, eps=-1)),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3, eps="1e-5")),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3, eps=float("nan"))),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3, momentum=2)),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3, momentum=-0.1)),
        bad("BatchNorm2d", ValueError, lambda: nn.BatchNorm2d(3, momentum="0.1")),
        bad("BatchNorm1d", ValueError, lambda: nn.BatchNorm1d(3)(t(4, 5))),
        bad("BatchNorm1d", ValueError, lambda: nn.BatchNorm1d(3)(t(1, 3))),
        bad("BatchNorm1d", ValueError, lambda: nn.BatchNorm1d(3)(t(4))),
        bad("BatchNorm1d", ValueError, lambda: nn.BatchNorm1d(3, momentum=1.5)),
        bad("dropout", ValueError, lambda: nn.Dropout(2)),
        bad("dropout", ValueError, lambda: nn.Dropout("0.5")),
        bad("dropout", ValueError, lambda: nn.Dropout(-0.1)),
        bad("Sequential", TypeError, lambda: nn.Sequential(nn.ReLU(), "relu")),
        bad("Sequential", TypeError, lambda: nn.Sequential(nn.ReLU())["0"]),
        bad("Sequential", IndexError, lambda: nn.Sequential(nn.ReLU())[3]),
        bad("flatten", ValueError, lambda: nn.Flatten(start_dim=5)(t(2, 3))),
        bad("MLP", ValueError, lambda: nn.MLP(4, 0, 2)),
        bad("MLP", ValueError, lambda: nn.MLP(4, "8", 2)),
        bad("train", ValueError, lambda: nn.Linear(2, 2).train("yes")),
        bad("to", TypeError, lambda: nn.Linear(2, 2).to(np.int32)),
        bad("Parameter", TypeError, lambda: nn.Parameter(np.ones(2, int))),
        bad("Parameter", TypeError, lambda: nn.Parameter("ab")),
        bad("Parameter", TypeError, lambda: nn.Parameter(None)),
    ]
    return cases


def _functional_cases():
    x = t(2, 4)
    return [
        bad("linear", TypeError, lambda: F.linear(x, "w")),
        bad("linear", TypeError, lambda: F.linear(x, t(3, 4), bias="b")),
        bad("linear", ValueError, lambda: F.linear(x, t(4))),
        bad("linear", ValueError, lambda: F.linear(x, t(3, 4), bias=t(4))),
        bad("batch_norm", ValueError, lambda: F.batch_norm(t(4, 3), np.zeros(2), np.ones(2), training=True)),
        bad("batch_norm", ValueError, lambda: F.batch_norm(t(4, 3), None, None, weight=t(2), training=True)),
        bad("batch_norm", ValueError, lambda: F.batch_norm(t(4, 3), None, None, training=False)),
        bad("batch_norm", ValueError, lambda: F.batch_norm(t(4), None, None, training=True)),
        bad("batch_norm", ValueError, lambda: F.batch_norm(t(4, 3), None, None, training=True, eps=-1)),
        bad("batch_norm", ValueError, lambda: F.batch_norm(t(4, 3), np.zeros(3), np.ones(3), training=True,
                                                         momentum=3)),
        bad("batch_norm", TypeError, lambda: F.batch_norm("x", None, None, training=True)),
        bad("dropout", ValueError, lambda: F.dropout(x, p=1.5)),
        bad("softmax", ValueError, lambda: F.softmax(x, dim=2)),
        bad("log_softmax", ValueError, lambda: F.log_softmax(x, dim="1")),
        bad("softmax", TypeError, lambda: F.softmax("x", dim=0)),
    ]


def _loss_cases():
    logits, labels = t(4, 3), np.array([0, 1, 2, 0])
    probabilities = ag.Tensor(np.full((4,), 0.5, np.float32))
    cases = []
    for name, fn in {"cross_entropy": F.cross_entropy, "nll_loss": F.nll_loss}.items():
        cases += [
            bad(name, TypeError, lambda fn=fn: fn("x", labels)),
            bad(name, ValueError, lambda fn=fn: fn(logits, np.array([0.0, 1.0, 2.0, 0.0]))),
            bad(name, ValueError, lambda fn=fn: fn(logits, np.array([0, 1, 3, 0]))),
            bad(name, ValueError, lambda fn=fn: fn(logits, np.array([0, 1, -2, 0]))),
            bad(name, ValueError, lambda fn=fn: fn(logits, np.array([0, 1]))),
            bad(name, ValueError, lambda fn=fn: fn(logits, None)),
            bad(name, ValueError, lambda fn=fn: fn(logits, "abcd")),
            bad(name, ValueError, lambda fn=fn: fn(t(), np.array(0))),
            bad(name, ValueError, lambda fn=fn: fn(logits, labels, reduction="avg")),
            bad(name, ValueError, lambda fn=fn: fn(logits, labels, weight=np.ones(2))),
            bad(name, TypeError, lambda fn=fn: fn(logits, labels, weight="w")),
        ]
    for name, fn in {"mse_loss": F.mse_loss, "binary_cross_entropy": F.binary_cross_entropy,
                     "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits}.items():
        cases += [
            bad(name, TypeError, lambda fn=fn: fn(None, probabilities)),
            bad(name, ValueError, lambda fn=fn: fn(probabilities, np.zeros(3))),
            bad(name, ValueError, lambda fn=fn: fn(probabilities, np.array(["a"] * 4))),
            bad(name, ValueError, lambda fn=fn: fn(probabilities, np.zeros(4), reduction=None)),
        ]
    cases += [
        bad("binary_cross_entropy", ValueError, lambda: F.binary_cross_entropy(ag.Tensor(np.full(4, 1.5)),
                                                                               np.zeros(4))),
        bad("binary_cross_entropy", ValueError, lambda: F.binary_cross_entropy(probabilities, np.full(4, 2.0))),
        bad("binary_cross_entropy", TypeError, lambda: F.binary_cross_entropy(probabilities, np.zeros(4),
                                                                              weight="w")),
        bad("CrossEntropyLoss", ValueError, lambda: nn.CrossEntropyLoss(reduction="avg")),
        bad("MSELoss", ValueError, lambda: nn.MSELoss(reduction="avg")),
    ]
    return cases


def _state_cases():
    layer = nn.Linear(2, 1)
    good = {k: v.copy() for k, v in layer.state_dict().items()}
    return [
        bad("load_state_dict", TypeError, lambda: layer.load_state_dict(None)),
        bad("load_state_dict", TypeError, lambda: layer.load_state_dict([("weight", np.ones((1, 2)))])),
        bad("load_state_dict", TypeError, lambda: layer.load_state_dict("weights.npz")),
        bad("load_state_dict", TypeError, lambda: layer.load_state_dict({**good, "weight": np.ones((1, 2), bool)})),
        bad("load_state_dict", TypeError, lambda: layer.load_state_dict({**good, "weight": "ab"})),
        bad("load_state_dict", TypeError, lambda: layer.load_state_dict({**good, "weight": None})),
        bad("load_state_dict", ValueError, lambda: layer.load_state_dict({**good, "weight": np.ones((2, 2))})),
        bad("load_state_dict", ValueError, lambda: layer.load_state_dict({"weight": good["weight"]})),
        bad("load_state_dict", ValueError, lambda: layer.load_state_dict({**good, "extra": np.ones(1)})),
        bad("register_buffer", KeyError, lambda: nn.Linear(2, 1).register_buffer("a.b", np.ones(1))),
        bad("register_parameter", TypeError, lambda: nn.Linear(2, 1).register_parameter("p", np.ones(1))),
        bad("add_module", TypeError, lambda: nn.Linear(2, 1).add_module("m", "relu")),
        bad("save", TypeError, lambda: nn.save(good, 42)),
        bad("save", TypeError, lambda: nn.save(good, None)),
        bad("save", TypeError, lambda: nn.save(None, "x.npz")),
        bad("save", TypeError, lambda: nn.save([("w", np.ones(1))], "x.npz")),
        bad("save", TypeError, lambda: nn.save({"w": {"nested": 1}}, "x.npz")),
        bad("save", TypeError, lambda: nn.save({"": np.ones(1)}, "x.npz")),
        bad("save", TypeError, lambda: nn.save({1: np.ones(1)}, "x.npz")),
        bad("save", ValueError, lambda: nn.save({"w": np.array([object()])}, "x.npz")),
        bad("save", FileNotFoundError, lambda: nn.save(good, "/no/such/dir/x.npz")),
        bad("load", TypeError, lambda: nn.load(42)),
        bad("load", TypeError, lambda: nn.load(None)),
    ]


def _init_and_data_cases():
    w = nn.Parameter(np.ones((3, 2), np.float32))
    return [
        bad("calculate_gain", ValueError, lambda: init.calculate_gain("swish")),
        bad("fan", ValueError, lambda: init.xavier_uniform_(nn.Parameter(np.ones(3, np.float32)))),
        bad("mode", ValueError, lambda: init.kaiming_uniform_(w, mode="fan_mid")),
        bad("DataLoader", TypeError, lambda: DataLoader(None)),
        bad("DataLoader", TypeError, lambda: DataLoader(TensorDataset(np.ones((4, 1))), batch_size=True)),
        bad("DataLoader", ValueError, lambda: DataLoader(TensorDataset(np.ones((4, 1))), batch_size=0)),
        bad("DataLoader", TypeError, lambda: DataLoader(TensorDataset(np.ones((4, 1))), batch_size=1.5)),
        bad("TensorDataset", ValueError, lambda: TensorDataset()),
        bad("TensorDataset", ValueError, lambda: TensorDataset(np.ones(())),),
        bad("TensorDataset", ValueError, lambda: TensorDataset(np.ones((4, 1)), np.ones(3))),
        bad("Normalize", ValueError, lambda: Normalize(0.5, 0)),
        bad("Normalize", ValueError, lambda: Normalize(np.ones((2, 2)), 1)),
        bad("load_dataset", TypeError, lambda: load_dataset(None)),
        bad("unknown dataset", ValueError, lambda: load_dataset("imagenet")),
    ]


def _optim_cases():
    def params():
        return [nn.Parameter(np.ones(2, np.float32))]

    cases = []
    for name, cls in {"SGD": optim.SGD, "Adam": optim.Adam, "AdamW": optim.AdamW, "RMSprop": optim.RMSprop}.items():
        cases += [
            bad(name, ValueError, lambda cls=cls: cls(params(), lr=-1)),
            bad(name, ValueError, lambda cls=cls: cls([], lr=0.1)),
            bad(name, TypeError, lambda cls=cls: cls(None, lr=0.1)),
            bad(name, TypeError, lambda cls=cls: cls(set(params()), lr=0.1)),
            bad(name, TypeError, lambda cls=cls: cls(nn.Parameter(np.ones(2, np.float32)), lr=0.1)),
            bad(name, TypeError, lambda cls=cls: cls([np.ones(2)], lr=0.1)),
            bad(name, ValueError, lambda cls=cls: cls(params(), lr=0.1, weight_decay=-1)),
        ]
    cases += [
        bad("SGD", ValueError, lambda: optim.SGD(params(), lr=0.1, momentum=-1)),
        bad("SGD", ValueError, lambda: optim.SGD(params(), lr=0.1, nesterov=True)),
        bad("Adam", ValueError, lambda: optim.Adam(params(), betas=(1.5, 0.9))),
        bad("Adam", ValueError, lambda: optim.Adam(params(), betas=0.9)),
        bad("Adam", ValueError, lambda: optim.Adam(params(), eps=-1)),
        bad("RMSprop", ValueError, lambda: optim.RMSprop(params(), alpha=-1)),
        bad("StepLR", ValueError, lambda: optim.lr_scheduler.StepLR(optim.SGD(params(), lr=0.1), step_size=0)),
        bad("StepLR", TypeError, lambda: optim.lr_scheduler.StepLR(optim.SGD(params(), lr=0.1), 1, gamma="a")),
        bad("StepLR", TypeError, lambda: optim.lr_scheduler.StepLR(None, step_size=1)),
        bad("ExponentialLR", ValueError, lambda: optim.lr_scheduler.ExponentialLR(optim.SGD(params(), lr=0.1), -1)),
        bad("CosineAnnealingLR", ValueError, lambda: optim.lr_scheduler.CosineAnnealingLR(
            optim.SGD(params(), lr=0.1), T_max=0)),
        bad("unflatten_state_dict", ValueError, lambda: optim.unflatten_state_dict({}, prefix="optimizer.")),
        bad("flatten_state_dict", TypeError, lambda: optim.flatten_state_dict(
            {"state": {0: {"x": object()}}, "param_groups": []})),
    ]
    return cases


CASES = numbered(_layer_cases() + _functional_cases() + _loss_cases() + _state_cases() + _init_and_data_cases()
                 + _optim_cases(), "nn")


@pytest.mark.parametrize("where, error, call", CASES)
def test_bad_call_names_the_function(where, error, call, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the save cases that would write something write nothing here
    check_bad_call(where, error, call)
    assert not list(tmp_path.iterdir()), "expected a refused call to write nothing"


def test_the_battery_is_large():
    assert len(CASES) >= 200, f"expected at least 200 bad calls in the nn/optim battery, got {len(CASES)}"


def test_bool_weights_are_refused_before_anything_is_copied():
    layer = nn.Linear(2, 1)
    before = layer.weight.value.copy()
    with pytest.raises(TypeError):
        layer.load_state_dict({"weight": np.ones((1, 2), bool), "bias": np.zeros(1, np.float32)})
    np.testing.assert_array_equal(layer.weight.value, before, err_msg="expected the weights untouched")


def test_batchnorm_momentum_none_and_the_bounds_are_accepted():
    for momentum in (None, 0, 1, 0.5):
        assert nn.BatchNorm2d(3, momentum=momentum).momentum == momentum, f"expected momentum={momentum} accepted"
    assert nn.BatchNorm2d(3, eps=0).eps == 0, "expected eps=0 accepted (as torch)"


@pytest.mark.parametrize("make, shape", [(nn.LeNet5, (0, 1, 28, 28)), (nn.SmallCNN, (0, 1, 8, 8)),
                                         (lambda: nn.MLP(4, 8, 2), (0, 4))])
def test_an_empty_batch_goes_through_a_model_as_in_torch(make, shape):
    """torch's models map a batch of 0 to 0 outputs (flatten of (0, 16, 5, 5) is (0, 400))."""
    model = make()
    x = ag.Tensor(np.zeros(shape, np.float32))
    out = model(x)
    assert out.shape[0] == 0, f"expected an empty output, got {out.shape}"
    out.sum().backward()
    assert all(p.grad.shape == p.shape for p in model.parameters()), "expected gradients of the parameters' shapes"
