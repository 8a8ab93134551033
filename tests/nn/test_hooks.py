"""Module hooks (forward pre-hooks, forward hooks, full backward hooks) against torch's call order
and values, their removal, and capturing LeNet's feature maps."""

import numpy as np
import pytest

import autograd as ag
import nn

torch = pytest.importorskip("torch")


def models():
    np.random.seed(0)
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    with torch.no_grad():
        for i in (0, 2):
            theirs[i].weight.copy_(torch.tensor(np.asarray(ours[i].weight.value, dtype=np.float64)))
            theirs[i].bias.copy_(torch.tensor(np.asarray(ours[i].bias.value, dtype=np.float64)))
    ours.to(np.float64)
    return ours, theirs


def record(model, log, as_numpy):
    handles = []
    for name, layer in model.named_children():
        handles.append(layer.register_forward_pre_hook(
            lambda module, args, name=name: log.append(("pre", name, as_numpy(args[0])))))
        handles.append(layer.register_forward_hook(
            lambda module, args, output, name=name: log.append(("forward", name, as_numpy(output)))))
        handles.append(layer.register_full_backward_hook(
            lambda module, grad_input, grad_output, name=name: log.append(
                ("backward", name, as_numpy(grad_input[0]), as_numpy(grad_output[0])))))
    return handles


def plain(value):
    return None if value is None else np.asarray(value.value if isinstance(value, ag.Tensor) else value)


def torch_plain(value):
    return None if value is None else value.detach().numpy()


def compare(log, torch_log):
    assert [entry[:2] for entry in log] == [entry[:2] for entry in torch_log], "expected torch's hook call order"
    for mine, theirs in zip(log, torch_log, strict=True):
        for a, b in zip(mine[2:], theirs[2:], strict=True):
            if b is None:
                assert a is None, f"expected None as torch in {mine[:2]}"
            else:
                np.testing.assert_allclose(a, b, rtol=1e-10, err_msg=f"expected torch's values in {mine[:2]}")


@pytest.mark.filterwarnings("ignore:Full backward hook is firing:UserWarning")  # torch's note for no input grads
@pytest.mark.parametrize("input_requires_grad", [True, False])
def test_module_hooks_call_order_and_values_as_torch(input_requires_grad):
    ours, theirs = models()
    data = np.random.default_rng(1).standard_normal((5, 3))
    log, torch_log = [], []
    record(ours, log, plain)
    record(theirs, torch_log, torch_plain)
    x = ag.Tensor(data, requires_grad=input_requires_grad)
    xt = torch.tensor(data, requires_grad=input_requires_grad)
    (ours(x) ** 2).sum().backward()
    (theirs(xt) ** 2).sum().backward()
    compare(log, torch_log)


def test_hooks_replace_inputs_outputs_and_grad_input_as_torch():
    ours, theirs = models()
    data = np.random.default_rng(2).standard_normal((2, 3))
    for model in (ours, theirs):
        model[0].register_forward_pre_hook(lambda module, args: (args[0] * 2,))
        model[1].register_forward_hook(lambda module, args, output: output * 3)
        model[2].register_full_backward_hook(lambda module, grad_input, grad_output: (grad_input[0] * 0.5,))
    x, xt = ag.Tensor(data.copy()), torch.tensor(data, requires_grad=True)
    y, yt = ours(x), theirs(xt)
    np.testing.assert_allclose(y.value, yt.detach().numpy(), err_msg="expected the replaced forward as torch")
    (y ** 2).sum().backward()
    (yt ** 2).sum().backward()
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), err_msg="expected the replaced grad_input as torch")


def test_removed_module_hooks_are_not_called():
    ours, _ = models()
    calls = []
    handles = [ours[0].register_forward_hook(lambda *a: calls.append("forward")),
               ours[0].register_full_backward_hook(lambda *a: calls.append("backward"))]
    ours(ag.Tensor(np.ones((1, 3)))).sum().backward()
    for handle in handles:
        handle.remove()
    ours(ag.Tensor(np.ones((1, 3)))).sum().backward()
    assert calls == ["forward", "backward"], "expected no calls after remove()"


def test_forward_hooks_capture_lenet_feature_maps():
    from nn.models import LeNet5

    model = LeNet5()
    maps = {}
    for name, layer in model.named_modules():
        if isinstance(layer, nn.Conv2d):
            layer.register_forward_hook(lambda module, args, output, name=name: maps.__setitem__(name, output.value))
    model(ag.Tensor(np.zeros((2, 1, 28, 28), dtype=np.float32)))
    shapes = sorted(m.shape for m in maps.values())
    assert shapes == [(2, 6, 28, 28), (2, 16, 10, 10)], f"expected LeNet-5's two feature maps, got {shapes}"


def test_hook_registration_checks_name_the_method():
    with pytest.raises(TypeError, match="register_forward_hook: hook must be callable"):
        nn.Linear(2, 2).register_forward_hook(None)
