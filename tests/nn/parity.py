"""Helpers for checking nn modules against the same torch module (weights copied across)."""

import numpy as np
import pytest

import autograd as ag
from tests.helpers import assert_close, rng


def torch_state_dict(state_dict):
    """agrad's state_dict (NumPy arrays) as torch tensors, ready for torch's load_state_dict."""
    torch = pytest.importorskip("torch")
    return {key: torch.from_numpy(np.array(value)) for key, value in state_dict.items()}


def check_module_against_torch(module, torch_module, x, rtol=1e-7, atol=1e-10, seed=0, input_grad=True):
    """Copy ``module``'s weights into ``torch_module``, run both on x with one random upstream
    gradient, and compare the output, the input's gradient and every parameter's gradient."""
    torch = pytest.importorskip("torch")
    torch_module.load_state_dict(torch_state_dict(module.state_dict()))
    x_ag = ag.Tensor(np.array(x))
    out = module(x_ag)
    upstream = rng(seed).standard_normal(out.shape).astype(out.dtype)
    out.backward(upstream)

    x_torch = torch.tensor(np.array(x), requires_grad=input_grad)
    out_torch = torch_module(x_torch)
    out_torch.backward(torch.from_numpy(upstream))

    assert out.dtype == out_torch.detach().numpy().dtype, f"expected output dtype {out_torch.dtype}"
    assert_close(out, out_torch.detach().numpy(), f"{type(module).__name__} output vs torch", rtol, atol)
    if input_grad:
        assert_close(x_ag.grad, x_torch.grad.numpy(), "input gradient vs torch", rtol, atol)
    torch_grads = {name: p.grad for name, p in torch_module.named_parameters()}
    assert set(torch_grads) == {name for name, _ in module.named_parameters()}, "expected the same parameters"
    for name, p in module.named_parameters():
        assert_close(p.grad, torch_grads[name].numpy(), f"gradient of {name} vs torch", rtol, atol)
    return out, out_torch
