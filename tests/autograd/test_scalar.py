"""ag.Scalar: micrograd's own test cases, every op by finite differences, operator forms."""

import math

import numpy as np
import pytest

import autograd as ag


def test_micrograd_sanity_check():
    x = ag.Scalar(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    # torch.double gives exactly these (micrograd's test compares with ==)
    assert y.data == -20.0, "expected y = -20"
    assert x.grad == 46.0, "expected dy/dx = 46"


def _more_ops(a, b):
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def test_micrograd_more_ops():
    a, b = ag.Scalar(-4.0), ag.Scalar(2.0)
    g = _more_ops(a, b)
    g.backward()
    tol = 1e-6
    assert abs(g.data - 24.70408163265306) < tol, "expected g of micrograd's more-ops case"
    assert abs(a.grad - 138.83381924198252) < tol, "expected dg/da of micrograd's case"
    assert abs(b.grad - 645.5772594752186) < tol, "expected dg/db of micrograd's case"


def test_micrograd_cases_against_torch():
    torch = pytest.importorskip("torch")
    a, b = ag.Scalar(-4.0), ag.Scalar(2.0)
    g = _more_ops(a, b)
    g.backward()
    at = torch.tensor(-4.0, dtype=torch.double, requires_grad=True)
    bt = torch.tensor(2.0, dtype=torch.double, requires_grad=True)
    gt = _more_ops(at, bt)
    gt.backward()
    assert abs(g.data - gt.item()) < 1e-9, "expected torch's g"
    assert abs(a.grad - at.grad.item()) < 1e-9, "expected torch's dg/da"
    assert abs(b.grad - bt.grad.item()) < 1e-9, "expected torch's dg/db"


UNARY = {
    "exp": (lambda s: s.exp(), math.exp, 0.7),
    "log": (lambda s: s.log(), math.log, 1.3),
    "sqrt": (lambda s: s.sqrt(), math.sqrt, 2.0),
    "abs": (lambda s: s.abs(), abs, -1.5),
    "relu": (lambda s: s.relu(), lambda v: max(v, 0.0), 0.8),
    "tanh": (lambda s: s.tanh(), math.tanh, 0.3),
    "sigmoid": (lambda s: s.sigmoid(), lambda v: 1 / (1 + math.exp(-v)), -0.4),
    "neg": (lambda s: -s, lambda v: -v, 0.5),
    "pow": (lambda s: s**3, lambda v: v**3, 1.2),
    "rpow": (lambda s: 2**s, lambda v: 2**v, 1.2),
    "rtruediv": (lambda s: 10.0 / s, lambda v: 10.0 / v, 1.7),
    "rsub": (lambda s: 1 - s, lambda v: 1 - v, 0.2),
    "clip": (lambda s: s.clip(-1, 1), lambda v: min(max(v, -1), 1), 0.4),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_value_and_gradient(name):
    build, reference, at = UNARY[name]
    assert build(ag.Scalar(at)).value == pytest.approx(reference(at)), f"expected {name}({at})"
    assert ag.gradcheck(build, ag.Scalar(at))


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu"])
def test_module_functions_take_scalars(name):
    x = ag.Scalar(0.6)
    y = getattr(ag, name)(x)
    assert isinstance(y, ag.Scalar), f"expected ag.{name}(Scalar) to return a Scalar"
    assert y.value == pytest.approx(getattr(ag.Scalar(0.6), name)().value)


def test_binary_ops_gradients():
    fns = [
        lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
        lambda a, b: ag.maximum(a, b), lambda a, b: ag.minimum(a, b),
    ]
    for fn in fns:
        assert ag.gradcheck(fn, ag.Scalar(0.7), ag.Scalar(-1.3))


def test_maximum_tie_splits_gradient():
    a, b = ag.Scalar(2.0), ag.Scalar(2.0)
    ag.maximum(a, b).backward()
    assert (a.grad, b.grad) == (0.5, 0.5), "expected a tie to split the gradient evenly"


def test_sigmoid_is_finite_for_huge_inputs():
    assert ag.Scalar(-1000.0).sigmoid().value == 0.0
    assert ag.Scalar(1000.0).sigmoid().value == 1.0


def test_in_place_forms_build_new_nodes():
    c = ag.Scalar(1.0)
    original = c
    c += c + 1
    assert c is not original and c.value == 3.0, "expected c += c + 1 to give a new node of 3"
    c.backward()
    assert original.grad == 2.0, "expected d(2c + 1)/dc = 2"


def test_cross_entropy_with_scalars():
    z = [ag.Scalar(v) for v in (1.0, 2.0, 0.5)]
    expz = [ag.exp(zi) for zi in z]
    loss = -ag.log(expz[0] / (expz[0] + expz[1] + expz[2]))
    loss.backward()
    softmax = np.exp([1.0, 2.0, 0.5]) / np.exp([1.0, 2.0, 0.5]).sum()
    np.testing.assert_allclose([zi.grad for zi in z], softmax - [1, 0, 0], rtol=1e-12,
                               err_msg="expected d CE / dz = softmax - onehot")


@pytest.mark.parametrize("bad", ["3.0", b"1", None, [1.0], object()])
def test_non_numeric_value_is_a_type_error(bad):
    with pytest.raises(TypeError, match="Scalar"):
        ag.Scalar(bad)


def test_numpy_numbers_are_accepted():
    assert ag.Scalar(np.float32(1.5)).value == 1.5
    assert ag.Scalar(np.array(2.0)).value == 2.0
    assert isinstance(ag.Scalar(np.int64(3)).value, float)


def test_axis_on_a_scalar_is_a_value_error():
    with pytest.raises(ValueError, match=r"axis=0"):
        ag.sum(ag.Scalar(1.0), axis=0)
    assert ag.sum(ag.Scalar(1.0)).value == 1.0


def test_scalar_exponent_must_be_a_number():
    with pytest.raises(TypeError, match="exponent"):
        ag.Scalar(2.0) ** ag.Scalar(3.0)


def test_log_of_non_positive_is_a_value_error():
    with pytest.raises(ValueError, match=r"-1\.0"):
        ag.Scalar(-1.0).log()


def test_lesson_style_scalar_op_plugs_in():
    def cube(x):
        out = ag.Scalar(x.value**3, op="cube", inputs=[x])

        def _backward():
            x.grad += 3 * x.value**2 * out.grad

        out._backward = _backward
        return out

    x = ag.Scalar(2.0)
    (cube(x) * 2).backward()
    assert x.grad == 24.0, "expected d(2 x^3)/dx = 6 x^2 = 24"


def test_optimizer_style_grad_reset():
    w = ag.Scalar(1.0)
    (w * 3).backward()
    w.grad = 0.0
    (w * 5).backward()
    assert w.grad == 5.0


@pytest.mark.parametrize("op", ["maximum", "minimum", "relu"])
@pytest.mark.parametrize("a, b", [(math.nan, 0.0), (1.0, math.nan), (math.nan, math.nan), (2.0, 2.0), (-1.0, 3.0)])
def test_scalar_ops_treat_nan_and_ties_as_the_tensor_ops(op, a, b):
    """One engine: a Scalar op gives the value and the gradients its Tensor op gives (PyTorch's rules)."""
    sa, sb, ta, tb = ag.Scalar(a), ag.Scalar(b), ag.Tensor(np.array(a)), ag.Tensor(np.array(b))
    out, expected = (sa.relu(), ag.relu(ta)) if op == "relu" else (getattr(sa, op)(sb), getattr(ag, op)(ta, tb))
    out.backward()
    expected.backward()
    np.testing.assert_array_equal(out.value, expected.value, err_msg=f"expected Scalar.{op}'s value as the Tensor op's")
    np.testing.assert_array_equal(sa.grad, ta.grad, err_msg=f"expected Scalar.{op}'s gradient of a as the Tensor op's")
    if op != "relu":
        np.testing.assert_array_equal(sb.grad, tb.grad, err_msg="expected the gradient of b as the Tensor op's")
