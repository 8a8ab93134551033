"""Bad input to every public function of ``autograd``: wrong types, shapes, axes, empty and 0-d
inputs and bad options. Each raises TypeError / ValueError / IndexError naming the function
(tests/bad_calls.py); where PyTorch accepts an input (an empty softmax axis, logsumexp over
nothing) the result is checked against it instead (bottom of the file)."""

import numpy as np
import pytest

import autograd as ag
from tests.bad_calls import bad, check_bad_call, numbered


def t(*shape, dtype=np.float64):
    return ag.Tensor(np.ones(shape, dtype))


X = t(2, 3)
NOT_NUMBERS = [None, "a", object(), {"a": 1}, [[1.0], [1.0, 2.0]], np.array(["a"]), 1j]

UNARY = {"exp": ag.exp, "log": ag.log, "sqrt": ag.sqrt, "abs": ag.abs, "tanh": ag.tanh,
         "sigmoid": ag.sigmoid, "relu": ag.relu, "neg": ag.neg}
BINARY = {"add": ag.add, "sub": ag.sub, "mul": ag.mul, "div": ag.div, "power": ag.power,
          "maximum": ag.maximum, "minimum": ag.minimum, "matmul": ag.matmul}
OPERATORS = {"add": (lambda a, b: a + b), "sub": (lambda a, b: a - b), "mul": (lambda a, b: a * b),
             "div": (lambda a, b: a / b), "power": (lambda a, b: a**b), "matmul": (lambda a, b: a @ b)}
REDUCTIONS = {"sum": ag.sum, "mean": ag.mean, "max": ag.max, "min": ag.min, "var": ag.var,
              "logsumexp": ag.logsumexp}
BAD_AXES = [(ValueError, 2), (ValueError, -3), (ValueError, "0"), (ValueError, 1.5), (ValueError, True),
            (ValueError, (0, 0)), (ValueError, (0, 5))]


def _type_cases():
    cases = []
    for name, fn in UNARY.items():
        cases += [bad(name, TypeError, lambda fn=fn, v=v: fn(v)) for v in NOT_NUMBERS]
    for name, fn in BINARY.items():
        cases += [bad(name, TypeError, lambda fn=fn, v=v: fn(X, v)) for v in NOT_NUMBERS]
        cases += [bad(name, TypeError, lambda fn=fn, v=v: fn(v, X)) for v in NOT_NUMBERS[:4]]
    for name, op in OPERATORS.items():
        cases += [bad(name, TypeError, lambda op=op, v=v: op(X, v)) for v in (None, "a", object())]
        cases += [bad(name, TypeError, lambda op=op, v=v: op(v, X)) for v in (None, "a")]
    for name, fn in {**REDUCTIONS, "softmax": ag.softmax, "log_softmax": ag.log_softmax,
                     "argmax": ag.argmax}.items():
        cases += [bad(name, TypeError, lambda fn=fn, v=v: fn(v)) for v in NOT_NUMBERS[:4]]
    for name in ("reshape", "transpose", "flatten", "squeeze", "getitem", "pad", "split", "clip",
                 "expand_dims", "broadcast_to", "swapaxes", "astype"):
        args = {"reshape": (6,), "flatten": (), "transpose": (), "squeeze": (), "getitem": (0,), "pad": (1,),
                "split": (1,), "clip": (0, 1), "expand_dims": (0,), "broadcast_to": ((2, 3),),
                "swapaxes": (0, 1), "astype": (np.float32,)}[name]
        fn = getattr(ag, name, None) or getattr(ag.ops.elementwise, name)
        cases += [bad(name, TypeError, lambda fn=fn, v=v, args=args: fn(v, *args)) for v in NOT_NUMBERS[:4]]
    return cases


def _shape_and_axis_cases():
    cases = []
    for name, fn in BINARY.items():
        if name != "matmul":
            cases.append(bad(name, ValueError, lambda fn=fn: fn(t(2, 3), t(4,))))
    cases += [
        bad("matmul", ValueError, lambda: ag.matmul(t(2, 3), t(2, 3))),
        bad("matmul", ValueError, lambda: ag.matmul(t(), t(3))),
        bad("matmul", ValueError, lambda: t(3) @ t(4)),
        bad("where", ValueError, lambda: ag.where(np.ones((2, 2), bool), t(3), t(3))),
    ]
    for name, fn in REDUCTIONS.items():
        cases += [bad(name, error, lambda fn=fn, a=a: fn(X, axis=a)) for error, a in BAD_AXES]
        cases.append(bad(name, TypeError, lambda fn=fn: fn(X, keepdims="yes")))
        cases.append(bad(name, ValueError, lambda fn=fn: fn(t(), axis=0)))
    for name, fn in {"softmax": ag.softmax, "log_softmax": ag.log_softmax}.items():
        cases += [bad(name, error, lambda fn=fn, a=a: fn(X, axis=a)) for error, a in BAD_AXES[:5]]
        cases.append(bad(name, ValueError, lambda fn=fn: fn(t(), axis=0)))
    cases += [bad("argmax", ValueError, lambda a=a: ag.argmax(X, axis=a)) for _, a in BAD_AXES[:5]]
    cases += [
        bad("argmax", TypeError, lambda: ag.argmax(X, axis=0, keepdims="yes")),
        bad("argmax", ValueError, lambda: ag.argmax(t(2, 0), axis=1)),
        bad("argmax", ValueError, lambda: ag.argmax(t(0))),
        bad("max", ValueError, lambda: ag.max(t(2, 0), axis=1)),
        bad("min", ValueError, lambda: ag.min(t(0))),
        bad("mean", ValueError, lambda: ag.mean(t(0))),
        bad("var", ValueError, lambda: ag.var(t(1), ddof=1)),
        bad("var", ValueError, lambda: ag.var(X, ddof=-1)),
        bad("var", TypeError, lambda: ag.var(X, ddof="1")),
        bad("var", TypeError, lambda: ag.var(X, ddof=0.5)),
    ]
    return cases


def _shape_op_cases():
    x = X
    return [
        bad("reshape", TypeError, lambda: ag.reshape(x, "23")),
        bad("reshape", TypeError, lambda: ag.reshape(x, (2.7, 3.2))),
        bad("reshape", TypeError, lambda: ag.reshape(x, (2.0, 3.0))),
        bad("reshape", TypeError, lambda: ag.reshape(x, (True, 6))),
        bad("reshape", TypeError, lambda: ag.reshape(x, None)),
        bad("reshape", TypeError, lambda: ag.reshape(x, 6.0)),
        bad("reshape", TypeError, lambda: x.reshape("23")),
        bad("reshape", ValueError, lambda: ag.reshape(x, (-2, 3))),
        bad("reshape", ValueError, lambda: ag.reshape(x, (-1, -1))),
        bad("reshape", ValueError, lambda: ag.reshape(x, (4, 4))),
        bad("reshape", ValueError, lambda: ag.reshape(x, np.ones((2, 2), int))),
        bad("broadcast_to", ValueError, lambda: ag.broadcast_to(x, (3, 3))),
        bad("broadcast_to", ValueError, lambda: ag.broadcast_to(x, (-1, 3))),
        bad("broadcast_to", TypeError, lambda: ag.broadcast_to(x, "23")),
        bad("transpose", ValueError, lambda: ag.transpose(x, (0, 0))),
        bad("transpose", ValueError, lambda: ag.transpose(x, (0, 2))),
        bad("transpose", ValueError, lambda: ag.transpose(x, ("a", 1))),
        bad("transpose", ValueError, lambda: ag.transpose(x, (0,))),
        bad("swapaxes", ValueError, lambda: ag.swapaxes(x, 0, 2)),
        bad("swapaxes", ValueError, lambda: ag.swapaxes(x, 0, "1")),
        bad("flatten", ValueError, lambda: ag.flatten(x, 1, 0)),
        bad("flatten", ValueError, lambda: ag.flatten(x, 5)),
        bad("squeeze", ValueError, lambda: ag.squeeze(x, 0)),
        bad("squeeze", ValueError, lambda: ag.squeeze(x, 4)),
        bad("expand_dims", ValueError, lambda: ag.expand_dims(x, 4)),
        bad("expand_dims", ValueError, lambda: ag.expand_dims(x, "0")),
        bad("getitem", IndexError, lambda: x[5]),
        bad("getitem", IndexError, lambda: x[0, 0, 0]),
        bad("getitem", IndexError, lambda: x["a"]),
        bad("getitem", IndexError, lambda: x[1.5]),
        bad("getitem", IndexError, lambda: x[np.array([True])]),
        bad("getitem", IndexError, lambda: t()[0]),
        bad("getitem", IndexError, lambda: ag.getitem(x, [0, 7])),
        bad("pad", ValueError, lambda: ag.pad(t(), 1)),
        bad("pad", ValueError, lambda: ag.pad(x, -1)),
        bad("pad", ValueError, lambda: ag.pad(x, 1.5)),
        bad("pad", ValueError, lambda: ag.pad(x, "1")),
        bad("pad", ValueError, lambda: ag.pad(x, ((1, 1),) * 3)),
        bad("pad", ValueError, lambda: ag.pad(x, 1, mode="reflect")),
        bad("pad", TypeError, lambda: ag.pad(x, 1, constant_values="a")),
        bad("concatenate", ValueError, lambda: ag.concatenate([])),
        bad("concatenate", ValueError, lambda: ag.concatenate([t(2, 3), t(2, 4)])),
        bad("concatenate", ValueError, lambda: ag.concatenate([x, x], axis=2)),
        bad("concatenate", ValueError, lambda: ag.concatenate([t(), t()])),
        bad("concatenate", TypeError, lambda: ag.concatenate(x)),
        bad("concatenate", TypeError, lambda: ag.concatenate([x, None])),
        bad("concatenate", TypeError, lambda: ag.concatenate(None)),
        bad("stack", ValueError, lambda: ag.stack([])),
        bad("stack", ValueError, lambda: ag.stack([t(2), t(3)])),
        bad("stack", ValueError, lambda: ag.stack([x, x], axis=3)),
        bad("stack", TypeError, lambda: ag.stack([x, "a"])),
        bad("stack", TypeError, lambda: ag.stack(x)),
        bad("split", TypeError, lambda: ag.split(x, 2.5)),
        bad("split", TypeError, lambda: ag.split(x, "2")),
        bad("split", TypeError, lambda: ag.split(x, [1.5])),
        bad("split", TypeError, lambda: ag.split(x, None)),
        bad("split", ValueError, lambda: ag.split(x, 0)),
        bad("split", ValueError, lambda: ag.split(x, 3)),
        bad("split", ValueError, lambda: ag.split(x, [1, 0])),
        bad("split", ValueError, lambda: ag.split(x, [5])),
        bad("split", ValueError, lambda: ag.split(x, 1, axis=2)),
        bad("split", ValueError, lambda: ag.split(t(), 1)),
    ]


def _option_cases():
    x = X
    return [
        bad("clip", TypeError, lambda: ag.clip(x, min="a")),
        bad("clip", TypeError, lambda: ag.clip(x, max=object())),
        bad("clip", TypeError, lambda: x.clip(min=[1, "a"])),
        bad("clip", ValueError, lambda: ag.clip(x)),
        bad("clip", ValueError, lambda: ag.clip(x, min=np.zeros(4))),
        bad("clip", ValueError, lambda: ag.clip(x, min=np.zeros((3, 2, 3)))),
        bad("where", TypeError, lambda: ag.where("yes", x, -x)),
        bad("where", TypeError, lambda: ag.where(None, x, -x)),
        bad("where", TypeError, lambda: ag.where(x > 0, x, "a")),
        bad("where", TypeError, lambda: ag.where(x > 0, None, x)),
        bad("astype", TypeError, lambda: x.astype("foo")),
        bad("astype", TypeError, lambda: x.astype(object)),
        bad("astype", TypeError, lambda: x.astype(str)),
        bad("Tensor", TypeError, lambda: ag.Tensor("a")),
        bad("Tensor", TypeError, lambda: ag.Tensor(None)),
        bad("Tensor", TypeError, lambda: ag.Tensor([[1], [1, 2]])),
        bad("Tensor", TypeError, lambda: ag.Tensor(np.array([None]))),
        bad("Tensor", TypeError, lambda: ag.Tensor(1.0, inputs=[1.0])),
        bad("Tensor.grad", ValueError, lambda: setattr(t(2), "grad", np.ones(3))),
        bad("Tensor.data", TypeError, lambda: setattr(t(2), "data", "ab")),
        bad("item", ValueError, lambda: x.item()),
        bad("backward", ValueError, lambda: ag.Tensor(np.ones(3)).exp().backward()),
        bad("backward", ValueError, lambda: ag.Tensor(np.ones(3)).exp().backward(np.ones(2))),
        bad("backward", ValueError, lambda: ag.Tensor(np.ones(3), requires_grad=False).sum().backward()),
        bad("unbroadcast", ValueError, lambda: ag.unbroadcast(np.ones((2, 3)), (4,))),
        bad("unbroadcast", ValueError, lambda: ag.unbroadcast(np.ones(3), (2, 3))),
        bad("gradcheck", TypeError, lambda: ag.gradcheck(ag.exp, "x")),
        bad("gradcheck", TypeError, lambda: ag.gradcheck(None, t(2))),
        bad("gradcheck", ValueError, lambda: ag.gradcheck(ag.exp)),
        bad("backward", TypeError, lambda: t(2).exp().sum().backward("a")),
        bad("backward", TypeError, lambda: t(2).exp().sum().backward(object())),
        bad("Tensor.__setitem__", TypeError, lambda: t(2).__setitem__(0, "a")),
        bad("Tensor <", TypeError, lambda: t(2) < "a"),
        bad("Tensor >=", TypeError, lambda: t(2) >= None),
        bad("Scalar.clip", TypeError, lambda: ag.Scalar(1.0).clip("a")),
        bad("Scalar.clip", TypeError, lambda: ag.clip(ag.Scalar(1.0), max=[1])),
        bad("Scalar", TypeError, lambda: ag.Scalar("a")),
        bad("Scalar", TypeError, lambda: ag.Scalar(1.0) + "a"),
        bad("Scalar", TypeError, lambda: ag.Scalar(1.0) * None),
        bad("Scalar", TypeError, lambda: ag.Scalar(1.0) ** "x"),
        bad("Scalar.log", ValueError, lambda: ag.Scalar(-1.0).log()),
        bad("sum", ValueError, lambda: ag.sum(ag.Scalar(1.0), axis=0)),
        bad("draw_graph", TypeError, lambda: ag.draw_graph("x")),
    ]


def _conv_pool_cases():
    """conv2d, the pools, unfold and fold."""
    img, w = t(1, 1, 4, 4), t(1, 1, 3, 3)
    return [
        bad("conv2d", TypeError, lambda: ag.conv2d("x", w)),
        bad("conv2d", TypeError, lambda: ag.conv2d(img, None)),
        bad("conv2d", TypeError, lambda: ag.conv2d(img, w, bias="b")),
        bad("conv2d", ValueError, lambda: ag.conv2d(t(1, 4, 4), w)),
        bad("conv2d", ValueError, lambda: ag.conv2d(img, t(1, 2, 3, 3))),
        bad("conv2d", ValueError, lambda: ag.conv2d(img, t(1, 1, 5, 5))),
        bad("conv2d", ValueError, lambda: ag.conv2d(img, w, stride=0)),
        bad("conv2d", ValueError, lambda: ag.conv2d(img, w, stride=1.5)),
        bad("conv2d", ValueError, lambda: ag.conv2d(img, w, padding=-1)),
        bad("conv2d", ValueError, lambda: ag.conv2d(img, w, padding="full")),
        bad("conv2d", ValueError, lambda: ag.conv2d(img, w, dilation=0)),
        bad("conv2d", ValueError, lambda: ag.conv2d(img, w, groups=2)),
        bad("conv2d", ValueError, lambda: ag.conv2d(img, w, bias=t(2))),
        # no filters: PyTorch refuses ("expected weight to be at least 1 at dimension 0")
        bad("conv2d", ValueError, lambda: ag.conv2d(img, t(0, 1, 3, 3))),
        bad("conv2d", ValueError, lambda: ag.conv2d(t(2, 2, 4, 4), t(0, 1, 3, 3), groups=2)),
        # an input of zero width padded to a non-empty one: PyTorch refuses ("Only zero batch or
        # zero channel inputs are supported"), and so does agrad's forward
        bad("conv2d", ValueError, lambda: ag.conv2d(t(1, 1, 4, 0), t(1, 1, 1, 2), padding=(0, 1))),
        bad("max_pool2d", TypeError, lambda: ag.max_pool2d("x", 2)),
        bad("max_pool2d", ValueError, lambda: ag.max_pool2d(t(4, 4), 2)),
        bad("max_pool2d", ValueError, lambda: ag.max_pool2d(img, 0)),
        bad("max_pool2d", ValueError, lambda: ag.max_pool2d(img, 5)),
        bad("max_pool2d", ValueError, lambda: ag.max_pool2d(img, 2, padding=2)),
        bad("max_pool2d", ValueError, lambda: ag.max_pool2d(img, 2, stride="1")),
        bad("avg_pool2d", TypeError, lambda: ag.avg_pool2d(None, 2)),
        bad("avg_pool2d", ValueError, lambda: ag.avg_pool2d(t(4, 4), 2)),
        bad("avg_pool2d", ValueError, lambda: ag.avg_pool2d(img, (2, 2, 2))),
        bad("avg_pool2d", ValueError, lambda: ag.avg_pool2d(img, 2, padding=-1)),
        bad("unfold", TypeError, lambda: ag.unfold("x", 2)),
        bad("unfold", ValueError, lambda: ag.unfold(t(4, 4), 2)),
        bad("unfold", ValueError, lambda: ag.unfold(img, 0)),
        bad("unfold", ValueError, lambda: ag.unfold(img, 5)),
        bad("fold", TypeError, lambda: ag.fold("x", (4, 4), 2)),
        bad("fold", ValueError, lambda: ag.fold(t(1, 4, 8), (4, 4), 2)),
        bad("fold", ValueError, lambda: ag.fold(t(1, 3, 9), (4, 4), 2)),
        bad("fold", ValueError, lambda: ag.fold(t(1, 4, 9), (4, 4), 0)),
        bad("fold", ValueError, lambda: ag.fold(t(4, 9), (4, 4), 2)),
    ]


CASES = numbered(_type_cases() + _shape_and_axis_cases() + _shape_op_cases() + _option_cases()
                 + _conv_pool_cases(), "autograd")


@pytest.mark.parametrize("where, error, call", CASES)
def test_bad_call_names_the_function(where, error, call):
    check_bad_call(where, error, call)


def test_the_battery_is_large():
    assert len(CASES) >= 400, f"expected at least 400 bad calls in the autograd battery, got {len(CASES)}"


# -- where PyTorch accepts the input, agrad gives PyTorch's answer ------------------------------------
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_over_an_empty_axis_is_empty(fn):
    torch = pytest.importorskip("torch")
    x = ag.Tensor(np.ones((2, 0)))
    out = getattr(ag, fn)(x, axis=1)
    expected = getattr(torch, fn)(torch.ones(2, 0, dtype=torch.float64), 1)
    assert out.shape == tuple(expected.shape) == (2, 0), f"expected an empty {fn} as torch, got {out.shape}"
    out.sum().backward()
    assert x.grad.shape == (2, 0), "expected an empty gradient"


def test_logsumexp_over_nothing_is_minus_infinity():
    torch = pytest.importorskip("torch")
    out = ag.logsumexp(ag.Tensor(np.ones((2, 0))), axis=1)
    expected = torch.logsumexp(torch.ones(2, 0, dtype=torch.float64), 1).numpy()
    np.testing.assert_array_equal(out.value, expected, err_msg="expected -inf per row, as torch")
    assert ag.logsumexp(ag.Tensor(np.ones(0))).item() == -np.inf, "expected -inf for an empty vector"


def test_argmax_over_a_non_empty_axis_of_an_empty_tensor_is_empty():
    assert ag.argmax(ag.Tensor(np.ones((0, 3))), axis=1).shape == (0,), "expected an empty result as torch"


@pytest.mark.parametrize("fn", ["exp", "log", "sqrt", "tanh", "sigmoid", "softmax", "log_softmax", "logsumexp"])
@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.uint8, np.int16])
def test_functions_of_bool_and_small_int_data_give_float32_as_torch(fn, dtype):
    """torch gives float32 for these (its softmax family refuses integers: compared on floats there);
    NumPy alone would give float16 for bool and 8-bit data."""
    torch = pytest.importorskip("torch")
    values = np.array([[1, 1, 1]] if dtype == np.bool_ else [[1, 2, 3]], dtype)
    out = getattr(ag, fn)(values)
    reference = torch.from_numpy(values)
    if fn in ("softmax", "log_softmax", "logsumexp"):
        expected = getattr(torch, fn)(reference.float() if fn != "logsumexp" else reference, 1)
    else:
        expected = getattr(torch, fn)(reference)
    assert out.dtype == np.float32 and expected.dtype == torch.float32, (
        f"expected {fn} of {np.dtype(dtype)} to be float32 (torch: {expected.dtype}), got {out.dtype}")
    np.testing.assert_allclose(out.value, expected.numpy(), rtol=1e-6, err_msg=f"expected torch's {fn} values")


@pytest.mark.parametrize("op, call", [
    ("conv2d", lambda x: ag.conv2d(x, ag.Tensor(np.ones((2, 1, 3, 3))), padding=1)),
    ("max_pool2d", lambda x: ag.max_pool2d(x, 2)),
    ("avg_pool2d", lambda x: ag.avg_pool2d(x, 2)),
    ("unfold", lambda x: ag.unfold(x, 2)),
])
def test_an_empty_batch_gives_an_empty_result_as_torch(op, call):
    x = ag.Tensor(np.ones((0, 1, 4, 4)))
    out = call(x)
    assert out.shape[0] == 0, f"expected {op} of an empty batch to be empty (as torch), got {out.shape}"
    out.sum().backward()
    assert x.grad.shape == x.shape, f"expected {op}'s empty gradient"


def test_conv2d_with_no_input_channels_has_a_gradient():
    """A (1, 0, 4, 4) input: the output is the bias (zeros: an empty sum), dW is empty. (PyTorch
    returns a (1, 0, 2, 2) output here, dropping the output channel.)"""
    x, w = ag.Tensor(np.ones((1, 0, 4, 4))), ag.Tensor(np.ones((1, 0, 3, 3)))
    ag.conv2d(x, w).sum().backward()
    assert x.grad.shape == x.shape and w.grad.shape == w.shape, "expected empty gradients"


def test_where_takes_a_numeric_condition_as_nonzero():
    out = ag.where(np.array([2, 0, -1]), ag.Tensor(np.ones(3)), ag.Tensor(np.zeros(3)))
    np.testing.assert_array_equal(out.value, [1, 0, 1], err_msg="expected nonzero conditions to hold")


def test_right_input_still_works():
    """The checks refuse only what is wrong: the forms that were accepted before still are."""
    x = ag.Tensor(np.arange(6.0))
    assert ag.reshape(x, (2, -1)).shape == (2, 3) and x.reshape(3, 2).shape == (3, 2), "expected reshape"
    assert ag.reshape(x, np.array([2, 3])).shape == (2, 3), "expected an int array as a shape"
    assert [p.shape for p in ag.split(x, [2, 2, 5])] == [(2,), (0,), (3,), (1,)], "expected np.split's pieces"
    assert ag.clip(x.astype(np.float32), min=1.5).dtype == np.float32, "expected a number bound to keep float32"
    np.testing.assert_array_equal(ag.clip(x, np.zeros(6), ag.Tensor(np.full(6, 2.0))).value,
                                  [0, 1, 2, 2, 2, 2], err_msg="expected array and Tensor bounds")
    assert ag.pad(x, 1, constant_values=np.float64(2)).value[0] == 2, "expected a NumPy scalar fill"
    assert ag.flatten(ag.Tensor(np.ones((0, 4, 5))), 1).shape == (0, 20), "expected torch's (0, 20)"
