"""A duck-typed module, as nn.Module looks to autograd.draw: calling it runs forward inside
``engine.scope(self)``; ``named_modules()`` and ``named_parameters()`` give dotted names."""

import numpy as np

import autograd as ag
from autograd import engine


class Module:
    def __init__(self, **children):
        self.children = children
        self.params = {}

    def __call__(self, *args):
        with engine.scope(self):
            return self.forward(*args)

    def named_modules(self):
        pending = [("", self)]
        while pending:
            path, module = pending.pop(0)
            yield path, module
            pending.extend((f"{path}.{name}" if path else name, child) for name, child in module.children.items())

    def named_parameters(self):
        for path, module in self.named_modules():
            for name, param in module.params.items():
                yield (f"{path}.{name}" if path else name), param


class Linear(Module):
    def __init__(self, n_in, n_out, seed=0):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.params = {"weight": ag.Tensor(rng.standard_normal((n_in, n_out)).astype(np.float32)),
                       "bias": ag.Tensor(np.zeros(n_out, np.float32))}

    def forward(self, x):
        return x @ self.params["weight"] + self.params["bias"]


class ReLU(Module):
    def forward(self, x):
        return ag.relu(x)


class Sequential(Module):
    def __init__(self, *layers):
        super().__init__(**{str(i): layer for i, layer in enumerate(layers)})

    def forward(self, x):
        for layer in self.children.values():
            x = layer(x)
        return x


class Net(Module):
    """features: Linear(4, 8) -> ReLU -> Linear(8, 8); then a relu of its own; head: Linear(8, 3)."""

    def __init__(self):
        super().__init__(features=Sequential(Linear(4, 8), ReLU(), Linear(8, 8, seed=1)), head=Linear(8, 3, seed=2))

    def forward(self, x):
        return self.children["head"](ag.relu(self.children["features"](x)))


class SharedActivation(Module):
    """One ReLU module used after both layers (a common PyTorch pattern)."""

    def __init__(self):
        super().__init__(fc1=Linear(4, 8), fc2=Linear(8, 3, seed=1), act=ReLU())

    def forward(self, x):
        act = self.children["act"]
        return act(self.children["fc2"](act(self.children["fc1"](x))))


def net_loss(model=None, batch=5):
    """(model, loss) after backward: mean of squared outputs on a (batch, 4) float32 input."""
    model = model or Net()
    x = ag.Tensor(np.linspace(-1, 1, batch * 4, dtype=np.float32).reshape(batch, 4), requires_grad=False, label="x")
    loss = (model(x) ** 2).mean()
    loss.backward()
    return model, loss
