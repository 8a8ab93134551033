"""Tensor.register_hook against torch: values seen, replacement, leaves' per-pass gradient,
removal, order, and hooks inside ag.grad(create_graph=True)."""

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


def test_tensor_hooks_see_and_replace_gradients_as_torch():
    values = np.array([0.5, -1.0, 2.0])
    seen, torch_seen = [], []
    x, xt = ag.Tensor(values.copy()), torch.tensor(values, requires_grad=True)
    h, ht = x * x, xt * xt
    h.register_hook(lambda g: seen.append(("h", g.copy())) or g * 3)
    ht.register_hook(lambda g: torch_seen.append(("h", g.numpy().copy())) or g * 3)
    x.register_hook(lambda g: seen.append(("x", g.copy())))
    xt.register_hook(lambda g: torch_seen.append(("x", g.numpy().copy())))
    for _ in range(2):  # a leaf's hook sees each pass's gradient, not the accumulated one
        (ag.tanh(h).sum() + x.sum()).backward()
        (torch.tanh(ht).sum() + xt.sum()).backward(retain_graph=True)
    assert [n for n, _ in seen] == [n for n, _ in torch_seen], "expected torch's hook order"
    for (name, mine), (_, theirs) in zip(seen, torch_seen, strict=True):
        np.testing.assert_allclose(mine, theirs, err_msg=f"expected the gradient torch's hook on {name} sees")
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), err_msg="expected x.grad after the replaced gradient")


def test_removed_hook_is_not_called_and_hooks_run_in_registration_order():
    x = ag.Tensor(np.ones(2))
    calls = []
    first = x.register_hook(lambda g: calls.append("first"))
    x.register_hook(lambda g: calls.append("second") or g * 2)
    (x * 3).sum().backward()
    first.remove()
    first.remove()  # removing twice does nothing
    (x * 3).sum().backward()
    assert calls == ["first", "second", "second"], "expected registration order, then only the kept hook"
    np.testing.assert_allclose(x.grad, [12.0, 12.0], err_msg="expected 2 * 3 per pass from the doubling hook")


def test_hooks_in_ag_grad_create_graph_as_torch():
    x, xt = ag.Tensor(np.array([1.0, 2.0])), torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y, yt = x * x, xt * xt
    kinds = []
    y.register_hook(lambda g: kinds.append(type(g)) or g * 2)
    yt.register_hook(lambda g: g * 2)
    (g,) = ag.grad((y * x).sum(), x, create_graph=True)
    (gt,) = torch.autograd.grad((yt * xt).sum(), xt, create_graph=True)
    np.testing.assert_allclose(g.value, gt.detach().numpy(), err_msg="expected torch's hooked gradient")
    assert kinds == [ag.Tensor], "expected the hook to see a Tensor in a graph-creating pass"
    (h,) = ag.grad(g.sum(), x)
    (ht,) = torch.autograd.grad(gt.sum(), xt)
    np.testing.assert_allclose(h.value, ht.numpy(), err_msg="expected torch's second derivative (hook runs again)")


def test_a_hooked_leaf_that_gets_no_gradient_keeps_its_grad():
    x, z = ag.Tensor(np.ones(2)), ag.Tensor(np.ones(2))
    x.grad = np.array([5.0, 6.0])
    x.register_hook(lambda g: g * 2)
    (z * 2 + x * 0).sum().backward()
    np.testing.assert_allclose(x.grad, [5.0, 6.0], err_msg="expected x.grad + hook(0) = x.grad")
    ag.where(np.array([True, True]), z, x).sum().backward()  # x is in the graph but gets nothing
    np.testing.assert_allclose(x.grad, [5.0, 6.0], err_msg="expected x.grad kept when no gradient flows to it")


def test_hook_errors_name_register_hook():
    x = ag.Tensor(np.ones(2))
    with pytest.raises(TypeError, match="register_hook: fn must be callable"):
        x.register_hook(3)
    x.register_hook(lambda g: np.ones(3))
    with pytest.raises(ValueError, match=r"register_hook: hook <lambda> returned shape \(3,\)"):
        (x * 2).sum().backward()
