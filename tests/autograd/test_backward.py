"""``backward(gradient, retain_graph, create_graph, inputs)`` on Tensors and Scalars against
torch's ``Tensor.backward``, and a seed that requires grad in ``ag.grad``
(autograd/gradients.py)."""

import numpy as np
import pytest

import autograd as ag
import nn
import optim

X = np.array([0.5, -1.5, 2.0])
W = np.array([1.5, 0.25, -0.75])


def _agrad_pair():
    return ag.Tensor(X.copy(), label="x"), ag.Tensor(W.copy(), label="w")


def _torch_pair(torch):
    return (torch.tensor(X, requires_grad=True), torch.tensor(W, requires_grad=True))


def _loss(x, w, lib):
    return (lib.tanh(x * w) * x * x).sum()


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_create_graph_leaves_a_differentiable_grad_matching_torch():
    torch = pytest.importorskip("torch")
    x, w = _agrad_pair()
    _loss(x, w, ag).backward(create_graph=True)
    xt, wt = _torch_pair(torch)
    _loss(xt, wt, torch).backward(create_graph=True)
    assert isinstance(x.grad, ag.Tensor) and x.grad.requires_grad, "expected x.grad to be a Tensor in a graph"
    np.testing.assert_allclose(x.grad.value, xt.grad.detach().numpy(), rtol=1e-12,
                               err_msg="expected torch's first derivative")
    # a second pass through the gradient's graph, into x only: torch adds it to x.grad
    v = np.array([1.0, -2.0, 0.5])
    (x.grad * v).sum().backward(inputs=[x])
    (xt.grad * torch.tensor(v)).sum().backward(inputs=[xt])
    np.testing.assert_allclose(x.grad.value, xt.grad.detach().numpy(), rtol=1e-12,
                               err_msg="expected the first derivative plus the Hessian-vector product, as torch")
    np.testing.assert_allclose(w.grad.value, wt.grad.detach().numpy(), rtol=1e-12,
                               err_msg="expected w.grad untouched by a backward with inputs=[x]")


def test_inputs_restricts_which_grads_are_added_to():
    torch = pytest.importorskip("torch")
    x, w = _agrad_pair()
    hidden = ag.tanh(x * w)
    (hidden * x).sum().backward(inputs=[w, hidden])
    xt, wt = _torch_pair(torch)
    hidden_t = torch.tanh(xt * wt)
    hidden_t.retain_grad()
    (hidden_t * xt).sum().backward(inputs=[wt, hidden_t])
    assert not x.has_grad, "expected no gradient for x, which is not in inputs (torch: x.grad is None)"
    assert xt.grad is None
    np.testing.assert_allclose(w.grad, wt.grad.numpy(), rtol=1e-12, err_msg="expected torch's dw")
    np.testing.assert_allclose(hidden.grad, hidden_t.grad.numpy(), rtol=1e-12,
                               err_msg="expected a non-leaf in inputs to get its gradient, as torch")


def test_inputs_accumulate_and_unused_inputs_are_left_alone():
    x, w = _agrad_pair()
    unused = ag.Tensor(np.ones(2))
    for _ in range(2):
        (x * w).sum().backward(inputs=(x, unused))
    np.testing.assert_allclose(x.grad, 2 * W, err_msg="expected two passes to add up, as backward() does")
    assert not unused.has_grad and not w.has_grad, "expected no gradient where none flows or none was asked"


def test_gradient_argument_and_retain_graph():
    torch = pytest.importorskip("torch")
    x, w = _agrad_pair()
    y = x * w
    seed = np.array([1.0, 0.0, -1.0])
    y.backward(gradient=seed, retain_graph=True)
    y.backward(seed)
    xt, wt = _torch_pair(torch)
    yt = xt * wt
    yt.backward(gradient=torch.tensor(seed), retain_graph=True)
    yt.backward(torch.tensor(seed))
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), err_msg="expected two seeded passes as torch")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda y: y.backward(), r"backward: grad can be implicitly created only for a single-element output"),
        (lambda y: y.backward(np.ones(2)), r"backward: gradient has shape \(2,\), the output has \(3,\)"),
        (lambda y: y.backward(np.ones(3), retain_graph="yes"), r"backward: retain_graph must be None or a bool"),
        (lambda y: y.backward(np.ones(3), inputs=[]), r"backward: inputs is empty"),
        (lambda y: y.backward(np.ones(3), inputs=[np.ones(3)]), r"backward: inputs\[0\] must be a Tensor"),
    ],
)
def test_bad_arguments_name_backward(call, message):
    x, w = _agrad_pair()
    with pytest.raises((ValueError, TypeError), match=message):
        call(x * w)


def test_constant_input_in_inputs_is_refused():
    x, _ = _agrad_pair()
    frozen = ag.Tensor(np.ones(3), requires_grad=False)
    with pytest.raises(ValueError, match=r"backward: inputs\[1\] does not require grad"):
        (x * frozen).sum().backward(inputs=[x, frozen])


def test_scalar_backward_takes_the_same_arguments():
    x = ag.Scalar(0.7, label="x")
    y = x.tanh() * x
    y.backward(create_graph=True)
    first = x.grad
    assert isinstance(first, ag.Scalar), "expected a Scalar gradient with create_graph=True"
    t = np.tanh(0.7)
    np.testing.assert_allclose(first.value, t + 0.7 * (1 - t * t), err_msg="expected d(x tanh x)/dx")
    x2 = ag.Scalar(3.0)
    z = x2 * x2
    z.backward(gradient=2.0, inputs=[x2])
    assert x2.grad == 12.0, f"expected 2 * 2x = 12 with gradient=2, got {x2.grad}"


def test_optimizer_and_clipping_accept_graph_gradients():
    """After backward(create_graph=True) ``.grad`` is a Tensor: the step and both clippings
    use its values as they would an array's."""
    results = []
    for create_graph in (False, True):
        model = nn.Linear(3, 2)
        model.weight.value[...] = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
        model.bias.value[...] = 0.5
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x = ag.Tensor(np.array([[1.0, -2.0, 3.0]], dtype=np.float32))
        (model(x) ** 2).sum().backward(create_graph=create_graph)
        norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        nn.utils.clip_grad_value_(model.parameters(), 0.3)
        if create_graph:
            assert isinstance(model.weight.grad, ag.Tensor) and model.weight.grad.requires_grad, (
                "expected the clipped gradient to stay in the graph"
            )
        opt.step()
        results.append((float(norm), model.weight.value.copy(), model.bias.value.copy()))
    (norm_a, weight_a, bias_a), (norm_b, weight_b, bias_b) = results
    assert norm_a == pytest.approx(norm_b), f"expected the same total norm, got {norm_a} and {norm_b}"
    np.testing.assert_allclose(weight_b, weight_a, err_msg="expected the same step from a graph gradient")
    np.testing.assert_allclose(bias_b, bias_a, err_msg="expected the same step from a graph gradient")


def test_grad_outputs_that_require_grad_stay_in_the_graph():
    torch = pytest.importorskip("torch")
    x, v = _agrad_pair()
    (g,) = ag.grad(ag.tanh(x) * x, x, grad_outputs=v, create_graph=True)
    (dv,) = ag.grad((g * g).sum(), v)
    xt, vt = _torch_pair(torch)
    (gt,) = torch.autograd.grad(torch.tanh(xt) * xt, xt, grad_outputs=vt, create_graph=True)
    (dvt,) = torch.autograd.grad((gt * gt).sum(), vt)
    np.testing.assert_allclose(dv.value, dvt.numpy(), rtol=1e-12,
                               err_msg="expected the derivative with respect to grad_outputs, as torch")


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_a_plain_backward_adds_into_a_graph_gradient_keeping_its_graph():
    torch = pytest.importorskip("torch")
    x, w = _agrad_pair()
    _loss(x, w, ag).backward(create_graph=True)
    _loss(x, w, ag).backward()
    xt, wt = _torch_pair(torch)
    _loss(xt, wt, torch).backward(create_graph=True)
    _loss(xt, wt, torch).backward()
    assert isinstance(x.grad, ag.Tensor) and x.grad.requires_grad, "expected x.grad to keep its graph"
    np.testing.assert_allclose(x.grad.value, xt.grad.detach().numpy(), rtol=1e-12,
                               err_msg="expected the two passes added up, as torch")
    (dw,) = ag.grad(x.grad.sum(), w)
    (dwt,) = torch.autograd.grad(xt.grad.sum(), wt)
    np.testing.assert_allclose(dw.value, dwt.numpy(), rtol=1e-12,
                               err_msg="expected the graph of the first pass's gradient, as torch keeps it")


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_inputs_with_create_graph_give_a_differentiable_grad():
    torch = pytest.importorskip("torch")
    x, w = _agrad_pair()
    _loss(x, w, ag).backward(inputs=[x], create_graph=True)
    xt, wt = _torch_pair(torch)
    _loss(xt, wt, torch).backward(inputs=[xt], create_graph=True)
    assert not w.has_grad and wt.grad is None, "expected no gradient for w, which is not in inputs"
    (dw,) = ag.grad((x.grad * x.grad).sum(), w)
    (dwt,) = torch.autograd.grad((xt.grad * xt.grad).sum(), wt)
    np.testing.assert_allclose(dw.value, dwt.numpy(), rtol=1e-12,
                               err_msg="expected d|dL/dx|^2/dw through x.grad's graph, as torch")


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
@pytest.mark.parametrize("clip", ["norm", "value"])
def test_clipping_a_graph_gradient_changes_its_values_not_its_graph_as_torch(clip):
    """PyTorch clips in place under no_grad: the values change, a later derivative follows the
    unclipped gradient's graph."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    weight, data = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    ours = ag.Tensor(weight.copy())
    theirs = torch.tensor(weight, requires_grad=True)
    ag.tanh(ag.Tensor(data) @ ours.T).sum().backward(create_graph=True)
    torch.tanh(torch.tensor(data) @ theirs.T).sum().backward(create_graph=True)
    if clip == "norm":
        norm = nn.utils.clip_grad_norm_([ours], 0.5)
        norm_t = torch.nn.utils.clip_grad_norm_([theirs], 0.5)
        assert float(norm) == pytest.approx(float(norm_t)), "expected torch's total norm"
    else:
        nn.utils.clip_grad_value_([ours], 0.3)
        torch.nn.utils.clip_grad_value_([theirs], 0.3)
    np.testing.assert_allclose(ours.grad.value, theirs.grad.detach().numpy(), rtol=1e-12,
                               err_msg=f"expected torch's clipped values ({clip})")
    (d_ours,) = ag.grad((ours.grad * ours.grad).sum(), ours)
    (d_theirs,) = torch.autograd.grad((theirs.grad * theirs.grad).sum(), theirs)
    np.testing.assert_allclose(d_ours.value, d_theirs.numpy(), rtol=1e-10,
                               err_msg=f"expected torch's derivative through the clipped gradient ({clip})")


def test_clipping_scales_an_array_gradient_in_place():
    p = ag.Tensor(np.array([3.0, 4.0]))
    (p * p).sum().backward()
    before = p.grad
    nn.utils.clip_grad_norm_([p], 1.0)
    assert p.grad is before, "expected the gradient scaled in place, not replaced by a copy"
    np.testing.assert_allclose(np.linalg.norm(p.grad), 1.0, rtol=1e-5, err_msg="expected a norm of max_norm")


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
@pytest.mark.parametrize("create_graph", [False, True], ids=["array-gradients", "graph-gradients"])
def test_clipping_gradients_that_two_parameters_share_matches_torch(create_graph):
    """The gradient of a + b reaches a and b as one array (one node with create_graph): each
    parameter's gradient is clipped once, and a parameter listed twice twice, as torch."""
    torch = pytest.importorskip("torch")
    values = [np.array([1.0, -2.0]), np.array([0.5, 3.0]), np.array([2.0, 1.5])]
    a, b, c = (ag.Tensor(v.copy()) for v in values)
    ta, tb, tc = (torch.tensor(v, requires_grad=True) for v in values)
    ((a + b) * c).sum().backward(create_graph=create_graph)
    ((ta + tb) * tc).sum().backward(create_graph=create_graph)
    for library, params in ((nn.utils, [a, b, c, a]), (torch.nn.utils, [ta, tb, tc, ta])):
        library.clip_grad_norm_(params, 1.0)
        library.clip_grad_value_(params, 0.3)
    for name, ours, theirs in (("a", a, ta), ("b", b, tb), ("c", c, tc)):
        got = ours.grad.value if create_graph else ours.grad
        np.testing.assert_allclose(got, theirs.grad.detach().numpy(), rtol=1e-12,
                                   err_msg=f"expected torch's clipped gradient of {name}")
