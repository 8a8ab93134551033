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


class _TwoInTwoOut(nn.Module):
    """forward(a, b, scale, unused) -> (a * b * scale, a + b): a non-tensor argument, a tensor
    argument that may not require grad, one nothing flows into, and an output the loss may skip."""

    def forward(self, a, b, scale, unused):
        return a * b * scale, a + b


class _TwoInTwoOutTorch(torch.nn.Module):
    def forward(self, a, b, scale, unused):
        return a * b * scale, a + b


def _run_two(model, tensor, as_numpy, use_second, b_requires_grad):
    log = []

    def snapshot(g):  # torch may accumulate into the very tensor a hook saw
        return None if g is None else np.array(as_numpy(g))

    model.register_full_backward_hook(lambda module, grad_input, grad_output: log.append(
        ("first", [snapshot(g) for g in grad_input], [snapshot(g) for g in grad_output])))
    model.register_full_backward_hook(lambda module, grad_input, grad_output: log.append(("second",)))
    a, b = tensor([1.0, 2.0], True), tensor([3.0, -1.0], b_requires_grad)
    for _ in range(2):  # a second pass must not see the first one's gradients
        first, second = model(a, b, 2.0, tensor([5.0], True))
        loss = (first ** 2).sum() + ((second * 3).sum() if use_second else 0)
        loss.backward()
        use_second = not use_second
    return log, as_numpy(a.grad)


@pytest.mark.parametrize("use_second", [True, False], ids=["both-outputs", "one-output-unused"])
@pytest.mark.parametrize("b_requires_grad", [True, False], ids=["b-requires-grad", "b-constant"])
def test_full_backward_hook_arguments_as_torch(use_second, b_requires_grad):
    """torch 2.13's values: None for a non-tensor argument and for an output nothing flowed into;
    zeros for a tensor input that receives no gradient (or does not require grad) once another
    input requires grad; hooks in registration order, once per pass."""
    ours = _run_two(_TwoInTwoOut(), lambda v, rg: ag.Tensor(np.array(v), requires_grad=rg), plain,
                    use_second, b_requires_grad)
    theirs = _run_two(_TwoInTwoOutTorch(), lambda v, rg: torch.tensor(v, dtype=torch.double, requires_grad=rg),
                      torch_plain, use_second, b_requires_grad)
    log, torch_log = ours[0], theirs[0]
    assert [entry[0] for entry in log] == [entry[0] for entry in torch_log], "expected torch's hook calls"
    for mine, reference in zip(log, torch_log, strict=True):
        for side in (1, 2):
            if len(reference) <= side:
                continue
            for k, (a, b) in enumerate(zip(mine[side], reference[side], strict=True)):
                what = f"{'grad_input' if side == 1 else 'grad_output'}[{k}]"
                if b is None:
                    assert a is None, f"expected {what} None as torch, got {a}"
                else:
                    assert a is not None, f"expected {what} {b} as torch, got None"
                    np.testing.assert_allclose(a, b, err_msg=f"expected torch's {what}")
    np.testing.assert_allclose(ours[1], theirs[1], err_msg="expected torch's accumulated a.grad")


def test_full_backward_hook_runs_in_ag_grad_and_in_a_graph_creating_pass():
    layer = nn.Linear(2, 1)
    layer.to(np.float64)
    seen = []
    layer.register_full_backward_hook(lambda module, grad_input, grad_output: seen.append(type(grad_input[0])))
    x = ag.Tensor(np.array([[0.5, -1.0]]))
    (g,) = ag.grad(ag.tanh(layer(x)).sum(), x, create_graph=True)
    (gg,) = ag.grad(g.sum(), x)
    assert seen[0] is ag.Tensor, f"expected the hook to see a Tensor gradient under create_graph, saw {seen}"
    w = layer.weight.value[0]
    t = np.tanh(x.value[0] @ w + layer.bias.value[0])
    np.testing.assert_allclose(gg.value[0], -2 * t * (1 - t * t) * w * w.sum(),
                               err_msg="expected the second derivative through the hooked layer")


def test_full_backward_hook_once_per_pass_through_one_call_as_torch():
    """Two backward passes through the outputs of ONE call, one output each: the second pass
    must not see the first one's grad_output (torch: None for the output it does not use)."""
    def run(model, tensor, as_numpy):
        log = []
        model.register_full_backward_hook(lambda module, grad_input, grad_output: log.append(
            ([None if g is None else np.array(as_numpy(g)) for g in grad_input],
             [None if g is None else np.array(as_numpy(g)) for g in grad_output])))
        a = tensor([1.0, 2.0])
        first, second = model(a, tensor([3.0, -1.0]), 2.0, tensor([5.0]))
        first.sum().backward(retain_graph=True)
        (second * 3).sum().backward()
        return log

    ours = run(_TwoInTwoOut(), lambda v: ag.Tensor(np.array(v)), plain)
    theirs = run(_TwoInTwoOutTorch(), lambda v: torch.tensor(v, dtype=torch.double, requires_grad=True),
                 torch_plain)
    assert len(ours) == len(theirs) == 2, f"expected one hook call per pass, got {len(ours)} (torch {len(theirs)})"
    for n, (mine, reference) in enumerate(zip(ours, theirs, strict=True)):
        for side, name in ((0, "grad_input"), (1, "grad_output")):
            for k, (a, b) in enumerate(zip(mine[side], reference[side], strict=True)):
                if b is None:
                    assert a is None, f"pass {n}: expected {name}[{k}] None as torch, got {a}"
                else:
                    assert a is not None, f"pass {n}: expected {name}[{k}] {b} as torch, got None"
                    np.testing.assert_allclose(a, b, err_msg=f"pass {n}: expected torch's {name}[{k}]")
