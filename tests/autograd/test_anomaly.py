"""ag.detect_anomaly: a NaN/inf made by a backward names the op, its label, module path, input
shapes and the user's file:line; nothing is recorded outside it."""

import inspect

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import anomaly


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 3), nn.Tanh())

    def forward(self, x):
        h = self.body(x)
        return ag.log(h * 0 + ag.Tensor(np.zeros(3), requires_grad=False)).sum()  # log(0): inf gradient


def test_anomaly_names_op_label_module_shapes_and_line():
    net = Net()
    x = ag.Tensor(np.ones((2, 3)))
    line = inspect.getsourcelines(Net.forward)[1] + 2
    with ag.detect_anomaly(), np.errstate(divide="ignore"):
        loss = net(x)
        with pytest.raises(ag.AnomalyError) as error:
            loss.backward()
    message = str(error.value)
    assert "op 'log'" in message, f"expected the op named, got: {message}"
    assert "module Net" in message, f"expected the module path, got: {message}"
    assert "shapes (2, 3)" in message, f"expected the input shapes, got: {message}"
    assert f"test_anomaly.py:{line} (in forward)" in message, f"expected the user's file:line {line}, got: {message}"


def test_anomaly_names_a_labelled_op_inside_a_nested_module():
    class Inner(nn.Module):
        def forward(self, x):
            y = ag.sqrt(x * 0)
            y.label = "root"
            return y

    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = Inner()

        def forward(self, x):
            return self.inner(x).sum()

    with ag.detect_anomaly():
        loss = Outer()(ag.Tensor(np.ones(2)))
        with pytest.raises(ag.AnomalyError, match=r"op 'sqrt' \(label 'root'\) in module Outer\.inner"):
            loss.backward()


def test_no_bookkeeping_outside_detect_anomaly():
    x = ag.Tensor(np.ones(2))
    with ag.detect_anomaly():
        (x * 2).sum().backward()
    assert not anomaly.created_at, "expected the creation sites dropped on leaving detect_anomaly"
    y = ag.sqrt(x * 0).sum()
    assert not anomaly.created_at, "expected nothing recorded outside detect_anomaly"
    with np.errstate(divide="ignore", invalid="ignore"):
        y.backward()  # no error outside: inf gradients, as PyTorch
    assert not np.isfinite(x.grad).any(), "expected non-finite gradients without anomaly detection"
