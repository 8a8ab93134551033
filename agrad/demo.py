"""``agrad demo``: the lecture-08 PyTorch-lite loop with ``ag.Scalar``, then a Tensor MLP.

The Scalar part is the lecture's code: a ``Model`` holding lists of ``ag.Scalar``, a ``Loss``
with ``mse`` and an ``Optimizer`` doing gradient descent, fitting
f(x) = w2 . relu(w1 x + b1) + b2 to 100 points of a 1-D curve.
"""

import time

import numpy as np

import autograd as ag


class ScalarModel:
    """f(x; w1, b1, w2, b2) = w2 . relu(w1 x + b1) + b2 with n_hidden Scalars per vector."""

    def __init__(self, n_hidden, rng_seed=42):
        rng = np.random.default_rng(rng_seed)
        self.w1 = [ag.Scalar(v, label=f"w1[{i}]") for i, v in enumerate(rng.standard_normal(n_hidden))]
        self.b1 = [ag.Scalar(v, label=f"b1[{i}]") for i, v in enumerate(rng.standard_normal(n_hidden))]
        self.w2 = [ag.Scalar(v, label=f"w2[{i}]") for i, v in enumerate(rng.standard_normal(n_hidden))]
        self.b2 = [ag.Scalar(rng.standard_normal(), label="b2")]
        self.parameters = self.w1 + self.b1 + self.w2 + self.b2

    def forward(self, x):
        """x: a 1-D array of inputs -> a list of Scalar predictions."""
        outputs = []
        for value in x:
            x_scalar = ag.Scalar(value)
            hidden = [(w * x_scalar + b).relu() for w, b in zip(self.w1, self.b1)]
            output = self.b2[0]
            for w, h in zip(self.w2, hidden):
                output = output + w * h
            outputs.append(output)
        return outputs


class ScalarMSE:
    def mse(self, predictions, targets):
        assert len(predictions) == len(targets)
        loss = ag.Scalar(0.0)
        for prediction, target in zip(predictions, targets):
            loss = loss + (prediction - float(target)) ** 2
        return loss / len(predictions)


class GradientDescent:
    def __init__(self, parameters, lr=0.01):
        self.parameters = parameters
        self.lr = lr

    def zero_grad(self):
        for param in self.parameters:
            param.grad = 0.0

    def step(self):
        for param in self.parameters:
            param.value -= self.lr * param.grad


def lecture_data(n=100, seed=0):
    """100 noisy points of a bump on [-1, 1] (the kind of 1-D curve the lecture fits)."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-1.0, 1.0, n)
    y = np.sin(3.0 * x) + 0.5 * x**2 + 0.05 * rng.standard_normal(n)
    return x, y


def train_scalar_net(epochs=100, n_hidden=20, lr=0.05, seed=42, log=print):
    x, y = lecture_data()
    model = ScalarModel(n_hidden, rng_seed=seed)
    loss_fn = ScalarMSE()
    optimizer = GradientDescent(model.parameters, lr=lr)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn.mse(model.forward(x), y)
        loss.backward()
        optimizer.step()
        if epoch % 10 == 0 or epoch == epochs - 1:
            log(f"  Scalar net  epoch {epoch:3d}  mse {loss.value:.4f}")
    return loss.value


def train_tensor_mlp(epochs=20, batch_size=32, lr=0.1, seed=0, log=print):
    """A 64-64-10 ReLU MLP on scikit-learn's 8x8 digits, written with ag.Tensor ops only."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.data / 16.0).astype(np.float32)
    labels = digits.target
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(images))
    test, train = order[:360], order[360:]

    def init(fan_in, fan_out):
        bound = 1.0 / np.sqrt(fan_in)
        return ag.Tensor(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32))

    w1, b1 = init(64, 64), ag.Tensor(np.zeros(64, np.float32))
    w2, b2 = init(64, 10), ag.Tensor(np.zeros(10, np.float32))
    params = [w1, b1, w2, b2]

    def logits(x):
        return ag.relu(x @ w1 + b1) @ w2 + b2

    for epoch in range(epochs):
        rng.shuffle(train)
        for start in range(0, len(train), batch_size):
            batch = train[start:start + batch_size]
            x = ag.Tensor(images[batch], requires_grad=False)
            log_probs = ag.log_softmax(logits(x), axis=1)
            loss = -ag.mean(log_probs[np.arange(len(batch)), labels[batch]])
            for p in params:
                p.zero_grad()
            loss.backward()
            for p in params:
                p.value -= lr * p.grad
        with ag.no_grad():
            predictions = ag.argmax(logits(ag.Tensor(images[test], requires_grad=False)), axis=1)
        accuracy = float(np.mean(predictions == labels[test]))
        if epoch % 5 == 0 or epoch == epochs - 1:
            log(f"  Tensor MLP  epoch {epoch:3d}  loss {loss.item():.4f}  test accuracy {accuracy:.3f}")
    return accuracy


def register(subcommands):
    parser = subcommands.add_parser("demo", help="train the lecture's Scalar ReLU net and a Tensor MLP")
    parser.add_argument("--epochs", type=int, default=100, help="epochs of the Scalar net (default 100)")
    parser.add_argument("--seed", type=int, default=42, help="seeds both nets (default 42)")
    parser.set_defaults(run=lambda args: run_demo(epochs=args.epochs, seed=args.seed))


def run_demo(epochs=100, seed=42):
    start = time.perf_counter()
    print("1) The lecture's 1-hidden-layer ReLU net, trained with ag.Scalar (n_hidden=20, 100 points)")
    train_scalar_net(epochs=epochs, seed=seed)
    print("2) A 64-64-10 MLP with ag.Tensor on scikit-learn's 8x8 digits")
    accuracy = train_tensor_mlp(seed=seed)
    print(f"done in {time.perf_counter() - start:.1f} s, digits test accuracy {accuracy:.3f}")
    return 0
