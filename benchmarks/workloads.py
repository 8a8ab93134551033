"""The workloads every comparison times, built the same way for agrad and for PyTorch.

Each ``build_*`` returns a function of no arguments that runs the workload once. All data is
float32, batch 64 unless said; the models are PyTorch's defaults on both sides. The higher-order
workloads differentiate a gradient again (``ag.grad`` / ``torch.autograd.grad`` with
``create_graph=True``): a Hessian-vector product, and WGAN-GP's gradient penalty.
"""

import numpy as np

CONV_CASES = {
    # name: x shape, C_out, kernel, padding
    "conv LeNet1 (64,1,28,28)->6 5x5 p2": ((64, 1, 28, 28), 6, 5, 2),
    "conv LeNet2 (64,6,14,14)->16 5x5": ((64, 6, 14, 14), 16, 5, 0),
    "conv (64,16,32,32)->16 3x3 p1": ((64, 16, 32, 32), 16, 3, 1),
    "conv (64,32,16,16)->64 3x3 p1": ((64, 32, 16, 16), 64, 3, 1),
    "conv (64,3,32,32)->16 3x3 p1": ((64, 3, 32, 32), 16, 3, 1),
    "conv (64,64,8,8)->64 3x3 p1": ((64, 64, 8, 8), 64, 3, 1),
}
# the CIFAR-style net of issue 12: (C_in, C_out, stride) of each conv3x3-BN-ReLU block
CIFAR_BLOCKS = [(3, 16, 1), (16, 16, 1), (16, 32, 2), (32, 32, 1), (32, 64, 2), (64, 64, 1)]


# the second derivatives of issue 13: an MLP's Hessian-vector product with respect to its
# parameters, and |d loss / d x|^2 of a conv net backpropagated to its weights
HVP_MLP = "HVP of an MLP 64-64-10 (batch 32)"
GRADIENT_PENALTY = "gradient penalty conv (16,3,32,32)->16 3x3 p1"

# decoders' upsampling layers: x shape, C_out, kernel, stride, padding; overlapping windows (issue
# 14's autoencoder), and a UNet's 2x2 stride 2, whose windows do not overlap
TRANSPOSE_CASES = {"conv_transpose2d (64,32,8,8)->16 4x4 s2 p1": ((64, 32, 8, 8), 16, 4, 2, 1),
                   "conv_transpose2d (64,32,16,16)->16 2x2 s2": ((64, 32, 16, 16), 16, 2, 2, 0)}


def workload_names():
    names = ["LeNet-5 SGD step", "CIFAR-style step", "ResNet-20 step", "VGG-small step",
             "MLP 64-64-10 step (batch 32)", "max_pool2d 2x2 (64,16,32,32)"]
    for case in CONV_CASES:
        names += [f"{case} forward", f"{case} forward+backward"]
    for case in TRANSPOSE_CASES:
        names += [f"{case} forward", f"{case} forward+backward"]
    return [*names, HVP_MLP, GRADIENT_PENALTY]


def _data(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)


def build_agrad(name):
    import autograd as ag
    import nn
    import optim

    if hasattr(ag, "keep_freed_memory"):
        ag.keep_freed_memory()  # as agrad train does (a no-op import-time call on older trees)
    labels = np.random.default_rng(1).integers(0, 10, 64)
    if name in (HVP_MLP, GRADIENT_PENALTY):
        return _agrad_second_derivative(name, labels, ag, nn)
    if name == "LeNet-5 SGD step":
        np.random.seed(0)
        return _agrad_step(nn.LeNet5(), ag.Tensor(_data((64, 1, 28, 28)), requires_grad=False), labels, nn, optim)
    if name == "CIFAR-style step":
        np.random.seed(0)
        layers = []
        for c_in, c_out, stride in CIFAR_BLOCKS:
            layers += [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]
        model = nn.Sequential(*layers, nn.AvgPool2d(8), nn.Flatten(), nn.Linear(64, 10))
        return _agrad_step(model, ag.Tensor(_data((64, 3, 32, 32)), requires_grad=False), labels, nn, optim)
    if name in ("ResNet-20 step", "VGG-small step"):
        np.random.seed(0)
        model = nn.models.resnet20() if name.startswith("ResNet") else nn.models.vgg_small()
        return _agrad_step(model, ag.Tensor(_data((64, 3, 32, 32)), requires_grad=False), labels, nn, optim)
    if name.startswith("conv_transpose2d"):
        shape, c_out, k, stride, p = TRANSPOSE_CASES[name.rsplit(' ', 1)[0]]
        x, w = ag.Tensor(_data(shape)), ag.Tensor(_data((shape[1], c_out, k, k)) * np.float32(0.1))
        b, transpose = ag.Tensor(_data(c_out)), ag.conv_transpose2d
        return _timed_op(ag, lambda: transpose(x, w, b, stride=stride, padding=p), (x, w, b),
                         name.endswith("forward"))
    if name.startswith("MLP"):
        np.random.seed(0)
        model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        return _agrad_step(model, ag.Tensor(_data((32, 64)), requires_grad=False), labels[:32], nn, optim)
    if name.startswith("max_pool2d"):
        x = ag.Tensor(_data((64, 16, 32, 32)))
        dy = _data((64, 16, 16, 16), 2)

        def pool():
            x.zero_grad()
            ag.max_pool2d(x, 2).backward(dy)
        return pool
    case, mode = name.rsplit(" ", 1)
    shape, c_out, k, p = CONV_CASES[case]
    x, b = ag.Tensor(_data(shape)), ag.Tensor(_data(c_out))
    w = ag.Tensor(_data((c_out, shape[1], k, k)) * np.float32(0.1))
    if mode == "forward":
        def forward():
            with ag.no_grad():
                ag.conv2d(x, w, b, padding=p)
        return forward
    dy = _data(ag.conv2d(x, w, b, padding=p).shape, 3)

    def both():
        for t in (x, w, b):
            t.zero_grad()
        ag.conv2d(x, w, b, padding=p).backward(dy)
    return both


def _timed_op(ag, op, inputs, forward_only):
    if forward_only:
        def forward():
            with ag.no_grad():
                op()
        return forward
    dy = _data(op().shape, 3)

    def both():
        for t in inputs:
            t.zero_grad()
        op().backward(dy)
    return both


def _agrad_step(model, x, y, nn, optim):
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    return step


def _agrad_second_derivative(name, labels, ag, nn):
    np.random.seed(0)
    loss_fn = nn.CrossEntropyLoss()
    if name == HVP_MLP:
        model = nn.Sequential(nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 10))
        x, params = ag.Tensor(_data((32, 64)), requires_grad=False), list(model.parameters())
        vectors = [_data(p.shape, seed) for seed, p in enumerate(params, 2)]

        def hvp():
            grads = ag.grad(loss_fn(model(x), labels[:32]), params, create_graph=True)
            return ag.grad(sum((g * v).sum() for g, v in zip(grads, vectors, strict=True)), params)
        return hvp
    conv, head = nn.Conv2d(3, 16, 3, padding=1), nn.Linear(16, 10)
    x, params = ag.Tensor(_data((16, 3, 32, 32))), [*conv.parameters(), *head.parameters()]

    def penalty():
        loss = loss_fn(head(ag.relu(conv(x)).mean(axis=(2, 3))), labels[:16])
        (dx,) = ag.grad(loss, x, create_graph=True)
        return ag.grad((dx * dx).sum(), params)
    return penalty


def _cifar_convs():
    """(C_in, C_out, kernel, padded input size, stride) of the CIFAR-style step's convolutions."""
    convs, size = [], 32
    for c_in, c_out, stride in CIFAR_BLOCKS:
        convs.append((c_in, c_out, 3, size + 2, stride))
        size //= stride
    return convs


# the convolutions of whole steps, for their GEMM floor
STEP_CONVS = {"CIFAR-style step": _cifar_convs()}


def build_gemm_floor(name):
    """The GEMMs alone of a convolution workload (``CONV_CASES``, or a step's ``STEP_CONVS``), on
    ready-made matrices: what any im2col convolution on NumPy's BLAS pays whatever its copies
    cost. Per convolution, the forward's (N L, C k k) x (C k k, C_out) and, for a backward, the
    weight gradient's and the input columns' GEMMs of the same size; each the fastest of its two
    orientations (C_out rows or N L rows), whole or in slabs of columns that stay in cache (as
    the fast kernels run it), chosen by timing them here."""
    if name in STEP_CONVS:
        convs, backward = [(64, *conv) for conv in STEP_CONVS[name]], True
    else:
        case, mode = name.rsplit(" ", 1)
        (n, c, h, _), c_out, k, p = CONV_CASES[case]  # KeyError: not a convolution, no floor
        convs, backward = [(n, c, c_out, k, h + 2 * p, 1)], mode == "forward+backward"
    gemms = []
    for n, c, c_out, k, size, stride in convs:
        rows = n * ((size - k) // stride + 1) ** 2
        gemms += [_fastest_gemm(rows, c * k * k, c_out)] * (3 if backward else 1)

    def floor():
        for gemm in gemms:
            gemm()
    return floor


def _fastest_gemm(rows, depth, c_out, slab_bytes=1 << 20):
    """A function computing the (rows x depth) x (depth x c_out) product, or its transpose, whole
    or as slabs of at most ``slab_bytes`` of the long operand: the fastest of the four."""
    import time

    slab = max(1, min(rows, slab_bytes // (4 * depth)))
    slabs = -(-rows // slab)
    options = []
    for long_rows, repeats in ((rows, 1), (slab, slabs)):
        for a, b in ((_data((long_rows, depth)), _data((depth, c_out))),
                     (_data((c_out, depth)), _data((depth, long_rows)))):
            options.append(lambda a=a, b=b, repeats=repeats: [a @ b for _ in range(repeats)])
    best = []
    for option in options:
        option()
        start = time.perf_counter()
        for _ in range(3):
            option()
        best.append(time.perf_counter() - start)
    return options[best.index(min(best))]


def build_torch(name):
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(0)
    F = torch.nn.functional
    labels = torch.from_numpy(np.random.default_rng(1).integers(0, 10, 64))
    if name in (HVP_MLP, GRADIENT_PENALTY):
        return _torch_second_derivative(name, labels, torch)
    if name == "LeNet-5 SGD step":
        model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
            torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(),
            torch.nn.Linear(84, 10))
        return _torch_step(torch, model, torch.from_numpy(_data((64, 1, 28, 28))), labels)
    if name == "CIFAR-style step":
        layers = []
        for c_in, c_out, stride in CIFAR_BLOCKS:
            layers += [torch.nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1), torch.nn.BatchNorm2d(c_out),
                       torch.nn.ReLU()]
        model = torch.nn.Sequential(*layers, torch.nn.AvgPool2d(8), torch.nn.Flatten(), torch.nn.Linear(64, 10))
        return _torch_step(torch, model, torch.from_numpy(_data((64, 3, 32, 32))), labels)
    if name in ("ResNet-20 step", "VGG-small step"):
        from tests.nn.torch_models import TorchVGG, torch_resnet

        model = torch_resnet((3, 3, 3)) if name.startswith("ResNet") else TorchVGG(
            (32, 32, "M", 64, 64, "M", 128, 128, "M"))
        return _torch_step(torch, model, torch.from_numpy(_data((64, 3, 32, 32))), labels)
    if name.startswith("conv_transpose2d"):
        shape, c_out, k, stride, p = TRANSPOSE_CASES[name.rsplit(' ', 1)[0]]
        x = torch.from_numpy(_data(shape)).requires_grad_()
        w = torch.from_numpy(_data((shape[1], c_out, k, k)) * 0.1).requires_grad_()
        b = torch.from_numpy(_data(c_out)).requires_grad_()
        op = lambda: F.conv_transpose2d(x, w, b, stride=stride, padding=p)
        if name.endswith("forward"):
            def forward():
                with torch.no_grad():
                    op()
            return forward
        dy = torch.from_numpy(_data(op().shape, 3))

        def both():
            for t in (x, w, b):
                t.grad = None
            op().backward(dy)
        return both
    if name.startswith("MLP"):
        model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
        return _torch_step(torch, model, torch.from_numpy(_data((32, 64))), labels[:32])
    if name.startswith("max_pool2d"):
        x = torch.from_numpy(_data((64, 16, 32, 32))).requires_grad_()
        dy = torch.from_numpy(_data((64, 16, 16, 16), 2))

        def pool():
            x.grad = None
            F.max_pool2d(x, 2).backward(dy)
        return pool
    case, mode = name.rsplit(" ", 1)
    shape, c_out, k, p = CONV_CASES[case]
    x = torch.from_numpy(_data(shape)).requires_grad_()
    w = torch.from_numpy(_data((c_out, shape[1], k, k)) * 0.1).requires_grad_()
    b = torch.from_numpy(_data(c_out)).requires_grad_()
    if mode == "forward":
        def forward():
            with torch.no_grad():
                F.conv2d(x, w, b, padding=p)
        return forward
    dy = torch.from_numpy(_data(F.conv2d(x, w, b, padding=p).shape, 3))

    def both():
        for t in (x, w, b):
            t.grad = None
        F.conv2d(x, w, b, padding=p).backward(dy)
    return both


def _torch_step(torch, model, x, y):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    return step


def _torch_second_derivative(name, labels, torch):
    loss_fn = torch.nn.CrossEntropyLoss()
    if name == HVP_MLP:
        model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, 10))
        x, params = torch.from_numpy(_data((32, 64))), list(model.parameters())
        vectors = [torch.from_numpy(_data(tuple(p.shape), seed)) for seed, p in enumerate(params, 2)]

        def hvp():
            grads = torch.autograd.grad(loss_fn(model(x), labels[:32]), params, create_graph=True)
            return torch.autograd.grad(sum((g * v).sum() for g, v in zip(grads, vectors, strict=True)), params)
        return hvp
    conv, head = torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.Linear(16, 10)
    x, params = torch.from_numpy(_data((16, 3, 32, 32))).requires_grad_(), [*conv.parameters(), *head.parameters()]

    def penalty():
        loss = loss_fn(head(torch.relu(conv(x)).mean(dim=(2, 3))), labels[:16])
        (dx,) = torch.autograd.grad(loss, x, create_graph=True)
        return torch.autograd.grad((dx * dx).sum(), params)
    return penalty
